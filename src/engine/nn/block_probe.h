// block_probe.h — a block fed a seeded random batch: each node's output and the numbers a student
// reads from it (min, mean, max, standard deviation, the fraction of exact zeros a ReLU leaves, a
// histogram, and each channel's mean and variance over the batch). In train mode BatchNorm
// normalises with the batch's own statistics; in eval mode with its running statistics, which for a
// freshly initialised block are mean 0 and variance 1: the two modes give different outputs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "block_catalog.h"

namespace cs {

struct TensorStats {
  float min = 0, max = 0, mean = 0, std = 0;  // over every value (population standard deviation)
  double zero_fraction = 0;                   // values exactly 0
  float histogram_lo = 0, histogram_hi = 0;   // the histogram spans [min, max]
  std::vector<int64_t> histogram;             // counts per equal-width bin; the top bin includes max
  // Per channel (dimension 1 of an (N, C, ...) tensor), over the batch and every position: what
  // BatchNorm computes (variance divides by the count, not count - 1).
  std::vector<float> channel_mean, channel_var;
};

// Statistics of a tensor of rank >= 2 shaped (N, C, ...); `bins` >= 1.
TensorStats tensor_stats(const Tensor& t, int bins);

struct BlockProbe {
  uint32_t seed = 0;
  int batch = 0;
  bool training = false;
  Tensor input;                   // (batch, C, H, W), standard normal values from `seed`
  TensorStats input_stats;
  std::vector<BlockNode> nodes;   // describe_block's nodes, in the same order
  std::vector<Tensor> outputs;    // outputs[i] is what nodes[i] produced, for the whole batch
  std::vector<TensorStats> stats; // stats[i] of outputs[i]
};

constexpr int kProbeMaxBatch = 16;
constexpr int64_t kProbeMaxValues = 2'000'000;  // every node's output, summed, times the batch
constexpr int kProbeHistogramBins = 16;

// Builds the block with weights from `seed` (as PyTorch initialises them), feeds it `batch` inputs
// drawn from a standard normal distribution with the same seed, and keeps every node's output.
// Refused in words: a config the catalog refuses, a batch outside 1..kProbeMaxBatch, or outputs that
// would hold more than kProbeMaxValues numbers.
Result<BlockProbe> probe_block(const BlockConfig& c, uint32_t seed, int batch, bool training);

}  // namespace cs
