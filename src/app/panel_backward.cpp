// panel_backward.cpp — the kernel stepper's backward direction: the forward/backward switch, the
// dL/dY choice, SGD and gradient-check buttons, the stepped accumulation (input, dL/dY, dL/dW and dL/dX
// so far), the three equal views of dL/dX and the products of the current step. Reads
// LessonState::backward (engine results cached by backward_refresh); writes the step and settings.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "backward_lesson_model.h"
#include "imgui.h"
#include "lesson_draw.h"
#include "lesson_model.h"
#include "panel_stepper_parts.h"
#include "item_hover.h"
#include "panels.h"

namespace cs::app {

namespace {

using stepper_panel::same_line_if_fits;

// One grid of a row: values, its colour scale, a caption, the name the tests click it by.
struct Item {
  GridSpec g;
  std::string caption, key;
  std::vector<Cell> lit;  // highlighted cells
  bool signed_values = true;
};

Item item(const float* v, int rows, int cols, std::string caption, std::string key, bool signed_values = true) {
  Item it;
  it.g.rows = rows;
  it.g.cols = cols;
  it.g.values = v;
  value_range(v, static_cast<size_t>(rows) * cols, signed_values, &it.g.vmin, &it.g.vmax);
  it.g.map = signed_values ? ColorMap::Diverging : ColorMap::Grey;
  it.caption = std::move(caption);
  it.key = std::move(key);
  it.signed_values = signed_values;
  return it;
}

// Items side by side with one cell size (at most `max_cell`, fitting `width`), captions above; returns
// the hit of each. Groups are separated by a wider gap (`group_of` changes).
std::vector<GridHit> draw_row(AppState& state, std::vector<Item>& items, const std::vector<int>& group_of, float width,
                              float height, float max_cell) {
  const float fs = ImGui::GetFontSize(), gap = fs * 0.6f, group_gap = fs * 1.6f;
  float cells_w = 0, fixed = 0;
  int rows = 1;
  for (size_t i = 0; i < items.size(); ++i) {
    cells_w += static_cast<float>(items[i].g.cols + 2 * items[i].g.pad_c);
    if (i) fixed += group_of[i] != group_of[i - 1] ? group_gap : gap;
    rows = std::max(rows, items[i].g.rows + 2 * items[i].g.pad_r);
  }
  float cell = std::min((width - fixed) / std::max(1.0f, cells_w), (height - fs * 1.4f) / rows);
  cell = std::clamp(std::floor(cell), 6.0f, max_cell);
  std::vector<GridHit> hits;
  for (size_t i = 0; i < items.size(); ++i) {
    Item& it = items[i];
    it.g.cell = cell;
    it.g.key = it.key.c_str();
    if (i) ImGui::SameLine(0, group_of[i] != group_of[i - 1] ? group_gap : gap);
    ImGui::BeginGroup();
    const float gw = std::max((it.g.cols + 2 * it.g.pad_c) * cell, 1.0f);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(gw, ImGui::GetTextLineHeight()));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p0, ImVec2(p0.x + gw, p0.y + ImGui::GetTextLineHeight()), true);
    dl->AddText(p0, ImGui::GetColorU32(ImGuiCol_TextDisabled), it.caption.c_str());
    dl->PopClipRect();
    GridHit hit = draw_grid(it.g, it.key.c_str());
    if (!it.caption.empty()) item_tooltip("%s", it.caption.c_str());
    if (!it.lit.empty()) grid_highlight(it.g, hit, it.lit, kHighlight(), 2.5f, kHighlightFill());
    record_grid_cells(state, it.key, it.g, hit, 400);
    hits.push_back(hit);
    ImGui::EndGroup();
  }
  return hits;
}

// [SECTION] controls and transport --------------------------------------------------------------------------

void step_to(LessonState::Backward& B, int t) { B.step = std::clamp(t, 0, std::max(0, B.result.steps - 1)); }

void draw_settings(AppState& state) {
  LessonState& L = state.lessons;
  LessonState::Backward& B = L.backward;
  const float fs = ImGui::GetFontSize();
  static const S kChoice[kGradChoiceCount] = {S::bwd_choice_ones, S::bwd_choice_random, S::bwd_choice_custom,
                                              S::bwd_choice_target};
  ImGui::SetNextItemWidth(fs * 17);
  if (ImGui::BeginCombo(tr_label(S::bwd_grad_label), tr(kChoice[static_cast<int>(B.settings.grad)]))) {
    for (int i = 0; i < kGradChoiceCount; ++i)
      if (ImGui::Selectable(tr(kChoice[i]), i == static_cast<int>(B.settings.grad))) {
        if (static_cast<GradChoice>(i) == GradChoice::Custom && B.result.valid) B.settings.custom = B.result.grad_output.values();
        B.settings.grad = static_cast<GradChoice>(i);
      }
    ImGui::EndCombo();
  }
  record_item_rect(state, "backward.grad-choice");
  const bool conv = B.result.valid && !B.result.pool;
  ImGui::BeginDisabled(!conv);
  same_line_if_fits(fs * 6, tr_label(S::bwd_lr));
  ImGui::SetNextItemWidth(fs * 6);
  float lr = B.lr;
  if (ImGui::InputFloat(tr_label(S::bwd_lr), &lr, 0.0f, 0.0f, "%.4g")) {
    if (lr > 0.0f && lr <= 100.0f && std::isfinite(lr)) B.lr = lr;
    else app_notice(state, fmt(tr(S::bwd_lr_range), static_cast<double>(lr)));
  }
  record_item_rect(state, "backward.lr");
  same_line_if_fits(fs * 9);
  if (ImGui::Button(tr_label(S::bwd_apply_sgd))) backward_take_sgd(L);
  record_item_rect(state, "backward.sgd");
  same_line_if_fits(fs * 9);
  if (ImGui::Button(tr_label(S::bwd_grad_check))) backward_run_check(L);
  record_item_rect(state, "backward.grad-check");
  ImGui::EndDisabled();
}

void draw_transport(AppState& state) {
  LessonState& L = state.lessons;
  LessonState::Backward& B = L.backward;
  const int n = std::max(1, B.result.steps);
  const float fs = ImGui::GetFontSize();
  ImGui::BeginDisabled(!B.result.valid);
  if (ImGui::Button("|<##bwd")) step_to(B, 0);
  record_item_rect(state, "backward.first");
  ImGui::SameLine();
  if (ImGui::Button("<##bwd")) step_to(B, B.step - 1);
  record_item_rect(state, "backward.step-back");
  ImGui::SameLine();
  if (ImGui::Button(B.playing ? tr_label(S::stepper_pause) : tr_label(S::stepper_play), ImVec2(fs * 4, 0))) {
    B.playing = !B.playing;
    if (B.playing && B.step >= n - 1) B.step = 0;
    B.next_step_s = state.time_s + 1.0 / L.speed;
  }
  record_item_rect(state, "backward.play");
  ImGui::SameLine();
  if (ImGui::Button(">##bwd")) step_to(B, B.step + 1);
  record_item_rect(state, "backward.step-forward");
  ImGui::SameLine();
  if (ImGui::Button(">|##bwd")) step_to(B, n - 1);
  record_item_rect(state, "backward.last");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(fs * 6, ImGui::GetContentRegionAvail().x));
  int t = B.step + 1;
  if (ImGui::SliderInt("##bwd-timeline", &t, 1, n, tr(S::stepper_timeline_format))) step_to(B, t - 1);
  record_item_rect(state, "backward.timeline");
  ImGui::EndDisabled();
  if (B.playing && state.time_s >= B.next_step_s) {
    if (B.step + 1 >= n) B.playing = false;
    else B.step++, B.next_step_s = state.time_s + 1.0 / std::max(0.25f, L.speed);
  }
}

// The forward stepper's keys (Space plays, arrows step, up/down a row, Home/End), for the backward steps.
void handle_keys(LessonState& L, double now) {
  LessonState::Backward& B = L.backward;
  if (!L.stepper_focused || L.stepper_keys_to_controls || ImGui::GetIO().WantTextInput || !B.result.valid) return;
  const int n = std::max(1, B.result.steps), row = std::max(1, B.result.OW);
  auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), false); };
  if (pressed(ImGuiKey_Space)) {
    B.playing = !B.playing;
    if (B.playing && B.step >= n - 1) B.step = 0;
    B.next_step_s = now + 1.0 / L.speed;
  }
  if (pressed(ImGuiKey_RightArrow)) step_to(B, B.step + 1);
  if (pressed(ImGuiKey_LeftArrow)) step_to(B, B.step - 1);
  if (pressed(ImGuiKey_DownArrow)) step_to(B, B.step + row);
  if (pressed(ImGuiKey_UpArrow)) step_to(B, B.step - row);
  if (pressed(ImGuiKey_Home)) step_to(B, 0);
  if (pressed(ImGuiKey_End)) step_to(B, n - 1);
}

// Loss, the last SGD step and the gradient check, in words.
void draw_reports(AppState& state) {
  const LessonState::Backward& B = state.lessons.backward;
  const BackwardResult& b = B.result;
  ImGui::TextUnformatted(fmt(tr(B.settings.grad == GradChoice::Target ? S::bwd_loss_mse : S::bwd_loss_dot),
                             num_text(static_cast<float>(b.loss)).c_str()).c_str());
  record_item_rect(state, "backward.loss");
  const SgdReport& g = B.sgd;
  if (!g.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", g.error.c_str());
    ImGui::PopStyleColor();
  } else if (g.done) {
    ImGui::TextWrapped("%s", fmt(tr(S::bwd_sgd_report), static_cast<double>(g.lr), num_text(static_cast<float>(g.loss_before)).c_str(),
                                 num_text(static_cast<float>(g.loss_after)).c_str(),
                                 tr(g.loss_after < g.loss_before ? S::bwd_sgd_lower : S::bwd_sgd_higher)).c_str());
  }
  record_item_rect(state, "backward.sgd-report");
  const GradCheck& c = B.check;
  if (B.check_revision == B.revision && c.done)
    ImGui::TextWrapped("%s", fmt(tr(S::bwd_check_report), static_cast<double>(c.eps), c.max_rel_error).c_str());
  else if (B.check_revision == B.revision && !c.error.empty())
    ImGui::TextWrapped("%s", c.error.c_str());
}

// [SECTION] grids -------------------------------------------------------------------------------------------

// Input | dL/dY (the current cell lit; click one to step there and edit it) | dL/dW so far | dL/dX so far
// (the window the current cell scatters onto lit) | overlap counts.
void draw_accumulation(AppState& state, float width, float height) {
  LessonState& L = state.lessons;
  LessonState::Backward& B = L.backward;
  const BackwardResult& b = B.result;
  const StepperConfig& c = L.config;
  const int oc = std::clamp(L.out_channel, 0, b.OC - 1);
  const Cell p{B.step / b.OW, B.step % b.OW};
  std::vector<Item> items;
  std::vector<int> group;
  std::vector<Cell> window;  // the input cells the current output cell read (inside the input)
  for (const Cell& q : input_cells_of_output(c, L.result, p))
    if (q.r >= 0 && q.r < c.H && q.c >= 0 && q.c < c.W) window.push_back(q);
  const std::vector<int> reads = input_channels_of_output_channel(L.result.geo, oc);
  for (int ch = 0; ch < c.C; ++ch) {
    items.push_back(item(L.data.input.data() + static_cast<size_t>(ch) * c.H * c.W, c.H, c.W,
                         fmt(tr(S::bwd_cap_input), ch), "backward.x" + std::to_string(ch), false));
    items.back().g.pad_r = c.padding.h;
    items.back().g.pad_c = c.padding.w;
    if (std::find(reads.begin(), reads.end(), ch) != reads.end()) items.back().lit = window;
    group.push_back(0);
  }
  for (int o = 0; o < b.OC; ++o) {
    items.push_back(item(b.grad_output.data() + static_cast<size_t>(o) * b.steps, b.OH, b.OW, fmt(tr(S::bwd_cap_dy), o),
                         "backward.dy" + std::to_string(o)));
    items.back().g.filled = B.step;
    items.back().lit = {p};
    group.push_back(1);
  }
  const BackwardStep& st = B.current;
  if (!b.pool && !st.grad_weight.empty()) {
    const size_t kk = static_cast<size_t>(b.KH) * b.KW;
    for (int l = 0; l < b.cg; ++l) {
      items.push_back(item(st.grad_weight.data() + (static_cast<size_t>(oc) * b.cg + l) * kk, b.KH, b.KW,
                           fmt(tr(S::bwd_cap_dw), oc, l), "backward.dw" + std::to_string(l)));
      group.push_back(2);
    }
  }
  if (!st.grad_input.empty()) {
    // One colour scale for the partial and the final dL/dX, so the grid fills in instead of rescaling.
    float lo, hi;
    value_range(b.grad_input.data(), b.grad_input.numel(), true, &lo, &hi);
    for (int ch = 0; ch < c.C; ++ch) {
      items.push_back(item(st.grad_input.data() + static_cast<size_t>(ch) * c.H * c.W, c.H, c.W,
                           fmt(tr(S::bwd_cap_dx), ch), "backward.dx" + std::to_string(ch)));
      items.back().g.vmin = std::min(lo, items.back().g.vmin);
      items.back().g.vmax = std::max(hi, items.back().g.vmax);
      if (std::find(reads.begin(), reads.end(), ch) != reads.end()) items.back().lit = window;
      group.push_back(3);
    }
  }
  items.push_back(item(b.overlap.data(), c.H, c.W, tr(S::bwd_cap_overlap), "backward.overlap", false));
  items.back().g.map = ColorMap::Cividis;
  group.push_back(4);
  const std::vector<GridHit> hits = draw_row(state, items, group, width, height, 56.0f * std::max(1.0f, state.ui_scale));
  // A click on a dL/dY cell steps there (its products are then the ones written out).
  for (size_t i = 0; i < items.size(); ++i)
    if (group[i] == 1 && hits[i].clicked && hits[i].cell.r >= 0 && hits[i].cell.r < b.OH && hits[i].cell.c >= 0 &&
        hits[i].cell.c < b.OW) {
      L.out_channel = static_cast<int>(i) - c.C;
      B.step = hits[i].cell.r * b.OW + hits[i].cell.c;
    }
}

// dL/dX three ways: the scatter (conv2d_backward), the full convolution of the zero-inserted, padded
// dL/dY with the rotated kernel, and col2im(W^T . dL/dY); each result grid is the engine's.
void draw_views(AppState& state, float width, float height) {
  const LessonState& L = state.lessons;
  const BackwardResult& b = L.backward.result;
  const int C = L.config.C, H = L.config.H, W = L.config.W;
  const int oc = std::clamp(L.out_channel, 0, b.OC - 1);
  ImGui::TextWrapped("%s", fmt(tr(S::bwd_views_title), static_cast<double>(b.views_max_diff)).c_str());
  record_item_rect(state, "backward.views");
  std::vector<Item> items;
  std::vector<int> group;
  for (int ch = 0; ch < C; ++ch) {
    items.push_back(item(b.grad_input.data() + static_cast<size_t>(ch) * H * W, H, W, fmt(tr(S::bwd_view_scatter), ch),
                         "backward.view-scatter" + std::to_string(ch)));
    group.push_back(0);
  }
  const int Hp = b.dy_padded.dim(2), Wp = b.dy_padded.dim(3);
  items.push_back(item(b.dy_padded.data() + static_cast<size_t>(oc) * Hp * Wp, Hp, Wp, fmt(tr(S::bwd_view_padded), oc),
                       "backward.view-padded"));
  group.push_back(1);
  const int ocg = b.OC / b.groups, ch0 = (oc / ocg) * b.cg;
  items.push_back(item(b.w_rotated.data() + (static_cast<size_t>(ch0) * ocg + oc % ocg) * b.KH * b.KW, b.KH, b.KW,
                       fmt(tr(S::bwd_view_rotated), oc, ch0), "backward.view-rotated-kernel"));
  group.push_back(1);
  for (int ch = 0; ch < C; ++ch) {
    items.push_back(item(b.dx_rotated.data() + static_cast<size_t>(ch) * H * W, H, W, fmt(tr(S::bwd_view_full), ch),
                         "backward.view-rotated" + std::to_string(ch)));
    group.push_back(1);
  }
  items.push_back(item(b.cols.data(), b.cols.dim(0), b.cols.dim(1), fmt(tr(S::bwd_view_cols), b.cols.dim(0), b.cols.dim(1)),
                       "backward.view-cols"));
  group.push_back(2);
  for (int ch = 0; ch < C; ++ch) {
    items.push_back(item(b.dx_col2im.data() + static_cast<size_t>(ch) * H * W, H, W, fmt(tr(S::bwd_view_col2im), ch),
                         "backward.view-col2im" + std::to_string(ch)));
    group.push_back(2);
  }
  draw_row(state, items, group, width, height, 40.0f * std::max(1.0f, state.ui_scale));
  ImGui::TextDisabled("%s", tr(S::bwd_transposed_sentence));
}

// The pinned dL/dY cell's editor: editing makes the gradient "custom" (finite numbers only).
void draw_edit(AppState& state) {
  LessonState& L = state.lessons;
  LessonState::Backward& B = L.backward;
  const BackwardResult& b = B.result;
  const int oc = std::clamp(L.out_channel, 0, b.OC - 1), r = B.step / b.OW, c = B.step % b.OW;
  float v = b.grad_output.at(0, oc, r, c);
  char label[96];
  std::snprintf(label, sizeof label, tr(S::bwd_edit_dy), oc, r, c);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  if (ImGui::InputFloat(label, &v, 1.0f, 0.0f, "%.4g")) {
    std::string why;
    if (!backward_edit_grad(L, oc, r, c, v, &why) && !why.empty()) app_notice(state, why);
  }
  record_item_rect(state, "backward.edit");
}

}  // namespace

// [SECTION] entry points -------------------------------------------------------------------------------------

void stepper_panel::draw_direction(AppState& state) {
  LessonState& L = state.lessons;
  int dir = L.backward.on ? 1 : 0;
  // Beside the last control row when both buttons fit: a row less above the grids at projector scale.
  const ImGuiStyle& st = ImGui::GetStyle();
  const float both = 2 * (ImGui::GetFrameHeight() + st.ItemInnerSpacing.x) + st.ItemSpacing.x +
                     ImGui::CalcTextSize(tr_label(S::bwd_direction_forward), nullptr, true).x +
                     ImGui::CalcTextSize(tr_label(S::bwd_direction_backward), nullptr, true).x;
  same_line_if_fits(both);
  ImGui::RadioButton(tr_label(S::bwd_direction_forward), &dir, 0);
  record_item_rect(state, "stepper.direction-forward");
  ImGui::SameLine();
  ImGui::RadioButton(tr_label(S::bwd_direction_backward), &dir, 1);
  record_item_rect(state, "stepper.direction-backward");
  if ((dir == 1) != L.backward.on) {
    L.backward.on = dir == 1;
    L.playing = false;
    L.backward.playing = false;
  }
}

void stepper_panel::draw_backward(AppState& state) {
  LessonState& L = state.lessons;
  LessonState::Backward& B = L.backward;
  draw_settings(state);
  draw_transport(state);
  handle_keys(L, state.time_s);
  lesson_refresh(L);
  L.hover = HoverTarget{};  // the forward grids are not drawn: nothing of theirs is under the pointer
  const float panel_h = ImGui::GetWindowHeight(), body_h = ImGui::GetContentRegionAvail().y;
  ImGui::BeginChild("##backward", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const BackwardResult& b = B.result;
  if (!b.valid) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", b.error.c_str());
    ImGui::PopStyleColor();
  } else {
    draw_reports(state);
    draw_edit(state);
    const float scale = std::max(1.0f, state.ui_scale), line = ImGui::GetTextLineHeightWithSpacing();
    // x1: the rows share the panel; projector scale: the cells grow by the scale and the body scrolls.
    // The body's height at x1 (the controls above it are 1/scale as tall there), so the cells are scale x
    // the x1 cells: a projector enlarges the data.
    const float w = (ImGui::GetContentRegionAvail().x - 4) * scale, h_x1 = panel_h - (panel_h - body_h) / scale;
    const float rows_h = std::max(line * 4, h_x1 * (b.pool ? 0.5f : 0.3f) * scale);
    draw_accumulation(state, w, rows_h);
    if (!b.pool) draw_views(state, w, rows_h * 0.8f);
    ImGui::Separator();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetWindowWidth() - ImGui::GetFontSize());
    ImGui::TextUnformatted(B.current.arithmetic.c_str());
    ImGui::PopTextWrapPos();
    record_item_rect(state, "backward.arithmetic");
  }
  ImGui::EndChild();
  record_item_rect(state, "backward.body");  // the child is the last item once it has ended
}

}  // namespace cs::app
