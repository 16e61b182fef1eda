// panels.h — one function per panel; each draws from and into AppState and records its rectangle.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app_state.h"

namespace cs::app {

// Call right after ImGui::Begin of a panel: stores the window rectangle under `id` for the hook.
void record_panel_rect(AppState& state, const char* id);

// Call right after a widget: stores ImGui's last item rectangle under `id` ("home.button").
void record_item_rect(AppState& state, const char* id);
// Stores `r` under `id` for this frame (no allocation when the id was seen before).
void set_item_rect(AppState& state, std::string_view id, const PanelRect& r);

// ImGui::BeginTabItem for tab `index` of a panel: remembers it in *open_tab when it is the open one, and
// selects it when setState asked for it (*request == index; cleared once the tab shows).
bool begin_tab_item(const char* label, int index, int* open_tab, int* request);

void draw_home_panel(AppState& state);

// Each group of panels: draw, View-menu entries, its part of state() and of setState().
// *_set_state gets a copy of the state and the whole partial JSON; it returns "" or the error in words.
void draw_lesson_panels(AppState& state);
void lesson_menu_items(AppState& state);
void lesson_state_json(const AppState& state, nlohmann::json& out);
std::string lesson_set_state(AppState& next, const nlohmann::json& partial);
// The bundled digits and DigitNet's weights have just arrived (app_lab_assets): the digit preset and
// the learned kernels take them now.
void lesson_assets_arrived(AppState& state);

void draw_digit_lab_panels(AppState& state);
void digit_lab_menu_items(AppState& state);
void digit_lab_state_json(const AppState& state, nlohmann::json& out);
std::string digit_lab_set_state(AppState& next, const nlohmann::json& partial);
// The lab's digits and weights have just arrived (app_lab_assets): an open session takes them now.
void digit_lab_assets_arrived(AppState& state);
// A .safetensors file is in the inbox (app_open_file): the lab loads it into DigitNet now, or as soon
// as the digit model has arrived, and says in a notice which weights it uses or why it refused them.
void digit_lab_weights_arrived(AppState& state);

}  // namespace cs::app
