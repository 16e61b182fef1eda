// test_se_stats.cpp — accumulate_se_class_sums: the per-class sums equal each image's own excitation
// added by hand, they do not depend on how the images are batched, and bad labels or unprepared sums
// are refused in words.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>
#include "engine/data/idx.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/se_stats.h"
#include "engine/nn/squeeze_excite.h"

using namespace cs;

namespace {

Tensor images(int n, uint32_t seed) {
  Tensor x({n, 1, kMnistSide, kMnistSide});
  uint32_t s = seed;
  for (size_t i = 0; i < x.numel(); ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = static_cast<float>((s >> 8) % 256) / 255.0f;
  }
  return x;
}

}  // namespace

TEST_CASE("se stats: the sums are each image's excitation added to its label's row, whatever the batches") {
  auto model = make_digitnet_model(5);
  model->eval();
  const std::vector<SeBlock> se = digitnet_se_blocks(*model);
  REQUIRE(!se.empty());
  const int n = 6;
  const Tensor x = images(n, 7);
  const int labels[n] = {3, 3, 0, 9, 3, 0};

  SeClassSums all;
  all.reset(se);
  Tensor logits;
  REQUIRE(accumulate_se_class_sums(*model, se, x, labels, all, logits).is_ok());
  CHECK(all.count[3] == 3);
  CHECK(all.count[0] == 2);
  CHECK(all.count[9] == 1);
  CHECK(all.count[1] == 0);

  // By hand: one image at a time, its raw excitation read from the block after the forward pass.
  std::vector<std::vector<double>> want(se.size());
  for (size_t b = 0; b < se.size(); ++b) want[b].assign(static_cast<size_t>(kDigitClasses) * se[b].se->channels(), 0.0);
  int correct = 0;
  for (int i = 0; i < n; ++i) {
    Tensor one({1, 1, kMnistSide, kMnistSide}), out;
    for (int p = 0; p < kMnistPixels; ++p) one[p] = x[static_cast<size_t>(i) * kMnistPixels + p];
    REQUIRE(model->forward(one, out, nullptr).is_ok());
    int best = 0;
    for (int k = 1; k < out.dim(1); ++k)
      if (out[k] > out[best]) best = k;
    correct += best == labels[i];
    for (size_t b = 0; b < se.size(); ++b) {
      const int C = se[b].se->channels();
      for (int c = 0; c < C; ++c) want[b][static_cast<size_t>(labels[i]) * C + c] += se[b].se->excitation_raw()[c];
    }
  }
  CHECK(all.correct == correct);
  int mismatches = 0;
  for (size_t b = 0; b < se.size(); ++b)
    for (size_t k = 0; k < want[b].size(); ++k)
      if (std::fabs(all.blocks[b].sum[k] - want[b][k]) > 1e-4 && mismatches++ < 5)
        MESSAGE("block " << se[b].name << " entry " << k << ": " << all.blocks[b].sum[k] << " vs " << want[b][k]);
  CHECK(mismatches == 0);
  CHECK(all.blocks[0].name == se[0].name);

  // Two batches (4 + 2) give the same sums.
  SeClassSums split;
  split.reset(se);
  Tensor a({4, 1, kMnistSide, kMnistSide}), c({2, 1, kMnistSide, kMnistSide});
  for (size_t i = 0; i < a.numel(); ++i) a[i] = x[i];
  for (size_t i = 0; i < c.numel(); ++i) c[i] = x[a.numel() + i];
  REQUIRE(accumulate_se_class_sums(*model, se, a, labels, split, logits).is_ok());
  REQUIRE(accumulate_se_class_sums(*model, se, c, labels + 4, split, logits).is_ok());
  for (size_t b = 0; b < se.size(); ++b)
    for (size_t k = 0; k < want[b].size(); ++k) {
      CHECK(split.blocks[b].sum[k] == doctest::Approx(all.blocks[b].sum[k]).epsilon(1e-6));
      CHECK(split.blocks[b].sumsq[k] == doctest::Approx(all.blocks[b].sumsq[k]).epsilon(1e-6));
    }
}

TEST_CASE("se stats: a label outside 0..9 and sums not reset for the blocks are refused in words") {
  auto model = make_digitnet_model(1);
  model->eval();
  const std::vector<SeBlock> se = digitnet_se_blocks(*model);
  const Tensor x = images(2, 3);
  Tensor logits;
  SeClassSums sums;
  Status s = accumulate_se_class_sums(*model, se, x, std::vector<int>{1, 2}.data(), sums, logits);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("reset") != std::string::npos);
  sums.reset(se);
  const int bad[2] = {4, 10};
  s = accumulate_se_class_sums(*model, se, x, bad, sums, logits);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("label 10") != std::string::npos);
  CHECK(sums.count[4] == 0);  // refused before anything was added
}

TEST_CASE("mnist: the 16-level quantisation of the bundled digits") {
  CHECK(mnist_grey_level16(0) == 0);
  CHECK(mnist_grey_level16(255) == 15);
  CHECK(mnist_grey_quantised16(255) == 255);
  CHECK(mnist_grey_quantised16(128) == 136);  // (128 * 15 + 127) / 255 = 8 -> 8 * 17
  CHECK(kMnistPixels == 784);
}
