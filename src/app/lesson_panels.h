// lesson_panels.h — the three lesson panels, each drawing from and into AppState::lessons.
#pragma once
#include "app_state.h"

namespace cs::app {

void draw_stepper_panel(AppState& state);      // panel_stepper.cpp, panel id "stepper"
// The stepper's choices in the UI language (the model's names stay the state's and the link's words).
const char* conv_mode_text(ConvMode m);
const char* input_preset_text(InputPreset p);
const char* kernel_preset_text(KernelPreset p);
void draw_output_size_panel(AppState& state);  // panel_output_size.cpp, panel id "output-size"
void draw_im2col_panel(AppState& state);       // panel_im2col.cpp, panel id "im2col"

}  // namespace cs::app
