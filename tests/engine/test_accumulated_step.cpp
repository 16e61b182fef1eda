// test_accumulated_step.cpp — a step accumulated over micro-batches equals the step over the whole
// batch (no BatchNorm), a whole batch takes exactly the plain forward/backward/step path, bad
// micro-batches are refused in words, and the time-budgeted loop of pieces stops before overrunning.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "engine/nn/layers.h"
#include "engine/nn/model.h"
#include "engine/ops/loss.h"
#include "engine/train/accumulated_step.h"
#include "engine/train/optimizer.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

namespace {

// conv 1->4 (3x3, pad 1) -> ReLU -> flatten -> linear 10: no BatchNorm, so micro-batches are exact.
std::unique_ptr<Model> small_net(uint32_t seed) {
  Rng rng(seed);
  auto m = std::make_unique<Model>();
  m->add(LayerPtr(new Conv2d({1, 4, {3, 3}, {1, 1}, {1, 1}}, rng)), "conv");
  m->add(make_activation(Activation::ReLU), "act");
  m->add(LayerPtr(new Flatten()), "flatten");
  m->add(LayerPtr(new Linear(4 * 6 * 6, 10, rng)), "head");
  return m;
}

// Samples [begin, begin + n) of a fixed batch of 12 images (6x6) and labels.
Tensor rows(const Tensor& x, int begin, int n) {
  Tensor out({n, 1, 6, 6});
  for (size_t i = 0; i < out.numel(); ++i) out[i] = x[static_cast<size_t>(begin) * 36 + i];
  return out;
}

float max_param_difference(Model& a, Model& b) {
  std::vector<NamedTensor> pa = a.parameters(), pb = b.parameters();
  REQUIRE(pa.size() == pb.size());
  float worst = 0;
  for (size_t i = 0; i < pa.size(); ++i)
    for (size_t j = 0; j < pa[i].value->numel(); ++j)
      worst = std::max(worst, std::fabs((*pa[i].value)[j] - (*pb[i].value)[j]));
  return worst;
}

}  // namespace

TEST_CASE("accumulated step: k micro-batches weighted n_i/N equal one full-batch step") {
  const Tensor x = random_tensor({12, 1, 6, 6}, 5, 0.0f, 1.0f);
  const std::vector<int> labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 7};
  std::unique_ptr<Model> whole = small_net(3), pieces = small_net(3);
  AdamOptions ao;
  ao.lr = 3e-3f;
  Adam opt_whole(whole->parameters(), ao), opt_pieces(pieces->parameters(), ao);
  AccumulatedStep step_whole(*whole, opt_whole, 12), step_pieces(*pieces, opt_pieces, 12);
  REQUIRE(step_pieces.init_status().is_ok());
  const int split[3][2] = {{0, 5}, {5, 4}, {9, 3}};  // unequal pieces: the weights n_i/N matter
  for (int s = 0; s < 3; ++s) {
    bool stepped = false;
    REQUIRE(step_whole.add_micro_batch(x, labels, &stepped).is_ok());
    CHECK(stepped);
    for (int k = 0; k < 3; ++k) {
      const std::vector<int> part(labels.begin() + split[k][0], labels.begin() + split[k][0] + split[k][1]);
      REQUIRE(step_pieces.add_micro_batch(rows(x, split[k][0], split[k][1]), part, &stepped).is_ok());
      CHECK(stepped == (k == 2));
      CHECK(step_pieces.samples_in_step() == (k == 2 ? 0 : split[k][0] + split[k][1]));
    }
    CHECK(step_pieces.last_step().loss == doctest::Approx(step_whole.last_step().loss).epsilon(1e-6));
    CHECK(step_pieces.last_step().correct == step_whole.last_step().correct);
    CHECK(step_pieces.last_step().samples == 12);
  }
  CHECK(opt_pieces.steps() == 3);
  CHECK(max_param_difference(*whole, *pieces) < 1e-6f);
  CHECK(max_param_difference(*whole, *small_net(3)) > 1e-4f);  // the steps did move the weights
}

TEST_CASE("accumulated step: a batch given whole is the plain forward, backward and optimizer step") {
  const Tensor x = random_tensor({12, 1, 6, 6}, 9, 0.0f, 1.0f);
  const std::vector<int> labels = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 1};
  std::unique_ptr<Model> a = small_net(4), b = small_net(4);
  AdamOptions ao;
  ao.lr = 1e-2f;
  ao.weight_decay = 1e-2f;
  ao.decoupled = true;
  Adam opt_a(a->parameters(), ao), opt_b(b->parameters(), ao);
  AccumulatedStep step(*a, opt_a, 12);
  for (int s = 0; s < 2; ++s) {
    bool stepped = false;
    REQUIRE(step.add_micro_batch(x, labels, &stepped).is_ok());
    REQUIRE(stepped);
    b->train();
    Tensor logits, probs, grad;
    float loss = 0;
    REQUIRE(b->forward(x, logits).is_ok());
    REQUIRE(cross_entropy_forward(&loss, &probs, logits, labels).is_ok());
    REQUIRE(cross_entropy_backward(grad, probs, labels).is_ok());
    REQUIRE(b->backward(grad).is_ok());
    REQUIRE(opt_b.step().is_ok());
    CHECK(step.last_step().loss == static_cast<double>(loss));  // bit for bit
  }
  CHECK(max_param_difference(*a, *b) == 0.0f);
}

TEST_CASE("accumulated step: bad micro-batches and a diverged loss are refused in words") {
  std::unique_ptr<Model> m = small_net(1);
  Adam opt(m->parameters(), AdamOptions{});
  CHECK_FALSE(AccumulatedStep(*m, opt, 0).init_status().is_ok());
  AccumulatedStep step(*m, opt, 4);
  bool stepped = true;
  Status st = step.add_micro_batch(random_tensor({5, 1, 6, 6}, 1), {0, 1, 2, 3, 4}, &stepped);
  CHECK_FALSE(st.is_ok());
  CHECK(st.message().find("5 samples does not fit the 4 left") != std::string::npos);
  CHECK_FALSE(stepped);
  st = step.add_micro_batch(random_tensor({3, 1, 6, 6}, 1), {0, 1}, &stepped);
  CHECK(st.message().find("2 labels for an input of shape") != std::string::npos);
  {
    std::unique_ptr<Model> broken = small_net(1);
    Tensor& head_bias = *broken->parameters().back().value;
    head_bias[0] = std::numeric_limits<float>::infinity();  // every logit row holds inf: the loss is not finite
    Adam broken_opt(broken->parameters(), AdamOptions{});
    AccumulatedStep broken_step(*broken, broken_opt, 4);
    st = broken_step.add_micro_batch(random_tensor({2, 1, 6, 6}, 2), {0, 1}, &stepped);
    CHECK(st.message().find("training diverged: loss is") != std::string::npos);
    CHECK(broken_step.samples_in_step() == 0);  // nothing of it was accumulated
    CHECK(broken_opt.steps() == 0);
  }
  REQUIRE(step.add_micro_batch(random_tensor({2, 1, 6, 6}, 3), {0, 1}, &stepped).is_ok());
  CHECK(step.samples_in_step() == 2);
  step.discard_partial_step();
  CHECK(step.samples_in_step() == 0);
  CHECK(step.remaining() == 4);
}

TEST_CASE("run_pieces_within: at least one piece, never one that would overrun the budget") {
  double now = 0;
  int calls = 0;
  auto clock = [&] { return now; };
  auto piece = [&] {
    now += 1.0;  // each piece costs 1 ms
    ++calls;
    return Status::ok();
  };
  int run = 0;
  REQUIRE(run_pieces_within(3.5, clock, piece, &run).is_ok());
  CHECK(run == 3);  // a fourth would end at 4 ms
  CHECK(calls == 3);
  REQUIRE(run_pieces_within(0.0, clock, piece, &run).is_ok());
  CHECK(run == 1);
  calls = 0;
  auto failing = [&] {
    ++calls;
    return calls == 2 ? Status::error("piece 2 failed") : Status::ok();
  };
  Status st = run_pieces_within(100.0, clock, failing, &run);
  CHECK(st.message() == "piece 2 failed");
  CHECK(run == 1);
}
