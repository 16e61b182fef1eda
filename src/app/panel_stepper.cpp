// panel_stepper.cpp — the kernel stepper: controls -> transport -> input | kernel | output grids ->
// the arithmetic at the current position. Reads LessonState's cached engine results; writes the
// configuration, the position and the pointer target back. Panel id "stepper".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app.h"
#include "imgui_internal.h"  // SetFocusID: the nav cursor onto a control when Tab hands over the keys
#include "lesson_draw.h"
#include "lesson_model.h"
#include "lesson_panels.h"
#include "panels.h"
#include "touch_ui.h"

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

// Re-flow for projector scale: the next widget (`width` wide with its label) goes on the same line
// only if it fits the window; otherwise it starts a new line instead of being cut off at the edge.
float labelled_width(float width, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return width + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}
void same_line_if_fits(float width, const char* label = "") {
  const float right = ImGui::GetItemRectMax().x, limit = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (right + ImGui::GetStyle().ItemSpacing.x + labelled_width(width, label) <= limit) ImGui::SameLine();
}

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

void draw_controls(AppState& state) {
  LessonState& L = state.lessons;
  StepperConfig& c = L.config;
  const float fs = ImGui::GetFontSize();
  const float w = fs * 5.5f;
  enum_combo<ConvMode, kConvModeCount>(tr_label(S::stepper_mode), &c.mode, conv_mode_text, fs * 18.5f, mode_allowed, L);
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
  if (enum_combo<InputPreset, kInputPresetCount>(tr_label(S::stepper_input), &ip, input_preset_text, fs * 6, input_allowed, L)) {
    if (ip == InputPreset::Digit && !L.digits) {
      // The page's digits come on first need: this choice is made when they arrive.
      app_set_state(state, R"({"stepper":{"input_preset":"digit"}})");
    } else {
      if (ip == InputPreset::Custom) L.source = L.data.input;
      if (ip == InputPreset::Digit && L.raw_kind != InputPreset::Digit) lesson_use_digit(L, L.digit_index);
      c.input_preset = ip;
    }
  }
  record_item_rect(state, "stepper.input-preset");
  if (!mode_is_pool(c.mode)) same_line_if_fits(fs * 6.5f, tr_label(S::stepper_kernel_preset));
  if (!mode_is_pool(c.mode)) {
    KernelPreset kp = c.kernel_preset;
    if (enum_combo<KernelPreset, kKernelPresetCount>(tr_label(S::stepper_kernel_preset), &kp, kernel_preset_text, fs * 6.5f, kernel_allowed, L)) {
      if (kp == KernelPreset::Learned && L.learned.empty()) app_set_state(state, R"({"stepper":{"kernel_preset":"learned"}})");
      else c.kernel_preset = kp;
    }
    record_item_rect(state, "stepper.kernel-preset");
    ImGui::SameLine();
  }
  // Waiting for the digit model (or its fetch failed: Retry asks again).
  if (L.assets_on_demand && !state.lab_assets.deferred.empty()) {
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
  pair_slider(tr_label(S::stepper_size), &c.H, &c.W, StepperLimits::kMinSide, StepperLimits::kMaxSide, split, w);
  record_item_rect(state, "stepper.size");
  const float pw = split ? w + 2 : w;  // a pair slider's width (two halves and their gap when split)
  if (c.mode != ConvMode::Pointwise) {
    same_line_if_fits(pw, tr_label(S::stepper_kernel_size));
    pair_slider(tr_label(S::stepper_kernel_size), &c.KH, &c.KW, 1, StepperLimits::kMaxKernel, split, w);
    record_item_rect(state, "stepper.ksize");
  }
  same_line_if_fits(pw, tr_label(S::stepper_stride));
  pair_slider(tr_label(S::stepper_stride), &c.stride.h, &c.stride.w, 0, StepperLimits::kMaxStride, split, w);
  record_item_rect(state, "stepper.stride");
  same_line_if_fits(pw, tr_label(S::stepper_padding));
  pair_slider(tr_label(S::stepper_padding), &c.padding.h, &c.padding.w, 0, StepperLimits::kMaxPadding, split, w);
  record_item_rect(state, "stepper.padding");
  same_line_if_fits(pw, tr_label(S::stepper_dilation));
  pair_slider(tr_label(S::stepper_dilation), &c.dilation.h, &c.dilation.w, 0, StepperLimits::kMaxDilation, split, w);
  record_item_rect(state, "stepper.dilation");

  // Channels and what the mode needs.
  ImGui::SetNextItemWidth(fs * 4);
  ImGui::SliderInt(tr_label(S::stepper_channels), &c.C, 1, StepperLimits::kMaxChannels);
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

// [SECTION] transport ---------------------------------------------------------------------------------

void step_to(LessonState& L, int t) {
  const int n = std::max(1, L.result.steps);
  L.position = std::clamp(t, 0, n - 1);
}

void draw_transport(AppState& state) {
  LessonState& L = state.lessons;
  const StepperResult& r = L.result;
  const int n = std::max(1, r.steps);
  const float fs = ImGui::GetFontSize();
  ImGui::BeginDisabled(!r.valid);
  if (ImGui::Button("|<")) step_to(L, 0);
  record_item_rect(state, "stepper.first");
  ImGui::SameLine();
  if (ImGui::Button("<")) step_to(L, L.position - 1);
  record_item_rect(state, "stepper.step-back");
  ImGui::SameLine();
  if (ImGui::Button(L.playing ? tr_label(S::stepper_pause) : tr_label(S::stepper_play), ImVec2(fs * 4, 0))) {
    L.playing = !L.playing;
    if (L.playing && L.position >= n - 1) L.position = 0;
    L.next_step_s = state.time_s + 1.0 / L.speed;
  }
  record_item_rect(state, "stepper.play");
  ImGui::SameLine();
  if (ImGui::Button(">")) step_to(L, L.position + 1);
  record_item_rect(state, "stepper.step-forward");
  ImGui::SameLine();
  if (ImGui::Button(">|")) step_to(L, n - 1);
  record_item_rect(state, "stepper.last");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(fs * 6, ImGui::GetContentRegionAvail().x - fs * 11));
  int t = L.position + 1;
  if (ImGui::SliderInt("##timeline", &t, 1, n, tr(S::stepper_timeline_format))) step_to(L, t - 1);
  record_item_rect(state, "stepper.timeline");
  same_line_if_fits(fs * 6, tr_label(S::stepper_speed));
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderFloat(tr_label(S::stepper_speed), &L.speed, 0.25f, 30.0f, tr(S::stepper_speed_format), ImGuiSliderFlags_Logarithmic);
  record_item_rect(state, "stepper.speed");
  ImGui::EndDisabled();

  if (L.playing) {
    if (state.time_s >= L.next_step_s) {
      if (L.position + 1 >= n) {
        L.playing = false;  // stop on the last position; Play starts over
      } else {
        L.position++;
        L.next_step_s = state.time_s + 1.0 / std::max(0.25f, L.speed);
      }
    }
  }
}

// Who gets the keys (read before the controls are drawn): Tab hands them to ImGui's navigation over
// the controls (the window then drops NoNavInputs, from the next frame), Esc with no drop-down open,
// a click in the panel or leaving it gives them back to the stepper.
void update_key_owner(LessonState& L) {
  auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), false); };
  const ImGuiIO& io = ImGui::GetIO();
  if (!L.stepper_focused) {  // (an open drop-down has the focus but belongs to the controls)
    if (!L.stepper_popup_open) L.stepper_keys_to_controls = L.stepper_focus_first_control = false;
  } else if (!L.stepper_keys_to_controls) {
    if (pressed(ImGuiKey_Tab) && !io.KeyCtrl && !io.KeyAlt && !io.WantTextInput) {
      L.stepper_keys_to_controls = true;
      L.stepper_focus_first_control = true;
    }
  } else if ((pressed(ImGuiKey_Escape) && !L.stepper_popup_open && !io.WantTextInput) ||
             (ImGui::IsMouseClicked(0) && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows))) {
    L.stepper_keys_to_controls = false;
  }
}

// Space plays/pauses, arrows step (up/down a row), Home/End jump — only while the stepper is focused,
// has the keys (not handed to its controls) and no text field takes them. The window then has
// NoNavInputs, so ImGui's own navigation stays out.
void handle_keys(LessonState& L, double now) {
  if (!L.stepper_focused || L.stepper_keys_to_controls || ImGui::GetIO().WantTextInput || !L.result.valid) return;
  const int n = std::max(1, L.result.steps);
  const int row = L.config.mode == ConvMode::Transposed ? L.config.W : std::max(1, L.result.OW);
  // No auto-repeat: one press is one step (the timeline slider scrubs), even when frames are slow.
  auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), false); };
  if (pressed(ImGuiKey_Space)) {
    L.playing = !L.playing;
    if (L.playing && L.position >= n - 1) L.position = 0;
    L.next_step_s = now + 1.0 / L.speed;
  }
  if (pressed(ImGuiKey_RightArrow)) step_to(L, L.position + 1);
  if (pressed(ImGuiKey_LeftArrow)) step_to(L, L.position - 1);
  if (pressed(ImGuiKey_DownArrow)) step_to(L, L.position + row);
  if (pressed(ImGuiKey_UpArrow)) step_to(L, L.position - row);
  if (pressed(ImGuiKey_Home)) step_to(L, 0);
  if (pressed(ImGuiKey_End)) step_to(L, n - 1);
}

// [SECTION] grids ---------------------------------------------------------------------------------------

struct Column {
  std::vector<GridSpec> grids;
  std::vector<std::string> captions;
  std::vector<std::string> keys;
};

float column_height(const Column& col, float cell, float line) {
  float h = 0;
  for (const GridSpec& g : col.grids) h += (g.rows + 2 * g.pad_r) * cell + line + 4;
  return h;
}

// Pointer on a grid -> hover target; a click pins it (or unpins the same target), so touch works too.
void take_hit(LessonState& L, const GridHit& hit, HoverKind kind, int channel, HoverTarget* hover) {
  if (!hit.hovered) return;
  HoverTarget h{kind, hit.cell, channel};
  *hover = h;
  if (hit.clicked) {
    if (L.pinned == h) {
      L.pinned = HoverTarget{};
    } else {
      L.pinned = h;
      L.pinned_channel = channel;
    }
  }
}

// One colour per group (grouped, depthwise, separable): a bar over each grid says which group its
// channel belongs to, so the picture shows which inputs feed which outputs.
ImU32 group_colour(int group) {
  static const ImU32 kColours[] = {IM_COL32(80, 170, 255, 255), IM_COL32(255, 140, 60, 255), IM_COL32(90, 210, 120, 255),
                                   IM_COL32(220, 100, 220, 255)};
  return kColours[static_cast<size_t>(group) % (sizeof kColours / sizeof kColours[0])];
}

void group_bar(const GridHit& hit, const GridSpec& g, ImU32 colour) {
  const float w = (g.cols + 2 * g.pad_c) * g.cell, t = std::max(2.0f, ImGui::GetFontSize() * 0.18f);
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(hit.origin.x, hit.origin.y - t - 1), ImVec2(hit.origin.x + w, hit.origin.y - 1), colour);
}

// height: what the grids get at this presentation scale; height_x1: what they would get at x1 (the
// controls and the arithmetic box take less there). Cells are never smaller than scale x the x1 cell:
// a projector enlarges the data, and the grid area scrolls when it no longer fits.
void draw_grids(AppState& state, float height, float height_x1) {
  LessonState& L = state.lessons;
  const StepperConfig& c = L.config;
  const StepperResult& r = L.result;
  const StepperData& d = L.data;
  ModeShape ms = mode_shape(c);
  const bool transposed = c.mode == ConvMode::Transposed, as_conv = transposed && L.transposed_as_conv && r.valid;
  const bool pool = mode_is_pool(c.mode);
  const int cg = std::max(1, c.C / std::max(1, ms.groups));
  const int oc = L.out_channel;
  const float line = ImGui::GetTextLineHeight();
  const ColorMap seq = state.sequential_map;

  // Input column: the padded input (zero-inserted for the transposed-as-conv view).
  Column in_col, k_col, out_col, extra_col;
  float in_lo, in_hi;
  const Tensor* zin = as_conv ? &r.zero_inserted : nullptr;
  const int gh = zin ? zin->dim(2) : c.H, gw = zin ? zin->dim(3) : c.W;
  const float* in_values = zin ? zin->data() : d.input.data();
  value_range(in_values, static_cast<size_t>(c.C) * gh * gw, false, &in_lo, &in_hi);
  for (int ch = 0; ch < c.C; ++ch) {
    GridSpec g;
    g.rows = gh;
    g.cols = gw;
    g.values = in_values + static_cast<size_t>(ch) * gh * gw;
    g.vmin = in_lo;
    g.vmax = in_hi;
    g.map = ColorMap::Grey;
    g.pad_r = transposed ? 0 : c.padding.h;
    g.pad_c = transposed ? 0 : c.padding.w;
    g.pad_label = c.mode == ConvMode::MaxPool ? "-inf" : "0";
    in_col.grids.push_back(g);
    in_col.keys.push_back("stepper-in-" + std::to_string(ch));
    char cap[96];
    if (as_conv)
      std::snprintf(cap, sizeof cap, tr(S::stepper_caption_zero_inserted), ch, gh, gw);
    else if (transposed)
      std::snprintf(cap, sizeof cap, tr(S::stepper_caption_input_small), ch, c.H, c.W);
    else
      std::snprintf(cap, sizeof cap, tr(S::stepper_caption_input), ch, c.H, c.W, c.padding.h || c.padding.w ? tr(S::stepper_caption_plus_padding) : "");
    in_col.captions.push_back(cap);
  }
  // Kernel column: the planes of output channel `oc` (flipped for the transposed-as-conv view).
  if (!pool && !d.weight.empty()) {
    const int planes = transposed ? c.C : cg;
    const float* wsrc = as_conv ? r.flipped.data() : d.weight.data();
    const size_t kk = static_cast<size_t>(ms.KH) * ms.KW;
    float klo, khi;
    value_range(wsrc, d.weight.size(), true, &klo, &khi);
    for (int l = 0; l < planes && static_cast<size_t>((oc * planes + l + 1) * kk) <= d.weight.size(); ++l) {
      GridSpec g;
      g.rows = ms.KH;
      g.cols = ms.KW;
      g.values = wsrc + static_cast<size_t>(oc * planes + l) * kk;
      g.vmin = klo;
      g.vmax = khi;
      g.map = ColorMap::Diverging;
      k_col.grids.push_back(g);
      k_col.keys.push_back("stepper-k-" + std::to_string(l));
      const int ch = transposed ? l : (oc / std::max(1, ms.OC / ms.groups)) * cg + l;
      char cap[64];
      std::snprintf(cap, sizeof cap, tr(S::caption_weight_channel), tr(as_conv ? S::stepper_caption_flip : S::caption_weight_prefix), oc, ch);
      k_col.captions.push_back(cap);
    }
  }
  // Output column.
  const Tensor* out = &r.output;
  if (transposed && !as_conv && !L.transposed_partial.empty()) out = &L.transposed_partial;
  if (as_conv && !r.as_conv_output.empty()) out = &r.as_conv_output;
  if (r.valid) {
    float olo, ohi;
    value_range(out->data(), out->numel(), false, &olo, &ohi);
    for (int o = 0; o < r.OC; ++o) {
      GridSpec g;
      g.rows = r.OH;
      g.cols = r.OW;
      g.values = out->data() + static_cast<size_t>(o) * r.OH * r.OW;
      g.vmin = olo;
      g.vmax = ohi;
      g.map = seq;
      g.filled = transposed ? -1 : L.position;
      out_col.grids.push_back(g);
      out_col.keys.push_back("stepper-out-" + std::to_string(o));
      char cap[96];
      if (transposed && !as_conv)
        std::snprintf(cap, sizeof cap, tr(S::stepper_caption_output_large), o, r.OH, r.OW, L.position + 1, r.steps);
      else
        std::snprintf(cap, sizeof cap, tr(S::caption_depthwise_out_channel), c.mode == ConvMode::Separable ? tr(S::stepper_caption_depthwise_out) : tr(S::stepper_caption_output), o, r.OH, r.OW);
      out_col.captions.push_back(cap);
    }
    if (c.mode == ConvMode::Separable && !r.pointwise_output.empty()) {
      float plo, phi;
      value_range(r.pointwise_output.data(), r.pointwise_output.numel(), false, &plo, &phi);
      for (int o = 0; o < c.out_channels; ++o) {
        GridSpec g;
        g.rows = r.OH;
        g.cols = r.OW;
        g.values = r.pointwise_output.data() + static_cast<size_t>(o) * r.OH * r.OW;
        g.vmin = plo;
        g.vmax = phi;
        g.map = seq;
        extra_col.grids.push_back(g);
        extra_col.keys.push_back("stepper-pw-" + std::to_string(o));
        extra_col.captions.push_back(cs::fmt(tr(S::stepper_caption_pointwise_out), o));
      }
    }
    if (transposed && !as_conv && !r.overlap.empty()) {
      GridSpec g;
      g.rows = r.OH;
      g.cols = r.OW;
      g.values = r.overlap.data();
      value_range(g.values, r.overlap.numel(), false, &g.vmin, &g.vmax);
      g.vmin = 0;
      g.map = ColorMap::Cividis;
      extra_col.grids.push_back(g);
      extra_col.keys.push_back("stepper-overlap");
      extra_col.captions.push_back(tr(S::stepper_caption_overlap));
    }
  }

  // One cell size for input, kernel and output so the window on the input matches the kernel. Each
  // column packs its grids `per_row` to a row; try 1..4 per row and keep the layout with the biggest cells
  // (three 12x12 channels side by side beat three stacked on a wide panel).
  Column* cols[4] = {&in_col, &k_col, &out_col, &extra_col};
  const float scale = std::max(1.0f, state.ui_scale);
  const float avail_w = ImGui::GetContentRegionAvail().x - 4;
  // The biggest cell (and its grids per row) for an area `aw` x `ah` with caption lines `ln` and gaps `sg`, `cgap`.
  auto fit = [&](float aw, float ah, float ln, float sg, float cgap, int* best_per_row) {
    float best = 0;
    *best_per_row = 1;
    for (int k = 1; k <= 4; ++k) {
      float wcells = 0, wfixed = 0, best_h = 1e9f;
      int ncols = 0;
      for (Column* col : cols) {
        const int n = static_cast<int>(col->grids.size());
        if (n == 0) continue;
        const int pr = std::min(k, n), nrows = (n + pr - 1) / pr;
        int gw = 0, gh = 0;
        for (const GridSpec& g : col->grids) {
          gw = std::max(gw, g.cols + 2 * g.pad_c);
          gh = std::max(gh, g.rows + 2 * g.pad_r);
        }
        wcells += static_cast<float>(pr * gw);
        wfixed += (pr - 1) * sg;
        best_h = std::min(best_h, (ah - nrows * (ln + 4)) / static_cast<float>(nrows * gh));
        ++ncols;
      }
      wfixed += (ncols - 1) * cgap;
      const float ck = std::min((aw - wfixed) / std::max(1.0f, wcells), best_h);
      if (ck > best * 1.05f) {
        best = ck;
        *best_per_row = k;
      }
    }
    return best;
  };
  const float small_gap = ImGui::GetFontSize() * 0.6f, col_gap = ImGui::GetFontSize() * 2.0f;
  int per_row = 1, per_row_x1 = 1;
  float cell = fit(avail_w, height, line, small_gap, col_gap, &per_row);
  if (scale <= 1.0f) {  // remembered: at a projector scale the same grids in the same panel grow from this
    L.cell_x1 = {std::floor(cell), per_row, c, ImGui::GetWindowWidth()};
  } else {
    float x1 = fit(avail_w, height_x1, line / scale, small_gap / scale, col_gap / scale, &per_row_x1);
    // The cell this configuration really had at x1 in a panel this wide beats the estimate.
    if (L.cell_x1.config == c && std::fabs(L.cell_x1.panel_w - ImGui::GetWindowWidth()) < 1.0f && L.cell_x1.cell > x1) {
      x1 = L.cell_x1.cell;
      per_row_x1 = L.cell_x1.per_row;
    }
    if (std::floor(x1) * scale > cell) {
      cell = std::floor(x1) * scale;
      per_row = per_row_x1;
    }
  }
  // Captions are a line tall; a column must at least be as wide as one.
  cell = std::clamp(std::floor(cell), 3.0f, 64.0f * state.ui_scale);
  // Phones and tablets: cells a finger can tap (24 CSS px, more with A+); the panel scrolls sideways.
  if (touch_layout_active(state)) cell = std::max(cell, std::floor(24.0f * state.ui_scale));
  L.grid_cell_px = cell;
  for (Column* col : cols)
    for (GridSpec& g : col->grids) g.cell = cell;

  const Highlights& hl = L.highlights;
  const bool grouped = ms.groups > 1 && !transposed && !pool;
  HoverTarget hover;
  const float top = ImGui::GetCursorPosY();
  bool first = true;
  for (int ci = 0; ci < 4; ++ci) {
    Column& col = *cols[ci];
    if (col.grids.empty()) continue;
    if (!first) ImGui::SameLine(0, col_gap);
    first = false;
    ImGui::SetCursorPosY(top);
    ImGui::BeginGroup();
    for (size_t gi = 0; gi < col.grids.size(); ++gi) {
      const GridSpec& g = col.grids[gi];
      GridSpec gk = g;
      gk.key = col.keys[gi].c_str();
      if (gi % per_row != 0) ImGui::SameLine(0, small_gap);
      ImGui::BeginGroup();
      {
        // The caption never widens its grid's slot (the cell size was computed from grid widths).
        const float gw = (g.cols + 2 * g.pad_c) * cell;
        ImVec2 p0 = ImGui::GetCursorScreenPos();
        ImGui::Dummy(ImVec2(gw, ImGui::GetTextLineHeight()));
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->PushClipRect(p0, ImVec2(p0.x + gw, p0.y + ImGui::GetTextLineHeight()), true);
        dl->AddText(p0, ImGui::GetColorU32(ImGuiCol_TextDisabled), col.captions[gi].c_str());
        dl->PopClipRect();
      }
      GridHit hit = draw_grid(gk, col.keys[gi].c_str());
      if (ci == 0) {  // input
        std::vector<Cell> cells = hl.input;
        if (as_conv) {  // the stepper's cells are input cells: show where they sit in the zero-inserted picture
          const int qh = c.dilation.h * (ms.KH - 1) - c.padding.h, qw = c.dilation.w * (ms.KW - 1) - c.padding.w;
          for (Cell& q : cells) q = Cell{qh + q.r * c.stride.h, qw + q.c * c.stride.w};
        }
        // Only the channels the output channel reads (its group's; depthwise: its own) light up.
        const bool read = std::find(hl.input_channels.begin(), hl.input_channels.end(), static_cast<int>(gi)) != hl.input_channels.end();
        if (read) grid_highlight(gk, hit, cells, kHighlight(), 2.5f, kHighlightFill());
        if (grouped) group_bar(hit, gk, group_colour(group_of_input_channel(c, static_cast<int>(gi))));
        if (L.pinned.kind == HoverKind::Input && !as_conv) grid_highlight(gk, hit, {L.pinned.cell}, kPinned(), 3.0f);
        if (!as_conv) take_hit(L, hit, HoverKind::Input, static_cast<int>(gi), &hover);
        if (gi == 0) record_grid_cells(state, "stepper.in", gk, hit);
        else record_grid_cells(state, "stepper.in" + std::to_string(gi), gk, hit, 0);
      } else if (ci == 1) {  // kernel
        grid_highlight(gk, hit, hl.kernel.size() == static_cast<size_t>(ms.KH * ms.KW) ? std::vector<Cell>{} : hl.kernel,
                       kHighlight(), 2.5f, kHighlightFill());
        if (L.pinned.kind == HoverKind::Kernel) grid_highlight(gk, hit, {L.pinned.cell}, kPinned(), 3.0f);
        take_hit(L, hit, HoverKind::Kernel, static_cast<int>(gi), &hover);
        if (grouped) group_bar(hit, gk, group_colour(group_of_output_channel(c, oc)));
        if (gi == 0) record_grid_cells(state, "stepper.kernel", gk, hit);
      } else if (ci == 2) {  // output
        grid_highlight(gk, hit, hl.output, kHighlight(), 2.5f, static_cast<int>(gi) == oc ? kHighlightFill() : 0);
        if (L.pinned.kind == HoverKind::Output) grid_highlight(gk, hit, {L.pinned.cell}, kPinned(), 3.0f);
        take_hit(L, hit, HoverKind::Output, static_cast<int>(gi), &hover);
        if (hit.clicked) L.out_channel = static_cast<int>(gi);
        if (grouped) group_bar(hit, gk, group_colour(group_of_output_channel(c, static_cast<int>(gi))));
        if (gi < 4) record_grid_cells(state, gi == 0 ? std::string("stepper.out") : "stepper.out" + std::to_string(gi), gk, hit);
      } else {
        if (transposed && !as_conv) grid_highlight(gk, hit, hl.output, kHighlight(), 2.0f);
      }
      ImGui::Dummy(ImVec2(1, 2));
      ImGui::EndGroup();
    }
    ImGui::EndGroup();
  }
  L.hover = hover;
  (void)column_height;
}

// [SECTION] arithmetic and editing -------------------------------------------------------------------

void draw_edit(AppState& state) {
  LessonState& L = state.lessons;
  const StepperConfig& c = L.config;
  if (L.pinned.kind == HoverKind::Input && !(c.mode == ConvMode::Transposed && L.transposed_as_conv)) {
    const Cell p = L.pinned.cell;
    if (p.r < 0 || p.r >= c.H || p.c < 0 || p.c >= c.W) {
      ImGui::TextDisabled(tr(S::stepper_pinned_a_padding), c.mode == ConvMode::MaxPool ? tr(S::stepper_minus_infinity) : "0");
      return;
    }
    const int ch = std::clamp(L.pinned_channel, 0, c.C - 1);
    size_t at = (static_cast<size_t>(ch) * c.H + p.r) * c.W + p.c;
    float v = L.data.input[at];
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    char label[96];
    std::snprintf(label, sizeof label, tr(S::stepper_pinned_input), ch, p.r, p.c);
    if (ImGui::InputFloat(label, &v, 1.0f, 0.0f, "%.3g") && std::isfinite(v)) {
      L.source = L.data.input;
      L.source[at] = std::clamp(v, -1e6f, 1e6f);
      L.config.input_preset = InputPreset::Custom;
      lesson_touch(L);
    }
    record_item_rect(state, "stepper.edit");
  } else if (L.pinned.kind == HoverKind::Kernel && !L.data.weight.empty()) {
    ModeShape ms = mode_shape(c);
    const int planes = c.mode == ConvMode::Transposed ? c.C : std::max(1, c.C / ms.groups);
    const int l = std::clamp(L.pinned_channel, 0, planes - 1);
    size_t at = ((static_cast<size_t>(L.out_channel) * planes + l) * ms.KH + L.pinned.cell.r) * ms.KW + L.pinned.cell.c;
    if (at >= L.data.weight.size()) return;
    float v = L.data.weight[at];
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    char label[80];
    std::snprintf(label, sizeof label, tr(S::stepper_pinned_weight), L.out_channel, l,
                  L.pinned.cell.r, L.pinned.cell.c);
    if (ImGui::InputFloat(label, &v, 0.5f, 0.0f, "%.3g") && std::isfinite(v)) {
      L.data.weight[at] = std::clamp(v, -1e6f, 1e6f);
      L.config.kernel_preset = KernelPreset::Custom;
      lesson_touch(L);
    }
    record_item_rect(state, "stepper.edit");
  } else if (L.pinned.kind == HoverKind::Output) {
    ImGui::TextDisabled(tr(S::stepper_pinned_output_click), L.pinned.cell.r, L.pinned.cell.c);
  } else {
    ImGui::TextDisabled("%s", tr(S::stepper_hover_a_cell));
  }
}

// Standard / grouped / depthwise / pointwise multiply counts for this input, kernel and output size
// (engine conv2d_macs), side by side; the mode on screen is bright, the others dim.
void draw_multiplies(AppState& state) {
  const LessonState& L = state.lessons;
  const StepperConfig& c = L.config;
  const StepperResult::MultiplyCounts& m = L.result.multiplies;
  ImGui::TextDisabled(tr(S::stepper_multiplies_for), m.in_channels, m.out_channels, mode_shape(c).KH, mode_shape(c).KW,
                      L.result.OH, L.result.OW);
  struct Entry {
    std::string label;
    long long n;
    bool current;
  };
  const Entry entries[4] = {
      {tr(S::stepper_multiplies_standard), m.standard, c.mode == ConvMode::Standard},
      {fmt(tr(S::stepper_multiplies_grouped), m.groups), m.grouped, c.mode == ConvMode::Grouped},
      {tr(S::stepper_multiplies_depthwise), m.depthwise, c.mode == ConvMode::Depthwise || c.mode == ConvMode::Separable},
      {tr(S::stepper_multiplies_pointwise), m.pointwise, c.mode == ConvMode::Pointwise || c.mode == ConvMode::Separable},
  };
  for (int i = 0; i < 4; ++i) {
    const std::string text = entries[i].label + " " + (entries[i].n >= 0 ? std::to_string(entries[i].n) : tr(S::stepper_multiplies_not_divisible));
    if (i) same_line_if_fits(ImGui::CalcTextSize(text.c_str()).x + ImGui::GetFontSize());
    if (entries[i].current) ImGui::TextUnformatted(text.c_str());
    else ImGui::TextDisabled("%s", text.c_str());
  }
  record_item_rect(state, "stepper.multiplies");
}

void draw_arithmetic(AppState& state, float height) {
  LessonState& L = state.lessons;
  const StepperConfig& c = L.config;
  const StepperResult& r = L.result;
  ImGui::BeginChild("##arith", ImVec2(0, height), true);
  record_item_rect(state, "stepper.arithmetic");
  if (!r.valid) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped(tr(S::stepper_no_output), r.error.c_str());
    ImGui::PopStyleColor();
    if (!r.explain.empty()) ImGui::TextWrapped("%s", r.explain.c_str());
  } else {
    const Cell p = L.arith_cell;
    const bool follows = L.arith_target.kind != HoverKind::None;
    if (c.mode == ConvMode::Transposed && follows)
      ImGui::Text(tr(L.arith_pinned ? S::stepper_stamp_pinned : S::stepper_stamp_hovered), p.r, p.c);
    else if (c.mode == ConvMode::Transposed)
      ImGui::Text(tr(S::stepper_stamp_of_input), L.position + 1, r.steps, p.r, p.c);
    else if (follows)
      ImGui::Text(tr(L.arith_pinned ? S::stepper_output_pinned : S::stepper_output_hovered), L.arith_channel, p.r, p.c,
                  num_text(r.output.at(0, L.arith_channel, p.r, p.c)).c_str());
    else
      ImGui::Text(tr(S::stepper_position_of_output), L.position + 1, r.steps, L.out_channel, p.r, p.c,
                  num_text(r.output.at(0, L.out_channel, p.r, p.c)).c_str());
    record_item_rect(state, "stepper.arithmetic-title");
    if (c.mode == ConvMode::Separable)
      ImGui::TextDisabled(tr(S::stepper_multiplies_depthwise_pointwise), r.macs_stage1,
                          r.macs_stage2, r.macs_stage1 + r.macs_stage2, r.macs_standard);
    if (!mode_is_pool(c.mode) && c.mode != ConvMode::Transposed) draw_multiplies(state);
    if (!L.kernel_note.empty()) ImGui::TextDisabled("%s", L.kernel_note.c_str());
    if (c.mode == ConvMode::Transposed)
      ImGui::TextDisabled(tr(S::stepper_convtranspose2d_vs_zero),
                          static_cast<double>(r.transposed_diff));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(L.arithmetic.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndChild();
}

}  // namespace

const char* conv_mode_text(ConvMode m) { return tr(kModeText[static_cast<int>(m)]); }
const char* input_preset_text(InputPreset p) { return tr(kInputText[static_cast<int>(p)]); }
const char* kernel_preset_text(KernelPreset p) { return tr(kKernelText[static_cast<int>(p)]); }

void draw_stepper_panel(AppState& state) {
  LessonState& L = state.lessons;
  // NoNavInputs while the stepper has the keys: space and the arrows drive it, not ImGui's navigation.
  const ImGuiWindowFlags keys = L.stepper_keys_to_controls ? 0 : ImGuiWindowFlags_NoNavInputs;
  // The page starts with the keys in the stepper (the arrows step at once, without a click). The other
  // panels take the focus as they first appear, so it is given once they all have.
  if (L.stepper_frames < 3 && ++L.stepper_frames == 3) ImGui::SetNextWindowFocus();
  // Projector scale: the data grow with the scale and the panel scrolls where they no longer fit.
  const float scale = std::max(1.0f, state.ui_scale);
  // (So do the finger-sized grids of phones and tablets.)
  const ImGuiWindowFlags scroll = scale > 1.0f || touch_layout_active(state) ? ImGuiWindowFlags_HorizontalScrollbar
                                                                             : ImGuiWindowFlags_NoScrollbar;
  if (!ImGui::Begin(tr_label(S::stepper_title), &L.show_stepper, keys | scroll)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "stepper");
  L.stepper_nav_inputs = keys == 0;
  L.stepper_focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  update_key_owner(L);
  draw_controls(state);
  lesson_refresh(L);  // a control changed this frame: draw the new result, not last frame's
  draw_transport(state);
  handle_keys(L, state.time_s);
  lesson_refresh(L);
  draw_edit(state);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float avail = ImGui::GetContentRegionAvail().y;
  // The arithmetic box is as tall as its text (wrapped), the grids get the rest.
  const float text_h = ImGui::CalcTextSize(L.result.valid ? L.arithmetic.c_str() : L.result.explain.c_str(), nullptr,
                                           false, ImGui::GetContentRegionAvail().x - line).y;
  const float arith_full = std::max(line * 4.0f, text_h + line * 3.2f);
  const float arith_h = std::min(arith_full, std::max(line * 4.0f, avail * 0.45f));
  const float grids_h = std::max(line * 3, avail - arith_h - ImGui::GetStyle().ItemSpacing.y * 2);
  // At x1 the controls, transport and arithmetic above and below the grids are 1/scale as tall.
  const float grids_h_x1 = grids_h + (ImGui::GetWindowHeight() - grids_h) * (1.0f - 1.0f / scale);
  draw_grids(state, grids_h, grids_h_x1);
  lesson_refresh(L);  // the arithmetic follows the cell the pointer is on in this frame
  // x1: the arithmetic fills the rest of the panel; projector scale: as tall as its text, the panel scrolls.
  draw_arithmetic(state, scale > 1.0f ? arith_full : 0.0f);
  L.stepper_popup_open = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
  ImGui::End();
}

}  // namespace cs::app
