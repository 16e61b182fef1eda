// se_stats.h — what each Squeeze-and-Excitation block does per digit class: sums (and sums of
// squares) of every channel's excitation over labelled images, for the lab's SE heatmap and for
// `convscope se-stats`. One function, so the page and the CLI agree by construction.
#pragma once
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "digitnet.h"
#include "model.h"

namespace cs {

constexpr int kDigitClasses = 10;

struct SeClassSums {
  struct Block {
    std::string name;  // the block's Trace prefix ("blocks.1.se")
    int channels = 0;
    std::vector<double> sum, sumsq;  // [class * channels + c]
  };
  std::vector<Block> blocks;
  int count[kDigitClasses] = {0};  // images added per class
  int correct = 0;                 // of them, argmax(logits) == label
  // Empty sums for `se` (names and channel counts), counts at zero.
  void reset(const std::vector<SeBlock>& se);
};

// x (n, 1, H, W) through `model` in whatever mode it is in (callers use eval, and lift any excitation
// override first: the sums describe the network itself), then image i's raw excitation (n, C) of every
// block is added to row labels[i] (0..9). `logits` receives (n, classes).
Status accumulate_se_class_sums(Model& model, const std::vector<SeBlock>& se, const Tensor& x, const int* labels,
                                SeClassSums& sums, Tensor& logits);

}  // namespace cs
