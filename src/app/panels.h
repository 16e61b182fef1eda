// panels.h — the workspaces as app.cpp and its rooms see them: one function per panel or group, each
// drawing from and into AppState and recording its rectangle (app_services.h, included here).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app_services.h"
#include "app_state.h"

namespace cs::app {

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

// The blocks workspace (blocks_workspace.cpp): the blocks panel and the block-costs comparison.
void draw_blocks_workspace(AppState& state);
void blocks_workspace_menu_items(AppState& state);
void blocks_workspace_state_json(const AppState& state, nlohmann::json& out);
std::string blocks_workspace_set_state(AppState& next, const nlohmann::json& partial);

}  // namespace cs::app
