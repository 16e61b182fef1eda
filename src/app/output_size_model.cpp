// output_size_model.cpp — formula text, floor-effect coverage, "same" padding, cost table and the
// receptive-field stack for the output-size explorer; all sizes from conv_geometry / cost.h.
#include "output_size_model.h"

#include <algorithm>

#include "ui_strings.h"

namespace cs::app {

AxisReport axis_report(const char* axis, int in, int kernel, int stride, int padding, int dilation, ConvMode mode,
                       bool ceil_mode) {
  AxisReport a;
  const std::string X = axis;
  const bool rows = X == "H";  // the words of the explanations: rows for H, columns for W
  if (mode == ConvMode::Transposed) {
    a.formula = "(" + X + " - 1)S - 2P + D(K-1) + 1";
    if (stride < 1 || dilation < 1) {
      a.why = tr(stride < 1 ? S::model_why_transposed_stride0 : S::model_why_transposed_dilation0);
      return a;
    }
    a.out = conv_transpose_output_size(in, kernel, stride, padding, dilation, 0);
    a.substituted = fmt("(%d - 1)*%d - 2*%d + %d*(%d-1) + 1 = %lld", in, stride, padding, dilation, kernel, a.out);
    a.valid = a.out >= 1;
    if (!a.valid) a.why = fmt(tr(S::model_why_transposed_cropped), padding, a.out + 2LL * padding);
    return a;
  }
  const bool pool = mode_is_pool(mode);
  const bool ceil = pool && ceil_mode;
  a.formula = std::string(ceil ? "ceil" : "floor") + "((" + X + " + 2P - D(K-1) - 1) / S) + 1";
  const long long span = static_cast<long long>(in) + 2LL * padding - static_cast<long long>(dilation) * (kernel - 1) - 1;
  char head[160];
  std::snprintf(head, sizeof head, "%s((%d + 2*%d - %d*(%d-1) - 1) / %d) + 1", ceil ? "ceil" : "floor", in, padding,
                dilation, kernel, stride);
  if (stride < 1) {
    a.substituted = std::string(head) + tr(S::model_why_division_by_0);
    a.why = tr(S::model_why_stride0);
    return a;
  }
  if (dilation < 1) {
    a.substituted = head;
    a.why = tr(S::model_why_dilation0);
    return a;
  }
  if (span < 0) {
    a.substituted = fmt("%s: %lld < 0", head, span);
    a.why = fmt(tr(rows ? S::model_why_fits_nowhere_rows : S::model_why_fits_nowhere_columns),
                static_cast<long long>(dilation) * (kernel - 1) + 1, static_cast<long long>(in) + 2LL * padding);
    return a;
  }
  a.out = pool ? pool_output_size(in, kernel, stride, padding, dilation, ceil_mode)
               : conv_output_size(in, kernel, stride, padding, dilation);
  a.valid = a.out >= 1;
  a.substituted = fmt("%s = %s(%lld / %d) + 1 = %lld", head, ceil ? "ceil" : "floor", span, stride, a.out);
  if (stride == 1 && (static_cast<long long>(dilation) * (kernel - 1)) % 2 == 0)
    a.same_padding = dilation * (kernel - 1) / 2;
  // Coverage by THE formula: which input indices does any (output, tap) pair read?
  std::vector<char> covered(static_cast<size_t>(in), 0);
  for (long long o = 0; o < a.out; ++o)
    for (int k = 0; k < kernel; ++k) {
      int i = conv_input_index(static_cast<int>(o), k, stride, padding, dilation);
      if (i >= 0 && i < in) covered[static_cast<size_t>(i)] = 1;
    }
  for (int i = 0; i < in; ++i)
    if (!covered[static_cast<size_t>(i)]) a.uncovered.push_back(i);
  if (span % stride != 0 && !ceil) {
    const long long last_start = (a.out - 1) * stride - padding;
    const long long last_end = last_start + static_cast<long long>(dilation) * (kernel - 1);
    a.why = fmt(tr(rows ? S::model_why_floor_rows : S::model_why_floor_columns), span, stride, last_start, last_end,
                stride);
    // One sentence per number and axis: a translation may inflect both words (row/rows, is/are).
    if (a.uncovered.size() == 1) {
      a.why += tr(rows ? S::model_why_never_read_row : S::model_why_never_read_column);
    } else if (!a.uncovered.empty()) {
      a.why += fmt(tr(rows ? S::model_why_never_read_rows : S::model_why_never_read_columns), a.uncovered.size());
    } else {
      a.why += tr(S::model_why_only_padding);
    }
  } else if (span % stride != 0 && ceil) {
    a.why = fmt(tr(S::model_why_ceil), span, stride);
  }
  if (!a.uncovered.empty() && (span % stride == 0 || ceil))
    a.why = fmt(tr(rows ? S::model_why_gaps_rows : S::model_why_gaps_columns), stride, dilation, a.uncovered.size());
  return a;
}

std::vector<CostRow> cost_table(const StepperConfig& c, const CostInputs& ci) {
  std::vector<CostRow> rows;
  Conv2dParams p;
  p.stride = c.stride;
  p.padding = c.padding;
  p.dilation = c.dilation;
  const Size2 k{c.KH, c.KW};
  auto conv_row = [&](const std::string& name, int groups) {
    CostRow r;
    r.name = name;
    Conv2dParams q = p;
    q.groups = groups;
    Shape in{ci.batch, ci.in_channels, c.H, c.W};
    if (ci.in_channels % groups != 0 || ci.out_channels % groups != 0) {
      r.why = fmt(tr(S::model_cost_not_divisible), ci.in_channels, ci.out_channels, groups);
      return r;
    }
    Result<Shape> out = conv2d_output_shape(in, ci.out_channels, k, q);
    if (!out.is_ok()) {
      r.why = out.status().message();
      return r;
    }
    r.valid = true;
    r.params = conv2d_param_count(ci.in_channels, ci.out_channels, k, groups, true);
    r.params_no_bias = conv2d_param_count(ci.in_channels, ci.out_channels, k, groups, false);
    r.macs = conv2d_macs(in, ci.out_channels, k, q);
    r.output_bytes = activation_bytes(out.value());
    return r;
  };
  rows.push_back(conv_row("standard", 1));
  rows.push_back(conv_row(fmt("grouped (g=%d)", ci.groups), ci.groups));
  // Depthwise (C -> C, groups C) then pointwise 1x1 (C -> OC).
  CostRow dw = conv_row("depthwise", ci.in_channels);
  CostRow sep;
  sep.name = "depthwise-separable";
  if (!dw.valid) {
    sep.why = dw.why;
  } else {
    Shape in{ci.batch, ci.in_channels, c.H, c.W};
    Conv2dParams q = p;
    q.groups = ci.in_channels;
    Result<Shape> mid = conv2d_output_shape(in, ci.in_channels, k, q);
    Result<Shape> out = mid.is_ok() ? conv2d_output_shape(mid.value(), ci.out_channels, Size2{1, 1}, Conv2dParams{})
                                    : Result<Shape>(mid.status());
    if (!out.is_ok()) {
      sep.why = out.status().message();
    } else {
      sep.valid = true;
      sep.params = conv2d_param_count(ci.in_channels, ci.in_channels, k, ci.in_channels, true) +
                   conv2d_param_count(ci.in_channels, ci.out_channels, Size2{1, 1}, 1, true);
      sep.params_no_bias = conv2d_param_count(ci.in_channels, ci.in_channels, k, ci.in_channels, false) +
                           conv2d_param_count(ci.in_channels, ci.out_channels, Size2{1, 1}, 1, false);
      sep.macs = conv2d_macs(in, ci.in_channels, k, q) +
                 conv2d_macs(mid.value(), ci.out_channels, Size2{1, 1}, Conv2dParams{});
      sep.output_bytes = activation_bytes(mid.value()) + activation_bytes(out.value());
    }
  }
  rows.push_back(sep);
  // The separable row's two stages alone: the depthwise KxK (C -> C, groups C) and the pointwise 1x1
  // (C -> OC) on the depthwise output.
  CostRow dw_alone, pw;
  dw_alone.name = tr(S::cost_row_depthwise_alone);
  pw.name = tr(S::cost_row_pointwise_alone);
  if (!sep.valid) {
    dw_alone.why = pw.why = sep.why;
  } else {
    Shape in{ci.batch, ci.in_channels, c.H, c.W};
    Conv2dParams q = p;
    q.groups = ci.in_channels;
    const Shape mid = conv2d_output_shape(in, ci.in_channels, k, q).value();
    const Shape out = conv2d_output_shape(mid, ci.out_channels, Size2{1, 1}, Conv2dParams{}).value();
    dw_alone.valid = pw.valid = true;
    dw_alone.params = conv2d_param_count(ci.in_channels, ci.in_channels, k, ci.in_channels, true);
    dw_alone.params_no_bias = conv2d_param_count(ci.in_channels, ci.in_channels, k, ci.in_channels, false);
    dw_alone.macs = conv2d_macs(in, ci.in_channels, k, q);
    dw_alone.output_bytes = activation_bytes(mid);
    pw.params = conv2d_param_count(ci.in_channels, ci.out_channels, Size2{1, 1}, 1, true);
    pw.params_no_bias = conv2d_param_count(ci.in_channels, ci.out_channels, Size2{1, 1}, 1, false);
    pw.macs = conv2d_macs(mid, ci.out_channels, Size2{1, 1}, Conv2dParams{});
    pw.output_bytes = activation_bytes(out);
  }
  rows.push_back(dw_alone);
  rows.push_back(pw);
  return rows;
}

std::vector<RfRow> rf_rows(const std::vector<RfStackLayer>& layers, std::string* error) {
  std::vector<RfLayer> ls;
  for (const RfStackLayer& l : layers) ls.push_back(RfLayer{l.kernel, l.stride, l.dilation, l.padding});
  Result<std::vector<RfInfo>> rf = receptive_fields(ls);
  std::vector<RfRow> rows;
  if (!rf.is_ok()) {
    if (error) *error = rf.status().message();
    return rows;
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    const RfStackLayer& l = layers[i];
    RfRow r;
    r.label = fmt("%s %dx%d s%d d%d p%d", l.pool ? "pool" : "conv", l.kernel, l.kernel, l.stride, l.dilation, l.padding);
    r.size = rf.value()[i].size;
    r.jump = rf.value()[i].jump;
    r.start = rf.value()[i].start;
    rows.push_back(r);
  }
  if (error) error->clear();
  return rows;
}

}  // namespace cs::app
