// lessons.cpp — the convolution lessons as a group: View-menu entries, state() and setState() parts.
// The panels themselves live in panel_stepper.cpp, panel_output_size.cpp and panel_im2col.cpp.
#include "panels.h"

#include "imgui.h"

namespace cs::app {

void draw_lesson_panels(AppState& state) { (void)state; }

void lesson_menu_items(AppState& state) {
  ImGui::MenuItem("Kernel stepper", nullptr, &state.lessons.show_stepper);
  ImGui::MenuItem("Output size", nullptr, &state.lessons.show_output_size);
  ImGui::MenuItem("im2col", nullptr, &state.lessons.show_im2col);
}

void lesson_state_json(const AppState& state, nlohmann::json& out) { (void)state; (void)out; }

std::string lesson_set_state(AppState& next, const nlohmann::json& partial) {
  (void)next;
  (void)partial;
  return "";
}

}  // namespace cs::app
