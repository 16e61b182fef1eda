// digit_lab.cpp — the digit lab as a group: View-menu entries, state() and setState() parts.
#include "panels.h"

#include "imgui.h"

namespace cs::app {

void draw_digit_lab_panels(AppState& state) { (void)state; }

void digit_lab_menu_items(AppState& state) {
  ImGui::MenuItem("Draw a digit", nullptr, &state.lab.show_draw_pad);
  ImGui::MenuItem("Prediction", nullptr, &state.lab.show_prediction);
  ImGui::MenuItem("Activations", nullptr, &state.lab.show_activations);
  ImGui::MenuItem("SE weights", nullptr, &state.lab.show_se_weights);
  ImGui::MenuItem("Training", nullptr, &state.lab.show_training);
}

void digit_lab_state_json(const AppState& state, nlohmann::json& out) { (void)state; (void)out; }

std::string digit_lab_set_state(AppState& next, const nlohmann::json& partial) {
  (void)next;
  (void)partial;
  return "";
}

}  // namespace cs::app
