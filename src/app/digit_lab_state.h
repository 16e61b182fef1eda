// digit_lab_state.h — UI state of the digit lab (draw pad, prediction, activations, SE weights, training).
#pragma once

namespace cs::app {

struct DigitLabState {
  bool show_draw_pad = true;
  bool show_prediction = true;
  bool show_activations = false;
  bool show_se_weights = false;
  bool show_training = false;
};

}  // namespace cs::app
