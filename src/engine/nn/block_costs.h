// block_costs.h — what the course's blocks cost for the same job: C channels in, C out, on an HxW map
// with a KxK spatial kernel, as a standard conv, a depthwise-separable pair, an MBConv and a ConvNeXt
// block; and a 10-class head as flatten + Linear against global average pooling + Linear. Each row's
// parameters and multiply-accumulates come from building the engine's own layers and running them
// once, so the figures are the ones the engine trains with.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"

namespace cs {

struct BlockCostQuery {
  int channels = 32;
  int height = 28, width = 28;
  int kernel = 3;  // odd: every block keeps the map's size with padding (K-1)/2
  int classes = 10;
};

// Limits that keep one comparison quick on a phone (the rows are run once on a zero input).
constexpr int kBlockCostMaxChannels = 128;
constexpr int kBlockCostMaxSide = 64;
constexpr int kBlockCostMaxKernel = 15;
constexpr int kBlockCostMaxClasses = 1000;
constexpr int64_t kBlockCostMaxMacs = 200000000;  // of the standard conv: C*C*K*K*H*W

struct BlockCostRow {
  std::string id;       // "standard", "separable", "mbconv", "convnext" | "flatten_head", "gap_head"
  std::string layers;   // the engine layers it is built from, as PyTorch would print their types
  Shape output;         // (1, C, H, W) for the blocks, (1, classes) for the heads
  int64_t params = 0;   // trainable parameters (BatchNorm running statistics are buffers: not counted)
  int64_t macs = 0;     // multiply-accumulates for one image, as the engine's Layer::macs() counts them
  double params_ratio = 1;  // against the first row of its group (standard conv / flatten head)
  double macs_ratio = 1;
};

struct BlockCostComparison {
  BlockCostQuery query;
  std::vector<BlockCostRow> blocks;  // standard, separable, mbconv (expand 4, SE 1/4), convnext (x4)
  std::vector<BlockCostRow> heads;   // flatten_head, gap_head
  // Depthwise-separable over standard, exactly: (C*K*K + C*C) / (C*C*K*K) = 1/C + 1/K^2.
  // The course material rounds it to 1/K^2, which holds only when C is much larger than K^2.
  double separable_exact = 0;
  double separable_rounded = 0;  // 1/K^2
};

// Errors name the offending value: channels 1..128, height/width 1..64, kernel odd 1..15,
// classes 1..1000, and a standard conv of at most kBlockCostMaxMacs.
Result<BlockCostComparison> compare_block_costs(const BlockCostQuery& q);

}  // namespace cs
