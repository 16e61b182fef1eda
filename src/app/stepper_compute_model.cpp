// stepper_compute_model.cpp — the stepper's engine results: conv2d_forward (with per-input-channel
// partial sums), ConvTranspose2d beside its zero-insertion equivalent, pooling, and the multiply
// counts, for the geometry resolve_geometry worked out.
#include <algorithm>
#include <cmath>

#include "engine/ops/conv2d.h"
#include "engine/ops/conv_transpose2d.h"
#include "engine/ops/cost.h"
#include "engine/ops/pool.h"
#include "stepper_model.h"

namespace cs::app {

// [SECTION] engine results ---------------------------------------------------------------------------

namespace {

// One more sentence than the engine's message, for the class.
std::string explain_conv(const StepperConfig& c, const std::string& engine_error) {
  // The engine's messages are matched by their English (they are the engine's, not the UI's).
  if (c.stride.h < 1 || c.stride.w < 1) return tr(S::model_explain_stride0);
  if (c.dilation.h < 1 || c.dilation.w < 1) return tr(S::model_explain_dilation0);
  if (engine_error.find("divisible by groups") != std::string::npos) return fmt(tr(S::model_explain_groups), c.C, c.groups);
  if (engine_error.find("larger than the padded input") != std::string::npos) return tr(S::model_explain_too_large);
  if (engine_error.find("half") != std::string::npos) return tr(S::model_explain_pool_padding);
  return "";
}

Tensor tensor_of(const std::vector<float>& v, Shape s) {
  int64_t n = shape_numel(s);
  if (n < 0 || static_cast<size_t>(n) != v.size()) return Tensor(s, 0.0f);
  return Tensor(std::move(s), v);
}

void compute_transposed(const StepperConfig& c, const StepperGeometry& ms, const StepperData& d, StepperResult& r) {
  r.OC = ms.OC;
  // The engine's ConvTranspose2d: weight (Cin, Cout, KH, KW); ours is stored (Cout, Cin, KH, KW).
  const size_t kk = static_cast<size_t>(ms.KH) * ms.KW;
  Tensor in = tensor_of(d.input, {1, c.C, c.H, c.W}), wt({c.C, ms.OC, ms.KH, ms.KW}), bias({ms.OC}, c.bias);
  for (int o = 0; o < ms.OC; ++o)
    for (int ch = 0; ch < c.C; ++ch)
      for (size_t k = 0; k < kk; ++k)
        wt[(static_cast<size_t>(ch) * ms.OC + o) * kk + k] = d.weight[(static_cast<size_t>(o) * c.C + ch) * kk + k];
  ConvTranspose2dParams tp;
  tp.stride = ms.conv.stride;
  tp.padding = ms.conv.padding;
  tp.dilation = ms.conv.dilation;
  Status ts = conv_transpose2d_forward(r.output, in, wt, &bias, tp, ConvAlgo::Reference);
  if (!ts.is_ok()) {
    r.error = ts.message();
    r.explain = explain_conv(c, r.error);
    if (r.explain.empty())
      r.explain = tr(S::model_explain_transposed_padding);
    return;
  }
  r.OH = r.output.dim(2);
  r.OW = r.output.dim(3);
  // Equivalent ordinary convolution: the input with zeros inserted (where each cell lands: the
  // geometry's zero_inserted_cell; cropped when the offset is negative), convolved with the kernel
  // rotated 180 degrees.
  const int zh = ms.zero_size.h, zw = ms.zero_size.w;
  r.zero_inserted = Tensor({1, c.C, zh, zw}, 0.0f);
  for (int ch = 0; ch < c.C; ++ch)
    for (int i = 0; i < c.H; ++i)
      for (int j = 0; j < c.W; ++j) {
        const Cell z = ms.zero_inserted_cell(Cell{i, j});
        const int y = z.r, x = z.c;
        if (y >= 0 && y < zh && x >= 0 && x < zw)
          r.zero_inserted.at(0, ch, y, x) = d.input[(static_cast<size_t>(ch) * c.H + i) * c.W + j];
      }
  r.flipped = Tensor({ms.OC, c.C, ms.KH, ms.KW}, 0.0f);
  for (int o = 0; o < ms.OC; ++o)
    for (int ch = 0; ch < c.C; ++ch)
      for (int y = 0; y < ms.KH; ++y)
        for (int x = 0; x < ms.KW; ++x)
          r.flipped.at(o, ch, y, x) =
              d.weight[((static_cast<size_t>(o) * c.C + ch) * ms.KH + (ms.KH - 1 - y)) * ms.KW + (ms.KW - 1 - x)];
  Conv2dParams p;
  p.dilation = ms.conv.dilation;
  Status s = conv2d_forward(r.as_conv_output, r.zero_inserted, r.flipped, &bias, p, ConvAlgo::Reference);
  r.transposed_diff = 0;
  if (s.is_ok() && r.as_conv_output.numel() == r.output.numel()) {
    for (size_t i = 0; i < r.output.numel(); ++i)
      r.transposed_diff = std::max(r.transposed_diff, std::fabs(r.output[i] - r.as_conv_output[i]));
  } else {
    r.transposed_diff = INFINITY;  // shown: the two views disagree (a bug to report, never hidden)
  }
  // Overlap counts: how many (input cell, tap) pairs land on each output cell, by THE formula.
  r.overlap = Tensor({r.OH, r.OW}, 0.0f);
  for (int i = 0; i < c.H; ++i)
    for (int kh = 0; kh < ms.KH; ++kh) {
      int y = conv_input_index(i, kh, c.stride.h, c.padding.h, c.dilation.h);
      if (y < 0 || y >= r.OH) continue;
      for (int j = 0; j < c.W; ++j)
        for (int kw = 0; kw < ms.KW; ++kw) {
          int x = conv_input_index(j, kw, c.stride.w, c.padding.w, c.dilation.w);
          if (x >= 0 && x < r.OW) r.overlap[static_cast<size_t>(y) * r.OW + x] += 1.0f;
        }
    }
  r.steps = c.H * c.W;
  r.cols_rows = c.C * ms.KH * ms.KW;
  r.cols_cols = r.OH * r.OW;
  r.valid = true;
}

// Pooling through the engine's pool.h (max: padding is -inf; average: count_include_pad as PyTorch).
// The UI's stride 0 is an impossible setting to explain; the engine would read it as "= kernel".
void compute_pool(const StepperConfig& c, const StepperData& d, StepperResult& r) {
  r.OC = c.C;
  const bool mx = c.mode == ConvMode::MaxPool;
  const char* who = mx ? "MaxPool2d" : "AvgPool2d";
  Status s = Status::ok();
  if (c.stride.h < 1 || c.stride.w < 1)
    s = Status::error(fmt("%s: stride must be >= 1, got %d", who, std::min(c.stride.h, c.stride.w)));
  else if (c.dilation.h < 1 || c.dilation.w < 1)
    s = Status::error(fmt("%s: dilation must be >= 1, got %d", who, std::min(c.dilation.h, c.dilation.w)));
  else if (!mx && (c.dilation.h != 1 || c.dilation.w != 1))
    s = Status::error(fmt("AvgPool2d has no dilation (as in PyTorch): got %dx%d", c.dilation.h, c.dilation.w));
  Tensor in = tensor_of(d.input, {1, c.C, c.H, c.W});
  if (s.is_ok()) {
    s = mx ? max_pool2d_forward(r.output, in, max_pool_params(c)) : avg_pool2d_forward(r.output, in, avg_pool_params(c));
  }
  if (!s.is_ok()) {
    r.error = s.message();
    r.explain = explain_conv(c, r.error);
    return;
  }
  r.OH = r.output.dim(2);
  r.OW = r.output.dim(3);
  r.steps = r.OH * r.OW;
  r.cols_rows = c.C * c.KH * c.KW;
  r.cols_cols = r.OH * r.OW;
  r.valid = true;
}

}  // namespace

StepperResult compute_stepper(const StepperConfig& c, const StepperGeometry& ms, const StepperData& d) {
  StepperResult r;
  r.geo = ms;
  if (c.mode == ConvMode::Transposed) {
    compute_transposed(c, ms, d, r);
    return r;
  }
  if (mode_is_pool(c.mode)) {
    compute_pool(c, d, r);
    return r;
  }
  r.OC = ms.OC;
  const Conv2dParams p = ms.conv;
  const int cg = ms.in_per_group;
  const Shape in_shape = ms.input_shape(), w_shape = ms.weight_shape();
  ConvGeometry g;
  Status s = conv2d_geometry(in_shape, w_shape, p, &g);
  if (!s.is_ok()) {
    r.error = s.message();
    r.explain = explain_conv(c, r.error);
    return r;
  }
  Tensor in = tensor_of(d.input, in_shape), w = tensor_of(d.weight, w_shape), bias({ms.OC}, c.bias);
  s = conv2d_forward(r.output, in, w, &bias, p, ConvAlgo::Reference);
  if (!s.is_ok()) {
    r.error = s.message();
    return r;
  }
  r.OH = g.OH;
  r.OW = g.OW;
  // Per-input-channel sums for the arithmetic: one depthwise engine call per output channel over the
  // input channels of its group (no bias), so every partial sum shown is the engine's too.
  r.partials.resize(ms.OC);
  for (int o = 0; o < ms.OC; ++o) {
    const int grp = ms.group_of_output(o);
    Tensor gin({1, cg, c.H, c.W});
    std::copy(d.input.begin() + static_cast<size_t>(grp) * cg * c.H * c.W,
              d.input.begin() + static_cast<size_t>(grp + 1) * cg * c.H * c.W, gin.data());
    Tensor gw({cg, 1, ms.KH, ms.KW});
    std::copy(w.data() + static_cast<size_t>(o) * cg * ms.KH * ms.KW,
              w.data() + static_cast<size_t>(o + 1) * cg * ms.KH * ms.KW, gw.data());
    Conv2dParams dp = p;
    dp.groups = cg;
    Status ps = conv2d_forward(r.partials[o], gin, gw, nullptr, dp, ConvAlgo::Reference);
    if (!ps.is_ok()) r.partials[o] = Tensor();
  }
  {
    // Side by side: what this input, kernel and output size cost as each kind of convolution.
    auto& m = r.multiplies;
    m.in_channels = c.C;
    m.out_channels = c.mode == ConvMode::Depthwise ? c.C : c.out_channels;
    m.groups = c.groups;
    const Size2 k{ms.KH, ms.KW};
    Conv2dParams q = p;
    q.groups = 1;
    m.standard = conv2d_macs(in_shape, m.out_channels, k, q);
    if (c.groups >= 1 && c.C % c.groups == 0 && m.out_channels % c.groups == 0) {
      q.groups = c.groups;
      m.grouped = conv2d_macs(in_shape, m.out_channels, k, q);
    }
    q.groups = c.C;
    m.depthwise = conv2d_macs(in_shape, c.C, k, q);
    m.pointwise = conv2d_macs({1, c.C, g.OH, g.OW}, m.out_channels, Size2{1, 1}, Conv2dParams{});
  }
  if (c.mode == ConvMode::Separable) {
    Tensor w2 = tensor_of(d.weight2, {c.out_channels, c.C, 1, 1});
    Tensor b2({c.out_channels}, 0.0f);
    Status s2 = conv2d_forward(r.pointwise_output, r.output, w2, &b2, Conv2dParams{}, ConvAlgo::Reference);
    if (!s2.is_ok()) r.pointwise_output = Tensor();
    Conv2dParams dw = p;
    r.macs_stage1 = conv2d_macs(in_shape, c.C, Size2{ms.KH, ms.KW}, dw);
    r.macs_stage2 = conv2d_macs({1, c.C, g.OH, g.OW}, c.out_channels, Size2{1, 1}, Conv2dParams{});
    Conv2dParams full = p;
    full.groups = 1;
    r.macs_standard = conv2d_macs(in_shape, c.out_channels, Size2{ms.KH, ms.KW}, full);
  }
  r.steps = r.OH * r.OW;
  r.cols_rows = c.C * ms.KH * ms.KW;
  r.cols_cols = r.OH * r.OW;
  r.valid = true;
  return r;
}

Tensor transposed_partial(const StepperConfig& c, const StepperData& d, const StepperResult& r, int stamps) {
  if (!r.valid || c.mode != ConvMode::Transposed) return Tensor();
  StepperData masked = d;
  const size_t plane = static_cast<size_t>(c.H) * c.W;
  for (int ch = 0; ch < c.C; ++ch)
    for (size_t k = static_cast<size_t>(std::max(0, stamps)); k < plane; ++k) masked.input[ch * plane + k] = 0.0f;
  StepperConfig nb = c;
  nb.bias = 0.0f;  // the bias is added once, at the end; partial stamps show only the stamps
  StepperResult pr;
  compute_transposed(nb, r.geo, masked, pr);
  return pr.output;
}

}  // namespace cs::app
