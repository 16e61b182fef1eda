// lesson_model.h — the lessons' state() / setState() parts (lesson_json_model.cpp) and the raw-picture
// loaders and layout (lesson_model.cpp, beside lesson_refresh declared in lesson_state.h), without ImGui.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "lesson_state.h"

namespace cs::app {

// {stepper: {...}, output_size: {...}, im2col: {...}} for window.ConvScope.state().
nlohmann::json lesson_json(const LessonState& s);

// Applies the "stepper", "output_size" and "im2col" parts of a partial state. Every field is checked;
// on a bad value returns the reason and leaves `s` unspecified (the caller applies to a copy).
// An impossible convolution is not an error: it is a state the panels explain.
std::string lesson_apply(LessonState& s, const nlohmann::json& partial);

// Whether a hover or pin target names a cell of the current result's grids (padding included).
bool lesson_target_in_range(const LessonState& s, const HoverTarget& h);

// Sets the picture behind the "digit" or "image" preset: planes of w x h floats in [0, 1].
void lesson_set_picture(LessonState& s, InputPreset kind, std::vector<std::vector<float>> planes, int w, int h);

// The gallery digit `index` (from s.digits) as the "digit" preset's picture; false when there are no digits.
bool lesson_use_digit(LessonState& s, int index);

// The stepper's input / kernel preset chosen (by a panel, setState or a waiting request): the digit
// preset shows the gallery digit, custom starts from the numbers shown. "" when done, else why not
// (the digits or DigitNet's weights are not there, no image was opened); `s` is then unchanged.
std::string lesson_choose_input(LessonState& s, InputPreset p);
std::string lesson_choose_kernel(LessonState& s, KernelPreset p);

// Default window rectangles in a display of w x h (below a menu bar of height `top`): the stepper
// large on the left, output size and im2col stacked on the right, never overlapping.
struct LessonRect {
  float x = 0, y = 0, w = 0, h = 0;
};
struct LessonLayout {
  LessonRect stepper, output_size, im2col;
};
LessonLayout lesson_layout(float w, float h, float top);
bool lesson_rects_overlap(const LessonRect& a, const LessonRect& b);

}  // namespace cs::app
