// cost.h — what a layer costs and sees: output sizes, parameter counts, multiply-accumulates,
// activation memory, and the receptive field / cumulative stride ("jump") of a stack of layers.
// Every size comes from conv_geometry.h's formulas (conv_output_size, pool_output_size,
// conv_input_index), so these numbers and the engine cannot disagree.
#pragma once
#include <cstdint>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "conv_geometry.h"

namespace cs {

// [SECTION] output sizes (N, C, H, W) -> (N, OC, OH, OW); errors name the layer and the sizes.
Result<Shape> conv2d_output_shape(const Shape& in, int out_channels, Size2 kernel, const Conv2dParams& p);
Result<Shape> conv_transpose2d_output_shape(const Shape& in, int out_channels, Size2 kernel, Size2 stride,
                                            Size2 padding, Size2 output_padding, Size2 dilation);
Result<Shape> pool2d_output_shape(const Shape& in, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation,
                                  bool ceil_mode);

// [SECTION] parameter counts
// Conv2d weight (OC, C/groups, KH, KW) plus OC biases if bias.
int64_t conv2d_param_count(int in_channels, int out_channels, Size2 kernel, int groups, bool bias);
// Linear weight (out, in) plus out biases if bias.
int64_t linear_param_count(int in_features, int out_features, bool bias);
// BatchNorm2d / LayerNorm2d affine parameters (weight + bias): 2C (running stats are buffers, not parameters).
int64_t norm_param_count(int channels);

// [SECTION] multiply-accumulates (one MAC = one multiply + one add; FLOPs ~ 2 x MACs)
// Conv2d: N * OC * OH * OW * (C/groups) * KH * KW (bias adds not counted, as most profilers).
int64_t conv2d_macs(const Shape& in, int out_channels, Size2 kernel, const Conv2dParams& p);
int64_t linear_macs(int batch, int in_features, int out_features);

// [SECTION] memory
// float32 bytes of a tensor of `shape` (the activation memory a layer's output holds).
int64_t activation_bytes(const Shape& shape);

// [SECTION] receptive field
// One spatial layer along one axis, as in Conv2d / MaxPool2d (kernel, stride, dilation, padding).
struct RfLayer {
  int kernel = 1, stride = 1, dilation = 1, padding = 0;
};

// After a stack of layers: output position o of the last layer sees input pixels
// [start + o*jump, start + o*jump + size - 1] (start may be negative: padding).
struct RfInfo {
  int64_t size = 1;   // receptive field in input pixels
  int64_t jump = 1;   // cumulative stride: input pixels between neighbouring outputs
  int64_t start = 0;  // input coordinate of the first pixel seen by output 0
};

// Receptive field after each layer: result[i] describes the stack layers[0..i]. Errors on
// kernel/stride/dilation < 1 or padding < 0 (naming the layer index).
Result<std::vector<RfInfo>> receptive_fields(const std::vector<RfLayer>& layers);

// Input interval seen by output index `o` of a stack summarised by `rf` (clipped to nothing: raw coordinates).
inline void rf_input_range(const RfInfo& rf, int64_t o, int64_t* first, int64_t* last) {
  *first = rf.start + o * rf.jump;
  *last = *first + rf.size - 1;
}

}  // namespace cs
