// test_optimizer.cpp — SGD/Adam update rules by hand, error cases, and an end-to-end check that a
// tiny model trained with each optimizer lowers its loss. PyTorch step goldens: test_golden_nn.cpp.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/nn/layers.h"
#include "engine/nn/model.h"
#include "engine/ops/loss.h"
#include "engine/train/optimizer.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("SGD with momentum follows the recurrence by hand") {
  Tensor p({2}, std::vector<float>{1.0f, -2.0f}), grad({2}, std::vector<float>{0.5f, 0.25f});
  SGDOptions o;
  o.lr = 0.1f;
  o.momentum = 0.9f;
  o.weight_decay = 0.1f;
  SGD opt({{"p", &p, &grad, true, false}}, o);
  REQUIRE(opt.step().is_ok());
  // step 1: g = 0.5 + 0.1*1 = 0.6, buf = g, p = 1 - 0.06
  CHECK(p[0] == doctest::Approx(0.94f));
  REQUIRE(opt.step().is_ok());
  // step 2: g = 0.5 + 0.094 = 0.594, buf = 0.9*0.6 + 0.594 = 1.134, p = 0.94 - 0.1134
  CHECK(p[0] == doctest::Approx(0.8266f));
  CHECK(opt.steps() == 2);
  CHECK(opt.state_tensors().size() == 1);
  CHECK(opt.state_tensors()[0].name == "p.momentum_buffer");
}

TEST_CASE("Adam's first step moves each weight by about lr against the gradient's sign") {
  Tensor p({3}, std::vector<float>{0.0f, 0.0f, 0.0f}), grad({3}, std::vector<float>{1e-3f, -5.0f, 2.0f});
  AdamOptions o;
  o.lr = 0.01f;
  Adam opt({{"p", &p, &grad, true, false}}, o);
  REQUIRE(opt.step().is_ok());
  CHECK(p[0] == doctest::Approx(-0.01f).epsilon(1e-3));  // bias correction makes m/sqrt(v) = sign(g)
  CHECK(p[1] == doctest::Approx(0.01f).epsilon(1e-4));
  CHECK(p[2] == doctest::Approx(-0.01f).epsilon(1e-4));
  CHECK(std::string(opt.name()) == "Adam");
}

TEST_CASE("optimizers reject mismatched gradients and bad options") {
  Tensor p({2, 2}), grad({4});
  SGD sgd({{"fc.weight", &p, &grad, true, false}}, SGDOptions{});
  Status s = sgd.step();
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "SGD: gradient of 'fc.weight' has shape (4,), parameter (2, 2)");
  Tensor g2({2, 2});
  SGDOptions bad;
  bad.nesterov = true;
  SGD nest({{"w", &p, &g2, true, false}}, bad);
  CHECK(nest.step().message() == "SGD: Nesterov momentum requires a momentum and zero dampening");
  AdamOptions ab;
  ab.beta1 = 1.0f;
  Adam adam({{"w", &p, &g2, true, false}}, ab);
  CHECK_FALSE(adam.step().is_ok());
}

TEST_CASE("each optimizer lowers the loss of a small classifier") {
  for (int which = 0; which < 3; ++which) {
    CAPTURE(which);
    Rng rng(5);
    Model m;
    m.add(LayerPtr(new Linear(4, 8, rng)), "fc1");
    m.add(make_activation(Activation::GELU), "act");
    m.add(LayerPtr(new Linear(8, 3, rng)), "fc2");
    Tensor x = random_tensor({12, 4}, 6);
    std::vector<int> labels;
    for (int n = 0; n < 12; ++n) labels.push_back(x[n * 4] > 0 ? (x[n * 4 + 1] > 0 ? 0 : 1) : 2);
    std::unique_ptr<Optimizer> opt;
    if (which == 0) {
      SGDOptions o;
      o.lr = 0.5f;
      o.momentum = 0.9f;
      opt.reset(new SGD(m.parameters(), o));
    } else {
      AdamOptions o;
      o.lr = 0.05f;
      o.decoupled = which == 2;
      o.weight_decay = which == 2 ? 0.01f : 0.0f;
      opt.reset(new Adam(m.parameters(), o));
    }
    Tensor logits, probs, glogits;
    float first = 0, last = 0;
    for (int it = 0; it < 60; ++it) {
      REQUIRE(m.forward(x, logits).is_ok());
      REQUIRE(cross_entropy_forward(&last, &probs, logits, labels).is_ok());
      if (it == 0) first = last;
      REQUIRE(cross_entropy_backward(glogits, probs, labels).is_ok());
      REQUIRE(m.backward(glogits).is_ok());
      REQUIRE(opt->step().is_ok());
    }
    CHECK(last < 0.5f * first);
  }
}

TEST_CASE("optimizer state round-trips: a resumed Adam continues exactly like an uninterrupted one") {
  Tensor grad({4}, std::vector<float>{0.3f, -0.2f, 0.1f, 0.7f});
  Tensor pa({4}, 1.0f), pb({4}, 1.0f);
  AdamOptions o;
  o.lr = 0.05f;
  Adam a({{"w", &pa, &grad, true, false}}, o);
  for (int i = 0; i < 3; ++i) REQUIRE(a.step().is_ok());
  // "Save" a's state, "load" it into a fresh optimizer over a copy of the parameters.
  pb = pa;
  Adam b({{"w", &pb, &grad, true, false}}, o);
  b.init_state();
  std::vector<NamedTensor> sa = a.state_tensors(), sb = b.state_tensors();
  REQUIRE(sa.size() == sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    CHECK(sa[i].name == sb[i].name);
    *sb[i].value = *sa[i].value;
  }
  b.set_steps(a.steps());
  REQUIRE(a.step().is_ok());
  REQUIRE(b.step().is_ok());
  CHECK(check_close(pb, pa, 0, 0, "resumed Adam"));
  SGDOptions so;
  so.momentum = 0.9f;
  SGD s({{"w", &pa, &grad, true, false}}, so);
  s.init_state();
  CHECK(s.state_tensors().size() == 1);
}
