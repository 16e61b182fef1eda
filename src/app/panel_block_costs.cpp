// panel_block_costs.cpp — the block-costs panel (id "block-costs"): the student sets C, H, W and K;
// the engine builds a standard conv, a depthwise-separable pair, an MBConv and a ConvNeXt block, and
// two classifier heads, runs each once and counts; bars show each against the first of its group.
#include <algorithm>
#include <cstdio>

#include "app_services.h"
#include "blocks_panels.h"
#include "imgui.h"
#include "number_text.h"

namespace cs::app {

namespace {

bool same_query(const cs::BlockCostQuery& a, const cs::BlockCostQuery& b) {
  return a.channels == b.channels && a.height == b.height && a.width == b.width && a.kernel == b.kernel &&
         a.classes == b.classes;
}

S row_title(const std::string& id) {
  if (id == "standard") return S::block_costs_standard;
  if (id == "separable") return S::block_costs_separable;
  if (id == "mbconv") return S::block_costs_mbconv;
  if (id == "convnext") return S::block_costs_convnext;
  if (id == "flatten_head") return S::block_costs_flatten_head;
  return S::block_costs_gap_head;
}

// Each row's bars are scaled to the largest of its group, so a ratio above 1 still fits.
void draw_rows(AppState& state, const std::vector<cs::BlockCostRow>& rows) {
  double max_p = 0, max_m = 0;
  for (const auto& r : rows) {
    max_p = std::max(max_p, r.params_ratio);
    max_m = std::max(max_m, r.macs_ratio);
  }
  char text[160];
  for (const auto& r : rows) {
    ImGui::PushID(r.id.c_str());
    ImGui::TextWrapped("%s", tr(row_title(r.id)));
    std::snprintf(text, sizeof text, tr(S::block_costs_params_bar), grouped_count(r.params).c_str(), r.params_ratio);
    ImGui::ProgressBar(max_p > 0 ? static_cast<float>(r.params_ratio / max_p) : 0.0f, ImVec2(-1, 0), text);
    record_item_rect(state, ("block-costs." + r.id + ".params").c_str());
    std::snprintf(text, sizeof text, tr(S::block_costs_macs_bar), grouped_count(r.macs).c_str(), r.macs_ratio);
    ImGui::ProgressBar(max_m > 0 ? static_cast<float>(r.macs_ratio / max_m) : 0.0f, ImVec2(-1, 0), text);
    record_item_rect(state, ("block-costs." + r.id + ".macs").c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped(tr(S::block_costs_layers), r.layers.c_str());
    ImGui::PopStyleColor();
    ImGui::Spacing();
    ImGui::PopID();
  }
}

// A slider whose new value is asked of the engine when the finger or mouse lets go: each answer runs
// the blocks once, too slow to repeat on every frame of a drag.
bool slider(AppState& state, S label, const char* id, int* v, int lo, int hi) {
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x * 0.6f, ImGui::GetFontSize() * 14));
  ImGui::SliderInt(tr_label(label), v, lo, hi);
  record_item_rect(state, (std::string("block-costs.") + id).c_str());
  return ImGui::IsItemDeactivatedAfterEdit();
}

}  // namespace

void block_costs_refresh(BlockCostsPanelState& s) {
  if (s.computed && same_query(s.answered, s.query)) return;
  s.computed = true;
  s.answered = s.query;
  auto r = cs::compare_block_costs(s.query);
  if (r) {
    s.result = std::move(r.value());
    s.error.clear();
  } else {
    s.result = cs::BlockCostComparison{};
    s.error = r.message();
  }
}

void draw_block_costs_panel(AppState& state) {
  if (!ImGui::Begin(tr_label(S::block_costs_title), &state.block_costs.show)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "block-costs");
  BlockCostsPanelState& s = state.block_costs;
  ImGui::TextWrapped("%s", tr(S::block_costs_intro));
  bool ask = !s.computed;
  ask |= slider(state, S::block_costs_channels, "channels", &s.query.channels, 1, cs::kBlockCostMaxChannels);
  ask |= slider(state, S::block_costs_height, "height", &s.query.height, 1, cs::kBlockCostMaxSide);
  ask |= slider(state, S::block_costs_width, "width", &s.query.width, 1, cs::kBlockCostMaxSide);
  ask |= slider(state, S::block_costs_kernel, "kernel", &s.query.kernel, 1, cs::kBlockCostMaxKernel);
  if (ask) block_costs_refresh(s);
  ImGui::Separator();
  if (!s.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.55f, 0.45f, 1.0f));
    ImGui::TextWrapped(tr(S::block_costs_error), s.error.c_str());
    ImGui::PopStyleColor();
    ImGui::End();
    return;
  }
  const cs::BlockCostComparison& r = s.result;
  if (!same_query(s.answered, s.query)) ImGui::BeginDisabled();  // the answer shown is for the old values
  draw_rows(state, r.blocks);
  ImGui::TextWrapped(tr(S::block_costs_separable_rule), r.separable_exact, r.separable_rounded);
  ImGui::Separator();
  ImGui::TextUnformatted(tr(S::block_costs_heads_title));
  ImGui::TextWrapped(tr(S::block_costs_heads_intro), r.query.classes);
  draw_rows(state, r.heads);
  if (r.heads.size() == 2) ImGui::TextWrapped(tr(S::block_costs_heads_rule), r.heads[1].params_ratio);
  if (!same_query(s.answered, s.query)) ImGui::EndDisabled();
  ImGui::End();
}

void block_costs_state_json(const AppState& state, nlohmann::json& out) {
  BlockCostsPanelState s = state.block_costs;  // a copy: state() asks the engine if the panel has not
  block_costs_refresh(s);
  const auto rows = [](const std::vector<cs::BlockCostRow>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : v)
      a.push_back({{"id", r.id}, {"layers", r.layers}, {"output", r.output}, {"params", r.params},
                   {"macs", r.macs}, {"params_ratio", r.params_ratio}, {"macs_ratio", r.macs_ratio}});
    return a;
  };
  out["block_costs"] = {
      {"visible", state.block_costs.show},
      {"channels", s.query.channels},
      {"height", s.query.height},
      {"width", s.query.width},
      {"kernel", s.query.kernel},
      {"classes", s.query.classes},
      {"error", s.error},
      {"blocks", rows(s.result.blocks)},
      {"heads", rows(s.result.heads)},
      {"separable_exact", s.result.separable_exact},
      {"separable_rounded", s.result.separable_rounded},
  };
}

std::string block_costs_set_state(AppState& next, const nlohmann::json& partial) {
  if (!partial.contains("block_costs")) return "";
  const nlohmann::json& b = partial["block_costs"];
  if (!b.is_object()) return cs::fmt(tr(S::api_expects_object), "block_costs");
  BlockCostsPanelState& s = next.block_costs;
  if (b.contains("visible")) {
    if (!b["visible"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "block_costs.visible");
    s.show = b["visible"].get<bool>();
  }
  const struct {
    const char* key;
    int* field;
  } fields[] = {{"channels", &s.query.channels}, {"height", &s.query.height}, {"width", &s.query.width},
                {"kernel", &s.query.kernel}, {"classes", &s.query.classes}};
  for (const auto& f : fields) {
    if (!b.contains(f.key)) continue;
    const nlohmann::json& v = b[f.key];
    const std::string name = std::string("block_costs.") + f.key;
    if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
      return cs::fmt(tr(S::state_not_integer), name.c_str());
    *f.field = v.get<int>();
  }
  block_costs_refresh(s);
  return s.error.empty() ? "" : "block_costs: " + s.error;
}

}  // namespace cs::app
