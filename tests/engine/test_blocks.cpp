// test_blocks.cpp — Residual, SqueezeExcite, MBConv and ConvNeXt blocks: structure (state_dict keys
// as torchvision), reference forward for SE, excitation overrides, and finite-difference gradients
// of inputs and all parameters. PyTorch goldens for the same blocks: test_golden_nn.cpp.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/nn/convnext_block.h"
#include "engine/nn/mbconv.h"
#include "engine/nn/residual.h"
#include "engine/nn/squeeze_excite.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

static std::vector<std::string> keys(Layer& l) {
  std::vector<NamedTensor> sd;
  l.named_tensors("", sd);
  std::vector<std::string> out;
  for (auto& t : sd) out.push_back(t.name);
  return out;
}

TEST_CASE("SqueezeExcite forward matches a hand-written reference") {
  Rng rng(1);
  SqueezeExcite se(6, 2, rng);
  Tensor x = random_tensor({2, 6, 3, 4}, 2), y;
  REQUIRE(se.forward(x, y).is_ok());
  for (int n = 0; n < 2; ++n) {
    double s[6], h[2], e[6];
    for (int c = 0; c < 6; ++c) {
      s[c] = 0;
      for (int i = 0; i < 12; ++i) s[c] += x.at(n, c, i / 4, i % 4);
      s[c] /= 12;
    }
    for (int j = 0; j < 2; ++j) {
      h[j] = se.fc1_bias[j];
      for (int c = 0; c < 6; ++c) h[j] += se.fc1_weight[j * 6 + c] * s[c];
      h[j] = std::max(0.0, h[j]);
    }
    for (int c = 0; c < 6; ++c) {
      double z = se.fc2_bias[c];
      for (int j = 0; j < 2; ++j) z += se.fc2_weight[c * 2 + j] * h[j];
      e[c] = 1.0 / (1.0 + std::exp(-z));
      CHECK(se.excitation()[n * 6 + c] == doctest::Approx(e[c]).epsilon(1e-5));
      for (int i = 0; i < 12; ++i)
        CHECK(y.at(n, c, i / 4, i % 4) == doctest::Approx(x.at(n, c, i / 4, i % 4) * e[c]).epsilon(1e-5));
    }
  }
  CHECK(keys(se) == std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"});
  CHECK(se.fc1_weight.shape() == Shape{2, 6, 1, 1});
}

TEST_CASE("SqueezeExcite overrides switch a channel off and stop its gate gradient") {
  Rng rng(3);
  SqueezeExcite se(4, 2, rng);
  Tensor x = random_tensor({2, 4, 3, 3}, 4), y;
  REQUIRE(se.set_excitation_override(2, 0.0f).is_ok());
  REQUIRE(se.set_excitation_override(3, 0.5f).is_ok());
  REQUIRE(se.forward(x, y).is_ok());
  for (int i = 0; i < 9; ++i) {
    CHECK(y.at(1, 2, i / 3, i % 3) == 0.0f);
    CHECK(y.at(1, 3, i / 3, i % 3) == doctest::Approx(0.5f * x.at(1, 3, i / 3, i % 3)));
  }
  CHECK(se.excitation()[1 * 4 + 2] == 0.0f);
  CHECK(se.excitation_raw()[1 * 4 + 2] > 0.0f);  // what the network computed stays readable
  check_layer_gradients(se, x, 5, "SE with overrides");
  CHECK(se.set_excitation_override(4, 0.0f).message() == "SqueezeExcitation: channel 4 is outside [0, 4)");
  se.clear_excitation_overrides();
  REQUIRE(se.forward(x, y).is_ok());
  CHECK(y.at(1, 2, 0, 0) != 0.0f);
  Trace t;
  se.trace_internals("b.se.", t);
  REQUIRE(t.find("b.se.excitation") != nullptr);
  CHECK(t.find("b.se.excitation")->shape() == Shape{2, 4});
  CHECK(t.find("b.se.scale")->shape() == Shape{2, 4, 3, 3});
}

TEST_CASE("SqueezeExcite gradients (ReLU inside: kinks are detected and skipped)") {
  Rng rng(6);
  SqueezeExcite se(8, 3, rng);
  // Small steps so few points straddle a ReLU kink of the 3 hidden units; those that do are skipped.
  check_layer_gradients(se, random_tensor({2, 8, 3, 3}, 7, -2, 2), 8, "SE", 2e-3f, 2e-3f, 2e-2f, 0.1);
  SqueezeExcite bad(0, 3, rng);
  Tensor y;
  CHECK_FALSE(bad.forward(Tensor({1, 1, 2, 2}), y).is_ok());
  Status s = se.forward(Tensor({1, 5, 2, 2}), y);
  CHECK(s.message() == "SqueezeExcitation: input (1, 5, 2, 2) has 5 channels, expected 8");
}

TEST_CASE("Residual with identity and projection shortcuts") {
  Rng rng(9);
  Conv2dOptions c;
  c.in_channels = 3;
  c.out_channels = 3;
  c.padding = {1, 1};
  Residual id(conv_bn_act(c, Activation::SiLU, rng), nullptr, Activation::SiLU);
  check_layer_gradients(id, random_tensor({2, 3, 4, 4}, 10), 11, "Residual identity");

  Conv2dOptions down = c;
  down.out_channels = 5;
  down.stride = {2, 2};
  Conv2dOptions proj;
  proj.in_channels = 3;
  proj.out_channels = 5;
  proj.kernel_size = {1, 1};
  proj.stride = {2, 2};
  Residual pr(conv_bn_act(down, Activation::SiLU, rng), conv_bn_act(proj, Activation::None, rng));
  Tensor y;
  REQUIRE(pr.forward(random_tensor({2, 3, 6, 6}, 12), y).is_ok());
  CHECK(y.shape() == Shape{2, 5, 3, 3});
  CHECK(keys(pr)[0] == "body.0.weight");
  CHECK(keys(pr)[6] == "shortcut.0.weight");
  check_layer_gradients(pr, random_tensor({2, 3, 6, 6}, 13), 14, "Residual projection");

  Residual mismatch(conv_bn_act(down, Activation::None, rng));
  Status s = mismatch.forward(random_tensor({1, 3, 6, 6}, 15), y);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() ==
        "Residual: body output (1, 5, 3, 3) does not match shortcut output (1, 3, 6, 6) (use a projection shortcut)");
}

TEST_CASE("MBConv structure follows torchvision and gradients check") {
  Rng rng(16);
  MBConvOptions o;
  o.in_channels = 4;
  o.out_channels = 4;
  o.expand_ratio = 3;
  MBConv b(o, rng);
  CHECK(b.use_residual());
  std::vector<std::string> k = keys(b);
  CHECK(k.front() == "block.0.0.weight");
  CHECK(std::find(k.begin(), k.end(), "block.0.1.running_var") != k.end());
  CHECK(std::find(k.begin(), k.end(), "block.1.0.weight") != k.end());
  CHECK(std::find(k.begin(), k.end(), "block.2.fc1.weight") != k.end());
  CHECK(k.back() == "block.3.1.num_batches_tracked");
  REQUIRE(b.se() != nullptr);
  CHECK(b.se()->channels() == 12);
  CHECK(b.se()->squeeze_channels() == 1);  // max(1, 4 * 0.25)
  check_layer_gradients(b, random_tensor({2, 4, 5, 5}, 17), 18, "MBConv residual");
  b.set_training(false);
  check_layer_gradients(b, random_tensor({2, 4, 5, 5}, 19), 20, "MBConv eval");

  MBConvOptions s2 = o;
  s2.expand_ratio = 1;  // no expansion stage: depthwise becomes block.0
  s2.out_channels = 6;
  s2.stride = 2;
  MBConv d(s2, rng);
  CHECK_FALSE(d.use_residual());
  CHECK(keys(d).front() == "block.0.0.weight");
  Tensor y;
  REQUIRE(d.forward(random_tensor({1, 4, 5, 5}, 21), y).is_ok());
  CHECK(y.shape() == Shape{1, 6, 3, 3});
  check_layer_gradients(d, random_tensor({2, 4, 5, 5}, 22), 23, "MBConv stride 2");
  Trace t;
  d.trace_internals("block2.", t);
  CHECK(t.find("block2.depthwise.conv") != nullptr);
  CHECK(t.find("block2.se.excitation") != nullptr);
  CHECK(t.find("block2.project.bn") != nullptr);
  Status s = d.forward(random_tensor({1, 3, 5, 5}, 24), y);
  CHECK(s.message() == "MBConv: input (1, 3, 5, 5) has 3 channels, expected in_channels=4");
}

TEST_CASE("ConvNeXt block structure follows torchvision and gradients check") {
  Rng rng(25);
  ConvNeXtBlockOptions o;
  o.dim = 4;
  o.layer_scale_init = 0.5f;  // torchvision's 1e-6 would make the branch gradients vanish in the check
  ConvNeXtBlock b(o, rng);
  CHECK(keys(b) == std::vector<std::string>{"layer_scale", "block.0.weight", "block.0.bias", "block.2.weight",
                                            "block.2.bias", "block.3.weight", "block.3.bias", "block.5.weight",
                                            "block.5.bias"});
  CHECK(b.layer_scale.shape() == Shape{4, 1, 1});
  check_layer_gradients(b, random_tensor({2, 4, 5, 5}, 26), 27, "ConvNeXt block");
  Trace t;
  b.trace_internals("stage.", t);
  CHECK(t.find("stage.pwconv1")->shape() == Shape{2, 16, 5, 5});
  CHECK(t.find("stage.norm") != nullptr);
}
