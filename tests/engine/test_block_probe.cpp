// test_block_probe.cpp — feeding a block a random batch: tensor statistics against values worked
// out by hand, BatchNorm's train mode (every channel leaves with mean 0, variance 1) against its eval
// mode (running statistics: the input passes almost unchanged), a ReLU's zeros, every node's output
// consistent with the description and the block's own output, a seed that replays, and refusals.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/block_testing.h"
#include "engine/nn/block_probe.h"

using namespace cs;

using cs::test::block_config;

namespace {

int node_index(const BlockProbe& p, const std::string& name) {
  for (size_t i = 0; i < p.nodes.size(); ++i)
    if (p.nodes[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

TEST_CASE("block probe: tensor statistics equal values worked out by hand") {
  // (N=2, C=2, 1, 2): channel 0 holds 0, 2 | 4, 6; channel 1 holds -1, 0 | 1, 0.
  Tensor t(Shape{2, 2, 1, 2}, {0, 2, -1, 0, 4, 6, 1, 0});
  TensorStats s = tensor_stats(t, 4);
  CHECK(s.min == -1.0f);
  CHECK(s.max == 6.0f);
  CHECK(s.mean == doctest::Approx(12.0 / 8));
  const double var = (2.25 + 0.25 + 6.25 + 2.25 + 6.25 + 20.25 + 0.25 + 2.25) / 8;
  CHECK(s.std == doctest::Approx(std::sqrt(var)));
  CHECK(s.zero_fraction == doctest::Approx(3.0 / 8));
  // Bins of width 7/4 from -1: [-1, 0.75) holds -1, 0, 0, 0; [0.75, 2.5) holds 2, 1; [2.5, 4.25) holds
  // 4; the top bin [4.25, 6] holds 6.
  REQUIRE(s.histogram.size() == 4);
  CHECK(s.histogram[0] == 4);
  CHECK(s.histogram[1] == 2);
  CHECK(s.histogram[2] == 1);
  CHECK(s.histogram[3] == 1);
  REQUIRE(s.channel_mean.size() == 2);
  CHECK(s.channel_mean[0] == doctest::Approx(3.0));
  CHECK(s.channel_var[0] == doctest::Approx((9 + 1 + 1 + 9) / 4.0));
  CHECK(s.channel_mean[1] == doctest::Approx(0.0));
  CHECK(s.channel_var[1] == doctest::Approx(0.5));
  // A constant tensor: one bin holds everything, no division by a zero width.
  TensorStats flat = tensor_stats(Tensor(Shape{1, 1, 2, 2}, 3.0f), 16);
  CHECK(flat.histogram[0] == 4);
  CHECK(flat.std == 0.0f);
}

TEST_CASE("block probe: BatchNorm in train mode normalises each channel; eval mode passes the input on") {
  const BlockConfig c = block_config("conv_bn_relu", 3, 8, 10, 10);
  Result<BlockProbe> train = probe_block(c, 7, 8, true);
  Result<BlockProbe> eval = probe_block(c, 7, 8, false);
  REQUIRE_MESSAGE(train.is_ok(), train.message());
  REQUIRE_MESSAGE(eval.is_ok(), eval.message());
  const int conv = node_index(*train, "conv"), bn = node_index(*train, "bn"), act = node_index(*train, "act");
  REQUIRE(conv == 0);
  REQUIRE(bn == 1);
  REQUIRE(act == 2);
  const TensorStats& tb = train->stats[bn];
  for (int ch = 0; ch < 8; ++ch) {
    CHECK(std::fabs(tb.channel_mean[ch]) < 1e-4f);
    CHECK(tb.channel_var[ch] == doctest::Approx(1.0).epsilon(1e-3));
  }
  // Eval mode: running mean 0, variance 1, so y = x / sqrt(1 + eps) and the conv's moments survive.
  const TensorStats& ec = eval->stats[conv];
  const TensorStats& eb = eval->stats[bn];
  for (int ch = 0; ch < 8; ++ch) {
    CHECK(eb.channel_mean[ch] == doctest::Approx(ec.channel_mean[ch]).epsilon(1e-4));
    CHECK(eb.channel_var[ch] == doctest::Approx(ec.channel_var[ch]).epsilon(1e-3));
  }
  CHECK(std::fabs(eb.channel_var[0] - 1.0f) > 0.05f);  // a fresh conv's output is not unit variance
  // Both modes use the same weights and inputs: the convolution's output is identical.
  CHECK(train->outputs[conv].values() == eval->outputs[conv].values());
  // The ReLU after a normalised channel zeroes about half of it, and nothing negative is left.
  CHECK(train->stats[act].min == 0.0f);
  CHECK(train->stats[act].zero_fraction > 0.35);
  CHECK(train->stats[act].zero_fraction < 0.65);
}

TEST_CASE("block probe: every node's output matches its description, and the last one is the block's output") {
  for (const BlockConfig& c : {block_config("residual", 4, 8, 6, 6, 3, 2), block_config("mbconv", 4, 4, 5, 5), block_config("se", 8, 8, 4, 4),
                               block_config("convnext", 8, 8, 5, 5, 7), block_config("gap_head", 6, 6, 3, 3)}) {
    CAPTURE(c.block);
    Result<BlockDescription> d = describe_block(c);
    Result<BlockProbe> p = probe_block(c, 3, 4, true);
    REQUIRE_MESSAGE(p.is_ok(), p.message());
    REQUIRE(p->nodes.size() == d->nodes.size());
    for (size_t i = 0; i < p->nodes.size(); ++i) {
      CAPTURE(p->nodes[i].name);
      CHECK(p->nodes[i].name == d->nodes[i].name);
      std::vector<int> want = d->nodes[i].shape;
      want[0] = 4;  // the batch
      CHECK(p->outputs[i].shape() == want);
      CHECK(p->stats[i].histogram.size() == static_cast<size_t>(kProbeHistogramBins));
      int64_t counted = 0;
      for (int64_t h : p->stats[i].histogram) counted += h;
      CHECK(counted == static_cast<int64_t>(p->outputs[i].numel()));
    }
    CHECK(p->input.shape() == Shape{4, c.in_channels, c.height, c.width});
  }
}

TEST_CASE("block probe: the input is standard normal, a seed replays, another seed differs") {
  const BlockConfig c = block_config("residual", 8, 8, 12, 12);
  Result<BlockProbe> a = probe_block(c, 11, 16, true);
  Result<BlockProbe> b = probe_block(c, 11, 16, true);
  Result<BlockProbe> other = probe_block(c, 12, 16, true);
  REQUIRE(a.is_ok());
  CHECK(std::fabs(a->input_stats.mean) < 0.05f);  // 18,432 values
  CHECK(a->input_stats.std == doctest::Approx(1.0).epsilon(0.03));
  for (size_t i = 0; i < a->outputs.size(); ++i) CHECK(a->outputs[i].values() == b->outputs[i].values());
  CHECK(a->input.values() != other->input.values());
  CHECK(a->outputs.back().values() != other->outputs.back().values());
}

TEST_CASE("block probe: refusals in words") {
  CHECK(probe_block(block_config("residual", 8, 8, 8, 8), 1, 0, true).message().find("batch must be 1..16, got 0") !=
        std::string::npos);
  CHECK(probe_block(block_config("residual", 8, 8, 8, 8), 1, 17, true).message().find("got 17") != std::string::npos);
  CHECK(probe_block(block_config("residual", 8, 8, 8, 8, 4), 1, 8, true).message().find("kernel must be odd") !=
        std::string::npos);
  const std::string big = probe_block(block_config("residual", 64, 64, 64, 64), 1, 16, true).message();
  CHECK(big.find("more than 2000000") != std::string::npos);
  CHECK(big.find("smaller") != std::string::npos);
}
