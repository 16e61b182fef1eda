// panel_stepper_controls.cpp — the kernel stepper's controls: mode and preset drop-downs (in the UI
// language; a choice that needs the digit model waits for it, typed) and the geometry sliders.
// Writes LessonState::config; lesson_refresh turns it into the engine's result.
#include <cstdio>
#include <cstring>

#include "app_services.h"
#include "course_player.h"
#include "imgui_internal.h"  // SetFocusID: the nav cursor onto a control when Tab hands over the keys
#include "lesson_draw.h"
#include "lesson_model.h"
#include "lesson_panels.h"
#include "panel_stepper_parts.h"
#include "panels.h"

namespace cs::app {

namespace {

// [SECTION] controls --------------------------------------------------------------------------------

// Choices in the order of the model's enums (stepper_model.h).
const S kModeText[kConvModeCount] = {S::stepper_mode_standard, S::stepper_mode_grouped, S::stepper_mode_depthwise, S::stepper_mode_pointwise, S::stepper_mode_separable, S::stepper_mode_transposed, S::stepper_mode_maxpool, S::stepper_mode_avgpool};
const S kInputText[kInputPresetCount] = {S::stepper_input_classic, S::stepper_input_random, S::stepper_input_counting, S::stepper_input_digit, S::stepper_input_image, S::stepper_input_custom};
const S kKernelText[kKernelPresetCount] = {S::stepper_kernel_identity, S::stepper_kernel_box, S::stepper_kernel_gaussian, S::stepper_kernel_sharpen, S::stepper_kernel_sobel_x, S::stepper_kernel_sobel_y, S::stepper_kernel_laplacian, S::stepper_kernel_cross, S::stepper_kernel_random, S::stepper_kernel_custom, S::stepper_kernel_learned};

// One slider for height and width together, or two when the explorer splits them.
bool pair_slider(const char* label, int* h, int* w, int lo, int hi, bool split, float width) {
  bool changed = false;
  const char* stable = std::strstr(label, "###");  // the ID part of a tr_label: the same in every language
  ImGui::PushID(stable ? stable : label);
  if (!split) {
    ImGui::SetNextItemWidth(width);
    int v = *h;
    if (ImGui::SliderInt(label, &v, lo, hi)) {
      *h = *w = v;
      changed = true;
    }
  } else {
    ImGui::SetNextItemWidth(width * 0.5f);
    changed |= ImGui::SliderInt("##h", h, lo, hi, "%d");
    ImGui::SameLine(0, 2);
    ImGui::SetNextItemWidth(width * 0.5f);
    changed |= ImGui::SliderInt(label, w, lo, hi, "%d");
  }
  ImGui::PopID();
  return changed;
}

float labelled_width(float width, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return width + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}

}  // namespace

namespace stepper_panel {

// Re-flow for projector scale: the next widget goes on the same line only if it fits the window;
// otherwise it starts a new line instead of being cut off at the edge.
void same_line_if_fits(float width, const char* label) {
  const float right = ImGui::GetItemRectMax().x, limit = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (right + ImGui::GetStyle().ItemSpacing.x + labelled_width(width, label) <= limit) ImGui::SameLine();
}

}  // namespace stepper_panel

namespace {

template <typename E, int N>
bool enum_combo(const char* label, E* value, const char* (*name)(E), float width, bool (*allowed)(E, const LessonState&),
                const LessonState& L) {
  bool changed = false;
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo(label, name(*value))) {
    for (int i = 0; i < N; ++i) {
      E e = static_cast<E>(i);
      if (allowed && !allowed(e, L)) continue;
      char label[128];  // "text###i": the entry's ID does not depend on the language
      std::snprintf(label, sizeof label, "%s###%d", name(e), i);
      if (ImGui::Selectable(label, e == *value)) {
        *value = e;
        changed = true;
      }
      if (e == *value) ImGui::SetItemDefaultFocus();  // the keyboard opens the list at the current entry
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool input_allowed(InputPreset p, const LessonState& L) {
  if (p == InputPreset::Digit) return L.digits != nullptr || L.assets_on_demand;
  if (p == InputPreset::Image) return L.raw_kind == InputPreset::Image;
  return true;
}
bool kernel_allowed(KernelPreset p, const LessonState& L) { return p != KernelPreset::Learned || !L.learned.empty() || L.assets_on_demand; }
bool mode_allowed(ConvMode, const LessonState&) { return true; }

}  // namespace

namespace {

// A control the open lesson step locks is drawn disabled: neither a click nor the keyboard changes it.
struct LockedIf {
  bool on;
  LockedIf(const AppState& state, const char* item_id) : on(course_locks(state, item_id)) {
    if (on) ImGui::BeginDisabled();
  }
  ~LockedIf() {
    if (on) ImGui::EndDisabled();
  }
  LockedIf(const LockedIf&) = delete;
  LockedIf& operator=(const LockedIf&) = delete;
};

}  // namespace

void stepper_panel::draw_controls(AppState& state) {
  LessonState& L = state.lessons;
  StepperConfig& c = L.config;
  const float fs = ImGui::GetFontSize();
  const float w = fs * 5.5f;
  {
    LockedIf locked(state, "stepper.mode");
    enum_combo<ConvMode, kConvModeCount>(tr_label(S::stepper_mode), &c.mode, conv_mode_text, fs * 18.5f, mode_allowed, L);
  }
  // Tab handed the keys to the controls: the cursor starts here, once the window has been begun without
  // NoNavInputs (ImGui's next NewFrame would hide a cursor set while the flag is still on).
  if (L.stepper_focus_first_control && L.stepper_nav_inputs) {
    L.stepper_focus_first_control = false;
    ImGui::SetFocusID(ImGui::GetItemID(), ImGui::GetCurrentWindow());
    ImGuiContext& g = *ImGui::GetCurrentContext();
    g.NavDisableHighlight = false;  // as ImGui's own keyboard moves do: cursor shown, mouse hover ignored
    g.NavDisableMouseHover = true;
  }
  record_item_rect(state, "stepper.mode");
  same_line_if_fits(fs * 6, tr_label(S::stepper_input));
  InputPreset ip = c.input_preset;
  bool input_chosen = false;
  {
    LockedIf locked(state, "stepper.input-preset");
    input_chosen = enum_combo<InputPreset, kInputPresetCount>(tr_label(S::stepper_input), &ip, input_preset_text, fs * 6, input_allowed, L);
  }
  if (input_chosen) {
    if (ip == InputPreset::Digit && !L.digits) {
      // The page's digits come on first need: this choice waits for them (lessons.cpp makes it).
      L.waiting.digit_input = true;
      app_lab_assets(state, 2);
    } else {
      lesson_choose_input(L, ip);  // the combo offers only what can be chosen now
    }
  }
  record_item_rect(state, "stepper.input-preset");
  if (!mode_is_pool(c.mode)) same_line_if_fits(fs * 6.5f, tr_label(S::stepper_kernel_preset));
  if (!mode_is_pool(c.mode)) {
    KernelPreset kp = c.kernel_preset;
    bool kernel_chosen = false;
    {
      LockedIf locked(state, "stepper.kernel-preset");
      kernel_chosen = enum_combo<KernelPreset, kKernelPresetCount>(tr_label(S::stepper_kernel_preset), &kp, kernel_preset_text, fs * 6.5f, kernel_allowed, L);
    }
    if (kernel_chosen) {
      if (kp == KernelPreset::Learned && L.learned.empty()) {
        L.waiting.learned_kernels = true;  // as the digits above: made when DigitNet's weights arrive
        app_lab_assets(state, 2);
      } else {
        lesson_choose_kernel(L, kp);
      }
    }
    record_item_rect(state, "stepper.kernel-preset");
    ImGui::SameLine();
  }
  // Waiting for the digit model (or its fetch failed: Retry asks again).
  if (L.assets_on_demand && (L.waiting.any() || !state.lab_assets.deferred.empty())) {
    ImGui::NewLine();
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "%s", app_lab_assets_message(state).c_str());
    if (state.lab_assets.status == LabAssets::Failed) {
      ImGui::SameLine();
      if (ImGui::Button(tr_label(S::lab_retry))) app_lab_assets(state, 2);
      record_item_rect(state, "stepper.retry-model");
    }
  }
  ImGui::NewLine();

  // Geometry: shared with the output-size explorer (H and W apart when it is split).
  const bool split = L.split_hw;
  {
    LockedIf locked(state, "stepper.size");
    pair_slider(tr_label(S::stepper_size), &c.H, &c.W, StepperLimits::kMinSide, StepperLimits::kMaxSide, split, w);
  }
  record_item_rect(state, "stepper.size");
  const float pw = split ? w + 2 : w;  // a pair slider's width (two halves and their gap when split)
  if (c.mode != ConvMode::Pointwise) {
    same_line_if_fits(pw, tr_label(S::stepper_kernel_size));
    {
      LockedIf locked(state, "stepper.ksize");
      pair_slider(tr_label(S::stepper_kernel_size), &c.KH, &c.KW, 1, StepperLimits::kMaxKernel, split, w);
    }
    record_item_rect(state, "stepper.ksize");
  }
  same_line_if_fits(pw, tr_label(S::stepper_stride));
  {
    LockedIf locked(state, "stepper.stride");
    pair_slider(tr_label(S::stepper_stride), &c.stride.h, &c.stride.w, 0, StepperLimits::kMaxStride, split, w);
  }
  record_item_rect(state, "stepper.stride");
  same_line_if_fits(pw, tr_label(S::stepper_padding));
  {
    LockedIf locked(state, "stepper.padding");
    pair_slider(tr_label(S::stepper_padding), &c.padding.h, &c.padding.w, 0, StepperLimits::kMaxPadding, split, w);
  }
  record_item_rect(state, "stepper.padding");
  same_line_if_fits(pw, tr_label(S::stepper_dilation));
  {
    LockedIf locked(state, "stepper.dilation");
    pair_slider(tr_label(S::stepper_dilation), &c.dilation.h, &c.dilation.w, 0, StepperLimits::kMaxDilation, split, w);
  }
  record_item_rect(state, "stepper.dilation");

  // Channels and what the mode needs.
  {
    LockedIf locked(state, "stepper.channels");
    ImGui::SetNextItemWidth(fs * 4);
    ImGui::SliderInt(tr_label(S::stepper_channels), &c.C, 1, StepperLimits::kMaxChannels);
  }
  record_item_rect(state, "stepper.channels");
  if (c.mode == ConvMode::Standard || c.mode == ConvMode::Grouped || c.mode == ConvMode::Pointwise ||
      c.mode == ConvMode::Separable || c.mode == ConvMode::Transposed) {
    same_line_if_fits(fs * 4, tr_label(S::stepper_out_ch));
    ImGui::SetNextItemWidth(fs * 4);
    ImGui::SliderInt(tr_label(S::stepper_out_ch), &c.out_channels, 1, StepperLimits::kMaxOutChannels);
  }
  if (c.mode == ConvMode::Grouped) {
    same_line_if_fits(fs * 4, tr_label(S::stepper_groups));
    ImGui::SetNextItemWidth(fs * 4);
    ImGui::SliderInt(tr_label(S::stepper_groups), &c.groups, 1, StepperLimits::kMaxChannels);
  }
  if (mode_is_pool(c.mode)) {
    same_line_if_fits(ImGui::GetFrameHeight(), tr_label(S::stepper_ceil_mode));
    ImGui::Checkbox(tr_label(S::stepper_ceil_mode), &c.ceil_mode);
    if (c.mode == ConvMode::AvgPool) {
      same_line_if_fits(ImGui::GetFrameHeight(), tr_label(S::stepper_count_include_pad));
      ImGui::Checkbox(tr_label(S::stepper_count_include_pad), &c.count_include_pad);
    }
  } else {
    same_line_if_fits(fs * 5, tr_label(S::stepper_bias));
    ImGui::SetNextItemWidth(fs * 5);
    ImGui::SliderFloat(tr_label(S::stepper_bias), &c.bias, -5.0f, 5.0f, "%.1f");
  }
  if (c.input_preset == InputPreset::Random || c.kernel_preset == KernelPreset::Random) {
    same_line_if_fits(ImGui::CalcTextSize(tr_label(S::stepper_new_random), nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2);
    if (ImGui::Button(tr_label(S::stepper_new_random))) c.seed++;
    record_item_rect(state, "stepper.reroll");
  }
  if (c.input_preset == InputPreset::Digit && L.digits) {
    same_line_if_fits(fs * 6, tr_label(S::stepper_digit));
    ImGui::SetNextItemWidth(fs * 6);
    int k = L.digit_index;
    if (ImGui::InputInt(tr_label(S::stepper_digit), &k)) lesson_use_digit(L, k);
    record_item_rect(state, "stepper.digit");
  }
  if (c.mode == ConvMode::Transposed) {
    same_line_if_fits(ImGui::GetFrameHeight(), tr_label(S::stepper_as_zero_insertion));
    ImGui::Checkbox(tr_label(S::stepper_as_zero_insertion), &L.transposed_as_conv);
    record_item_rect(state, "stepper.transposed-view");
  }
}

const char* conv_mode_text(ConvMode m) { return tr(kModeText[static_cast<int>(m)]); }
const char* input_preset_text(InputPreset p) { return tr(kInputText[static_cast<int>(p)]); }
const char* kernel_preset_text(KernelPreset p) { return tr(kKernelText[static_cast<int>(p)]); }

}  // namespace cs::app
