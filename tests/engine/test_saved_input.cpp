// test_saved_input.cpp — layers keep a pointer to their forward input inside a Sequential (no copy)
// and a copy elsewhere: gradients through a Sequential must equal those of the same layers driven
// one by one with copies, and a caller that overwrites its input tensor after forward must not
// change the backward result (the first child still copies).
#include <doctest/doctest.h>

#include <vector>

#include "engine/nn/init.h"
#include "engine/nn/layers.h"
#include "engine/nn/pool_layers.h"
#include "engine/nn/sequential.h"
#include "engine/nn/squeeze_excite.h"
#include "nn_testing.h"

namespace {

cs::Conv2dOptions conv(int in, int out, int groups = 1) {
  cs::Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.padding = {1, 1};
  o.groups = groups;
  return o;
}

// conv -> relu -> maxpool -> SE -> depthwise conv -> sigmoid: every kind of saved input.
void build(cs::Sequential& s, std::vector<cs::Layer*>& layers) {
  cs::Rng rng(5);
  layers = {s.add(cs::LayerPtr(new cs::Conv2d(conv(3, 8), rng))),
            s.add(cs::make_activation(cs::Activation::ReLU)),
            s.add(cs::LayerPtr(new cs::MaxPool2d(cs::MaxPool2dParams{}))),
            s.add(cs::LayerPtr(new cs::SqueezeExcite(8, 4, rng))),
            s.add(cs::LayerPtr(new cs::Conv2d(conv(8, 8, 8), rng))),
            s.add(cs::make_activation(cs::Activation::SiLU))};
}

}  // namespace

TEST_CASE("Sequential: borrowed inputs give the same gradients as copies, and the caller's input is copied") {
  cs::Sequential seq, loose;
  std::vector<cs::Layer*> a, b;
  build(seq, a);
  build(loose, b);  // same seeds: same weights; driven layer by layer below, never borrowing
  for (cs::Layer* l : b) l->set_input_borrowed(false);

  cs::Tensor x = cs::test::random_tensor({2, 3, 9, 7}, 1), y, gx;
  cs::Tensor gy = cs::test::random_tensor({2, 8, 4, 3}, 2);
  REQUIRE(seq.forward(x, y).is_ok());
  REQUIRE(y.shape() == gy.shape());
  // The caller reuses its input buffer before backward: the first child must have copied it.
  cs::Tensor x_kept = x;
  for (size_t i = 0; i < x.numel(); ++i) x[i] = 100.0f;
  REQUIRE(seq.backward(gy, gx).is_ok());

  // Reference: each layer with its own input and output tensors (copies kept inside the layers),
  // every intermediate tensor overwritten with garbage before the backward pass.
  std::vector<cs::Tensor> acts(b.size() + 1);
  acts[0] = x_kept;
  for (size_t i = 0; i < b.size(); ++i) REQUIRE(b[i]->forward(acts[i], acts[i + 1]).is_ok());
  CHECK(acts.back().values() == y.values());
  for (cs::Tensor& t : acts)
    for (size_t i = 0; i < t.numel(); ++i) t[i] = -7.0f;
  cs::Tensor g = gy, g_prev;
  for (size_t i = b.size(); i-- > 0;) {
    REQUIRE(b[i]->backward(g, g_prev).is_ok());
    g = g_prev;
  }
  CHECK(g.values() == gx.values());
  auto* c_seq = static_cast<cs::Conv2d*>(a[0]);
  auto* c_loose = static_cast<cs::Conv2d*>(b[0]);
  CHECK(c_seq->weight_grad.values() == c_loose->weight_grad.values());
  auto* dw_seq = static_cast<cs::Conv2d*>(a[4]);
  auto* dw_loose = static_cast<cs::Conv2d*>(b[4]);
  CHECK(dw_seq->weight_grad.values() == dw_loose->weight_grad.values());
}

TEST_CASE("SavedInput: a copied layer keeps its own copy, a borrowed one follows the tensor") {
  cs::SavedInput s;
  CHECK(s.empty());
  cs::Tensor t = cs::test::random_tensor({2, 3}, 3);
  s.save(t, false);
  cs::SavedInput c = s;  // copies of a copied input point at their own copy
  t[0] = 42.0f;
  CHECK(s.get()[0] != 42.0f);
  CHECK(c.get()[0] == s.get()[0]);
  CHECK(&c.get() != &s.get());
  s.save(t, true);
  CHECK(&s.get() == &t);
  CHECK(s.dim(1) == 3);
}
