// item_registry.cpp — where the panels and widgets were drawn this frame, by name, for the browser
// test hook (window.ConvScope.panels() / items()): record_panel_rect, record_item_rect and their JSON.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "app.h"
#include "app_services.h"
#include "imgui.h"

namespace cs::app {

void set_item_rect(AppState& state, std::string_view id, const PanelRect& whole) {
  // items() names where the widget can be clicked: its part inside the window's (or scrolling area's)
  // clip rectangle. A widget scrolled out of sight is not named in this frame.
  const ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
  const float x0 = std::max(whole.x, lo.x), y0 = std::max(whole.y, lo.y);
  const float x1 = std::min(whole.x + whole.width, hi.x), y1 = std::min(whole.y + whole.height, hi.y);
  if (x1 <= x0 || y1 <= y0) return;
  const PanelRect r{x0, y0, x1 - x0, y1 - y0};
  auto it = state.item_rects.find(id);
  if (it == state.item_rects.end()) it = state.item_rects.emplace(std::string(id), AppState::ItemRect{}).first;
  it->second.rect = r;
  it->second.frame = state.frame;
}

void record_panel_rect(AppState& state, const char* id) {
  ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  state.panel_rects[id] = PanelRect{p.x, p.y, s.x, s.y};
  // Which panel has the keyboard (Ctrl+Tab moves it): items() names it "focus:<id>" for keyboard-only tests.
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows))
    set_item_rect(state, std::string("focus:") + id, PanelRect{p.x, p.y, s.x, s.y});
}


void record_item_rect(AppState& state, const char* id) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  set_item_rect(state, id, PanelRect{a.x, a.y, b.x - a.x, b.y - a.y});
  // The widget under the keyboard-navigation cursor is named too ("focus:<id>"), for keyboard-only tests.
  if (ImGui::IsItemFocused()) set_item_rect(state, std::string("focus:") + id, PanelRect{a.x, a.y, b.x - a.x, b.y - a.y});
}

std::string app_panels_json(const AppState& state) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [id, r] : state.panel_rects)
    j[id] = {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
  return j.dump();
}

std::string app_items_json(const AppState& state) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [id, item] : state.item_rects) {
    if (item.frame != state.frame) continue;  // not drawn in the last frame
    const PanelRect& r = item.rect;
    j[id] = {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
  }
  return j.dump();
}

}  // namespace cs::app
