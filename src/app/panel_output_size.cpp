// panel_output_size.cpp — the output-size explorer: sliders -> the formula with the numbers written in
// -> the rows/columns the floor drops, marked on the input; cost side by side; receptive-field stack.
// Shares the stepper's configuration (one change updates every panel). Panel id "output-size".
#include <algorithm>
#include <cstdio>

#include "app_services.h"
#include "course_player.h"
#include "lesson_draw.h"
#include "lesson_model.h"
#include "lesson_panels.h"
#include "number_text.h"
#include "panels.h"

namespace cs::app {

namespace {

void slider_pair(AppState& state, const char* label, const char* id, int* h, int* w, int lo, int hi, bool split) {
  const float fs = ImGui::GetFontSize();
  ImGui::PushID(id);
  if (split) {
    ImGui::SetNextItemWidth(fs * 6);
    ImGui::SliderInt("##h", h, lo, hi, tr(S::output_size_height_format));
    ImGui::SameLine(0, 4);
    ImGui::SetNextItemWidth(fs * 6);
    ImGui::SliderInt(label, w, lo, hi, tr(S::output_size_width_format));
  } else {
    ImGui::SetNextItemWidth(fs * 12 + 4);
    int v = *h;
    if (ImGui::SliderInt(label, &v, lo, hi)) *h = *w = v;
  }
  std::string item = std::string("output-size.") + id;
  record_item_rect(state, item.c_str());
  ImGui::PopID();
}

void axis_text(const AxisReport& a, const char* name) {
  ImGui::TextDisabled(tr(S::output_size_out_formula), name, a.formula.c_str());
  if (a.valid) {
    ImGui::Text(tr(S::output_size_out_formula), name, a.substituted.c_str());
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped(tr(S::output_size_out_error), name, a.substituted.empty() ? tr(S::output_size_no_output) : a.substituted.c_str());
    ImGui::PopStyleColor();
  }
  if (!a.why.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, a.valid ? ImVec4(1.0f, 0.8f, 0.35f, 1.0f) : ImVec4(1.0f, 0.6f, 0.5f, 1.0f));
    ImGui::TextWrapped("%s", a.why.c_str());
    ImGui::PopStyleColor();
  }
}

// The input (H x W) with its padding; rows/columns no window reads are striped red.
void coverage_picture(AppState& state, const StepperConfig& c, const AxisReport& ah, const AxisReport& aw, float max_side) {
  const bool transposed = c.mode == ConvMode::Transposed;
  const int ph = transposed ? 0 : c.padding.h, pw = transposed ? 0 : c.padding.w;
  const int R = c.H + 2 * ph, C = c.W + 2 * pw;
  const float cell = std::clamp(std::floor(max_side / std::max(R, C)), 3.0f, 22.0f * state.ui_scale);
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(C * cell, R * cell));
  record_item_rect(state, "output-size.coverage");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(o, ImVec2(o.x + C * cell, o.y + R * cell), IM_COL32(48, 52, 62, 255));
  ImVec2 v0(o.x + pw * cell, o.y + ph * cell);
  dl->AddRectFilled(v0, ImVec2(v0.x + c.W * cell, v0.y + c.H * cell), IM_COL32(120, 125, 135, 255));
  for (int y : ah.uncovered)
    dl->AddRectFilled(ImVec2(v0.x, v0.y + y * cell), ImVec2(v0.x + c.W * cell, v0.y + (y + 1) * cell), IM_COL32(230, 70, 60, 170));
  for (int x : aw.uncovered)
    dl->AddRectFilled(ImVec2(v0.x + x * cell, v0.y), ImVec2(v0.x + (x + 1) * cell, v0.y + c.H * cell), IM_COL32(230, 70, 60, 170));
  if (cell >= 6) {
    for (int r = 0; r <= R; ++r) dl->AddLine(ImVec2(o.x, o.y + r * cell), ImVec2(o.x + C * cell, o.y + r * cell), IM_COL32(0, 0, 0, 80));
    for (int k = 0; k <= C; ++k) dl->AddLine(ImVec2(o.x + k * cell, o.y), ImVec2(o.x + k * cell, o.y + R * cell), IM_COL32(0, 0, 0, 80));
  }
  dl->AddRect(v0, ImVec2(v0.x + c.W * cell, v0.y + c.H * cell), IM_COL32(220, 220, 230, 200));
}

void size_tab(AppState& state) {
  LessonState& L = state.lessons;
  StepperConfig& c = L.config;
  const bool split = L.split_hw;
  ImGui::Checkbox(tr_label(S::output_size_h_and_w), &L.split_hw);
  record_item_rect(state, "output-size.split");
  ImGui::SameLine();
  ImGui::TextDisabled(tr(S::output_size_mode), conv_mode_text(c.mode));
  slider_pair(state, tr_label(S::output_size_slider_input), "input", &c.H, &c.W, StepperLimits::kMinSide, StepperLimits::kMaxSide, split);
  if (c.mode != ConvMode::Pointwise)
    slider_pair(state, tr_label(S::output_size_slider_kernel), "kernel", &c.KH, &c.KW, 1, StepperLimits::kMaxKernel, split);
  slider_pair(state, tr_label(S::output_size_slider_padding), "padding", &c.padding.h, &c.padding.w, 0, StepperLimits::kMaxPadding, split);
  slider_pair(state, tr_label(S::output_size_slider_stride), "stride", &c.stride.h, &c.stride.w, 0, StepperLimits::kMaxStride, split);
  slider_pair(state, tr_label(S::output_size_slider_dilation), "dilation", &c.dilation.h, &c.dilation.w, 0, StepperLimits::kMaxDilation, split);
  if (mode_is_pool(c.mode)) ImGui::Checkbox(tr_label(S::output_size_ceil_mode), &c.ceil_mode);
  lesson_refresh(L);

  const StepperGeometry& ms = L.result.geo;
  AxisReport ah = axis_report("H", c.H, ms.KH, c.stride.h, c.padding.h, c.dilation.h, c.mode, c.ceil_mode);
  AxisReport aw = axis_report("W", c.W, ms.KW, c.stride.w, c.padding.w, c.dilation.w, c.mode, c.ceil_mode);
  ImGui::Separator();
  if (L.result.valid)
    ImGui::Text(tr(S::output_size_output_x_engine), L.result.OH, L.result.OW);
  else
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", tr(S::output_size_no_output));
  record_item_rect(state, "output-size.result");
  axis_text(ah, "H");
  if (split || c.H != c.W || ms.KH != ms.KW || c.stride.h != c.stride.w || c.padding.h != c.padding.w ||
      c.dilation.h != c.dilation.w)
    axis_text(aw, "W");
  if (!L.result.valid && !L.result.explain.empty()) ImGui::TextWrapped("%s", L.result.explain.c_str());
  // "same" padding: output size = input size (stride 1 and an even dilated span only).
  if (!mode_is_pool(c.mode) && c.mode != ConvMode::Transposed) {
    if (ah.same_padding >= 0 && aw.same_padding >= 0 && ah.same_padding <= StepperLimits::kMaxPadding &&
        aw.same_padding <= StepperLimits::kMaxPadding) {
      const std::string label = cs::fmt(tr(S::output_size_use_same_padding), ah.same_padding, aw.same_padding) + "###same";
      ImGui::BeginDisabled(course_locks(state, "output-size.same"));
      if (ImGui::Button(label.c_str())) {
        c.padding = Size2{ah.same_padding, aw.same_padding};
      }
      ImGui::EndDisabled();
      record_item_rect(state, "output-size.same");
    } else {
      ImGui::TextDisabled("%s", tr(S::output_size_no_same_padding));
    }
  }
  const float side = std::min(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y) - 4;
  if (side > 30 && !ah.uncovered.empty() + !aw.uncovered.empty()) {
    ImGui::TextDisabled("%s", tr(S::output_size_input_red_never));
    coverage_picture(state, c, ah, aw, side);
  } else if (side > 30) {
    coverage_picture(state, c, ah, aw, std::min(side, ImGui::GetFontSize() * 8));
  }
}

void cost_tab(AppState& state) {
  LessonState& L = state.lessons;
  const float fs = ImGui::GetFontSize();
  ImGui::TextWrapped(tr(S::output_size_the_stepper_s),
                     L.config.H, L.config.W);
  CostInputs& ci = L.cost;
  ImGui::SetNextItemWidth(fs * 5);
  ImGui::InputInt(tr_label(S::output_size_in_ch), &ci.in_channels, 0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 5);
  ImGui::InputInt(tr_label(S::output_size_out_ch), &ci.out_channels, 0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 4);
  ImGui::InputInt(tr_label(S::output_size_groups), &ci.groups, 0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 4);
  ImGui::InputInt(tr_label(S::output_size_batch), &ci.batch, 0);
  ci.in_channels = std::clamp(ci.in_channels, 1, 4096);
  ci.out_channels = std::clamp(ci.out_channels, 1, 4096);
  ci.groups = std::clamp(ci.groups, 1, 4096);
  ci.batch = std::clamp(ci.batch, 1, 1024);
  std::vector<CostRow> rows = cost_table(L.config, ci);
  if (ImGui::BeginTable("##cost", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn(tr(S::output_size_layer));
    ImGui::TableSetupColumn(tr(S::output_size_params_bias));
    ImGui::TableSetupColumn(tr(S::output_size_params_no_bias));
    ImGui::TableSetupColumn(tr(S::output_size_macs));
    ImGui::TableSetupColumn(tr(S::output_size_output_bytes));
    ImGui::TableHeadersRow();
    for (const CostRow& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.name.c_str());
      if (!r.valid) {
        ImGui::TableNextColumn();
        ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.5f, 1.0f), "%s", r.why.c_str());
        continue;
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(grouped_count(r.params).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(grouped_count(r.params_no_bias).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(grouped_count(r.macs).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(grouped_count(r.output_bytes).c_str());
    }
    ImGui::EndTable();
  }
  record_item_rect(state, "output-size.cost");
  ImGui::TextDisabled("%s", tr(S::output_size_separable_bytes_include));
}

void rf_tab(AppState& state) {
  LessonState& L = state.lessons;
  const float fs = ImGui::GetFontSize();
  std::string err;
  std::vector<RfRow> rows = rf_rows(L.rf_layers, &err);
  int remove = -1;
  if (ImGui::BeginTable("##rf", 7, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn(tr(S::output_size_layer));
    ImGui::TableSetupColumn(tr(S::output_size_col_kernel));
    ImGui::TableSetupColumn(tr(S::output_size_col_stride));
    ImGui::TableSetupColumn(tr(S::output_size_col_dilation));
    ImGui::TableSetupColumn(tr(S::output_size_col_padding));
    ImGui::TableSetupColumn(tr(S::output_size_rf_jump));
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < L.rf_layers.size(); ++i) {
      RfStackLayer& l = L.rf_layers[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%zu %s", i + 1, l.pool ? tr(S::output_size_pool) : tr(S::output_size_conv));
      int* fields[4] = {&l.kernel, &l.stride, &l.dilation, &l.padding};
      const int lo[4] = {1, 1, 1, 0}, hi[4] = {15, 8, 8, 8};
      for (int f = 0; f < 4; ++f) {
        ImGui::TableNextColumn();
        ImGui::SetNextItemWidth(fs * 2.6f);
        ImGui::PushID(f);
        ImGui::DragInt("##v", fields[f], 0.1f, lo[f], hi[f]);
        *fields[f] = std::clamp(*fields[f], lo[f], hi[f]);
        ImGui::PopID();
      }
      ImGui::TableNextColumn();
      if (i < rows.size()) ImGui::Text("%lld / %lld", rows[i].size, rows[i].jump);
      ImGui::TableNextColumn();
      if (L.rf_layers.size() > 1 && ImGui::SmallButton(tr_label(S::output_size_remove_layer))) remove = static_cast<int>(i);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (remove >= 0) L.rf_layers.erase(L.rf_layers.begin() + remove);
  if (L.rf_layers.size() < 12) {
    if (ImGui::Button(tr_label(S::output_size_conv_3x3))) L.rf_layers.push_back(RfStackLayer{false, 3, 1, 1, 1});
    record_item_rect(state, "output-size.rf-add-conv");
    ImGui::SameLine();
    if (ImGui::Button(tr_label(S::output_size_pool_2x2_s2))) L.rf_layers.push_back(RfStackLayer{true, 2, 2, 1, 0});
    record_item_rect(state, "output-size.rf-add-pool");
  }
  if (!err.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.5f, 1.0f), "%s", err.c_str());
    return;
  }
  if (rows.empty()) return;
  // Nested squares: what one output pixel of each layer sees, centred on the input.
  const float side = std::min(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y) - 6;
  if (side < 40) return;
  const long long biggest = rows.back().size;
  const long long input = std::max<long long>(biggest + 4, 16);
  const float px = side / static_cast<float>(input);
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  record_item_rect(state, "output-size.rf-picture");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(o, ImVec2(o.x + side, o.y + side), IM_COL32(40, 44, 52, 255));
  const ImVec2 centre(o.x + side * 0.5f, o.y + side * 0.5f);
  for (size_t i = rows.size(); i-- > 0;) {
    const float h = rows[i].size * px * 0.5f;
    Rgb8 col = colormap_rgb(state.sequential_map, rows.size() > 1 ? static_cast<float>(i) / (rows.size() - 1) : 1.0f);
    dl->AddRectFilled(ImVec2(centre.x - h, centre.y - h), ImVec2(centre.x + h, centre.y + h), IM_COL32(col.r, col.g, col.b, 110));
    dl->AddRect(ImVec2(centre.x - h, centre.y - h), ImVec2(centre.x + h, centre.y + h), IM_COL32(col.r, col.g, col.b, 255), 0, 0, 2);
    char label[32];
    std::snprintf(label, sizeof label, "%zu: %lld", i + 1, rows[i].size);
    dl->AddText(ImVec2(centre.x - h + 3, centre.y - h + 1), IM_COL32(240, 240, 240, 255), label);
  }
}

// "Copy as PyTorch": the layer this lesson shows as one PyTorch line, with the engine's shapes.
void pytorch_tab(AppState& state) {
  LessonState& L = state.lessons;
  ImGui::TextWrapped("%s", tr(S::output_size_the_same_layer));
  if (ImGui::Button(tr_label(S::output_size_copy_as_pytorch))) {
    ImGui::SetClipboardText(L.pytorch.c_str());  // the page also puts it on the system clipboard (hook.js)
    ++L.pytorch_copies;
    app_notice(state, tr(S::notice_copied_pytorch));
  }
  record_item_rect(state, "output-size.copy-pytorch");
  ImGui::BeginChild("##pytorch", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 5), true);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(L.pytorch.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  record_item_rect(state, "output-size.pytorch");
  // The same text, selectable (read-only field: select with the mouse or Ctrl+A, then Ctrl+C).
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##pytorch-select", L.pytorch.data(), L.pytorch.size() + 1, ImGuiInputTextFlags_ReadOnly);
  // The runnable script: the same layer with this lesson's weights and input; it prints the output.
  ImGui::Spacing();
  ImGui::TextWrapped("%s", tr(S::output_size_runnable_caption));
  if (ImGui::Button(tr_label(S::output_size_copy_runnable))) {
    ImGui::SetClipboardText(L.pytorch_script.c_str());  // the page puts it on the system clipboard too (hook.js)
    ++L.pytorch_script_copies;
    app_notice(state, tr(S::notice_copied_pytorch_script));
  }
  record_item_rect(state, "output-size.copy-pytorch-script");
  ImGui::InputTextMultiline("##pytorch-script", L.pytorch_script.data(), L.pytorch_script.size() + 1,
                            ImVec2(-1, std::max(ImGui::GetTextLineHeight() * 4, ImGui::GetContentRegionAvail().y)),
                            ImGuiInputTextFlags_ReadOnly);
  record_item_rect(state, "output-size.pytorch-script");
}

}  // namespace

bool begin_tab_item(const char* label, int index, int* open_tab, int* request) {
  const bool open = ImGui::BeginTabItem(label, nullptr, *request == index ? ImGuiTabItemFlags_SetSelected : 0);
  if (open) {
    *open_tab = index;
    if (*request == index) *request = -1;
  }
  return open;
}

void draw_output_size_panel(AppState& state) {
  LessonState& L = state.lessons;
  if (!ImGui::Begin(tr_label(S::output_size_title), &L.show_output_size, ImGuiWindowFlags_HorizontalScrollbar)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "output-size");
  if (ImGui::BeginTabBar("##os-tabs")) {
    const bool open_formula = begin_tab_item(tr_label(S::output_size_formula), 0, &L.output_size_tab, &L.output_size_tab_request);
    record_item_rect(state, "output-size.tab.formula");
    if (open_formula) {
      size_tab(state);
      ImGui::EndTabItem();
    }
    const bool open_cost = begin_tab_item(tr_label(S::output_size_cost), 1, &L.output_size_tab, &L.output_size_tab_request);
    record_item_rect(state, "output-size.tab.cost");
    if (open_cost) {
      cost_tab(state);
      ImGui::EndTabItem();
    }
    const bool open_rf = begin_tab_item(tr_label(S::output_size_receptive_field), 2, &L.output_size_tab, &L.output_size_tab_request);
    record_item_rect(state, "output-size.tab.rf");
    if (open_rf) {
      rf_tab(state);
      ImGui::EndTabItem();
    }
    const bool open_pt = begin_tab_item(tr_label(S::output_size_pytorch), 3, &L.output_size_tab, &L.output_size_tab_request);
    record_item_rect(state, "output-size.tab.pytorch");
    if (open_pt) {
      pytorch_tab(state);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace cs::app
