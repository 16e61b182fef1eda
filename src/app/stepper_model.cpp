// stepper_model.cpp — the kernel stepper's positions, highlight sets (from conv_input_index, THE
// index formula) and the written-out arithmetic with the engine's numbers.
#include "stepper_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cs::app {

// [SECTION] positions and highlights -----------------------------------------------------------------

Cell position_cell(const StepperResult& r, const StepperConfig& c, int t) {
  if (!r.valid || r.steps <= 0) return Cell{0, 0};
  t = std::clamp(t, 0, r.steps - 1);
  const int w = c.mode == ConvMode::Transposed ? c.W : r.OW;
  return Cell{t / w, t % w};
}

namespace {

// Output indices o in [0, n) with some tap k: conv_input_index(o, k, ...) == i.
std::vector<int> outputs_reading(int i, int n, int K, int S, int P, int D) {
  std::vector<int> out;
  for (int o = 0; o < n; ++o)
    for (int k = 0; k < K; ++k)
      if (conv_input_index(o, k, S, P, D) == i) {
        out.push_back(o);
        break;
      }
  return out;
}

std::vector<Cell> cross(const std::vector<int>& rows, const std::vector<int>& cols) {
  std::vector<Cell> out;
  out.reserve(rows.size() * cols.size());
  for (int y : rows)
    for (int x : cols) out.push_back(Cell{y, x});
  return out;
}

}  // namespace

std::vector<Cell> input_cells_of_output(const StepperConfig& c, const StepperResult& r, Cell o) {
  if (!r.valid) return {};
  const StepperGeometry& ms = r.geo;
  if (c.mode == ConvMode::Transposed)  // input cells whose stamp covers o
    return cross(outputs_reading(o.r, c.H, ms.KH, c.stride.h, c.padding.h, c.dilation.h),
                 outputs_reading(o.c, c.W, ms.KW, c.stride.w, c.padding.w, c.dilation.w));
  std::vector<Cell> out;
  for (int kh = 0; kh < ms.KH; ++kh)
    for (int kw = 0; kw < ms.KW; ++kw)
      out.push_back(Cell{conv_input_index(o.r, kh, c.stride.h, c.padding.h, c.dilation.h),
                         conv_input_index(o.c, kw, c.stride.w, c.padding.w, c.dilation.w)});
  return out;
}

std::vector<Cell> output_cells_of_input(const StepperConfig& c, const StepperResult& r, Cell i) {
  if (!r.valid) return {};
  const StepperGeometry& ms = r.geo;
  if (c.mode == ConvMode::Transposed) {
    std::vector<int> rows, cols;
    for (int k = 0; k < ms.KH; ++k) {
      int y = conv_input_index(i.r, k, c.stride.h, c.padding.h, c.dilation.h);
      if (y >= 0 && y < r.OH) rows.push_back(y);
    }
    for (int k = 0; k < ms.KW; ++k) {
      int x = conv_input_index(i.c, k, c.stride.w, c.padding.w, c.dilation.w);
      if (x >= 0 && x < r.OW) cols.push_back(x);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    return cross(rows, cols);
  }
  return cross(outputs_reading(i.r, r.OH, ms.KH, c.stride.h, c.padding.h, c.dilation.h),
               outputs_reading(i.c, r.OW, ms.KW, c.stride.w, c.padding.w, c.dilation.w));
}

std::vector<Cell> cells_of_kernel_tap(const StepperConfig& c, const StepperResult& r, Cell tap) {
  if (!r.valid) return {};
  std::vector<int> rows, cols;
  if (c.mode == ConvMode::Transposed) {
    for (int i = 0; i < c.H; ++i) {
      int y = conv_input_index(i, tap.r, c.stride.h, c.padding.h, c.dilation.h);
      if (y >= 0 && y < r.OH) rows.push_back(y);
    }
    for (int j = 0; j < c.W; ++j) {
      int x = conv_input_index(j, tap.c, c.stride.w, c.padding.w, c.dilation.w);
      if (x >= 0 && x < r.OW) cols.push_back(x);
    }
  } else {
    for (int o = 0; o < r.OH; ++o) rows.push_back(conv_input_index(o, tap.r, c.stride.h, c.padding.h, c.dilation.h));
    for (int o = 0; o < r.OW; ++o) cols.push_back(conv_input_index(o, tap.c, c.stride.w, c.padding.w, c.dilation.w));
  }
  return cross(rows, cols);
}

Highlights highlights_for(const StepperConfig& c, const StepperResult& r, const HoverTarget& h, int t, int oc) {
  Highlights hl;
  if (!r.valid) return hl;
  const StepperGeometry& ms = r.geo;
  switch (h.kind) {
    case HoverKind::Input: hl.input_channels = {h.channel}; break;
    case HoverKind::Output: hl.input_channels = input_channels_of_output_channel(ms, h.channel); break;
    case HoverKind::Kernel:
      // Plane l of output channel oc multiplies input channel (its group's first) + l.
      if (c.mode == ConvMode::Transposed) hl.input_channels = {h.channel};
      else hl.input_channels = {group_of_output_channel(ms, oc) * ms.in_per_group + h.channel};
      break;
    case HoverKind::None: hl.input_channels = input_channels_of_output_channel(ms, oc); break;
  }
  const bool tr = c.mode == ConvMode::Transposed;
  std::vector<Cell> all_taps;
  for (int y = 0; y < ms.KH; ++y)
    for (int x = 0; x < ms.KW; ++x) all_taps.push_back(Cell{y, x});
  switch (h.kind) {
    case HoverKind::Output:
      hl.output = {h.cell};
      hl.input = input_cells_of_output(c, r, h.cell);
      hl.kernel = all_taps;
      if (tr) {  // only the taps that land on this output cell
        hl.kernel.clear();
        for (const Cell& tap : all_taps)
          for (const Cell& i : hl.input)
            if (conv_input_index(i.r, tap.r, c.stride.h, c.padding.h, c.dilation.h) == h.cell.r &&
                conv_input_index(i.c, tap.c, c.stride.w, c.padding.w, c.dilation.w) == h.cell.c) {
              hl.kernel.push_back(tap);
              break;
            }
      }
      break;
    case HoverKind::Input:
      hl.input = {h.cell};
      hl.output = output_cells_of_input(c, r, h.cell);
      for (const Cell& tap : all_taps) {
        bool used = false;
        if (tr) {
          int y = conv_input_index(h.cell.r, tap.r, c.stride.h, c.padding.h, c.dilation.h);
          int x = conv_input_index(h.cell.c, tap.c, c.stride.w, c.padding.w, c.dilation.w);
          used = y >= 0 && y < r.OH && x >= 0 && x < r.OW;
        } else {
          for (const Cell& o : hl.output)
            if (conv_input_index(o.r, tap.r, c.stride.h, c.padding.h, c.dilation.h) == h.cell.r &&
                conv_input_index(o.c, tap.c, c.stride.w, c.padding.w, c.dilation.w) == h.cell.c) {
              used = true;
              break;
            }
        }
        if (used) hl.kernel.push_back(tap);
      }
      break;
    case HoverKind::Kernel:
      hl.kernel = {h.cell};
      if (tr) {
        hl.output = cells_of_kernel_tap(c, r, h.cell);
        for (int i = 0; i < c.H; ++i)
          for (int j = 0; j < c.W; ++j) hl.input.push_back(Cell{i, j});
      } else {
        hl.input = cells_of_kernel_tap(c, r, h.cell);
        for (int i = 0; i < r.OH; ++i)
          for (int j = 0; j < r.OW; ++j) hl.output.push_back(Cell{i, j});
      }
      break;
    case HoverKind::None: {
      Cell p = position_cell(r, c, t);
      hl.kernel = all_taps;
      if (tr) {
        hl.input = {p};
        hl.output = output_cells_of_input(c, r, p);
      } else {
        hl.output = {p};
        hl.input = input_cells_of_output(c, r, p);
      }
      break;
    }
  }
  return hl;
}

// [SECTION] arithmetic ---------------------------------------------------------------------------------

std::string num_text(float v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (std::isnan(v)) return "nan";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e6f) {
    std::snprintf(buf, sizeof buf, "%d", static_cast<int>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", static_cast<double>(v));
  }
  return buf;
}

namespace {

std::string factor(float v) {
  std::string s = num_text(v);
  return v < 0 ? "(" + s + ")" : s;
}

float input_at(const StepperConfig& c, const StepperData& d, int ch, int y, int x, bool* padded) {
  *padded = y < 0 || y >= c.H || x < 0 || x >= c.W;
  if (*padded) return 0.0f;
  return d.input[(static_cast<size_t>(ch) * c.H + y) * c.W + x];
}

}  // namespace

std::string arithmetic_text(const StepperConfig& c, const StepperData& d, const StepperResult& r, int oc, int t) {
  return arithmetic_text_at(c, d, r, oc, position_cell(r, c, t));
}

std::string arithmetic_text_at(const StepperConfig& c, const StepperData& d, const StepperResult& r, int oc, Cell p) {
  if (!r.valid) return "";
  const StepperGeometry& ms = r.geo;
  oc = std::clamp(oc, 0, r.OC - 1);
  const int rows = c.mode == ConvMode::Transposed ? c.H : r.OH, cols = c.mode == ConvMode::Transposed ? c.W : r.OW;
  if (p.r < 0 || p.r >= rows || p.c < 0 || p.c >= cols) return "";
  const int t = p.r * cols + p.c;  // transposed: stamps happen in row-major order of the input
  std::string s;
  if (c.mode == ConvMode::Transposed) {
    std::vector<Cell> outs = output_cells_of_input(c, r, p);
    for (int ch = 0; ch < c.C; ++ch) {
      bool pad = false;
      float v = input_at(c, d, ch, p.r, p.c, &pad);
      s += fmt(tr(S::model_arith_stamps), ch, p.r, p.c, num_text(v).c_str(), factor(v).c_str(), oc, ch);
      if (outs.empty()) {
        s += tr(S::model_arith_all_cropped);
        s += "\n";
        continue;
      }
      s += fmt(tr(S::model_arith_rows_cols), outs.front().r, outs.back().r, outs.front().c, outs.back().c);
      for (int kh = 0; kh < ms.KH; ++kh)
        for (int kw = 0; kw < ms.KW; ++kw) {
          float w = d.weight[((static_cast<size_t>(oc) * c.C + ch) * ms.KH + kh) * ms.KW + kw];
          s += (kh || kw ? ", " : " ") + factor(v) + "*" + factor(w);
        }
      s += "\n";
    }
    const Tensor part = transposed_partial(c, d, r, t + 1);
    if (!part.empty() && !outs.empty()) {
      s += fmt(tr(S::model_arith_after_stamps), oc, t + 1, r.steps);
      int shown = 0;
      for (const Cell& o : outs) {
        if (shown++ == 9) {
          s += " ...";
          break;
        }
        s += fmt(" [%d,%d]=%s", o.r, o.c, num_text(part.at(0, oc, o.r, o.c)).c_str());
      }
    }
    return s;
  }
  std::vector<Cell> cells = input_cells_of_output(c, r, p);
  if (mode_is_pool(c.mode)) {
    const bool mx = c.mode == ConvMode::MaxPool;
    s += mx ? "max(" : "(";
    int count = 0;
    for (const Cell& q : cells) {
      // With ceil_mode the last window may hang past the padded border: those taps do not exist
      // (PyTorch clips the window there, and divides average pooling by what is left).
      if (q.r >= c.H + c.padding.h || q.c >= c.W + c.padding.w) continue;
      bool pad = false;
      float v = input_at(c, d, oc, q.r, q.c, &pad);
      if (count++) s += mx ? ", " : " + ";
      s += pad ? (mx ? "-inf" : "0") : num_text(v);
    }
    s += mx ? ")" : fmt(") / %d", count);
    s += " = " + num_text(r.output.at(0, oc, p.r, p.c));
    return s;
  }
  const int cg = ms.in_per_group, grp = ms.group_of_output(oc);
  std::vector<float> sums;
  for (int l = 0; l < cg; ++l) {
    const int ch = grp * cg + l;
    if (cg > 1 || c.mode == ConvMode::Depthwise || c.mode == ConvMode::Separable || c.C > 1)
      s += fmt(tr(S::model_arith_channel), ch);
    size_t k = 0;
    for (const Cell& q : cells) {
      bool pad = false;
      float v = input_at(c, d, ch, q.r, q.c, &pad);
      float w = d.weight[((static_cast<size_t>(oc) * cg + l) * ms.KH * ms.KW) + k];
      s += (k ? " + " : "") + factor(v) + "*" + factor(w);
      ++k;
    }
    float part = oc < static_cast<int>(r.partials.size()) && !r.partials[oc].empty()
                     ? r.partials[oc].at(0, l, p.r, p.c) : 0.0f;
    sums.push_back(part);
    s += " = " + num_text(part) + "\n";
  }
  const float out = r.output.at(0, oc, p.r, p.c);
  if (cg > 1 || c.bias != 0.0f) {
    s += tr(S::model_arith_sum);
    for (size_t i = 0; i < sums.size(); ++i) s += (i ? " + " : "") + factor(sums[i]);
    s += tr(S::model_arith_bias) + factor(c.bias) + " = " + num_text(out);
  } else {
    s.pop_back();  // the single line already ends in the output value
  }
  if (c.mode == ConvMode::Separable && !r.pointwise_output.empty()) {
    s += "\n" + fmt(tr(S::model_arith_pointwise), 0);
    for (int ch = 0; ch < c.C; ++ch)
      s += (ch ? " + " : "") + factor(r.output.at(0, ch, p.r, p.c)) + "*" + factor(d.weight2[static_cast<size_t>(ch)]);
    s += " = " + num_text(r.pointwise_output.at(0, 0, p.r, p.c));
  }
  return s;
}

}  // namespace cs::app
