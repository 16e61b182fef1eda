// panel_stepper_grids.cpp — the kernel stepper's grids: the (padded or zero-inserted) input, the
// kernel planes and the output, one cell size for all, with the highlight sets lesson_refresh made
// and the group colours; the pointer's cell becomes LessonState::hover (a finger's once held still:
// touch_press_model.h) and a click or a tap pins it.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app_services.h"
#include "lesson_draw.h"
#include "lesson_model.h"
#include "panel_stepper_parts.h"
#include "panels.h"
#include "touch_ui.h"

namespace cs::app {

namespace {

struct Column {
  std::vector<GridSpec> grids;
  std::vector<std::string> captions;
  std::vector<std::string> keys;
};

// A finger: a tap lands where the finger came down (from the next frame a lifted finger hovers
// nothing, and a tap quicker than a frame is released a frame later).
bool tapped_cell(const GridSpec& g, const GridHit& hit, const TouchPress& press, Cell* cell) {
  const ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
  if (!press.tapped || press.x0 < lo.x || press.x0 >= hi.x || press.y0 < lo.y || press.y0 >= hi.y) return false;
  const int r = static_cast<int>(std::floor((press.y0 - hit.origin.y) / g.cell));
  const int c = static_cast<int>(std::floor((press.x0 - hit.origin.x) / g.cell));
  if (r < 0 || r >= g.rows + 2 * g.pad_r || c < 0 || c >= g.cols + 2 * g.pad_c) return false;
  *cell = Cell{r - g.pad_r, c - g.pad_c};
  return true;
}

// Pointer on a grid -> hover target; a click pins it (or unpins the same target), so touch works too.
// A finger hovers only once its press is long (held still), and its click is the tap on release: a
// finger that slides to scroll neither traces nor pins.
void take_hit(LessonState& L, const GridSpec& g, GridHit& hit, HoverKind kind, int channel, HoverTarget* hover) {
  const TouchPress& press = touch_press();
  if (press.phase != TouchPress::Phase::Idle || press.tapped) {
    Cell tap;
    hit.clicked = tapped_cell(g, hit, press, &tap);
    if (hit.clicked) hit.cell = tap;
    else if (!touch_press_long(press)) return;
    if (!hit.hovered && !hit.clicked) return;
  } else if (!hit.hovered) {
    return;
  }
  HoverTarget h{kind, hit.cell, channel};
  if (hit.hovered && !press.tapped) *hover = h;
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

}  // namespace

// height: what the grids get at this presentation scale; height_x1: what they would get at x1 (the
// controls and the arithmetic box take less there). Cells are never smaller than scale x the x1 cell:
// a projector enlarges the data, and the grid area scrolls when it no longer fits.
void stepper_panel::draw_grids(AppState& state, float height, float height_x1) {
  LessonState& L = state.lessons;
  const StepperConfig& c = L.config;
  const StepperResult& r = L.result;
  const StepperData& d = L.data;
  const StepperGeometry& ms = r.geo;
  const bool transposed = c.mode == ConvMode::Transposed, as_conv = transposed && L.transposed_as_conv && r.valid;
  const bool pool = mode_is_pool(c.mode);
  const int cg = ms.in_per_group;
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
      const int ch = transposed ? l : ms.group_of_output(oc) * cg + l;
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
        if (as_conv)  // the stepper's cells are input cells: show where they sit in the zero-inserted picture
          for (Cell& q : cells) q = ms.zero_inserted_cell(q);
        // Only the channels the output channel reads (its group's; depthwise: its own) light up.
        const bool read = std::find(hl.input_channels.begin(), hl.input_channels.end(), static_cast<int>(gi)) != hl.input_channels.end();
        if (read) grid_highlight(gk, hit, cells, kHighlight(), 2.5f, kHighlightFill());
        if (grouped) group_bar(hit, gk, group_colour(group_of_input_channel(ms, static_cast<int>(gi))));
        if (L.pinned.kind == HoverKind::Input && !as_conv) grid_highlight(gk, hit, {L.pinned.cell}, kPinned(), 3.0f);
        if (!as_conv) take_hit(L, gk, hit, HoverKind::Input, static_cast<int>(gi), &hover);
        if (gi == 0) record_grid_cells(state, "stepper.in", gk, hit);
        else record_grid_cells(state, "stepper.in" + std::to_string(gi), gk, hit, 0);
      } else if (ci == 1) {  // kernel
        grid_highlight(gk, hit, hl.kernel.size() == static_cast<size_t>(ms.KH * ms.KW) ? std::vector<Cell>{} : hl.kernel,
                       kHighlight(), 2.5f, kHighlightFill());
        if (L.pinned.kind == HoverKind::Kernel) grid_highlight(gk, hit, {L.pinned.cell}, kPinned(), 3.0f);
        take_hit(L, gk, hit, HoverKind::Kernel, static_cast<int>(gi), &hover);
        if (grouped) group_bar(hit, gk, group_colour(group_of_output_channel(ms, oc)));
        if (gi == 0) record_grid_cells(state, "stepper.kernel", gk, hit);
      } else if (ci == 2) {  // output
        grid_highlight(gk, hit, hl.output, kHighlight(), 2.5f, static_cast<int>(gi) == oc ? kHighlightFill() : 0);
        if (L.pinned.kind == HoverKind::Output) grid_highlight(gk, hit, {L.pinned.cell}, kPinned(), 3.0f);
        take_hit(L, gk, hit, HoverKind::Output, static_cast<int>(gi), &hover);
        if (hit.clicked) L.out_channel = static_cast<int>(gi);
        if (grouped) group_bar(hit, gk, group_colour(group_of_output_channel(ms, static_cast<int>(gi))));
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
}

}  // namespace cs::app
