// blocks_workspace.cpp — the blocks workspace as a group: where its three panels go (two columns on a
// desktop, behind tabs on phones and tablets), its View-menu entries, and its parts of state() and
// setState(). The panels themselves are panel_blocks.cpp, panel_block_costs.cpp and panel_ab_lab.cpp.
#include <algorithm>
#include <cmath>

#include "blocks_panels.h"
#include "imgui.h"
#include "panels.h"
#include "touch_ui.h"

namespace cs::app {

namespace {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

// Desktop: the blocks panel on the left, full height (its diagram and table are long); on the right
// the training lab above the cost comparison.
void desktop_rects(float display_w, float display_h, float top, Rect* blocks, Rect* costs, Rect* ab_lab) {
  const float h = std::max(100.0f, display_h - top);
  const float left = std::max(320.0f, display_w * 0.5f);
  const float right = std::max(200.0f, display_w - left);
  const float lab_h = std::floor(h * 0.62f);
  *blocks = {0, top, left, h};
  *ab_lab = {left, top, right, lab_h};
  *costs = {left, top + lab_h, right, h - lab_h};
}

void place(const Rect& r) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
}

}  // namespace

void draw_blocks_workspace(AppState& state) {
  auto& L = state.blocks_layout;
  const bool touch = touch_layout_active(state);
  const bool first = !L.done || L.scale != state.ui_scale || (L.touch && !touch);
  L.done = true;
  L.scale = state.ui_scale;
  L.touch = touch;
  static const char* const kIds[] = {"blocks", "block-costs", "ab-lab"};
  static const S kTitles[] = {S::blocks_title, S::block_costs_title, S::ab_title};
  TouchPanes panes;
  if (touch) panes = touch_tabs(state, {kIds, kTitles, 3, &state.device.blocks_tab, &state.device.blocks_side_tab});
  Rect blocks_rect, costs_rect, ab_lab_rect;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  desktop_rects(display.x, display.y, ImGui::GetFrameHeight(), &blocks_rect, &costs_rect, &ab_lab_rect);
  // Training runs whether or not its panel is the one shown (a phone's other tab, a closed window).
  ab_lab_frame(state);
  auto shown = [&](const char* id, bool* show, const Rect& r) {
    if (touch) return touch_place(panes, id, show);
    if (*show && first) place(r);
    return *show;
  };
  if (shown("blocks", &state.blocks.show, blocks_rect)) draw_blocks_panel(state);
  if (shown("block-costs", &state.block_costs.show, costs_rect)) draw_block_costs_panel(state);
  if (shown("ab-lab", &state.ab_lab.show, ab_lab_rect)) draw_ab_lab_panel(state);
}

void blocks_workspace_menu_items(AppState& state) {
  ImGui::MenuItem(tr_label(S::app_blocks), nullptr, &state.blocks.show);
  ImGui::MenuItem(tr_label(S::block_costs_menu), nullptr, &state.block_costs.show);
  ImGui::MenuItem(tr_label(S::ab_menu), nullptr, &state.ab_lab.show);
  if (ImGui::MenuItem(tr_label(S::blocks_reset_layout))) state.blocks_layout.done = false;
}

void blocks_workspace_state_json(const AppState& state, nlohmann::json& out) {
  blocks_state_json(state, out);
  block_costs_state_json(state, out);
  ab_lab_state_json(state, out);
}

std::string blocks_workspace_set_state(AppState& next, const nlohmann::json& partial) {
  std::string err = blocks_set_state(next, partial);
  if (err.empty()) err = block_costs_set_state(next, partial);
  if (err.empty()) err = ab_lab_set_state(next, partial);
  return err;
}

}  // namespace cs::app
