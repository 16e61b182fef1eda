// test_infer_fusion.cpp — Sequential::infer's inference fusions against the layer-by-layer
// forward (the oracle): Conv2d + ReLU + MaxPool2d(2) pooled in the direct convolution's cache
// band or in the AVX2 Winograd's output transform, whichever ConvAlgo::Auto runs (bit for bit), Conv2d + ReLU + SqueezeExcite + MaxPool2d(2) (channel sums from the band,
// the scale on the pooled map: within 1e-6), SqueezeExcite + global average pool (e * mean(x):
// within 1e-6 of the output's largest value). Each pattern present and absent (pool 3x3, ceil_mode, a negative SE override,
// a non-Auto algorithm), odd sizes (13x13, 7x7, 1x1 maps), batch 1 and 3, 1 and 2 threads; and
// the op conv2d_forward_direct_relu_pool2 on its own (both thread splits: batch and row blocks).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "engine/nn/init.h"
#include "engine/nn/layers.h"
#include "engine/nn/model.h"
#include "engine/nn/pool_layers.h"
#include "engine/nn/sequential.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/ops/activation.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/conv2d_direct.h"
#include "engine/ops/pool.h"
#include "engine/parallel.h"
#include "cpu_families.h"

namespace {

cs::Conv2dOptions conv(int in, int out, int k, int pad, int groups = 1) {
  cs::Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.kernel_size = {k, k};
  o.padding = {pad, pad};
  o.groups = groups;
  return o;
}

cs::Tensor random_tensor(const cs::Shape& s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  cs::Tensor t(s);
  for (size_t i = 0; i < t.numel(); ++i) t[i] = u(rng);
  return t;
}

// Largest |a - b| relative to the output's scale max|b| (a logit near 0 is the difference of
// larger terms, so its own size is no measure of its rounding); prints the first mismatch above `tol`.
double worst_rel(const cs::Tensor& a, const cs::Tensor& b, double tol) {
  REQUIRE(a.shape() == b.shape());
  double scale = 1e-30, worst = 0.0;
  for (size_t i = 0; i < b.numel(); ++i) scale = std::max(scale, std::fabs(static_cast<double>(b[i])));
  bool printed = false;
  for (size_t i = 0; i < a.numel(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]) / scale;
    if (d > tol && !printed) {
      MESSAGE("first mismatch at " << i << ": infer " << a[i] << " forward " << b[i] << " (scale " << scale << ")");
      printed = true;
    }
    worst = std::max(worst, d);
  }
  return worst;
}

bool same_bits(const cs::Tensor& a, const cs::Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()) == 0;
}

struct Net {
  cs::Model m;
  cs::SqueezeExcite* se1 = nullptr;
  cs::SqueezeExcite* se2 = nullptr;
};

// M1's pattern order with its options: conv+ReLU+pool, conv+ReLU+SE+pool, depthwise + pointwise
// + ReLU + SE + global pool + Linear. `pool1` / `pool2` set the two pools' parameters.
void build(Net& n, int in_ch, const cs::MaxPool2dParams& pool1, const cs::MaxPool2dParams& pool2) {
  cs::Rng rng(21);
  cs::Model& m = n.m;
  m.add(cs::LayerPtr(new cs::Conv2d(conv(in_ch, 8, 3, 1), rng)), "c1");
  m.add(cs::make_activation(cs::Activation::ReLU), "r1");
  m.add(cs::LayerPtr(new cs::MaxPool2d(pool1)), "p1");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(8, 12, 3, 1), rng)), "c2");
  m.add(cs::make_activation(cs::Activation::ReLU), "r2");
  n.se1 = static_cast<cs::SqueezeExcite*>(m.add(cs::LayerPtr(new cs::SqueezeExcite(12, 4, rng)), "se1"));
  m.add(cs::LayerPtr(new cs::MaxPool2d(pool2)), "p2");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(12, 12, 3, 1, 12), rng)), "dw");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(12, 16, 1, 0), rng)), "pw");
  m.add(cs::make_activation(cs::Activation::ReLU), "r3");
  n.se2 = static_cast<cs::SqueezeExcite*>(m.add(cs::LayerPtr(new cs::SqueezeExcite(16, 4, rng)), "se2"));
  m.add(cs::LayerPtr(new cs::AdaptiveAvgPool2d()), "gap");
  m.add(cs::LayerPtr(new cs::Flatten()), "flat");
  m.add(cs::LayerPtr(new cs::Linear(16, 10, rng)), "fc");
  m.eval();
}

// Child indices in build(): the buffers a fused pattern skips stay empty on a fresh model.
constexpr size_t kR1 = 1, kR2 = 4, kSe1 = 5, kSe2 = 10;

// Whether the fused pass should take a 3x3 "same" conv of `oc` channels on input `in` natively:
// where ConvAlgo::Auto runs the AVX2 Winograd (any map of 2x2 and up) or the direct tiles (rows at
// least one vector wide); conv2d_auto_forward_path tells which, so the test follows the routing.
bool auto_fuses(const cs::Shape& in, int oc) {
  cs::ConvGeometry g;
  cs::Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(cs::conv2d_geometry(in, {oc, in[1], 3, 3}, p, &g).is_ok());
  const std::string path = cs::conv2d_auto_forward_path(g);
  if (path == "winograd_avx2") return g.OH >= 2 && g.OW >= 2;
  if (path == "direct") return cs::conv2d_direct_applies(g) && g.OH >= 2;
  return false;
}

}  // namespace

TEST_CASE("infer fusions equal the layer-by-layer forward (patterns present), batch 1 and 3, 1 and 2 threads") {
  const int threads_before = cs::num_threads();
  // 28 (M1), 26 (even, not a multiple of 8), 19 (odd: the pools drop a row and a column), 16.
  for (int side : {28, 26, 19, 16}) {
    for (int batch : {1, 3}) {
      for (int threads : {1, 2}) {
        cs::set_num_threads(threads);
        CAPTURE(side);
        CAPTURE(batch);
        CAPTURE(threads);
        Net n;
        build(n, 1, cs::MaxPool2dParams{}, cs::MaxPool2dParams{});
        cs::Tensor x = random_tensor({batch, 1, side, side}, 3), y_inf, y_fwd;
        REQUIRE(n.m.infer(x, y_inf).is_ok());
        // The patterns ran fused where the layer says it takes them: the ReLU (and SE) buffers
        // they skip were never written on this fresh model. Natively that is wherever auto runs
        // the direct tiles or the AVX2 Winograd (c1: 1 channel, direct, on side; c2: 8 channels,
        // on side / 2), so the fused paths are really exercised.
        auto& c1 = static_cast<cs::Conv2d&>(n.m.root().child(0));
        auto& c2 = static_cast<cs::Conv2d&>(n.m.root().child(3));
        const bool fused1 = c1.relu_pool2_fusable(x.shape()), fused2 = c2.relu_pool2_fusable({batch, 8, side / 2, side / 2});
#if !defined(__wasm__)
        CHECK(fused1 == auto_fuses(x.shape(), 8));
        CHECK(fused2 == auto_fuses({batch, 8, side / 2, side / 2}, 12));
#endif
        CHECK((n.m.root().output(kR1).numel() == 0) == fused1);
        CHECK((n.m.root().output(kR2).numel() == 0) == fused2);
        CHECK((n.m.root().output(kSe1).numel() == 0) == fused2);
        CHECK(n.m.root().output(kSe2).numel() == 0);  // SE + global pool: always fused
        REQUIRE(n.m.forward(x, y_fwd).is_ok());
        CHECK(worst_rel(y_inf, y_fwd, 1e-6) <= 1e-6);
        // Twice in a row: the fused path reuses its buffers.
        cs::Tensor y_again;
        REQUIRE(n.m.infer(x, y_again).is_ok());
        CHECK(same_bits(y_again, y_inf));
      }
    }
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("infer fusions: the layer outputs themselves (pool map bit for bit, SE-scaled pool within 1e-6)") {
  // A Sequential ending at each pattern's last layer, so its output is compared directly.
  for (int threads : {1, 2}) {
    cs::set_num_threads(threads);
    CAPTURE(threads);
    // 2 input channels (the direct tiles natively) and 16 (M1's conv2: the AVX2 Winograd).
    for (const cs::Shape& s : {cs::Shape{1, 2, 13, 13}, cs::Shape{3, 2, 16, 17}, cs::Shape{2, 2, 28, 28},
                               cs::Shape{3, 16, 14, 14}, cs::Shape{1, 16, 13, 15}, cs::Shape{2, 16, 5, 4}}) {
      CAPTURE(cs::shape_str(s));
      cs::Rng rng(5);
      cs::Model a;
      a.add(cs::LayerPtr(new cs::Conv2d(conv(s[1], 12, 3, 1), rng)), "c");
      a.add(cs::make_activation(cs::Activation::ReLU), "r");
      a.add(cs::LayerPtr(new cs::MaxPool2d(cs::MaxPool2dParams{})), "p");
      a.eval();
      cs::Tensor x = random_tensor(s, 9), y_inf, y_fwd;
      REQUIRE(a.infer(x, y_inf).is_ok());
      REQUIRE(a.forward(x, y_fwd).is_ok());
      CHECK(same_bits(y_inf, y_fwd));

      cs::Model b;
      cs::Rng rng2(6);
      b.add(cs::LayerPtr(new cs::Conv2d(conv(s[1], 12, 3, 1), rng2)), "c");
      b.add(cs::make_activation(cs::Activation::ReLU), "r");
      auto* se = static_cast<cs::SqueezeExcite*>(b.add(cs::LayerPtr(new cs::SqueezeExcite(12, 3, rng2)), "se"));
      b.add(cs::LayerPtr(new cs::MaxPool2d(cs::MaxPool2dParams{})), "p");
      b.eval();
      REQUIRE(se->set_excitation_override(4, 0.0f).is_ok());  // a switched-off channel (>= 0: still fused)
      REQUIRE(b.infer(x, y_inf).is_ok());
      CHECK((b.root().output(2).numel() == 0) == static_cast<cs::Conv2d&>(b.root().child(0)).relu_pool2_fusable(s));
#if !defined(__wasm__)
      CHECK(static_cast<cs::Conv2d&>(b.root().child(0)).relu_pool2_fusable(s) == auto_fuses(s, 12));
#endif
      REQUIRE(b.forward(x, y_fwd).is_ok());
      CHECK(worst_rel(y_inf, y_fwd, 1e-6) <= 1e-6);
      // The scale really varies per channel (a test that skipped it would see a difference).
      CHECK(se->excitation()[0] != se->excitation()[1]);
    }
  }
  cs::set_num_threads(1);
}

TEST_CASE("infer without the patterns: pool 3x3, ceil_mode, a negative SE override, non-Auto algorithms") {
  cs::MaxPool2dParams k3;
  k3.kernel = {3, 3};
  k3.stride = {2, 2};
  cs::MaxPool2dParams ceil;
  ceil.ceil_mode = true;
  for (int variant = 0; variant < 4; ++variant) {
    CAPTURE(variant);
    Net n;
    build(n, 2, variant == 0 ? k3 : cs::MaxPool2dParams{}, variant == 1 ? ceil : cs::MaxPool2dParams{});
    if (variant == 2) REQUIRE(n.se1->set_excitation_override(3, -0.5f).is_ok());  // max-pool does not commute
    if (variant == 3)
      for (size_t i = 0; i < n.m.root().size(); ++i)
        if (auto* c = dynamic_cast<cs::Conv2d*>(&n.m.root().child(i))) c->set_algo(cs::ConvAlgo::Im2col);
    cs::Tensor x = random_tensor({3, 2, 27, 27}, 4), y_inf, y_fwd;
    REQUIRE(n.m.infer(x, y_inf).is_ok());
    // The pool pattern broken -> conv + ReLU (fused as before, into the ReLU's buffer) then the
    // pool on its own; a broken SE pattern -> the SE writes its own buffer. (the conv + pool fusions
    // are the avx2 and avx512 families' only, so those buffers are always written in the others.)
    if (cs_test::avx2_kernels(cs::cpu_family())) {
      CHECK((n.m.root().output(kR1).numel() > 0) == (variant == 0 || variant == 3));
      CHECK((n.m.root().output(kSe1).numel() > 0) == (variant != 0));
    } else {  // the scalar family natively, simd128 in wasm: no conv + pool fusion
      CHECK(n.m.root().output(kR1).numel() > 0);
      CHECK(n.m.root().output(kSe1).numel() > 0);
    }
    REQUIRE(n.m.forward(x, y_fwd).is_ok());
    CHECK(worst_rel(y_inf, y_fwd, 1e-6) <= 1e-6);
  }
}

TEST_CASE("SE + global average pool on 7x7 and 1x1 maps, and an SE at the end of a Sequential") {
  for (int side : {7, 1}) {
    CAPTURE(side);
    cs::Rng rng(8);
    cs::Model m;
    auto* se = static_cast<cs::SqueezeExcite*>(m.add(cs::LayerPtr(new cs::SqueezeExcite(6, 2, rng)), "se"));
    m.add(cs::LayerPtr(new cs::AdaptiveAvgPool2d()), "gap");
    m.eval();
    REQUIRE(se->set_excitation_override(1, -2.0f).is_ok());  // any sign: a mean commutes with a scale
    cs::Tensor x = random_tensor({3, 6, side, side}, 12), y_inf, y_fwd;
    REQUIRE(m.infer(x, y_inf).is_ok());
    CHECK(m.root().output(0).numel() == 0);
    REQUIRE(m.forward(x, y_fwd).is_ok());
    CHECK(worst_rel(y_inf, y_fwd, 1e-6) <= 1e-6);
  }
  // AdaptiveAvgPool2d(2): not a global pool, not fused.
  cs::Rng rng(9);
  cs::Model m;
  m.add(cs::LayerPtr(new cs::SqueezeExcite(4, 2, rng)), "se");
  m.add(cs::LayerPtr(new cs::AdaptiveAvgPool2d({2, 2})), "ap");
  m.eval();
  cs::Tensor x = random_tensor({2, 4, 6, 6}, 13), y_inf, y_fwd;
  REQUIRE(m.infer(x, y_inf).is_ok());
  CHECK(m.root().output(0).numel() > 0);
  REQUIRE(m.forward(x, y_fwd).is_ok());
  CHECK(same_bits(y_inf, y_fwd));
}

TEST_CASE("conv2d_forward_direct_relu_pool2 equals max_pool(relu(conv)) and its sums the ReLU map's sums") {
  for (int threads : {1, 2}) {
    cs::set_num_threads(threads);
    // N=1 splits row blocks over the threads; N=3 small images one per thread; 64 channels on a
    // 40x40 image take the row-block path with several blocks even at N=2.
    for (const cs::Shape& s : {cs::Shape{1, 3, 13, 13}, cs::Shape{3, 5, 29, 20}, cs::Shape{2, 64, 40, 40},
                               cs::Shape{1, 1, 9, 9}}) {
      CAPTURE(threads);
      CAPTURE(cs::shape_str(s));
      const int oc = 6;
      cs::Conv2dParams p;
      p.padding = {1, 1};
      cs::ConvGeometry g;
      REQUIRE(cs::conv2d_geometry(s, {oc, s[1], 3, 3}, p, &g).is_ok());
      if (!cs::conv2d_direct_relu_pool2_applies(g)) continue;  // too narrow for this vector width
      cs::Tensor x = random_tensor(s, 14), w = random_tensor({oc, s[1], 3, 3}, 15), b = random_tensor({oc}, 16);
      cs::Tensor y, pooled_ref;
      REQUIRE(cs::conv2d_forward(y, x, w, &b, p).is_ok());
      cs::conv2d_forward_direct(g, x.data(), w.data(), b.data(), y.data(), true);
      REQUIRE(cs::max_pool2d_forward(pooled_ref, y, cs::MaxPool2dParams{}).is_ok());
      cs::Tensor pooled(pooled_ref.shape());
      std::vector<double> sums(static_cast<size_t>(g.N) * oc, -1.0);
      cs::conv2d_forward_direct_relu_pool2(g, x.data(), w.data(), b.data(), pooled.data(), sums.data());
      CHECK(same_bits(pooled, pooled_ref));
      const size_t hw = static_cast<size_t>(g.OH) * g.OW;
      for (size_t nc = 0; nc < sums.size(); ++nc) {
        double ref = 0.0;
        for (size_t i = 0; i < hw; ++i) ref += y[nc * hw + i];
        CHECK(std::fabs(sums[nc] - ref) <= 1e-9 * std::max(1.0, std::fabs(ref)));
      }
      // Without sums (the odd last row is skipped then): the same pooled map.
      cs::Tensor pooled2(pooled_ref.shape());
      cs::conv2d_forward_direct_relu_pool2(g, x.data(), w.data(), b.data(), pooled2.data(), nullptr);
      CHECK(same_bits(pooled2, pooled_ref));
    }
  }
  cs::set_num_threads(1);
}
