// test_block_catalog.cpp — the block catalog: validation in words, node lists with shapes, parameters
// and MACs counted by hand here, and (natively) the block_pytorch() source executed by torch, whose
// parameter count, output shape and convolution shapes must equal the engine's.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "engine/block_testing.h"
#include "engine/nn/block_catalog.h"
#include "skip.h"
#include "temp_dir.h"

using namespace cs;

using cs::test::block_config;

namespace {

BlockDescription describe_ok(const BlockConfig& c) {
  Result<BlockDescription> d = describe_block(c);
  REQUIRE_MESSAGE(d.is_ok(), c.block, ": ", d.message());
  int64_t params = 0, macs = 0;
  for (const BlockNode& n : d->nodes) {
    params += n.params;
    macs += n.macs;
  }
  CHECK(params == d->total_params);  // every trainable value belongs to exactly one node
  CHECK(macs == d->total_macs);
  return d.value();
}

std::vector<std::string> names(const BlockDescription& d) {
  std::vector<std::string> out;
  for (const BlockNode& n : d.nodes) out.push_back(n.name + ":" + n.op);
  return out;
}

std::string shape_text(const std::vector<int>& s) {
  std::string t;
  for (int v : s) t += (t.empty() ? "" : ",") + std::to_string(v);
  return t;
}

}  // namespace

TEST_CASE("block catalog: conv-BN-ReLU 3->8, 3x3 on 8x8 (counted by hand)") {
  BlockDescription d = describe_ok(block_config("conv_bn_relu", 3, 8, 8, 8));
  CHECK(names(d) == std::vector<std::string>{"conv:Conv2d", "bn:BatchNorm2d", "act:ReLU"});
  CHECK(d.nodes[0].params == 3 * 8 * 9);  // no conv bias: BN's beta does its job
  CHECK(d.nodes[1].params == 16);         // gamma and beta; running mean/var are buffers
  CHECK(d.total_macs == 8 * 8 * 8 * (3 * 9));
  CHECK(d.output_shape == std::vector<int>{1, 8, 8, 8});
}

TEST_CASE("block catalog: residual blocks, identity and projection shortcut") {
  BlockDescription id = describe_ok(block_config("residual", 8, 8, 6, 6));
  CHECK(names(id) == std::vector<std::string>{"body.0.conv:Conv2d", "body.0.bn:BatchNorm2d", "body.0.act:ReLU",
                                              "body.1.conv:Conv2d", "body.1.bn:BatchNorm2d", "sum:add", "act:ReLU"});
  CHECK(id.total_params == 2 * (8 * 8 * 9 + 16));
  CHECK(id.total_macs == 2 * (36 * 8 * 72));
  CHECK(id.nodes[5].join);
  CHECK(id.nodes[5].shape == std::vector<int>{1, 8, 6, 6});

  BlockDescription pr = describe_ok(block_config("residual", 4, 8, 8, 8, 3, 2));
  CHECK(pr.total_params == (4 * 8 * 9 + 16) + (8 * 8 * 9 + 16) + (4 * 8 + 16));
  CHECK(pr.total_macs == 16 * 8 * 36 + 16 * 8 * 72 + 16 * 8 * 4);
  CHECK(pr.output_shape == std::vector<int>{1, 8, 4, 4});
  CHECK(pr.nodes[5].name == "shortcut.conv");
  CHECK(pr.nodes[5].shape == std::vector<int>{1, 8, 4, 4});
}

TEST_CASE("block catalog: SE, MBConv, ConvNeXt and the heads (counted by hand)") {
  BlockDescription se = describe_ok(block_config("se", 16, 16, 4, 4));
  CHECK(names(se) == std::vector<std::string>{"SqueezeExcitation:SqueezeExcitation", "scale:mul"});
  CHECK(se.total_params == 16 * 4 + 4 + 4 * 16 + 16);
  CHECK(se.total_macs == 2 * 16 * 4 + 16 * 16);

  BlockConfig mb = block_config("mbconv", 8, 8, 4, 4);
  BlockDescription m = describe_ok(mb);
  CHECK(m.total_params == (8 * 32 + 64) + (32 * 9 + 64) + (32 * 2 + 2 + 2 * 32 + 32) + (32 * 8 + 16));
  CHECK(m.nodes.back().op == "add");
  mb.se = false;
  mb.stride = 2;
  BlockDescription m2 = describe_ok(mb);
  CHECK(m2.total_params == (8 * 32 + 64) + (32 * 9 + 64) + (32 * 8 + 16));
  CHECK(m2.nodes.back().op == "BatchNorm2d");  // stride 2: no skip, so no add
  CHECK(m2.output_shape == std::vector<int>{1, 8, 2, 2});

  BlockDescription cn = describe_ok(block_config("convnext", 8, 8, 4, 4, 7));
  CHECK(cn.total_params == (8 * 49 + 8) + 16 + (8 * 32 + 32) + (32 * 8 + 8) + 8);
  CHECK(cn.nodes[cn.nodes.size() - 2].name == "layer_scale");
  CHECK(cn.nodes[cn.nodes.size() - 2].params == 8);

  BlockDescription gap = describe_ok(block_config("gap_head", 16, 16, 5, 5));
  CHECK(gap.total_params == 16 * 10 + 10);
  CHECK(gap.output_shape == std::vector<int>{1, 10});
  BlockDescription flat = describe_ok(block_config("flatten_head", 2, 2, 3, 4));
  CHECK(flat.total_params == 24 * 10 + 10);
  CHECK(flat.total_macs == 240);
}

TEST_CASE("block catalog: a bad config is refused in words naming the value") {
  auto msg = [](const BlockConfig& c) { return describe_block(c).message(); };
  CHECK(msg(block_config("resnet", 8, 8, 8, 8)).find("unknown block 'resnet'") != std::string::npos);
  CHECK(msg(block_config("resnet", 8, 8, 8, 8)).find("mbconv") != std::string::npos);
  CHECK(msg(block_config("residual", 0, 8, 8, 8)).find("in_channels must be 1..512, got 0") != std::string::npos);
  CHECK(msg(block_config("residual", 8, 600, 8, 8)).find("got 600") != std::string::npos);
  CHECK(msg(block_config("residual", 8, 8, 8, 8, 4)).find("kernel must be odd") != std::string::npos);
  CHECK(msg(block_config("residual", 8, 8, 300, 8)).find("height must be 1..224, got 300") != std::string::npos);
  CHECK(msg(block_config("convnext", 8, 16, 8, 8, 7)).find("out_channels 16 must equal in_channels 8") !=
        std::string::npos);
  CHECK(msg(block_config("convnext", 8, 8, 8, 8, 7, 2)).find("stride must be 1, got 2") != std::string::npos);
  CHECK(msg(block_config("se", 8, 4, 8, 8)).find("must equal") != std::string::npos);
  CHECK(msg(block_config("mbconv", 8, 8, 8, 8, 3, 3)).find("stride 1 or 2 (as in EfficientNet), got 3") != std::string::npos);
  CHECK(msg(block_config("mbconv", 512, 512, 224, 224)).find("at most") != std::string::npos);
  CHECK(block_pytorch(block_config("resnet", 8, 8, 8, 8)).empty());
}

#ifndef __EMSCRIPTEN__
namespace {

std::string run_python(const std::string& script) {
  const std::string path = cs_test::temp_path("blocks.py");
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  std::fwrite(script.data(), 1, script.size(), f);
  std::fclose(f);
  std::string out;
  FILE* p = ::popen(("/usr/bin/python3 " + path + " 2>&1").c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  std::remove(path.c_str());
  return out;
}

}  // namespace

// The "Copy as PyTorch" source is real: torch builds it, and per config prints
// "params|output shape|each Conv2d's output shape" (the SE's fc1/fc2 are inside the engine's SE node).
TEST_CASE("block catalog: torch (/usr/bin/python3) builds block_pytorch() with the engine's numbers") {
  if (std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") != 0) {
    CS_SKIP("torch is not importable by /usr/bin/python3 (install python3-torch to run this test)");
    return;
  }
  std::vector<BlockConfig> configs = {block_config("conv_bn_relu", 3, 8, 8, 8),   block_config("residual", 8, 8, 6, 6),
                                      block_config("residual", 4, 8, 8, 8, 3, 2), block_config("se", 16, 16, 4, 4),
                                      block_config("mbconv", 8, 8, 4, 4),         block_config("convnext", 8, 8, 4, 4, 7),
                                      block_config("gap_head", 16, 16, 5, 5),     block_config("flatten_head", 2, 2, 3, 4)};
  std::mt19937 gen(21);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
  for (int i = 0; i < 12; ++i) {  // seeded random configs the engine accepts
    BlockConfig c = block_config(block_names()[pick(0, 6)], pick(1, 24), pick(1, 24), pick(1, 12), pick(1, 12),
                           2 * pick(0, 3) + 1, pick(1, 3));
    c.expand_ratio = pick(1, 6);
    c.se = pick(0, 1);
    c.projection = pick(0, 1);
    if (c.block == "se" || c.block == "convnext") c.out_channels = c.in_channels;
    if (c.block == "convnext") c.stride = 1;
    if (c.block == "mbconv") c.stride = std::min(c.stride, 2);
    REQUIRE_MESSAGE(validate_block(c).is_ok(), validate_block(c).message());
    configs.push_back(c);
  }
  std::string script = "import torch\nfrom torch import nn\ntorch.manual_seed(0)\n";
  std::vector<std::string> want;
  for (const BlockConfig& c : configs) {
    BlockDescription d = describe_ok(c);
    std::string line = std::to_string(d.total_params) + "|" + shape_text(d.output_shape) + "|";
    std::string convs;
    for (const BlockNode& n : d.nodes)
      if (n.op == "Conv2d") convs += (convs.empty() ? "" : ";") + shape_text(n.shape);
    want.push_back(line + convs);
    script += "ns = {}\nexec(r'''" + block_pytorch(c) + "''', ns)\n";
    script += "m = ns['Block']().eval()\nconvs = []\n"
              "for name, mod in m.named_modules():\n"
              "    if isinstance(mod, nn.Conv2d) and not name.endswith(('fc1', 'fc2')):\n"
              "        mod.register_forward_hook(lambda mod, i, o: convs.append(','.join(map(str, o.shape))))\n"
              "with torch.no_grad():\n    y = m(ns['example_input'])\n"
              "print(str(sum(p.numel() for p in m.parameters())) + '|' + ','.join(map(str, y.shape)) + '|' + "
              "';'.join(convs))\n";
  }
  const std::string out = run_python(script);
  std::vector<std::string> got;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
    got.push_back(out.substr(start, nl - start));
  REQUIRE_MESSAGE(got.size() == want.size(), out);
  for (size_t i = 0; i < want.size(); ++i) CHECK_MESSAGE(got[i] == want[i], configs[i].block, "\n", block_pytorch(configs[i]));
}
#endif
