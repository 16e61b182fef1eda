// test_layers.cpp — the thin layer classes: PyTorch-style init and repr, agreement with the ops,
// gradients through the layer interface, train/eval behaviour, and errors for bad options/shapes.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/nn/layers.h"
#include "engine/ops/conv2d.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("Conv2d layer: PyTorch init bound, repr and state_dict names") {
  Rng rng(1);
  Conv2dOptions o;
  o.in_channels = 4;
  o.out_channels = 6;
  o.kernel_size = {3, 3};
  o.padding = {1, 1};
  o.groups = 2;
  Conv2d conv(o, rng);
  CHECK(conv.weight.shape() == Shape{6, 2, 3, 3});
  const float bound = 1.0f / std::sqrt(2.0f * 9.0f);  // fan_in = in/groups * kh * kw
  float wmax = 0, wmin = 0;
  for (float v : conv.weight.values()) wmax = std::max(wmax, v), wmin = std::min(wmin, v);
  CHECK(wmax <= bound);
  CHECK(wmin >= -bound);
  CHECK(wmax > 0.8f * bound);  // actually spread over the range, not all zeros
  CHECK(conv.describe() == "Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2)");
  std::vector<NamedTensor> sd;
  conv.named_tensors("stem.0.", sd);
  REQUIRE(sd.size() == 2);
  CHECK(sd[0].name == "stem.0.weight");
  CHECK(sd[1].name == "stem.0.bias");
  CHECK(sd[1].value->shape() == Shape{6});
  // Same seed, same weights (the init does not depend on the platform's distributions).
  Rng rng2(1);
  Conv2d again(o, rng2);
  CHECK(check_close(again.weight, conv.weight, 0, 0, "reseeded init"));
}

TEST_CASE("Conv2d layer forward equals conv2d_forward and gradients check") {
  Rng rng(2);
  Conv2dOptions o;
  o.in_channels = 3;
  o.out_channels = 4;
  o.kernel_size = {3, 2};
  o.stride = {2, 1};
  o.padding = {1, 0};
  Conv2d conv(o, rng);
  Tensor x = random_tensor({2, 3, 5, 4}, 3), y, want;
  REQUIRE(conv.forward(x, y).is_ok());
  REQUIRE(conv2d_forward(want, x, conv.weight, &conv.bias, conv.params(), ConvAlgo::Reference).is_ok());
  CHECK(check_close(y, want, 1e-5f, 1e-5f, "Conv2d layer vs reference"));
  check_layer_gradients(conv, x, 4, "Conv2d");
}

TEST_CASE("Conv2d layer reports invalid options on forward instead of crashing") {
  Rng rng(3);
  Conv2dOptions o;
  o.in_channels = 6;
  o.out_channels = 4;
  o.groups = 4;
  Conv2d conv(o, rng);
  Tensor y;
  Status s = conv.forward(Tensor({1, 6, 5, 5}), y);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "Conv2d: in_channels 6 is not divisible by groups 4");
  Conv2dOptions ok;
  ok.in_channels = 3;
  ok.out_channels = 2;
  Conv2d c2(ok, rng);
  s = c2.forward(Tensor({1, 4, 5, 5}), y);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("(1, 4, 5, 5)") != std::string::npos);
  Tensor gx;
  CHECK_FALSE(c2.backward(Tensor({1, 2, 3, 3}), gx).is_ok());  // before any forward
}

TEST_CASE("BatchNorm2d layer: train updates running stats and counter, eval uses them") {
  BatchNorm2d bn(3);
  CHECK(bn.describe() == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  Tensor x = random_tensor({4, 3, 2, 2}, 5, 1.0f, 3.0f), y;
  REQUIRE(bn.forward(x, y).is_ok());
  REQUIRE(bn.forward(x, y).is_ok());
  CHECK(bn.num_batches_tracked[0] == 2.0f);
  CHECK(bn.running_mean[0] > 0.3f);  // 0.19 * mean(~2)
  bn.set_training(false);
  Tensor ye;
  REQUIRE(bn.forward(x, ye).is_ok());
  CHECK(bn.num_batches_tracked[0] == 2.0f);
  CHECK(ye[0] == doctest::Approx((x[0] - bn.running_mean[0]) / std::sqrt(bn.running_var[0] + 1e-5f)).epsilon(1e-5));
  std::vector<NamedTensor> sd;
  bn.named_tensors("bn.", sd);
  REQUIRE(sd.size() == 5);
  CHECK(sd[2].name == "bn.running_mean");
  CHECK_FALSE(sd[2].trainable);
  CHECK(sd[4].name == "bn.num_batches_tracked");
  CHECK(sd[4].integer);
  // Gradients in both modes go through the layer.
  check_layer_gradients(bn, x, 6, "BatchNorm2d eval");
  bn.set_training(true);
  check_layer_gradients(bn, x, 7, "BatchNorm2d train");
}

TEST_CASE("LayerNorm2d, activation, Linear and PointwiseLinear layers have correct gradients") {
  Rng rng(8);
  LayerNorm2d ln(5);
  LayerNorm2d* lnp = &ln;
  lnp->weight = random_tensor({5}, 9, 0.5f, 1.5f);
  check_layer_gradients(ln, random_tensor({2, 5, 3, 3}, 10), 11, "LayerNorm2d");
  for (Activation a : {Activation::ReLU, Activation::GELU, Activation::SiLU, Activation::Sigmoid}) {
    ActivationLayer act(a);
    Tensor x = random_tensor({2, 3, 4}, 12, -3, 3);
    avoid_zero(x, 0.05f);
    check_layer_gradients(act, x, 13, act.type(), 1e-2f, 1e-3f, 1e-2f, 0.0);
  }
  Linear fc(7, 3, rng);
  CHECK(fc.describe() == "Linear(in_features=7, out_features=3, bias=True)");
  check_layer_gradients(fc, random_tensor({4, 7}, 14), 15, "Linear");
  PointwiseLinear pw(4, 6, rng);
  check_layer_gradients(pw, random_tensor({2, 4, 3, 2}, 16), 17, "PointwiseLinear");
}

TEST_CASE("PointwiseLinear equals a 1x1 convolution with the same weight") {
  Rng rng(18);
  PointwiseLinear pw(5, 3, rng);
  Tensor x = random_tensor({2, 5, 4, 3}, 19), y, want;
  REQUIRE(pw.forward(x, y).is_ok());
  Tensor w4 = pw.weight;
  REQUIRE(w4.reshape({3, 5, 1, 1}).is_ok());
  REQUIRE(conv2d_forward(want, x, w4, &pw.bias, Conv2dParams{}, ConvAlgo::Reference).is_ok());
  CHECK(check_close(y, want, 1e-5f, 1e-5f, "pointwise linear vs 1x1 conv"));
  Status s = pw.forward(Tensor({2, 4, 4, 3}), y);
  CHECK(s.message() == "Linear (per pixel): input (2, 4, 4, 3) has 4 channels but weight (3, 5) expects in_features=5");
}

TEST_CASE("Flatten reshapes and restores; Dropout is seeded, scaled and off in eval") {
  Flatten fl;
  Tensor x = random_tensor({2, 3, 2, 2}, 20), y, gx;
  REQUIRE(fl.forward(x, y).is_ok());
  CHECK(y.shape() == Shape{2, 12});
  REQUIRE(fl.backward(y, gx).is_ok());
  CHECK(check_close(gx, x, 0, 0, "flatten round trip"));
  CHECK_FALSE(fl.forward(Tensor({5}), y).is_ok());

  Dropout d(0.25f, 7);
  Tensor ones({1000}, 1.0f);
  REQUIRE(d.forward(ones, y).is_ok());
  int zeros = 0;
  for (float v : y.values()) {
    CHECK((v == 0.0f || v == doctest::Approx(1.0f / 0.75f)));
    zeros += v == 0.0f;
  }
  CHECK(zeros > 200);
  CHECK(zeros < 300);
  REQUIRE(d.backward(ones, gx).is_ok());
  CHECK(check_close(gx, y, 0, 0, "dropout backward applies the same mask"));
  Dropout d2(0.25f, 7);
  Tensor y2;
  REQUIRE(d2.forward(ones, y2).is_ok());
  CHECK(check_close(y2, y, 0, 0, "same seed, same mask"));
  d.set_training(false);
  REQUIRE(d.forward(x, y).is_ok());
  CHECK(check_close(y, x, 0, 0, "dropout eval is identity"));
  Dropout bad(1.5f);
  CHECK(bad.forward(x, y).message() == "Dropout: p must be in [0, 1], got 1.5");
}

TEST_CASE("warm layers do not reallocate their buffers") {
  Rng rng(21);
  Conv2dOptions o;
  o.in_channels = 2;
  o.out_channels = 3;
  o.padding = {1, 1};
  Conv2d conv(o, rng);
  BatchNorm2d bn(3);
  Tensor x = random_tensor({2, 2, 6, 6}, 22), a, b, ga, gx;
  REQUIRE(conv.forward(x, a).is_ok());
  REQUIRE(bn.forward(a, b).is_ok());
  REQUIRE(bn.backward(b, ga).is_ok());
  REQUIRE(conv.backward(ga, gx).is_ok());
  const float* pa = a.data();
  const float* pb = b.data();
  const float* pg = gx.data();
  const float* pw = conv.weight_grad.data();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(conv.forward(x, a).is_ok());
    REQUIRE(bn.forward(a, b).is_ok());
    REQUIRE(bn.backward(b, ga).is_ok());
    REQUIRE(conv.backward(ga, gx).is_ok());
  }
  CHECK(a.data() == pa);
  CHECK(b.data() == pb);
  CHECK(gx.data() == pg);
  CHECK(conv.weight_grad.data() == pw);
}

#include "engine/nn/pool_layers.h"

TEST_CASE("pooling layers: repr, shapes and gradients through the layer") {
  MaxPool2dParams mp;
  mp.kernel = {3, 3};
  mp.stride = {2, 2};
  mp.padding = {1, 1};
  MaxPool2d maxpool(mp);
  CHECK(maxpool.describe() ==
        "MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(1, 1), ceil_mode=False)");
  Tensor x = random_tensor({2, 3, 6, 6}, 30), y;
  REQUIRE(maxpool.forward(x, y).is_ok());
  CHECK(y.shape() == Shape{2, 3, 3, 3});
  check_layer_gradients(maxpool, x, 31, "MaxPool2d");  // random floats: no ties
  AvgPool2dParams ap;
  AvgPool2d avgpool(ap);
  check_layer_gradients(avgpool, x, 32, "AvgPool2d");
  AdaptiveAvgPool2d gap;
  CHECK(gap.describe() == "AdaptiveAvgPool2d(output_size=1)");
  REQUIRE(gap.forward(x, y).is_ok());
  CHECK(y.shape() == Shape{2, 3, 1, 1});
  check_layer_gradients(gap, x, 33, "global average pool");
  AdaptiveAvgPool2d ad({4, 3});
  check_layer_gradients(ad, x, 34, "AdaptiveAvgPool2d(4, 3)");
  Tensor gx;
  CHECK_FALSE(AvgPool2d(ap).backward(y, gx).is_ok());  // before forward
  CHECK_FALSE(maxpool.forward(Tensor({3, 6, 6}), y).is_ok());
}

TEST_CASE("ConvTranspose2d layer: weight layout, init bound, output size, gradients") {
  Rng rng(40);
  ConvTranspose2dOptions o;
  o.in_channels = 4;
  o.out_channels = 6;
  o.kernel_size = {3, 3};
  o.stride = {2, 2};
  o.padding = {1, 1};
  o.output_padding = {1, 1};
  o.groups = 2;
  ConvTranspose2d up(o, rng);
  CHECK(up.weight.shape() == Shape{4, 3, 3, 3});  // (in, out/groups, kh, kw) as PyTorch
  const float bound = 1.0f / std::sqrt(3.0f * 9.0f);
  for (float v : up.weight.values()) CHECK(std::fabs(v) <= bound);
  CHECK(up.describe() ==
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)");
  Tensor x = random_tensor({2, 4, 3, 3}, 41), y;
  REQUIRE(up.forward(x, y).is_ok());
  CHECK(y.shape() == Shape{2, 6, 6, 6});  // (3-1)*2 - 2 + 2 + 1 + 1
  check_layer_gradients(up, x, 42, "ConvTranspose2d");
  ConvTranspose2dOptions bad = o;
  bad.output_padding = {2, 2};
  ConvTranspose2d b(bad, rng);
  Status s = b.forward(x, y);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("output_padding 2x2") != std::string::npos);
}
