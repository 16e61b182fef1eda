// block_testing.h — the block tests' shorthand for a BlockConfig (block, channels, size, kernel,
// stride; the other fields keep their defaults).
#pragma once
#include <string>

#include "engine/nn/block_catalog.h"

namespace cs::test {

inline BlockConfig block_config(const std::string& block, int in, int out, int h, int w, int k = 3, int stride = 1) {
  BlockConfig c;
  c.block = block;
  c.in_channels = in;
  c.out_channels = out;
  c.height = h;
  c.width = w;
  c.kernel = k;
  c.stride = stride;
  return c;
}

}  // namespace cs::test
