// digit_lab_state.h — UI state of the digit lab (draw pad, prediction, activations, SE weights,
// training). Plain values the panels and the test hook read and write; the engine-side objects
// (bundled digits, DigitNet, trainer, caches) live in a LabSession held by shared_ptr so that
// copying AppState (setState applies to a copy) stays cheap and never duplicates a network.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "draw_pad_model.h"
#include "shown_progress_model.h"

namespace cs::app {

class LabSession;  // digit_lab_model.h
struct LabView;    // digit_lab_panels.h: display caches

struct SeOverrideRequest {
  int block = 0, channel = 0;
  float value = 0;  // NaN removes the override
};

enum class LabInput : int { Drawing = 0, Gallery = 1, Photo = 2 };

struct DigitLabState {
  bool show_draw_pad = true;
  bool show_prediction = true;
  bool show_activations = true;
  bool show_se_weights = true;
  bool show_training = true;
  bool layout_done = false;     // default positions applied once, for the window size at that time
  float layout_scale = 0.0f;    // the presentation scale they were applied for
  bool layout_touch = false;    // the last frame used a touch layout (phone/tablet panes)

  // [draw pad]
  DrawPad pad;
  float brush_radius = 11.0f;   // canvas pixels (the canvas is 280x280, 10x MNIST)
  LabInput input = LabInput::Drawing;
  int gallery_index = -1;       // index into the bundled test digits when input == Gallery
  long long photo_serial = 0;   // inbox.image_serial last taken as input
  long long weights_serial = 0; // inbox.weights_serial last loaded (or refused)
  std::string weights_refused;  // why the last opened weights were refused ("" when they loaded)

  // Requests from setState, applied by the next frame (setState works on a copy of the state and
  // must not touch the shared session before the whole partial state is accepted).
  int request_gallery = -1;
  bool request_clear = false;
  int request_train = 0;        // +1 start/resume, -1 pause, 2 from scratch
  bool request_reset_weights = false;
  std::vector<SeOverrideRequest> request_overrides;

  // [activations]
  int act_layer = 0;            // index into the layer list shown
  int act_channel = -1;         // enlarged channel (-1: none)
  int act_unit_x = -1, act_unit_y = -1;  // clicked unit of the enlarged channel (-1: none)
  // Its receptive field on the 28x28 input (engine/nn/receptive_field), set when the unit is clicked.
  bool rf_valid = false;
  std::string rf_name, rf_global_via, rf_error;
  int rf_box[4] = {0, 0, -1, -1};  // y0, x0, y1, x1 inclusive
  bool act_show_filters = false;
  bool act_filters_enlarged = false;  // the filters drawn as large as the panel allows (a click toggles)
  int act_filter_layer = 0;
  int saliency_mode = 0;        // 0 off, 1 Grad-CAM, 2 input gradient
  // Where the saliency map was laid on the pad last frame (CSS px: x, y, width, height; the 28x28
  // field as prepare_digit placed it on the drawing); pad_saliency_shown false when it was not.
  bool pad_saliency_shown = false;
  float pad_saliency_rect[4] = {0, 0, 0, 0};
  int saliency_class = -1;      // -1: predicted class

  // [training]
  int train_budget_ms = 8;      // training time per frame
  double maps_refreshed_s = -1; // when the prediction and its maps last followed the weights (reduced motion)
  // SE statistics pass: CPU time per frame; 0 = what the panels leave of the 4 ms frame budget.
  // A larger slice finishes the pass in fewer frames (tests under software WebGL, slow frames).
  int se_budget_ms = 0;
  // ... and between frames, in the browser's idle time (platform_run_when_idle); off: frames only (the
  // session-4 design, kept switchable to measure the difference in one build).
  bool se_between_frames = true;
  // How the idle slices are doing (digit_lab.cpp, se_frame_plan): the platform took the last request,
  // their digit count seen last frame, and frames since it last grew while a pass was due.
  bool se_idle_service = true;
  long long se_idle_digits_seen = 0;
  int se_frames_without_idle = 0;
  int train_target_steps = 600; // the progress bar's goal
  bool train_stop_at_target = true;  // auto-pause there

  // [SE weights]
  int se_block = 0;
  bool se_sort_by_variance = true;
  int se_hover_channel = -1;
  ShownProgress se_progress;  // the pass's progress bar, moving at 4 Hz (each move redraws the canvas)

  std::shared_ptr<LabSession> session;
  std::shared_ptr<LabView> view;
};

}  // namespace cs::app
