// im2col_model.cpp — the engine's im2col / col2im / gemm / Winograd arranged for the im2col view.
#include "im2col_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/ops/conv2d.h"
#include "engine/ops/gemm.h"
#include "engine/ops/im2col.h"
#include "engine/ops/winograd.h"
#include "ui_strings.h"

namespace cs::app {

namespace {

// The convolution the matrix describes: the stepper's, or for transposed mode the ordinary
// convolution of the zero-inserted input with the flipped kernel.
struct MatrixConv {
  int C, H, W, KH, KW;
  Conv2dParams p;
};

MatrixConv matrix_conv(const StepperConfig& c, const StepperResult& r) {
  MatrixConv m{};
  const StepperGeometry& ms = r.geo;
  m.C = c.C;
  m.KH = ms.KH;
  m.KW = ms.KW;
  if (c.mode == ConvMode::Transposed && !r.zero_inserted.empty()) {
    m.H = r.zero_inserted.dim(2);
    m.W = r.zero_inserted.dim(3);
    m.p.dilation = c.dilation;
  } else {
    m.H = c.H;
    m.W = c.W;
    m.p.stride = c.stride;
    m.p.padding = c.padding;
    m.p.dilation = c.dilation;
  }
  return m;
}

}  // namespace

Im2colView compute_im2col_view(const StepperConfig& c, const StepperData& d, const StepperResult& r,
                               bool patches_as_rows) {
  Im2colView v;
  v.patches_as_rows = patches_as_rows;
  if (!r.valid) {
    v.error = r.error;
    return v;
  }
  MatrixConv m = matrix_conv(c, r);
  v.C = m.C;
  v.H = m.H;
  v.W = m.W;
  v.KH = m.KH;
  v.KW = m.KW;
  v.OH = r.OH;
  v.OW = r.OW;
  v.OC = r.OC;
  if (c.mode == ConvMode::Transposed)
    v.image = r.zero_inserted;
  else
    v.image = Tensor({1, c.C, c.H, c.W}, d.input);
  Status s = im2col(v.cols, v.image, Size2{m.KH, m.KW}, m.p, patches_as_rows);
  if (!s.is_ok()) {
    v.error = s.message();
    return v;
  }
  // Pooling geometry with ceil_mode may have one more window than conv's floor: im2col's own count
  // then differs from the stepper's; say so instead of showing a mismatched picture.
  const int positions = patches_as_rows ? v.cols.dim(1) : v.cols.dim(2);
  if (positions != r.OH * r.OW) {
    v.error = fmt(tr(S::model_im2col_ceil_mismatch), positions, r.OH, r.OW);
    return v;
  }
  (void)v.cols.reshape(patches_as_rows ? Shape{positions, v.rows()} : Shape{v.rows(), positions});
  v.valid = true;
  v.cols_bytes = static_cast<long long>(v.cols.numel()) * 4;
  v.input_bytes = static_cast<long long>(v.image.numel()) * 4;
  v.blowup = v.input_bytes > 0 ? static_cast<double>(v.cols_bytes) / static_cast<double>(v.input_bytes) : 0.0;

  // col2im of all ones: the overlap count of every pixel (the 1-2-1 / 2-4-2 pattern of 3x3 kernels).
  Tensor ones({1, v.rows(), positions}, 1.0f), folded;
  Status fs = col2im(folded, ones, Size2{m.H, m.W}, Size2{m.KH, m.KW}, m.p);
  if (fs.is_ok()) {
    v.overlap = folded;
    (void)v.overlap.reshape({m.C, m.H, m.W});
  }

  if (mode_is_pool(c.mode)) {
    v.gemm = false;
    v.OC = c.C;
    return v;
  }
  // Weight matrix (OC, C*KH*KW). Grouped: each filter sees only its group's channels, so the rest of
  // its row is zero — a block-diagonal matrix whose product equals the grouped convolution.
  const StepperGeometry& ms = r.geo;
  const int kk = m.KH * m.KW, cg = ms.in_per_group, ocg = ms.out_per_group;
  v.weights = Tensor({ms.OC, v.rows()}, 0.0f);
  for (int o = 0; o < ms.OC; ++o) {
    const int grp = o / ocg;
    for (int l = 0; l < cg; ++l)
      for (int k = 0; k < kk; ++k) {
        const int ch = grp * cg + l;
        float w = c.mode == ConvMode::Transposed ? r.flipped[(static_cast<size_t>(o) * c.C + ch) * kk + k]
                                                 : d.weight[(static_cast<size_t>(o) * cg + l) * kk + k];
        v.weights[static_cast<size_t>(o) * v.rows() + ch * kk + k] = w;
      }
  }
  v.product = Tensor({ms.OC, positions}, c.bias);  // beta = 1 adds the bias once
  gemm(false, patches_as_rows, ms.OC, positions, v.rows(), v.weights.data(), v.rows(), v.cols.data(),
       patches_as_rows ? v.rows() : positions, 1.0f, v.product.data(), positions);
  v.max_abs_diff = 0;
  v.compared = r.output.numel() == v.product.numel();
  if (v.compared)
    for (size_t i = 0; i < v.product.numel(); ++i)
      v.max_abs_diff = std::max(v.max_abs_diff, std::fabs(v.product[i] - r.output[i]));
  else
    v.not_compared = fmt(tr(S::model_im2col_not_compared), v.product.numel(), r.output.numel());
  return v;
}

PixelRef pixel_of_entry(const Im2colView& v, const StepperConfig& c, int row, int col) {
  PixelRef p;
  if (v.KH <= 0 || v.KW <= 0 || v.OW <= 0) return p;
  const int kw = row % v.KW, kh = (row / v.KW) % v.KH;
  p.ch = row / (v.KW * v.KH);
  const int oh = col / v.OW, ow = col % v.OW;
  const bool tr = c.mode == ConvMode::Transposed;
  p.y = conv_input_index(oh, kh, tr ? 1 : c.stride.h, tr ? 0 : c.padding.h, c.dilation.h);
  p.x = conv_input_index(ow, kw, tr ? 1 : c.stride.w, tr ? 0 : c.padding.w, c.dilation.w);
  p.padding = p.y < 0 || p.y >= v.H || p.x < 0 || p.x >= v.W;
  return p;
}

std::vector<Cell> entries_of_pixel(const Im2colView& v, const StepperConfig& c, int ch, int y, int x) {
  std::vector<Cell> out;
  const bool tr = c.mode == ConvMode::Transposed;
  for (int kh = 0; kh < v.KH; ++kh)
    for (int oh = 0; oh < v.OH; ++oh) {
      if (conv_input_index(oh, kh, tr ? 1 : c.stride.h, tr ? 0 : c.padding.h, c.dilation.h) != y) continue;
      for (int kw = 0; kw < v.KW; ++kw)
        for (int ow = 0; ow < v.OW; ++ow)
          if (conv_input_index(ow, kw, tr ? 1 : c.stride.w, tr ? 0 : c.padding.w, c.dilation.w) == x)
            out.push_back(Cell{(ch * v.KH + kh) * v.KW + kw, oh * v.OW + ow});
    }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> columns_of_position(const Im2colView& v, const StepperConfig& c, const StepperResult& r, int t) {
  std::vector<int> cols;
  if (!v.valid && v.cols.empty()) return cols;
  if (c.mode == ConvMode::Transposed) {
    for (const Cell& o : output_cells_of_input(c, r, position_cell(r, c, t))) cols.push_back(o.r * v.OW + o.c);
  } else {
    Cell p = position_cell(r, c, t);
    cols.push_back(p.r * v.OW + p.c);
  }
  return cols;
}

WinogradTile winograd_tile_at(const StepperConfig& c, const StepperData& d, const StepperResult& r, int t) {
  WinogradTile w;
  const StepperGeometry& ms = r.geo;
  if (!r.valid || c.mode == ConvMode::Transposed || mode_is_pool(c.mode)) {
    w.why = tr(S::model_winograd_not_conv);
    return w;
  }
  if (ms.KH != 3 || ms.KW != 3 || c.stride.h != 1 || c.stride.w != 1 || c.dilation.h != 1 || c.dilation.w != 1) {
    w.why = fmt(tr(S::model_winograd_needs_3x3), ms.KH, ms.KW, c.stride.h, c.stride.w, c.dilation.h, c.dilation.w);
    return w;
  }
  if (r.OH < 2 || r.OW < 2) {
    w.why = tr(S::model_winograd_too_small);
    return w;
  }
  Cell p = position_cell(r, c, t);
  w.out_r = std::min(p.r, r.OH - 2);
  w.out_c = std::min(p.c, r.OW - 2);
  // Input tile: padded rows out_r .. out_r+3 of channel 0 (zeros in the padding), filter 0's first plane.
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      int iy = w.out_r + y - c.padding.h, ix = w.out_c + x - c.padding.w;
      w.d[y * 4 + x] = iy >= 0 && iy < c.H && ix >= 0 && ix < c.W ? d.input[static_cast<size_t>(iy) * c.W + ix] : 0.0f;
    }
  for (int k = 0; k < 9; ++k) w.g[k] = d.weight[static_cast<size_t>(k)];
  winograd_input_transform(w.d, w.v);
  winograd_kernel_transform(w.g, w.u);
  for (int k = 0; k < 16; ++k) w.m[k] = w.u[k] * w.v[k];  // the 16 multiplications being taught
  winograd_output_transform(w.m, w.y);
  // The same tile directly (engine reference conv on the 4x4 tile) and by the engine's Winograd conv.
  Tensor tile({1, 1, 4, 4}, std::vector<float>(w.d, w.d + 16)), g({1, 1, 3, 3}, std::vector<float>(w.g, w.g + 9));
  Tensor direct, full, in1({1, 1, c.H, c.W}, std::vector<float>(d.input.begin(), d.input.begin() + static_cast<size_t>(c.H) * c.W));
  Conv2dParams pad;
  pad.padding = c.padding;
  if (conv2d_forward(direct, tile, g, nullptr, Conv2dParams{}, ConvAlgo::Reference).is_ok() &&
      conv2d_forward(full, in1, g, nullptr, pad, ConvAlgo::Winograd).is_ok()) {
    for (int k = 0; k < 4; ++k) {
      w.direct[k] = direct[static_cast<size_t>(k)];
      w.conv_winograd[k] = full.at(0, 0, w.out_r + k / 2, w.out_c + k % 2);
      w.max_abs_diff = std::max({w.max_abs_diff, std::fabs(w.direct[k] - w.y[k]), std::fabs(w.direct[k] - w.conv_winograd[k])});
    }
    w.ok = true;
  } else {
    w.why = tr(S::model_winograd_refused);
  }
  return w;
}

std::vector<AlgoTiming> time_conv_algorithms(int C, int S, int OC, int reps) {
  Tensor in({1, C, S, S}), w({OC, C, 3, 3}), out;
  for (size_t i = 0; i < in.numel(); ++i) in[i] = static_cast<float>((i * 37) % 11) * 0.1f - 0.5f;
  for (size_t i = 0; i < w.numel(); ++i) w[i] = static_cast<float>((i * 13) % 7) * 0.1f - 0.3f;
  Conv2dParams p;
  p.padding = Size2{1, 1};
  std::vector<AlgoTiming> out_rows;
  for (ConvAlgo a : {ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Winograd}) {
    AlgoTiming t;
    t.name = conv_algo_name(a);
    double best = 1e30;
    for (int k = 0; k < std::max(1, reps); ++k) {
      auto t0 = std::chrono::steady_clock::now();
      Status s = conv2d_forward(out, in, w, nullptr, p, a);
      auto t1 = std::chrono::steady_clock::now();
      if (!s.is_ok()) {
        t.why = s.message();
        break;
      }
      best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
      t.ok = true;
    }
    t.ms = t.ok ? best : 0;
    out_rows.push_back(t);
  }
  return out_rows;
}

TimingMeter timing_meter(const StepperConfig& c, const StepperGeometry& ms, int size) {
  TimingMeter m;
  if (c.mode == ConvMode::Transposed || mode_is_pool(c.mode)) {
    m.error = fmt(tr(S::im2col_timing_no_conv), conv_mode_name(c.mode));
    return m;
  }
  const int cg = ms.in_per_group;
  m.in_shape = {1, c.C, size, size};
  m.w_shape = ms.weight_shape();
  m.params = ms.conv;
  ConvGeometry g;
  Status s = conv2d_geometry(m.in_shape, m.w_shape, m.params, &g);
  if (!s.is_ok()) {
    m.error = fmt(tr(S::im2col_timing_invalid), s.message().c_str());
    return m;
  }
  m.out_shape = {1, ms.OC, g.OH, g.OW};
  m.label = fmt(tr(S::im2col_timing_shape), c.C, size, size, ms.OC, cg, ms.KH, ms.KW, ms.OC, g.OH, g.OW, c.stride.h,
                c.stride.w, c.padding.h, c.padding.w, c.dilation.h, c.dilation.w, ms.groups);
  m.in = Tensor(m.in_shape);
  m.w = Tensor(m.w_shape);
  for (size_t i = 0; i < m.in.numel(); ++i) m.in[i] = static_cast<float>((i * 37) % 11) * 0.1f - 0.5f;
  for (size_t i = 0; i < m.w.numel(); ++i) m.w[i] = static_cast<float>((i * 13) % 7) * 0.1f - 0.3f;
  for (ConvAlgo a : {ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Winograd}) {
    AlgoTiming t;
    t.name = conv_algo_name(a);
    m.rows.push_back(t);
  }
  m.recent.assign(m.rows.size(), {});
  m.ok = true;
  return m;
}

void timing_meter_step(TimingMeter& m) {
  if (!m.ok || m.rows.empty()) return;
  const ConvAlgo algos[] = {ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Winograd};
  const int i = m.next;
  m.next = (m.next + 1) % static_cast<int>(m.rows.size());
  AlgoTiming& t = m.rows[static_cast<size_t>(i)];
  if (!t.why.empty()) return;  // the engine refused this algorithm for this shape: it will again
  auto t0 = std::chrono::steady_clock::now();
  Status s = conv2d_forward(m.out, m.in, m.w, nullptr, m.params, algos[i]);
  auto t1 = std::chrono::steady_clock::now();
  ++m.runs;
  if (!s.is_ok()) {
    t.ok = false;
    t.why = s.message();
    return;
  }
  std::vector<double>& r = m.recent[static_cast<size_t>(i)];
  r.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  if (r.size() > static_cast<size_t>(TimingMeter::kRecent)) r.erase(r.begin());
  t.ms = *std::min_element(r.begin(), r.end());
  t.ok = true;
}

}  // namespace cs::app
