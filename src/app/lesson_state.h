// lesson_state.h — UI state of the convolution lessons (stepper, output-size explorer, im2col view).
#pragma once

namespace cs::app {

struct LessonState {
  bool show_stepper = true;
  bool show_output_size = true;
  bool show_im2col = true;
};

}  // namespace cs::app
