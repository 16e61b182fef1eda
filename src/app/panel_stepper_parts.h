// panel_stepper_parts.h — the kernel stepper panel's parts, for its own files only: the controls
// (panel_stepper_controls.cpp) and the grids (panel_stepper_grids.cpp); the transport, the keys,
// the arithmetic and the panel's frame are in panel_stepper.cpp.
#pragma once
#include "app_state.h"

namespace cs::app::stepper_panel {

// Mode, presets and the geometry sliders; writes LessonState::config (or a waiting choice).
void draw_controls(AppState& state);
// Input | kernel | output grids with their highlights; the pointer's target goes to LessonState::hover.
// height: what the grids get at this presentation scale; height_x1: what they would get at x1.
void draw_grids(AppState& state, float height, float height_x1);
// The next widget (`width` wide with its label) on the same line only if it fits the window.
void same_line_if_fits(float width, const char* label = "");

}  // namespace cs::app::stepper_panel
