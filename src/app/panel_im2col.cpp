// panel_im2col.cpp — the im2col view: the engine's column matrix (either orientation) x the weight
// matrix = the output, with the stepper's position as the highlighted patch; col2im overlap counts;
// one Winograd tile; a timing meter of the three algorithms. Panel id "im2col".
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "item_hover.h"
#include "lesson_draw.h"
#include "lesson_model.h"
#include "lesson_panels.h"
#include "panels.h"
#include "touch_ui.h"

namespace cs::app {

namespace {

GridSpec matrix_spec(const char* key, int rows, int cols, const float* v, size_t n, bool signed_values, ColorMap map, float cell) {
  GridSpec g;
  g.key = key;
  g.rows = rows;
  g.cols = cols;
  g.values = v;
  value_range(v, n, signed_values, &g.vmin, &g.vmax);
  g.map = signed_values ? ColorMap::Diverging : map;
  g.cell = cell;
  return g;
}

// Outline of whole columns (or rows) of a grid.
void band(const GridSpec& g, const GridHit& hit, int index, bool column, ImU32 colour) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cs = g.cell;
  ImVec2 a = column ? ImVec2(hit.origin.x + index * cs, hit.origin.y) : ImVec2(hit.origin.x, hit.origin.y + index * cs);
  ImVec2 b = column ? ImVec2(a.x + cs, a.y + g.rows * cs) : ImVec2(a.x + g.cols * cs, a.y + cs);
  dl->AddRectFilled(a, b, IM_COL32(255, 200, 40, 60));
  dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), colour, 0, 0, 2.0f);
}

// A radio button whose label wraps beside it: the button's circle (a finger's target) and the text,
// which selects it too (a click, or a tap: item_hover.h).
bool wrapped_radio(S label, const char* id, bool active) {
  const bool pressed = ImGui::RadioButton(id, active);
  ImGui::SameLine();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(tr(label));
  ImGui::PopTextWrapPos();
  return item_clicked() || pressed;
}

void matrix_tab(AppState& state) {
  LessonState& L = state.lessons;
  const StepperConfig& c = L.config;
  const Im2colView& v = L.im2col;
  const float fs = ImGui::GetFontSize();
  // Phones and tablets: the lines wrap at the panel's edge instead of running off it (a phone is
  // 390 px; the longer languages more so); the orientation's radio labels wrap beside their buttons.
  const bool narrow = touch_layout_active(state);
  if (L.im2col_zoom == 0) {  // an enlarged matrix has the whole panel
    if (narrow) {
      if (wrapped_radio(S::im2col_patches_as_columns, "##cols", !L.patches_as_rows)) L.patches_as_rows = false;
      record_item_rect(state, "im2col.orientation.columns");
      if (wrapped_radio(S::im2col_patches_as_rows, "##rows", L.patches_as_rows)) L.patches_as_rows = true;
      record_item_rect(state, "im2col.orientation.rows");
    } else {
      if (ImGui::RadioButton(tr_label(S::im2col_patches_as_columns), !L.patches_as_rows)) L.patches_as_rows = false;
      record_item_rect(state, "im2col.orientation.columns");
      if (ImGui::RadioButton(tr_label(S::im2col_patches_as_rows), L.patches_as_rows)) L.patches_as_rows = true;
      record_item_rect(state, "im2col.orientation.rows");
    }
  }
  lesson_refresh(L);
  if (!v.valid) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", tr(S::im2col_no_column_matrix));
    ImGui::TextWrapped("%s", v.error.c_str());
    return;
  }
  const int R = v.rows(), P = v.positions();
  const bool zoomed = L.im2col_zoom != 0;
  if (!zoomed) {
    if (narrow) ImGui::PushTextWrapPos(0.0f);
    ImGui::Text(tr(S::im2col_column_matrix_x), c.mode == ConvMode::Transposed ? tr(S::im2col_zero_inserted_input) : tr(S::im2col_input),
                v.C, v.H, v.W, v.cols.dim(0), v.cols.dim(1));
    record_item_rect(state, "im2col.shape");
    ImGui::TextDisabled(tr(S::im2col_bytes_vs_bytes), v.cols_bytes, v.input_bytes, v.blowup);
    if (v.gemm && v.compared)
      ImGui::TextDisabled(tr(S::im2col_gemm_x_x), v.OC, R, R, P, v.OC, v.OH, v.OW,
                          static_cast<double>(v.max_abs_diff));
    else if (v.gemm)
      ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.5f, 1.0f), tr(S::im2col_gemm_not_compared), v.OC, R, R, P, v.OC, v.OH, v.OW,
                         v.not_compared.c_str());
    else
      ImGui::TextDisabled(tr(S::im2col_pooling_each_column), c.mode == ConvMode::MaxPool ? tr(S::im2col_max) : tr(S::im2col_mean));

    ImGui::TextDisabled("%s", tr(S::im2col_click_to_zoom));
    if (narrow) ImGui::PopTextWrapPos();
  }
  // Row 1: the input channels (small) — hover a pixel to find its copies in the matrix. A matrix
  // enlarged to the panel hides them and the lines above.
  ImVec2 avail = ImGui::GetContentRegionAvail();
  // Split the height so the input pixels and the matrix entries come out at similar sizes.
  const int eq_rows = L.patches_as_rows ? P : std::max(R, v.OC);
  const float row1_h = std::clamp(avail.y * static_cast<float>(v.H) / static_cast<float>(v.H + eq_rows), fs * 3, avail.y * 0.6f);
  const float in_cell = std::clamp(std::floor(std::min((avail.x - fs * 2) / (v.C * v.W + (v.C - 1) * 2.0f), (row1_h - fs) / v.H)), 2.0f, fs * 2.2f);
  Im2colHover hover;
  std::vector<Cell> copies;
  if (L.im2col_hover.kind == 2) copies = entries_of_pixel(v, c, L.im2col_hover.ch, L.im2col_hover.a, L.im2col_hover.b);
  PixelRef from;
  bool have_from = false;
  if (L.im2col_hover.kind == 1) {
    from = pixel_of_entry(v, c, L.im2col_hover.a, L.im2col_hover.b);
    have_from = true;
  }
  // The stepper's patch on the input.
  std::vector<Cell> patch_pixels;
  for (int col : columns_of_position(v, c, L.result, L.position))
    for (int row = 0; row < v.KH * v.KW; ++row) {
      PixelRef p = pixel_of_entry(v, c, row, col);
      patch_pixels.push_back(Cell{p.y, p.x});
    }
  for (int ch = 0; ch < v.C && !zoomed; ++ch) {
    if (ch) ImGui::SameLine(0, in_cell * 2);
    ImGui::BeginGroup();
    char cap[32], key[32];
    std::snprintf(cap, sizeof cap, tr(S::caption_channel), ch);
    caption(cap);
    std::snprintf(key, sizeof key, "im2col-in-%d", ch);
    GridSpec g = matrix_spec(key, v.H, v.W, v.image.data() + static_cast<size_t>(ch) * v.H * v.W,
                             static_cast<size_t>(v.H) * v.W, false, ColorMap::Grey, in_cell);
    GridHit hit = draw_grid(g, key);
    grid_highlight(g, hit, patch_pixels, kHighlight(), 2.0f, kHighlightFill());
    if (have_from && from.ch == ch) grid_highlight(g, hit, {Cell{from.y, from.x}}, kPinned(), 3.0f);
    if (hit.hovered && hit.cell.r >= 0 && hit.cell.r < v.H && hit.cell.c >= 0 && hit.cell.c < v.W)
      hover = Im2colHover{2, hit.cell.r, hit.cell.c, ch};
    if (ch == 0) record_grid_cells(state, "im2col.in", g, hit, 1100);
    ImGui::EndGroup();
  }

  // Row 2: the equation. Columns: W (OC x R) . cols (R x P) = out (OC x P); rows: cols (P x R) . W^T = out^T.
  avail = ImGui::GetContentRegionAvail();
  const bool rows_o = L.patches_as_rows;
  const int mat_w = rows_o ? R : P, mat_h = rows_o ? P : R;
  const int w_w = v.gemm ? (rows_o ? v.OC : R) : 0, w_h = v.gemm ? (rows_o ? R : v.OC) : 0;
  const int o_w = v.gemm ? (rows_o ? v.OC : P) : 0, o_h = v.gemm ? (rows_o ? P : v.OC) : 0;
  const float gap = fs * 1.6f;
  const float cw = (avail.x - gap * 2 - 4) / std::max(1, mat_w + w_w + o_w);
  const float ch_ = (avail.y - fs * 1.5f) / std::max({mat_h, w_h, o_h, 1});
  float cell = std::clamp(std::min(cw, ch_), 0.5f, fs * 2.2f);
  // Enlarged: the one matrix fills the panel (numbers appear once a cell can hold them).
  auto zoom_cell = [&](int cols, int rows) {
    return std::clamp(std::floor(std::min((avail.x - 4) / std::max(1, cols), (avail.y - fs * 1.5f) / std::max(1, rows))), 1.0f, fs * 4.0f);
  };
  // A click on a matrix enlarges it; on the enlarged one, goes back.
  auto zoom_click = [&](const GridHit& hit, int which) {
    if (hit.clicked) L.im2col_zoom = L.im2col_zoom == which ? 0 : which;
  };
  Tensor wt;  // W^T for the rows orientation
  const float* wv = v.weights.data();
  if (v.gemm && rows_o) {
    wt = Tensor({R, v.OC});
    for (int o = 0; o < v.OC; ++o)
      for (int k = 0; k < R; ++k) wt[static_cast<size_t>(k) * v.OC + o] = v.weights[static_cast<size_t>(o) * R + k];
    wv = wt.data();
  }
  Tensor pt;  // product^T for the rows orientation
  const float* pv = v.product.data();
  if (v.gemm && rows_o) {
    pt = Tensor({P, v.OC});
    for (int o = 0; o < v.OC; ++o)
      for (int k = 0; k < P; ++k) pt[static_cast<size_t>(k) * v.OC + o] = v.product[static_cast<size_t>(o) * P + k];
    pv = pt.data();
  }
  std::vector<int> hcols = columns_of_position(v, c, L.result, L.position);
  auto draw_cols = [&]() {
    ImGui::BeginGroup();
    const char* name = rows_o ? tr(S::im2col_caption_patches_as_rows) : tr(S::im2col_caption_column_matrix);
    if (L.im2col_zoom == 1) caption(fmt(tr(S::im2col_zoomed), name, mat_h, mat_w).c_str());
    else caption(name);
    GridSpec g = matrix_spec("im2col-cols", mat_h, mat_w, v.cols.data(), v.cols.numel(), false, state.sequential_map,
                             L.im2col_zoom == 1 ? zoom_cell(mat_w, mat_h) : cell);
    GridHit hit = draw_grid(g, "im2col-cols");
    zoom_click(hit, 1);
    for (int col : hcols) band(g, hit, col, !rows_o, kHighlight());
    std::vector<Cell> cp = copies;
    if (rows_o)
      for (Cell& q : cp) std::swap(q.r, q.c);
    grid_highlight(g, hit, cp, kPinned(), 2.0f, IM_COL32(255, 90, 200, 120));
    if (hit.hovered && hit.cell.r >= 0 && hit.cell.r < mat_h && hit.cell.c >= 0 && hit.cell.c < mat_w) {
      int row = rows_o ? hit.cell.c : hit.cell.r, col = rows_o ? hit.cell.r : hit.cell.c;
      hover = Im2colHover{1, row, col, 0};
    }
    if (L.im2col_hover.kind == 1) {
      Cell e{L.im2col_hover.a, L.im2col_hover.b};
      if (rows_o) std::swap(e.r, e.c);
      grid_highlight(g, hit, {e}, kPinned(), 3.0f);
    }
    record_grid_cells(state, "im2col.cols", g, hit, 1100);
    ImGui::EndGroup();
  };
  auto draw_w = [&]() {
    ImGui::BeginGroup();
    const char* name = tr(rows_o ? S::im2col_caption_weights_t : S::im2col_caption_weights);
    if (L.im2col_zoom == 2) caption(fmt(tr(S::im2col_zoomed), name, w_h, w_w).c_str());
    else caption(name);
    GridSpec g = matrix_spec("im2col-w", w_h, w_w, wv, v.weights.numel(), true, ColorMap::Diverging,
                             L.im2col_zoom == 2 ? zoom_cell(w_w, w_h) : cell);
    GridHit hit = draw_grid(g, "im2col-w");
    zoom_click(hit, 2);
    record_grid_cells(state, "im2col.w", g, hit, 0);
    ImGui::EndGroup();
  };
  auto draw_out = [&]() {
    ImGui::BeginGroup();
    const char* name = rows_o ? tr(S::im2col_caption_output_transposed) : tr(S::im2col_caption_output);
    if (L.im2col_zoom == 3) caption(fmt(tr(S::im2col_zoomed), name, o_h, o_w).c_str());
    else caption(name);
    GridSpec g = matrix_spec("im2col-out", o_h, o_w, pv, v.product.numel(), false, state.sequential_map,
                             L.im2col_zoom == 3 ? zoom_cell(o_w, o_h) : cell);
    GridHit hit = draw_grid(g, "im2col-out");
    zoom_click(hit, 3);
    record_grid_cells(state, "im2col.out", g, hit, 0);
    for (int col : hcols) band(g, hit, col, !rows_o, kHighlight());
    ImGui::EndGroup();
  };
  if (L.im2col_zoom == 2 && v.gemm) {
    draw_w();
  } else if (L.im2col_zoom == 3 && v.gemm) {
    draw_out();
  } else if (!v.gemm || L.im2col_zoom == 1) {
    draw_cols();
  } else if (rows_o) {
    draw_cols();
    ImGui::SameLine(0, gap * 0.5f);
    draw_w();
    ImGui::SameLine(0, gap * 0.5f);
    draw_out();
  } else {
    draw_w();
    ImGui::SameLine(0, gap * 0.5f);
    draw_cols();
    ImGui::SameLine(0, gap * 0.5f);
    draw_out();
  }
  L.im2col_hover = hover;
}

void col2im_tab(AppState& state) {
  LessonState& L = state.lessons;
  const Im2colView& v = L.im2col;
  const StepperConfig& c = L.config;
  ImGui::TextWrapped("%s", tr(S::im2col_backward_col2im_adds));
  if (!v.valid || v.overlap.empty()) {
    ImGui::TextDisabled("%s", v.error.empty() ? tr(S::im2col_no_column_matrix_2) : v.error.c_str());
    return;
  }
  const float fs = ImGui::GetFontSize();
  // Hover a pixel (here or in the Column matrix tab): how many columns hold it, i.e. how many gradient
  // contributions col2im adds back onto it; the stepper's patch is outlined on every channel.
  const Im2colHover& was = L.im2col_hover;
  if (was.kind == 2) {
    const int n = static_cast<int>(entries_of_pixel(v, c, was.ch, was.a, was.b).size());
    ImGui::Text(tr(S::im2col_col2im_pixel), was.ch, was.a, was.b, n, n);
  } else {
    ImGui::TextDisabled("%s", tr(S::im2col_col2im_hover));
  }
  std::vector<Cell> patch_pixels;
  for (int col : columns_of_position(v, c, L.result, L.position))
    for (int row = 0; row < v.KH * v.KW; ++row) {
      PixelRef p = pixel_of_entry(v, c, row, col);
      patch_pixels.push_back(Cell{p.y, p.x});
    }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = fs;
  const float cell = std::clamp(std::floor(std::min((avail.x - gap * (v.C - 1) - 4) / (v.C * v.W), (avail.y - fs * 2.5f) / v.H)), 2.0f, fs * 3.0f);
  Im2colHover hover = L.im2col_hover.kind == 1 ? L.im2col_hover : Im2colHover{};
  for (int ch = 0; ch < v.C; ++ch) {
    if (ch) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    const std::string cap = fmt(tr(S::im2col_caption_copies_channel), ch);
    {  // the caption never widens the grid's slot
      ImVec2 p0 = ImGui::GetCursorScreenPos();
      const float w = v.W * cell;
      ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
      ImDrawList* dl = ImGui::GetWindowDrawList();
      dl->PushClipRect(p0, ImVec2(p0.x + w, p0.y + ImGui::GetTextLineHeight()), true);
      dl->AddText(p0, ImGui::GetColorU32(ImGuiCol_TextDisabled), cap.c_str());
      dl->PopClipRect();
    }
    char key[32];
    std::snprintf(key, sizeof key, "im2col-overlap-%d", ch);
    GridSpec g = matrix_spec(key, v.H, v.W, v.overlap.data() + static_cast<size_t>(ch) * v.H * v.W,
                             static_cast<size_t>(v.H) * v.W, false, ColorMap::Cividis, cell);
    g.vmin = 0;
    GridHit hit = draw_grid(g, key);
    grid_highlight(g, hit, patch_pixels, kHighlight(), 2.0f);
    if (was.kind == 2 && was.ch == ch) grid_highlight(g, hit, {Cell{was.a, was.b}}, kPinned(), 3.0f);
    if (hit.hovered && hit.cell.r >= 0 && hit.cell.r < v.H && hit.cell.c >= 0 && hit.cell.c < v.W)
      hover = Im2colHover{2, hit.cell.r, hit.cell.c, ch};
    record_grid_cells(state, ch == 0 ? std::string("im2col.overlap") : "im2col.overlap" + std::to_string(ch), g, hit, 1100);
    ImGui::EndGroup();
  }
  L.im2col_hover = hover;
}

void small_grid(const char* key, const char* cap, const float* v, int rows, int cols, bool signed_values, float cell) {
  ImGui::BeginGroup();
  caption(cap);
  GridSpec g = matrix_spec(key, rows, cols, v, static_cast<size_t>(rows) * cols, signed_values, ColorMap::Viridis, cell);
  draw_grid(g, key);
  ImGui::EndGroup();
}

void winograd_tab(AppState& state) {
  LessonState& L = state.lessons;
  const WinogradTile& w = L.winograd;
  if (!w.ok) {
    ImGui::TextWrapped("%s", w.why.c_str());
    return;
  }
  const float fs = ImGui::GetFontSize();
  ImGui::TextWrapped(tr(S::im2col_winograd_f_2x2),
                     w.out_r, w.out_r + 1, w.out_c, w.out_c + 1);
  const float cell = std::clamp(std::floor((ImGui::GetContentRegionAvail().x - fs * 6) / 18.0f), fs * 1.4f, fs * 2.6f);
  small_grid("wg-d", tr(S::im2col_winograd_d_tile), w.d, 4, 4, false, cell);
  ImGui::SameLine(0, fs);
  small_grid("wg-v", "V = B^T d B", w.v, 4, 4, true, cell);
  ImGui::SameLine(0, fs);
  small_grid("wg-g", "g (3x3)", w.g, 3, 3, true, cell);
  ImGui::SameLine(0, fs);
  small_grid("wg-u", "U = G g G^T", w.u, 4, 4, true, cell);
  small_grid("wg-m", tr(S::im2col_winograd_m), w.m, 4, 4, true, cell);
  ImGui::SameLine(0, fs);
  small_grid("wg-y", "Y = A^T M A", w.y, 2, 2, false, cell);
  ImGui::SameLine(0, fs);
  small_grid("wg-direct", tr(S::im2col_winograd_direct), w.direct, 2, 2, false, cell);
  ImGui::SameLine(0, fs);
  small_grid("wg-engine", tr(S::im2col_winograd_engine), w.conv_winograd, 2, 2, false, cell);
  ImGui::Text(tr(S::im2col_max_winograd_direct), static_cast<double>(w.max_abs_diff));
  record_item_rect(state, "im2col.winograd-diff");
}

void timing_tab(AppState& state) {
  LessonState& L = state.lessons;
  const float fs = ImGui::GetFontSize();
  ImGui::TextWrapped(tr(S::im2col_timing_live), tr(S::im2col_page_or_program), TimingMeter::kRecent);
  ImGui::SetNextItemWidth(fs * 8);
  ImGui::SliderInt(tr_label(S::im2col_size), &L.timing_size, 8, 128, tr(S::im2col_size_format));
  record_item_rect(state, "im2col.timing-size");
  ImGui::SameLine();
  const bool again = ImGui::Button(tr_label(S::im2col_measure));
  record_item_rect(state, "im2col.measure");
  // The stepper's configuration (or the size) changed: a new meter for the new shape.
  if (again || L.timing_built_size != L.timing_size || L.timing_config != L.config) {
    L.timing = timing_meter(L.config, L.result.geo, L.timing_size);
    L.timing_config = L.config;
    L.timing_built_size = L.timing_size;
  }
  if (again) {
    for (size_t i = 0; i < L.timing.rows.size(); ++i) timing_meter_step(L.timing);  // every algorithm at once
  } else if (state.time_s >= L.timing_next_s) {
    // Live while this tab is open: one run every 0.1 s, the algorithms in turn, so a large size costs
    // one long frame in six at 60 fps rather than every frame.
    timing_meter_step(L.timing);
    L.timing_next_s = state.time_s + 0.1;
  }
  const TimingMeter& m = L.timing;
  if (!m.ok) {
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.5f, 1.0f), "%s", m.error.c_str());
    record_item_rect(state, "im2col.timing-label");
    return;
  }
  ImGui::TextWrapped("%s", m.label.c_str());
  record_item_rect(state, "im2col.timing-label");
  double worst = 0;
  for (const AlgoTiming& t : m.rows) worst = std::max(worst, t.ms);
  for (const AlgoTiming& t : m.rows) {
    ImGui::TextUnformatted(t.name.c_str());
    ImGui::SameLine(fs * 6);
    if (!t.why.empty()) {  // the engine's reason, wrapped: it is a sentence
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", t.why.c_str());
      ImGui::PopStyleColor();
      continue;
    }
    char label[32];
    std::snprintf(label, sizeof label, tr(S::caption_ms), t.ms);
    ImGui::ProgressBar(worst > 0 ? static_cast<float>(t.ms / worst) : 0.0f, ImVec2(-1, 0), t.ok ? label : "");
  }
}

}  // namespace

void draw_im2col_panel(AppState& state) {
  LessonState& L = state.lessons;
  // At x1 the matrices are sized to the panel; at projector scale what does not fit scrolls.
  const ImGuiWindowFlags scroll = state.ui_scale > 1.0f ? ImGuiWindowFlags_HorizontalScrollbar : ImGuiWindowFlags_NoScrollbar;
  if (!ImGui::Begin(tr_label(S::im2col_title), &L.show_im2col, scroll)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "im2col");
  if (ImGui::BeginTabBar("##im-tabs")) {
    // Phones and tablets: labels short enough that four tabs fit a phone's width uncut.
    const bool narrow = touch_layout_active(state);
    const bool m = begin_tab_item(tr_label(narrow ? S::im2col_tab_matrix : S::im2col_column_matrix), 0, &L.im2col_tab, &L.im2col_tab_request);
    record_item_rect(state, "im2col.tab.matrix");
    if (m) {
      matrix_tab(state);
      ImGui::EndTabItem();
    }
    const bool b = begin_tab_item(tr_label(S::im2col_col2im), 1, &L.im2col_tab, &L.im2col_tab_request);
    record_item_rect(state, "im2col.tab.col2im");
    if (b) {
      col2im_tab(state);
      ImGui::EndTabItem();
    }
    const bool w = begin_tab_item(tr_label(S::im2col_winograd), 2, &L.im2col_tab, &L.im2col_tab_request);
    record_item_rect(state, "im2col.tab.winograd");
    if (w) {
      winograd_tab(state);
      ImGui::EndTabItem();
    }
    const bool t = begin_tab_item(tr_label(narrow ? S::im2col_tab_timing : S::im2col_timing), 3, &L.im2col_tab, &L.im2col_tab_request);
    record_item_rect(state, "im2col.tab.timing");
    if (t) {
      timing_tab(state);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace cs::app
