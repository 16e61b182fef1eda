// lesson_state.h — UI state of the convolution lessons (stepper, output-size explorer, im2col view):
// one shared configuration, the data, and the engine results cached until a parameter changes.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "backward_stepper_model.h"
#include "im2col_model.h"
#include "output_size_model.h"
#include "stepper_model.h"
#include "ui_strings.h"

namespace cs {
struct DigitBundle;  // engine/data/digit_bundle.h
}  // namespace cs

namespace cs::app {

using cs::DigitBundle;

// Which grid cell the pointer is on in the im2col view (matrix entry or input pixel).
struct Im2colHover {
  int kind = 0;  // 0 none, 1 matrix entry (row, col in patches-as-columns terms), 2 input pixel (ch, y, x)
  int a = 0, b = 0, ch = 0;
};

struct LessonState {
  bool show_stepper = true;
  bool show_output_size = true;
  bool show_im2col = true;

  // [shared configuration and data] everything below is derived from these by lesson_refresh().
  StepperConfig config;
  StepperData data;
  std::vector<float> source;        // input for the digit / image / custom presets, (C, H, W) at config size
  int digit_index = 0;              // gallery digit shown by the "digit" preset
  long long image_serial_seen = 0;  // AppState::inbox image last taken
  std::string image_name;
  std::vector<std::vector<float>> learned;  // DigitNet's first-layer filters (when the weights exist)
  std::string learned_name;
  std::shared_ptr<const DigitBundle> digits;  // the bundled digits.bin, once it is there (AppState::lab_assets)
  long long assets_revision = 0;              // AppState::lab_assets.revision last taken
  // The digit model is not there yet but can be asked for (the page fetches it on first need): the
  // digit preset and the learned kernels stay selectable and state() says they are available.
  bool assets_on_demand = false;
  // A choice made in the stepper that needs the digit model first (the digit input, the learned kernels):
  // kept, typed, until the model is there, then made (lessons.cpp; a failure becomes a notice).
  struct WaitingChoices {
    bool digit_input = false, learned_kernels = false;
    bool any() const { return digit_input || learned_kernels; }
  } waiting;

  // Raw pictures for the digit / image presets, resampled to (H, W) by lesson_refresh: 1 plane (grey)
  // or 3 (RGB; channels 1 shows their luma).
  std::vector<std::vector<float>> raw_planes;
  std::vector<float> raw_grey;
  int raw_w = 0, raw_h = 0;
  InputPreset raw_kind = InputPreset::Classic;  // which preset the raw picture belongs to

  // [cache] engine results for (cached_config, data_version)
  StepperConfig cached_config;
  bool have_cache = false;
  long long data_version = 0, cached_version = -1;
  Language text_language = Language::English;  // of the cached texts (notes, explanations, arithmetic)
  long long result_serial = 0, arith_serial = -1;
  int arith_position = -1, arith_oc = -1;
  // The cell the arithmetic is written for: kind None = the animation's position, else the hovered or
  // pinned output cell (input cell in transposed mode); arith_cell/arith_channel what was written.
  HoverTarget arith_target;
  bool arith_pinned = false;
  Cell arith_cell;
  int arith_channel = 0;
  bool cached_rows = false;
  StepperResult result;
  Im2colView im2col;
  std::string kernel_note;
  Tensor transposed_partial;  // output after position+1 stamps (transposed mode)
  int partial_for = -1;

  // [animation]
  int position = 0;    // index into the positions the kernel visits
  bool playing = false;
  float speed = 2.0f;  // steps per second
  double next_step_s = 0;
  int out_channel = 0;      // which output channel's arithmetic and kernel are shown
  bool transposed_as_conv = false;  // transposed: show zero-insertion + ordinary conv instead of stamps

  // [pointer] hover is re-read every frame; a click pins a target (touch has no hover)
  HoverTarget hover, pinned;
  int pinned_channel = 0;  // input channel of a pinned input cell (editing)
  Highlights highlights;
  std::string arithmetic;

  // [output-size explorer]
  bool split_hw = false;
  // Open tab of the Output size and im2col panels (kOutputSizeTabs / kIm2colTabs order), and the one a
  // setState asked for: ImGui selects it when the panel is next drawn (-1: none asked).
  int output_size_tab = 0, output_size_tab_request = -1;
  int im2col_tab = 0, im2col_tab_request = -1;
  CostInputs cost;
  std::vector<RfStackLayer> rf_layers = {{false, 3, 1, 1, 1}, {false, 3, 1, 1, 1}, {true, 2, 2, 1, 0}, {false, 3, 1, 1, 1}};

  // [im2col view]
  bool patches_as_rows = false;
  Im2colHover im2col_hover;
  int im2col_zoom = 0;  // the matrix enlarged to the panel: 0 none, 1 column matrix, 2 weights, 3 output
  WinogradTile winograd;
  int winograd_for = -1;
  // Timing tab: the stepper's convolution at timing_size x timing_size, timed live while the tab is open
  // (rebuilt when the configuration or the size changes).
  TimingMeter timing;
  int timing_size = 64;
  StepperConfig timing_config;
  int timing_built_size = -1;
  double timing_next_s = 0;  // when the live meter runs its next measurement

  // [link] the URL hash (#lesson=...) that shares this lesson: what was last written to the address bar,
  // the newest encoding waiting out the debounce, and the last hash read (to notice edits by hand).
  bool link_started = false;
  std::string link_written, link_pending, link_seen, link_key;
  double link_pending_since = 0, link_checked_s = -1;
  // The link's typed values (iv=, kv=) as text, for the engine result `serial` they were written from:
  // the step changes every frame while playing, the values only when the data do.
  struct LinkValues {
    long long serial = -1;
    std::string text;
  };
  LinkValues link_values;

  // [PyTorch] the lesson as a PyTorch line (pytorch_code_model.h), rebuilt with the engine result.
  std::string pytorch;
  int pytorch_copies = 0;  // "Copy" presses (the page copies to the system clipboard when it changes)
  std::string pytorch_script;     // the runnable script: weights, input, the output printed (pytorch_script)
  int pytorch_script_copies = 0;  // its "Copy" presses, as above

  // [layout] the display size the default layout was made for (re-laid out when it changes)
  float layout_w = 0, layout_h = 0, layout_scale = 0;
  float grid_cell_px = 0;  // the stepper's grid cell size in the last frame (grows with the presentation scale)
  struct CellAtX1 {        // the stepper's grid cells as last drawn at x1: projector scale enlarges these
    float cell = 0;
    int per_row = 1;
    StepperConfig config;
    float panel_w = 0;
  } cell_x1;
  bool stepper_focused = false;
  int stepper_frames = 0;  // frames the stepper has been drawn (up to 3): it takes the focus on its third
  // Keyboard in the stepper: its own keys (Space, arrows, Home/End) step the kernel; Tab hands the
  // keys to ImGui's navigation over the stepper's controls (arrows move, Space opens a drop-down)
  // until Esc, a click in the panel or leaving it. focus_first_control: put the nav cursor on the
  // first control in the frame after Tab.
  bool stepper_keys_to_controls = false;
  bool stepper_focus_first_control = false;
  bool stepper_nav_inputs = false;  // this frame's stepper window takes ImGui's navigation keys
  bool stepper_popup_open = false;  // a drop-down of the stepper was open at the end of the last frame

  // [backward] the stepper's backward direction (backward_stepper_model.h, backward_lesson_model.cpp)
  struct Backward {
    bool on = false;               // direction: backward
    BackwardSettings settings;     // the dL/dY choice (and the custom / target grids)
    BackwardSettings computed_for; // what `result` was computed from, with result_serial below
    long long serial = -1;         // LessonState::result_serial of `result`
    long long revision = 0;        // +1 per new result (the step, SGD report and check belong to one)
    BackwardResult result;
    int step = 0;                  // output cells visited - 1
    bool playing = false;
    double next_step_s = 0;
    BackwardStep current;          // partial sums and arithmetic at `step`
    int current_step = -1, current_oc = -1;
    long long current_revision = -1;
    Language current_language = Language::English;
    float lr = 0.01f;              // the SGD step's learning rate
    SgdReport sgd;                 // the last step taken (or refused)
    GradCheck check;               // the last gradient check
    long long check_revision = -1; // the result the check was made for (shown only while current)
  } backward;
};

// Recomputes whatever the configuration or data changed (call once per frame before drawing; cheap
// when nothing changed). Clamps position and out_channel; refreshes highlights and arithmetic.
void lesson_refresh(LessonState& s);

// Marks the data as changed (after editing a cell, loading an image...).
inline void lesson_touch(LessonState& s) { ++s.data_version; }

}  // namespace cs::app
