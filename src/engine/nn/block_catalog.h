// block_catalog.h — the building blocks a student can pick and configure (conv-BN-ReLU, a ResNet
// basic block, Squeeze-Excite, MBConv, ConvNeXt, two classifier heads): one config struct, a
// validating builder that returns the engine's layer tree, a description of that tree as a list of
// nodes in forward order (shape, parameters, MACs, and the joins where branches meet), and the same
// block as PyTorch source so every number can be checked against torch.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"
#include "init.h"
#include "layer.h"

namespace cs {

struct BlockConfig {
  std::string block = "conv_bn_relu";  // one of block_names()
  int in_channels = 16;
  int out_channels = 16;
  int height = 8;
  int width = 8;
  int kernel = 3;        // odd; padding (kernel - 1) / 2 keeps the size at stride 1
  int stride = 1;
  int expand_ratio = 4;  // mbconv only
  bool se = true;        // mbconv only: include its Squeeze-Excite
  bool projection = false;  // residual only: a 1x1 conv + BN shortcut even when shapes match
};

// The block names build_block accepts, in menu order.
const std::vector<std::string>& block_names();

// Checks the config; the error names the offending field and value.
Status validate_block(const BlockConfig& c);

// The block as an engine layer tree (the config is validated first).
Result<LayerPtr> build_block(const BlockConfig& c, Rng& rng);

struct BlockNode {
  std::string name;    // Trace path, "body.0.conv"; a join's name ends in its trace label ("sum")
  std::string op;      // Layer::type(), or "add" / "mul" / "ReLU" for a join
  std::vector<int> shape;  // output shape, N = 1
  int64_t params = 0;  // trainable values (BatchNorm running statistics are buffers, not counted)
  int64_t macs = 0;    // multiply-accumulates of one forward pass at N = 1
  bool join = false;   // where two branches meet (no layer of its own)
};

struct BlockDescription {
  std::vector<BlockNode> nodes;
  std::vector<int> output_shape;
  int64_t total_params = 0;  // of the whole layer tree (equals the sum over nodes)
  int64_t total_macs = 0;    // Layer::macs() of the root (equals the sum over nodes)
};

// Builds the block, runs one (1, C, H, W) zero input through it and lists its leaf layers and joins.
Result<BlockDescription> describe_block(const BlockConfig& c);

class Trace;
// The nodes of a built block after a forward pass that produced `out` and recorded `trace`
// (root.trace_internals("", trace)), in forward order; with `tensors`, what each node produced
// (pointers into `trace` or to `out`; null where nothing was recorded).
std::vector<BlockNode> list_block_nodes(Layer& root, const Tensor& out, const Trace& trace,
                                        std::vector<const Tensor*>* tensors);

// Trainable parameter count of a layer tree (buffers excluded).
int64_t count_trainable(Layer& layer);

// Python source of `class Block(nn.Module)` building the same block in PyTorch, plus
// `example_input = torch.zeros(1, C, H, W)`.
std::string block_pytorch(const BlockConfig& c);

}  // namespace cs
