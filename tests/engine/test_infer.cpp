// test_infer.cpp — inference without backward (Layer::infer, Model::infer): Sequential runs each
// Conv2d that a ReLU follows as one conv2d_forward_relu. The output must equal forward's bit for
// bit (same sums, ReLU on the stored value) through every convolution route (direct 3x3, 1x1 GEMM,
// strided im2col, depthwise, the non-Auto algorithms), nested Sequentials and a Conv2d that ends a
// Sequential; a backward after infer is an error, and forward then backward works again.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>

#include "engine/nn/init.h"
#include "engine/nn/layers.h"
#include "engine/nn/model.h"
#include "engine/nn/pool_layers.h"
#include "engine/nn/sequential.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/ops/conv2d.h"
#include "engine/parallel.h"

namespace {

cs::Conv2dOptions conv(int in, int out, int k, int pad, int stride = 1, int groups = 1, bool bias = true) {
  cs::Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.kernel_size = {k, k};
  o.padding = {pad, pad};
  o.stride = {stride, stride};
  o.groups = groups;
  o.bias = bias;
  return o;
}

cs::Tensor random_tensor(const cs::Shape& s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  cs::Tensor t(s);
  for (size_t i = 0; i < t.numel(); ++i) t[i] = u(rng);
  return t;
}

// M1-like: conv3x3+ReLU, pool, conv3x3 (no bias)+ReLU, SE, pool, strided conv+ReLU, depthwise+ReLU,
// 1x1+ReLU, a nested Sequential with its own conv+ReLU pair, a trailing conv without ReLU.
void build(cs::Model& m) {
  cs::Rng rng(11);
  m.add(cs::LayerPtr(new cs::Conv2d(conv(3, 16, 3, 1), rng)), "c1");
  m.add(cs::make_activation(cs::Activation::ReLU), "r1");
  m.add(cs::LayerPtr(new cs::MaxPool2d(cs::MaxPool2dParams{})), "p1");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(16, 20, 3, 1, 1, 1, false), rng)), "c2");
  m.add(cs::make_activation(cs::Activation::ReLU), "r2");
  m.add(cs::LayerPtr(new cs::SqueezeExcite(20, 8, rng)), "se");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(20, 24, 3, 1, 2), rng)), "c3");
  m.add(cs::make_activation(cs::Activation::ReLU), "r3");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(24, 24, 3, 1, 1, 24), rng)), "dw");
  m.add(cs::make_activation(cs::Activation::ReLU), "r4");
  m.add(cs::LayerPtr(new cs::Conv2d(conv(24, 32, 1, 0), rng)), "pw");
  m.add(cs::make_activation(cs::Activation::ReLU), "r5");
  auto* inner = new cs::Sequential();
  inner->add(cs::LayerPtr(new cs::Conv2d(conv(32, 12, 3, 1), rng)), "c");
  inner->add(cs::make_activation(cs::Activation::ReLU), "r");
  inner->add(cs::LayerPtr(new cs::Conv2d(conv(12, 8, 3, 1), rng)), "last");
  m.add(cs::LayerPtr(inner), "inner");
}

bool same_bits(const cs::Tensor& a, const cs::Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()) == 0;
}

}  // namespace

TEST_CASE("Model::infer equals forward bit for bit (conv + ReLU fused) for every algorithm, 1 and 2 threads") {
  const int threads_before = cs::num_threads();
  for (cs::ConvAlgo algo : {cs::ConvAlgo::Auto, cs::ConvAlgo::Im2col, cs::ConvAlgo::Reference}) {
    for (int threads : {1, 2}) {
      cs::set_num_threads(threads);
      CAPTURE(cs::conv_algo_name(algo));
      CAPTURE(threads);
      cs::Model m;
      build(m);
      m.eval();
      for (size_t i = 0; i < m.root().size(); ++i)
        if (auto* c = dynamic_cast<cs::Conv2d*>(&m.root().child(i))) c->set_algo(algo);
      // Widths 16 and 19 (a multiple of the vector and not), batch 1 and 3 (split by image).
      for (const cs::Shape& s : {cs::Shape{1, 3, 16, 16}, cs::Shape{3, 3, 19, 21}}) {
        CAPTURE(cs::shape_str(s));
        cs::Tensor x = random_tensor(s, 3), y_fwd, y_inf;
        REQUIRE(m.forward(x, y_fwd).is_ok());
        REQUIRE(m.infer(x, y_inf).is_ok());
        CHECK(same_bits(y_inf, y_fwd));
        // The fused pairs really produce non-trivial ReLU outputs (not all zero or all positive).
        const cs::Tensor& r1 = m.root().output(1);
        size_t zeros = 0;
        for (size_t i = 0; i < r1.numel(); ++i) zeros += r1[i] == 0.0f;
        CHECK(zeros > 0);
        CHECK(zeros < r1.numel());
      }
    }
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("Model::infer: backward afterwards is an error until the next forward") {
  cs::Model m;
  build(m);
  cs::Tensor x = random_tensor({2, 3, 16, 16}, 5), y;
  REQUIRE(m.infer(x, y).is_ok());
  cs::Tensor gy = random_tensor(y.shape(), 6);
  cs::Status s = m.backward(gy);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("infer") != std::string::npos);
  REQUIRE(m.forward(x, y).is_ok());
  CHECK(m.backward(gy).is_ok());
}

TEST_CASE("conv2d_forward_relu equals ReLU of conv2d_forward for every algorithm") {
  cs::Conv2dParams p;
  p.padding = {1, 1};
  cs::Tensor x = random_tensor({2, 5, 11, 13}, 7), w = random_tensor({6, 5, 3, 3}, 8), b = random_tensor({6}, 9);
  for (cs::ConvAlgo algo : {cs::ConvAlgo::Auto, cs::ConvAlgo::Im2col, cs::ConvAlgo::Winograd, cs::ConvAlgo::Reference}) {
    CAPTURE(cs::conv_algo_name(algo));
    cs::Tensor y, y_relu;
    REQUIRE(cs::conv2d_forward(y, x, w, &b, p, algo).is_ok());
    REQUIRE(cs::conv2d_forward_relu(y_relu, x, w, &b, p, algo).is_ok());
    for (size_t i = 0; i < y.numel(); ++i) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
    CHECK(same_bits(y_relu, y));
  }
}
