// panel_stepper.cpp — the kernel stepper's frame: controls -> transport -> input | kernel | output
// grids -> the arithmetic at the current position, plus the keys and the pinned cell's editor. Reads
// LessonState's cached engine results; writes the position and the data back. Panel id "stepper".
// The controls and the grids are in panel_stepper_controls.cpp and panel_stepper_grids.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app_services.h"
#include "imgui.h"
#include "lesson_model.h"
#include "lesson_panels.h"
#include "panel_stepper_parts.h"
#include "panels.h"

namespace cs::app {

namespace {

using stepper_panel::same_line_if_fits;

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
    const StepperGeometry& ms = L.result.geo;
    const int planes = c.mode == ConvMode::Transposed ? c.C : ms.in_per_group;
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
  ImGui::TextDisabled(tr(S::stepper_multiplies_for), m.in_channels, m.out_channels, L.result.geo.KH, L.result.geo.KW,
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


void draw_stepper_panel(AppState& state) {
  LessonState& L = state.lessons;
  // NoNavInputs while the stepper has the keys: space and the arrows drive it, not ImGui's navigation.
  const ImGuiWindowFlags keys = L.stepper_keys_to_controls ? 0 : ImGuiWindowFlags_NoNavInputs;
  // The page starts with the keys in the stepper (the arrows step at once, without a click). The other
  // panels take the focus as they first appear, so it is given once they all have.
  if (L.stepper_frames < 3 && ++L.stepper_frames == 3) ImGui::SetNextWindowFocus();
  // Projector scale: the data grow with the scale and the panel scrolls where they no longer fit.
  const float scale = std::max(1.0f, state.ui_scale);
  const ImGuiWindowFlags scroll = scale > 1.0f ? ImGuiWindowFlags_HorizontalScrollbar : ImGuiWindowFlags_NoScrollbar;
  if (!ImGui::Begin(tr_label(S::stepper_title), &L.show_stepper, keys | scroll)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "stepper");
  L.stepper_nav_inputs = keys == 0;
  L.stepper_focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  update_key_owner(L);
  stepper_panel::draw_controls(state);
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
  stepper_panel::draw_grids(state, grids_h, grids_h_x1);
  lesson_refresh(L);  // the arithmetic follows the cell the pointer is on in this frame
  // x1: the arithmetic fills the rest of the panel; projector scale: as tall as its text, the panel scrolls.
  draw_arithmetic(state, scale > 1.0f ? arith_full : 0.0f);
  L.stepper_popup_open = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
  ImGui::End();
}

}  // namespace cs::app
