// panels.h — one function per panel; each draws from and into AppState and records its rectangle.
#pragma once
#include "app_state.h"

namespace cs::app {

// Call right after ImGui::Begin of a panel: stores the window rectangle under `id` for the hook.
void record_panel_rect(AppState& state, const char* id);

// Call right after a widget: stores ImGui's last item rectangle under `id` ("home.button").
void record_item_rect(AppState& state, const char* id);

void draw_home_panel(AppState& state);

}  // namespace cs::app
