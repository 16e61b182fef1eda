// panel_ab_lab.cpp — the A/B training lab: two small CNNs trained on identical batches, one step of
// each per tick, their curves on one time axis.
#include "app_services.h"
#include "blocks_panels.h"
#include "imgui.h"

namespace cs::app {

void draw_ab_lab_panel(AppState& state) {
  if (!ImGui::Begin(tr_label(S::ab_lab_title), &state.ab_lab.show)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "ab-lab");
  ImGui::TextWrapped("%s", tr(S::ab_lab_intro));
  ImGui::End();
}

void ab_lab_state_json(const AppState& state, nlohmann::json& out) {
  out["ab_lab"] = {{"visible", state.ab_lab.show}};
}

std::string ab_lab_set_state(AppState& next, const nlohmann::json& partial) {
  if (!partial.contains("ab_lab")) return "";
  const nlohmann::json& a = partial["ab_lab"];
  if (!a.is_object()) return cs::fmt(tr(S::api_expects_object), "ab_lab");
  if (a.contains("visible")) {
    if (!a["visible"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "ab_lab.visible");
    next.ab_lab.show = a["visible"].get<bool>();
  }
  return "";
}

}  // namespace cs::app
