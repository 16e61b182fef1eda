// conv_geometry.h — THE index mapping and output-size formulas of convolution and pooling, in one
// place. im2col, col2im, the conv algorithms, pooling, the cost helpers and the UI's
// receptive-field highlights all call these, so the picture cannot drift from the engine.
//   h_in = h_out*stride - pad + k*dilation
//   H_out = floor((H + 2P - D(K-1) - 1) / S) + 1
#pragma once
#include <string>

#include "../status.h"
#include "../tensor.h"

namespace cs {

struct Size2 {
  int h = 0, w = 0;
  bool operator==(const Size2& o) const { return h == o.h && w == o.w; }
  bool operator!=(const Size2& o) const { return !(*this == o); }
};

// Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias)
// minus the channel counts and kernel size, which the weight tensor carries.
struct Conv2dParams {
  Size2 stride{1, 1};
  Size2 padding{0, 0};
  Size2 dilation{1, 1};
  int groups = 1;
};

// Input coordinate read by output coordinate `out` at kernel tap `k` (may fall in the padding:
// < 0 or >= size).
inline int conv_input_index(int out, int k, int stride, int pad, int dilation) {
  return out * stride - pad + k * dilation;
}

// floor((in + 2*pad - dilation*(kernel-1) - 1) / stride) + 1; <= 0 means "no output" (invalid).
// Computed in 64-bit so hostile sizes cannot overflow.
inline long long conv_output_size(long long in, long long kernel, long long stride, long long pad,
                                  long long dilation) {
  long long span = in + 2 * pad - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;  // kernel larger than the padded input
  return span / stride + 1;
}

// Pooling output size with PyTorch's ceil_mode rule: with ceil_mode the last window must still
// start inside the input or the left padding (not entirely in the right padding).
long long pool_output_size(long long in, long long kernel, long long stride, long long pad,
                           long long dilation, bool ceil_mode);

// ConvTranspose2d: (in-1)*stride - 2*pad + dilation*(kernel-1) + output_padding + 1.
inline long long conv_transpose_output_size(long long in, long long kernel, long long stride,
                                            long long pad, long long dilation, long long output_padding) {
  return (in - 1) * stride - 2 * pad + dilation * (kernel - 1) + output_padding + 1;
}

// Everything an algorithm needs about one Conv2d call, validated once.
struct ConvGeometry {
  int N = 0, C = 0, H = 0, W = 0;   // input (N, C, H, W)
  int OC = 0, KH = 0, KW = 0;       // weight (OC, C/groups, KH, KW)
  int OH = 0, OW = 0;               // output (N, OC, OH, OW)
  Conv2dParams p;
  int c_per_group() const { return C / p.groups; }
  int oc_per_group() const { return OC / p.groups; }
};

// Validates shapes and parameters ("stride must be >= 1, got 0", "kernel 7x7 (dilated 7x7) is
// larger than the padded input 5x5", "in_channels 6 is not divisible by groups 4") and fills `g`.
// `who` prefixes messages ("Conv2d").
Status conv2d_geometry(const Shape& input, const Shape& weight, const Conv2dParams& p,
                       ConvGeometry* g, const char* who = "Conv2d");

// Validates parameters alone (no tensors): the UI's output-size explorer explains these in words.
Status check_conv_params(int in_h, int in_w, int kernel_h, int kernel_w, const Conv2dParams& p,
                         const char* who = "Conv2d");

}  // namespace cs
