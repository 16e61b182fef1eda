// conv_geometry.cpp — validation of Conv2d shapes/parameters and the pooling output-size rule.
// Shapes in, a filled ConvGeometry (or an error that prints the offending values) out.
#include "conv_geometry.h"

namespace cs {

long long pool_output_size(long long in, long long kernel, long long stride, long long pad,
                           long long dilation, bool ceil_mode) {
  // PyTorch pooling_output_shape(): floor or ceil of the same span (rounded towards minus
  // infinity, so a window wider than the padded input gives 0 outputs, but with ceil_mode a
  // window that hangs over the right edge still counts), then the ceil_mode fix-up.
  const long long span = in + 2 * pad - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  if (span < 0) return 0;
  long long out = span / stride + 1;
  // With ceil_mode the last window may hang over the right edge, but it must start inside the
  // input or the left padding; a window that starts in the right padding is dropped.
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

Status check_conv_params(int in_h, int in_w, int kernel_h, int kernel_w, const Conv2dParams& p,
                         const char* who) {
  if (p.stride.h < 1 || p.stride.w < 1)
    return Status::error(fmt("%s: stride must be >= 1, got %d", who, p.stride.h < 1 ? p.stride.h : p.stride.w));
  if (p.padding.h < 0 || p.padding.w < 0)
    return Status::error(fmt("%s: padding must be >= 0, got %d", who, p.padding.h < 0 ? p.padding.h : p.padding.w));
  if (p.dilation.h < 1 || p.dilation.w < 1)
    return Status::error(fmt("%s: dilation must be >= 1, got %d", who, p.dilation.h < 1 ? p.dilation.h : p.dilation.w));
  if (p.groups < 1) return Status::error(fmt("%s: groups must be >= 1, got %d", who, p.groups));
  if (kernel_h < 1 || kernel_w < 1)
    return Status::error(fmt("%s: kernel size must be >= 1, got %dx%d", who, kernel_h, kernel_w));
  if (in_h < 1 || in_w < 1)
    return Status::error(fmt("%s: input height and width must be >= 1, got %dx%d", who, in_h, in_w));
  // All in 64-bit: padding and dilation of ~2^31 must not wrap around.
  long long ph = static_cast<long long>(in_h) + 2LL * p.padding.h;
  long long pw = static_cast<long long>(in_w) + 2LL * p.padding.w;
  long long kh = static_cast<long long>(p.dilation.h) * (kernel_h - 1) + 1;
  long long kw = static_cast<long long>(p.dilation.w) * (kernel_w - 1) + 1;
  if (kh > ph || kw > pw) {
    if (kh == kernel_h && kw == kernel_w)
      return Status::error(fmt("%s: kernel %dx%d is larger than the padded input %lldx%lld", who, kernel_h,
                               kernel_w, ph, pw));
    return Status::error(fmt("%s: kernel %dx%d (dilated %lldx%lld) is larger than the padded input %lldx%lld",
                             who, kernel_h, kernel_w, kh, kw, ph, pw));
  }
  long long oh = conv_output_size(in_h, kernel_h, p.stride.h, p.padding.h, p.dilation.h);
  long long ow = conv_output_size(in_w, kernel_w, p.stride.w, p.padding.w, p.dilation.w);
  if (oh > kMaxTensorElements || ow > kMaxTensorElements || oh * ow > kMaxTensorElements)
    return Status::error(fmt("%s: output of %lldx%lld positions is larger than the limit of %lld elements", who,
                             oh, ow, static_cast<long long>(kMaxTensorElements)));
  return Status::ok();
}

Status conv2d_geometry(const Shape& input, const Shape& weight, const Conv2dParams& p, ConvGeometry* g,
                       const char* who) {
  if (input.size() != 4)
    return Status::error(fmt("%s expected 4D input (batch, channels, height, width), got %s", who,
                             shape_str(input).c_str()));
  if (weight.size() != 4)
    return Status::error(fmt("%s expected 4D weight (out_channels, in_channels/groups, kernel_h, kernel_w), got %s",
                             who, shape_str(weight).c_str()));
  for (int d : input)
    if (d < 0) return Status::error(fmt("%s: input shape %s has a negative size", who, shape_str(input).c_str()));
  for (int d : weight)
    if (d < 1) return Status::error(fmt("%s: weight shape %s has a size < 1", who, shape_str(weight).c_str()));
  const int N = input[0], C = input[1], H = input[2], W = input[3];
  const int OC = weight[0], KH = weight[2], KW = weight[3];
  if (C < 1) return Status::error(fmt("%s: input %s has no channels", who, shape_str(input).c_str()));
  CS_RETURN_IF_ERROR(check_conv_params(H, W, KH, KW, p, who));
  if (C % p.groups != 0)
    return Status::error(fmt("%s: in_channels %d is not divisible by groups %d", who, C, p.groups));
  if (OC % p.groups != 0)
    return Status::error(fmt("%s: out_channels %d is not divisible by groups %d", who, OC, p.groups));
  if (weight[1] != C / p.groups)
    return Status::error(fmt("%s: weight %s expects input with %d channels (groups=%d), but input %s has %d channels",
                             who, shape_str(weight).c_str(), weight[1] * p.groups, p.groups,
                             shape_str(input).c_str(), C));
  long long OH = conv_output_size(H, KH, p.stride.h, p.padding.h, p.dilation.h);
  long long OW = conv_output_size(W, KW, p.stride.w, p.padding.w, p.dilation.w);
  // Every buffer an algorithm may allocate must stay under the cap: input, output, weight, and
  // the im2col matrix of one image (C/groups*KH*KW rows, OH*OW columns; whole C for grouped).
  const long long cap = kMaxTensorElements;
  long long in_numel = shape_numel(input), w_numel = shape_numel(weight);
  long long plane = OH * OW;  // both <= cap by check_conv_params
  long long out_numel = (plane > 0 && static_cast<long long>(N) * OC > cap / plane) ? cap + 1 : N * 1LL * OC * plane;
  long long kk = static_cast<long long>(KH) * KW;
  long long col_rows = kk > cap / C ? cap + 1 : C * kk;
  long long col_numel = (plane > 0 && col_rows > cap / plane) ? cap + 1 : col_rows * plane;
  if (in_numel < 0 || in_numel > cap || w_numel < 0 || w_numel > cap || out_numel > cap || col_numel > cap)
    return Status::error(fmt("%s: input %s with weight %s needs tensors larger than the limit of %lld elements", who,
                             shape_str(input).c_str(), shape_str(weight).c_str(), cap));
  g->N = N;
  g->C = C;
  g->H = H;
  g->W = W;
  g->OC = OC;
  g->KH = KH;
  g->KW = KW;
  g->OH = static_cast<int>(OH);
  g->OW = static_cast<int>(OW);
  g->p = p;
  return Status::ok();
}

}  // namespace cs
