// test_paired_training.cpp — the configurable comparison CNN and two of them trained side by side:
// refusals in words with the offending value, the layer tree's shapes and parameter count worked out
// by hand, bit-identical histories for identical settings, a side that diverges stopping alone with
// its step, the vanishing first-layer gradient of a deep plain net beside a residual one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/check.h"
#include "engine/nn/cnn_builder.h"
#include "engine/train/paired_training.h"

using namespace cs;
using cs::test::has;

namespace {

// Digits that can be told apart: class k lights a k-dependent band of the 28x28 image, plus noise.
DigitSet banded_digits(int count, uint32_t seed) {
  DigitSet set;
  set.count = count;
  set.labels.resize(count);
  set.images.assign(static_cast<size_t>(count) * kMnistPixels, 0);
  Rng rng(seed);
  for (int i = 0; i < count; ++i) {
    const int k = i % 10;
    set.labels[i] = static_cast<uint8_t>(k);
    uint8_t* img = set.images.data() + static_cast<size_t>(i) * kMnistPixels;
    for (int y = 0; y < kMnistSide; ++y)
      for (int x = 0; x < kMnistSide; ++x) {
        const bool band = y >= 2 * k + 2 && y < 2 * k + 6;
        img[y * kMnistSide + x] = static_cast<uint8_t>(band ? 200 + rng.uniform() * 55 : rng.uniform() * 60);
      }
  }
  return set;
}

TrainingSideConfig side(int depth, int width, bool bn, bool residual, float lr, OptimizerKind opt) {
  TrainingSideConfig c;
  c.net.depth = depth;
  c.net.width = width;
  c.net.batch_norm = bn;
  c.net.residual = residual;
  c.learning_rate = lr;
  c.optimizer = opt;
  return c;
}

bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace

TEST_CASE("comparison cnn: settings it cannot take are refused with the value") {
  CnnConfig c;
  c.depth = 1;
  CHECK(has(validate_cnn(c).message(), "depth (conv layers) must be 2..20, got 1"));
  c.depth = 21;
  CHECK(has(validate_cnn(c).message(), "got 21"));
  c = CnnConfig{};
  c.width = 0;
  CHECK(has(validate_cnn(c).message(), "width (channels) must be 1..64, got 0"));
  c = CnnConfig{};
  c.init_scale = 0;
  CHECK(has(validate_cnn(c).message(), "init scale"));
  c.init_scale = std::nanf("");
  CHECK_FALSE(validate_cnn(c).is_ok());
  c = CnnConfig{};
  c.activation = Activation::None;
  CHECK(has(validate_cnn(c).message(), "activation"));
  TrainingSideConfig s;
  s.learning_rate = 0;
  CHECK(has(validate_training_side(s).message(), "learning rate must be in (0, 10], got 0"));
  CHECK_FALSE(build_cnn(CnnConfig{0}, 1).is_ok());
  OptimizerKind k;
  CHECK_FALSE(parse_optimizer_kind("rmsprop", &k));
  REQUIRE(parse_optimizer_kind("momentum", &k));
  CHECK(k == OptimizerKind::Momentum);
}

TEST_CASE("comparison cnn: shapes, conv layers and parameter count worked out by hand") {
  for (bool bn : {false, true})
    for (bool residual : {false, true}) {
      CnnConfig c;
      c.depth = 5;
      c.width = 6;
      c.batch_norm = bn;
      c.residual = residual;
      auto built = build_cnn(c, 3);
      REQUIRE(built.is_ok());
      Model& m = *built.value();
      Tensor x(Shape{2, 1, 28, 28}, 0.5f), y;
      REQUIRE(m.forward(x, y).is_ok());
      CHECK(y.shape() == Shape{2, 10});
      CHECK(cnn_conv_layers(m).size() == 5);
      // Stem 1 -> 6 (3x3, bias unless BN), 4 layers 6 -> 6, BN's gamma and beta per conv, fc 6 -> 10.
      const int64_t conv_bias = bn ? 0 : 1;
      const int64_t per_conv_out = bn ? 2 : 0;
      const int64_t expected = (9 * 1 * 6 + 6 * conv_bias + 6 * per_conv_out) +
                               4 * (9 * 6 * 6 + 6 * conv_bias + 6 * per_conv_out) + (6 * 10 + 10);
      CHECK(m.parameter_count() == expected);
      Trace t;
      REQUIRE(m.forward(x, y, &t).is_ok());
      for (const std::string& name : cnn_layer_outputs(c)) {
        const Tensor* a = t.find(name);
        REQUIRE_MESSAGE(a, name);
        CHECK(a->shape() == (name == "stem" ? Shape{2, 6, 14, 14} : Shape{2, 6, 7, 7}));
      }
    }
  // init_scale multiplies the default init exactly.
  CnnConfig a, b;
  b.init_scale = 2.5f;
  auto ma = build_cnn(a, 9), mb = build_cnn(b, 9);
  REQUIRE((ma.is_ok() && mb.is_ok()));
  auto ca = cnn_conv_layers(*ma.value()), cb = cnn_conv_layers(*mb.value());
  std::vector<NamedTensor> ta, tb;
  ca[1].second->named_tensors("", ta);
  cb[1].second->named_tensors("", tb);
  CHECK(tb[0].value->values()[7] == doctest::Approx(2.5f * ta[0].value->values()[7]));
  CHECK(tb[1].value->values()[0] == ta[1].value->values()[0]);  // the bias is left alone
}

TEST_CASE("paired training: identical settings give bit-identical histories, micro-batches or not") {
  const DigitSet data = banded_digits(200, 5);
  for (int micro : {16, 5}) {
    const TrainingSideConfig c = side(6, 6, true, true, 0.01f, OptimizerKind::Adam);
    PairedTraining p;
    REQUIRE(p.configure(c, c, 11, 16, micro).is_ok());
    bool stepped = false;
    while (p.steps() < 12) REQUIRE(p.run_piece(data, &stepped).is_ok());
    const TrainingHistory &l = p.side(0).history(), &r = p.side(1).history();
    REQUIRE(l.loss.size() == 12);
    CHECK(same_floats(l.loss, r.loss));
    CHECK(same_floats(l.accuracy, r.accuracy));
    for (size_t i = 0; i < l.grad_norm.size(); ++i) CHECK(same_floats(l.grad_norm[i], r.grad_norm[i]));
    CHECK(l.loss.back() < l.loss.front());  // and it learns
  }
  // A different seed draws different batches and weights.
  const TrainingSideConfig c = side(4, 4, false, false, 0.05f, OptimizerKind::SGD);
  PairedTraining p1, p2;
  REQUIRE(p1.configure(c, c, 1, 8, 8).is_ok());
  REQUIRE(p2.configure(c, c, 2, 8, 8).is_ok());
  bool s = false;
  REQUIRE(p1.run_piece(data, &s).is_ok());
  REQUIRE(p2.run_piece(data, &s).is_ok());
  CHECK(p1.side(0).history().loss[0] != p2.side(0).history().loss[0]);
}

TEST_CASE("paired training: a side that diverges stops at its step, the other goes on") {
  const DigitSet data = banded_digits(100, 2);
  TrainingSideConfig ok = side(4, 4, false, false, 0.05f, OptimizerKind::SGD);
  TrainingSideConfig wild = side(20, 16, false, false, 0.05f, OptimizerKind::SGD);
  wild.net.init_scale = 10.0f;  // each layer multiplies the signal's size by ~16: float overflows
  PairedTraining p;
  REQUIRE(p.configure(ok, wild, 3, 8, 4).is_ok());
  bool s = false;
  while (p.steps() < 8) REQUIRE(p.run_piece(data, &s).is_ok());
  const TrainingHistory& h = p.side(1).history();
  MESSAGE("wild side: " << h.error);
  CHECK(p.side(1).stopped());
  // The first loss is finite but huge; the update it makes leaves no finite number behind: the next
  // loss, or already this step's gradient (its step is then recorded).
  CHECK(h.diverged_at >= 1);
  CHECK(h.diverged_at <= 4);
  CHECK((h.diverged_at == static_cast<long long>(h.loss.size()) + 1 ||
         h.diverged_at == static_cast<long long>(h.loss.size())));
  CHECK(has(h.error, "diverged"));
  CHECK(p.side(0).history().loss.size() == 8);
  CHECK_FALSE(p.finished());
}

TEST_CASE("paired training: a deep plain net's first-layer gradient vanishes beside a residual one's") {
  const DigitSet data = banded_digits(64, 4);
  PairedTraining p;
  REQUIRE(p.configure(side(20, 8, false, false, 0.003f, OptimizerKind::Adam),
                      side(20, 8, false, true, 0.003f, OptimizerKind::Adam), 1, 16, 16)
              .is_ok());
  bool s = false;
  while (!s) REQUIRE(p.run_piece(data, &s).is_ok());
  const float plain = p.side(0).history().grad_norm[0][0], residual = p.side(1).history().grad_norm[0][0];
  MESSAGE("first-layer gradient norm: plain " << plain << ", residual " << residual);
  CHECK(plain < residual * 1e-4f);
  CHECK(p.side(0).history().layer_names[0] == "stem.conv");
  CHECK(p.side(0).history().activation.size() == 20);
}

TEST_CASE("paired training: a micro-batch too costly for one piece of work is made smaller") {
  TrainingSideConfig big;
  big.net.depth = 20;
  big.net.width = 64;
  PairedTraining p;
  REQUIRE(p.configure(big, big, 1, 256, 256).is_ok());
  // Per image: 19 layers of 64 x 64 x 9 on 7 x 7 plus the stem, x3 for backward, x2 networks.
  CHECK(p.micro_batch() >= 1);
  CHECK(p.micro_batch() < 8);
  const DigitSet data = banded_digits(20, 1);
  bool s = false;
  REQUIRE(p.run_piece(data, &s).is_ok());
  CHECK_FALSE(s);  // a step of 256 takes many pieces
  REQUIRE(p.configure(TrainingSideConfig{}, TrainingSideConfig{}, 1, 32, 8).is_ok());
  CHECK(p.micro_batch() == 8);  // the lab's own networks keep what was asked
}

TEST_CASE("paired training: refusals") {
  const TrainingSideConfig c;
  PairedTraining p;
  CHECK(has(p.configure(c, c, 1, 0, 1).message(), "batch size must be 1..256, got 0"));
  CHECK(has(p.configure(c, c, 1, 8, 9).message(), "micro-batch must be 1..8"));
  TrainingSideConfig bad;
  bad.net.width = 100;
  CHECK(has(p.configure(c, bad, 1, 8, 8).message(), "right: width (channels) must be 1..64, got 100"));
  REQUIRE(p.configure(c, c, 1, 8, 8).is_ok());
  bool s = false;
  CHECK(has(p.run_piece(DigitSet{}, &s).message(), "no training digits"));
}
