// cost.cpp — output sizes, parameter / MAC counts, activation bytes and receptive fields, all through
// conv_geometry.h so the teaching numbers use the engine's own formulas.
#include "cost.h"

namespace cs {

static Status check_nchw(const Shape& in, const char* who) {
  if (in.size() != 4)
    return Status::error(fmt("%s expected 4D input (batch, channels, height, width), got %s", who,
                             shape_str(in).c_str()));
  for (int d : in)
    if (d < 0) return Status::error(fmt("%s: input shape %s has a negative size", who, shape_str(in).c_str()));
  return Status::ok();
}

Result<Shape> conv2d_output_shape(const Shape& in, int out_channels, Size2 kernel, const Conv2dParams& p) {
  CS_RETURN_IF_ERROR(check_nchw(in, "Conv2d"));
  if (out_channels < 1) return Status::error(fmt("Conv2d: out_channels must be >= 1, got %d", out_channels));
  CS_RETURN_IF_ERROR(check_conv_params(in[2], in[3], kernel.h, kernel.w, p, "Conv2d"));
  if (in[1] % p.groups != 0 || out_channels % p.groups != 0)
    return Status::error(fmt("Conv2d: in_channels %d and out_channels %d must both be divisible by groups %d",
                             in[1], out_channels, p.groups));
  long long oh = conv_output_size(in[2], kernel.h, p.stride.h, p.padding.h, p.dilation.h);
  long long ow = conv_output_size(in[3], kernel.w, p.stride.w, p.padding.w, p.dilation.w);
  return Shape{in[0], out_channels, static_cast<int>(oh), static_cast<int>(ow)};
}

Result<Shape> conv_transpose2d_output_shape(const Shape& in, int out_channels, Size2 kernel, Size2 stride,
                                            Size2 padding, Size2 output_padding, Size2 dilation) {
  CS_RETURN_IF_ERROR(check_nchw(in, "ConvTranspose2d"));
  if (out_channels < 1)
    return Status::error(fmt("ConvTranspose2d: out_channels must be >= 1, got %d", out_channels));
  if (kernel.h < 1 || kernel.w < 1 || stride.h < 1 || stride.w < 1 || dilation.h < 1 || dilation.w < 1 ||
      padding.h < 0 || padding.w < 0 || output_padding.h < 0 || output_padding.w < 0)
    return Status::error(fmt("ConvTranspose2d: invalid kernel %dx%d / stride %dx%d / padding %dx%d / "
                             "output_padding %dx%d / dilation %dx%d",
                             kernel.h, kernel.w, stride.h, stride.w, padding.h, padding.w, output_padding.h,
                             output_padding.w, dilation.h, dilation.w));
  // PyTorch: output_padding must be smaller than either stride or dilation.
  if ((output_padding.h >= stride.h && output_padding.h >= dilation.h) ||
      (output_padding.w >= stride.w && output_padding.w >= dilation.w))
    return Status::error(fmt("ConvTranspose2d: output_padding %dx%d must be smaller than stride %dx%d or dilation %dx%d",
                             output_padding.h, output_padding.w, stride.h, stride.w, dilation.h, dilation.w));
  long long oh = conv_transpose_output_size(in[2], kernel.h, stride.h, padding.h, dilation.h, output_padding.h);
  long long ow = conv_transpose_output_size(in[3], kernel.w, stride.w, padding.w, dilation.w, output_padding.w);
  if (oh < 1 || ow < 1 || oh * ow > kMaxTensorElements)
    return Status::error(fmt("ConvTranspose2d: output size %lldx%lld for input %s is invalid", oh, ow,
                             shape_str(in).c_str()));
  return Shape{in[0], out_channels, static_cast<int>(oh), static_cast<int>(ow)};
}

Result<Shape> pool2d_output_shape(const Shape& in, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation,
                                  bool ceil_mode) {
  CS_RETURN_IF_ERROR(check_nchw(in, "Pool2d"));
  Conv2dParams p;
  p.stride = stride;
  p.padding = padding;
  p.dilation = dilation;
  CS_RETURN_IF_ERROR(check_conv_params(in[2], in[3], kernel.h, kernel.w, p, "Pool2d"));
  // PyTorch: pad should be at most half of the kernel size.
  if (2 * padding.h > kernel.h || 2 * padding.w > kernel.w)
    return Status::error(fmt("Pool2d: padding %dx%d should be at most half of kernel %dx%d", padding.h, padding.w,
                             kernel.h, kernel.w));
  long long oh = pool_output_size(in[2], kernel.h, stride.h, padding.h, dilation.h, ceil_mode);
  long long ow = pool_output_size(in[3], kernel.w, stride.w, padding.w, dilation.w, ceil_mode);
  if (oh < 1 || ow < 1)
    return Status::error(fmt("Pool2d: output size %lldx%lld for input %s is too small", oh, ow, shape_str(in).c_str()));
  return Shape{in[0], in[1], static_cast<int>(oh), static_cast<int>(ow)};
}

int64_t conv2d_param_count(int in_channels, int out_channels, Size2 kernel, int groups, bool bias) {
  if (groups < 1) return 0;
  int64_t w = static_cast<int64_t>(out_channels) * (in_channels / groups) * kernel.h * kernel.w;
  return w + (bias ? out_channels : 0);
}

int64_t linear_param_count(int in_features, int out_features, bool bias) {
  return static_cast<int64_t>(out_features) * in_features + (bias ? out_features : 0);
}

int64_t norm_param_count(int channels) { return 2 * static_cast<int64_t>(channels); }

int64_t conv2d_macs(const Shape& in, int out_channels, Size2 kernel, const Conv2dParams& p) {
  Result<Shape> out = conv2d_output_shape(in, out_channels, kernel, p);
  if (!out) return 0;
  const Shape& o = *out;
  return static_cast<int64_t>(o[0]) * o[1] * o[2] * o[3] * (in[1] / p.groups) * kernel.h * kernel.w;
}

int64_t linear_macs(int batch, int in_features, int out_features) {
  return static_cast<int64_t>(batch) * in_features * out_features;
}

int64_t activation_bytes(const Shape& shape) {
  int64_t n = shape_numel(shape);
  return n < 0 ? 0 : n * static_cast<int64_t>(sizeof(float));
}

Result<std::vector<RfInfo>> receptive_fields(const std::vector<RfLayer>& layers) {
  std::vector<RfInfo> out;
  out.reserve(layers.size());
  RfInfo rf;  // the input itself: each pixel sees itself
  for (size_t i = 0; i < layers.size(); ++i) {
    const RfLayer& l = layers[i];
    if (l.kernel < 1 || l.stride < 1 || l.dilation < 1 || l.padding < 0)
      return Status::error(fmt("layer %zu: kernel %d, stride %d, dilation %d must be >= 1 and padding %d >= 0", i,
                               l.kernel, l.stride, l.dilation, l.padding));
    // Output 0 of this layer reads its input at taps conv_input_index(0, 0..k-1); each input
    // position p of this layer sees [rf.start + p*rf.jump, ... + rf.size - 1] of the image.
    const int64_t first_tap = conv_input_index(0, 0, l.stride, l.padding, l.dilation);
    const int64_t last_tap = conv_input_index(0, l.kernel - 1, l.stride, l.padding, l.dilation);
    const int64_t next_tap = conv_input_index(1, 0, l.stride, l.padding, l.dilation);  // output 1
    RfInfo next;
    next.start = rf.start + first_tap * rf.jump;
    next.size = (last_tap - first_tap) * rf.jump + rf.size;
    next.jump = (next_tap - first_tap) * rf.jump;
    out.push_back(next);
    rf = next;
  }
  return out;
}

}  // namespace cs
