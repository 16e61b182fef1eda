// test_saliency_receptive_field.cpp — the receptive-field boxes (engine/nn/receptive_field.h) checked
// against the gradient support: the input gradient of one unit is zero outside its computed box and,
// without dilation, reaches every edge of it. Conv stacks with stride, padding, dilation and pools,
// and DigitNet with its SE scales pinned (so only the spatial path is left).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "engine/check.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/layers.h"
#include "engine/nn/pool_layers.h"
#include "engine/nn/residual.h"
#include "engine/nn/receptive_field.h"
#include "engine/nn/squeeze_excite.h"
#include "nn_testing.h"

using namespace cs;

namespace {

// Bounding box of the entries of (1, C, H, W) `g` above `tol` (over all channels).
RfBox support(const Tensor& g, float tol) {
  const int C = g.dim(1), H = g.dim(2), W = g.dim(3);
  RfBox b{H, W, -1, -1};
  for (int c = 0; c < C; ++c)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        if (std::fabs(g.at(0, c, y, x)) > tol) {
          b.y0 = std::min(b.y0, y);
          b.x0 = std::min(b.x0, x);
          b.y1 = std::max(b.y1, y);
          b.x1 = std::max(b.x1, x);
        }
  return b;
}

std::string str(const RfBox& b) { return fmt("[%d, %d .. %d, %d]", b.y0, b.x0, b.y1, b.x1); }

// For every unit of the model output (channel `c`): the box contains the gradient support, and equals it
// when `tight`.
void check_all_units(Model& m, const Tensor& x, const std::string& name, bool tight) {
  Tensor out, gin;
  m.eval();
  REQUIRE(m.forward(x, out).is_ok());
  const int C = out.dim(1), H = out.dim(2), W = out.dim(3);
  int checked = 0;
  for (int y = 0; y < H; ++y)
    for (int xx = 0; xx < W; ++xx) {
      Tensor g(out.shape(), 0.0f);
      g.at(0, C - 1, y, xx) = 1.0f;
      REQUIRE(m.backward(g, &gin).is_ok());
      auto rf = receptive_field(m, name, y, xx);
      REQUIRE_MESSAGE(rf.is_ok(), rf.message());
      const RfBox s = support(gin, 0.0f);
      CAPTURE(y);
      CAPTURE(xx);
      CAPTURE(str(rf->box));
      CAPTURE(str(s));
      if (s.empty()) continue;  // a unit that reads only padding
      CHECK((rf->box.contains(s.y0, s.x0) && rf->box.contains(s.y1, s.x1)));
      if (tight) CHECK(rf->box == s);
      ++checked;
    }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("conv_input_span: the input rows a run of outputs reads, padding taps dropped") {
  // k3 s1 p1 on 5 rows: output 0 reads -1..1 -> 0..1; output 4 reads 3..5 -> 3..4.
  CHECK(conv_input_span(0, 0, 3, 1, 1, 1, 5).lo == 0);
  CHECK(conv_input_span(0, 0, 3, 1, 1, 1, 5).hi == 1);
  CHECK(conv_input_span(4, 4, 3, 1, 1, 1, 5).lo == 3);
  CHECK(conv_input_span(4, 4, 3, 1, 1, 1, 5).hi == 4);
  // k3 s2 p0 d2: output 1 reads 2, 4, 6.
  CHECK(conv_input_span(1, 1, 3, 2, 0, 2, 9).lo == 2);
  CHECK(conv_input_span(1, 1, 3, 2, 0, 2, 9).hi == 6);
  // Outputs 0..2 of k2 s3 p0: 0..7.
  CHECK(conv_input_span(0, 2, 2, 3, 0, 1, 9).hi == 7);
  // Only padding: k1 p2, output 0 reads -2.
  const RfSpan none = conv_input_span(0, 0, 1, 1, 2, 1, 4);
  CHECK(none.lo > none.hi);
}

TEST_CASE("receptive field: strided conv -> average pool -> conv, every unit equals its gradient support") {
  Rng rng(3);
  Model m;
  m.add(LayerPtr(new Conv2d({2, 3, {3, 3}, {2, 2}, {1, 1}, {1, 1}, 1, true}, rng)), "c1");
  AvgPool2dParams ap;
  ap.kernel = {3, 2};
  ap.stride = {1, 1};
  ap.padding = {1, 1};
  m.add(LayerPtr(new AvgPool2d(ap)), "pool");
  m.add(LayerPtr(new Conv2d({3, 2, {2, 3}, {1, 2}, {0, 1}, {1, 1}, 1, false}, rng)), "c2");
  check_all_units(m, cs::test::random_tensor({1, 2, 23, 19}, 4), "c2", /*tight=*/true);
}

TEST_CASE("receptive field: dilated and strided convs with large padding contain the gradient support") {
  Rng rng(5);
  Model m;
  m.add(LayerPtr(new Conv2d({1, 2, {3, 3}, {1, 1}, {3, 2}, {2, 3}, 1, true}, rng)), "c1");
  m.add(LayerPtr(new Conv2d({2, 2, {3, 2}, {2, 3}, {1, 1}, {2, 1}, 1, true}, rng)), "c2");
  check_all_units(m, cs::test::random_tensor({1, 1, 17, 21}, 6), "c2", /*tight=*/false);
}

TEST_CASE("receptive field: a residual block and max pooling contain the gradient support; the skip is tight") {
  Rng rng(9);
  auto body = std::make_unique<Sequential>();
  body->add(LayerPtr(new Conv2d({2, 2, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true}, rng)), "0", "c1");
  body->add(LayerPtr(new Conv2d({2, 2, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true}, rng)), "1", "c2");
  Model m;
  m.add(LayerPtr(new Residual(std::move(body))), "res");
  MaxPool2dParams mp;
  mp.kernel = {2, 2};
  mp.padding = {1, 1};
  m.add(LayerPtr(new MaxPool2d(mp)), "pool");
  check_all_units(m, cs::test::random_tensor({1, 2, 11, 9}, 8), "pool", /*tight=*/false);
  Model r;
  auto body2 = std::make_unique<Sequential>();
  body2->add(LayerPtr(new Conv2d({2, 2, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true}, rng)), "0", "c1");
  r.add(LayerPtr(new Residual(std::move(body2))), "res");
  check_all_units(r, cs::test::random_tensor({1, 2, 7, 8}, 9), "res", /*tight=*/true);
  // Inside the Residual's body: 3x3 pad 1 around (0, 0).
  auto rf = receptive_field(r, "res.body.c1", 0, 0);
  REQUIRE_MESSAGE(rf.is_ok(), rf.message());
  CHECK(rf->name == "res.body.c1");
  CHECK(rf->box == RfBox{0, 0, 1, 1});
}

TEST_CASE("receptive field: DigitNet layers — the box equals the gradient support once SE scales are pinned") {
  std::unique_ptr<Model> model = make_digitnet_model(7);
  model->eval();
  Tensor x = cs::test::random_tensor({1, 1, 28, 28}, 3, 0.0f, 1.0f), logits;
  REQUIRE(model->forward(x, logits).is_ok());
  Sequential& root = model->root();
  Sequential& stem = dynamic_cast<Sequential&>(root.child(0));
  Sequential& blocks = dynamic_cast<Sequential&>(root.child(1));
  Layer& head = root.child(2);

  struct Case {
    std::string name;
    int y, x;
    std::function<Status(const Tensor&, Tensor&)> back;  // gradient at the point -> gradient at the input
    RfBox want;
  };
  // Backward through the parts in reverse; each part kept its input from the forward above.
  auto through = [&](std::vector<Layer*> layers) {
    return [layers](const Tensor& g, Tensor& gin) {
      Tensor a = g, b;
      for (Layer* l : layers) {
        CS_RETURN_IF_ERROR(l->backward(a, b));
        a = b;
      }
      gin = a;
      return Status::ok();
    };
  };
  std::vector<Layer*> upto_block[5];
  upto_block[0] = {&stem};
  for (int k = 1; k <= 4; ++k) {
    upto_block[k] = {&blocks.child(static_cast<size_t>(k - 1))};
    upto_block[k].insert(upto_block[k].end(), upto_block[k - 1].begin(), upto_block[k - 1].end());
  }
  std::vector<Layer*> upto_head = {&head};
  upto_head.insert(upto_head.end(), upto_block[4].begin(), upto_block[4].end());
  // Expected boxes by hand, back through stem 3x3 p1 (+-1), block1 dw 3x3 s2 p1 (2y-1..2y+1), block2 +-1,
  // block3 s2, block4 +-1, head 1x1, clipped to each map: e.g. head (3, 3) -> 2..4 -> 3..9 -> 2..10 ->
  // 3..21 -> 2..22.
  const std::vector<Case> cases = {
      {"stem", 0, 0, through(upto_block[0]), {0, 0, 1, 1}},
      {"stem", 10, 27, through(upto_block[0]), {9, 26, 11, 27}},
      {"block1", 5, 6, through(upto_block[1]), {8, 10, 12, 14}},
      {"block2", 5, 6, through(upto_block[2]), {6, 8, 14, 16}},
      {"block3", 3, 3, through(upto_block[3]), {6, 6, 18, 18}},
      {"block4", 0, 6, through(upto_block[4]), {0, 14, 10, 27}},
      {"head", 3, 3, through(upto_head), {2, 2, 22, 22}},
  };
  // The SE blocks read the whole map: with their scales pinned (an override has no gradient) the
  // support is the spatial path only; without, a unit after block1's SE depends on every pixel.
  std::vector<SeBlock> se = digitnet_se_blocks(*model);
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto rf = receptive_field(*model, c.name, c.y, c.x);
    REQUIRE_MESSAGE(rf.is_ok(), rf.message());
    CHECK_MESSAGE(rf->box == c.want, str(rf->box) << " want " << str(c.want));
    CHECK((rf->global_via.empty() == (c.name == "stem")));
    const Tensor* act = nullptr;
    Trace trace;
    for (int pinned = 0; pinned < 2; ++pinned) {
      for (const SeBlock& b : se)
        for (int ch = 0; ch < b.se->channels(); ++ch) {
          if (pinned) REQUIRE(b.se->set_excitation_override(ch, 0.5f + 0.01f * ch).is_ok());
          else b.se->clear_excitation_override(ch);
        }
      REQUIRE(model->forward(x, logits, &trace).is_ok());
      act = trace.find(c.name);
      REQUIRE(act != nullptr);
      Tensor g(act->shape(), 0.0f), gin;
      g.at(0, 1, c.y, c.x) = 1.0f;
      REQUIRE(c.back(g, gin).is_ok());
      const RfBox s = support(gin, 0.0f);
      CAPTURE(pinned);
      CAPTURE(str(s));
      if (pinned || c.name == "stem") CHECK(s == rf->box);
      else CHECK(s == RfBox{0, 0, 27, 27});  // the SE path reaches everything
    }
    for (const SeBlock& b : se) b.se->clear_excitation_overrides();
  }
}

TEST_CASE("receptive field: names inside a layer fall back to the layer; errors name the point and the unit") {
  std::unique_ptr<Model> model = make_digitnet_model(7);
  model->eval();
  CHECK_FALSE(receptive_field(*model, "stem", 0, 0).is_ok());  // no forward pass yet
  Tensor x = cs::test::random_tensor({1, 1, 28, 28}, 3, 0.0f, 1.0f), logits;
  REQUIRE(model->forward(x, logits).is_ok());
  auto a = receptive_field(*model, "block2.residual", 4, 4);
  auto b = receptive_field(*model, "block2", 4, 4);
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  CHECK(a->name == "block2");
  CHECK(a->box == b->box);
  auto in = receptive_field(*model, "input", 3, 4);
  REQUIRE(in.is_ok());
  CHECK(in->box == RfBox{3, 4, 3, 4});
  auto fc = receptive_field(*model, "fc", 0, 0);
  REQUIRE(fc.is_ok());
  CHECK(fc->box == RfBox{0, 0, 27, 27});
  auto bad = receptive_field(*model, "block1", 14, 0);
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.message().find("(14, 0)") != std::string::npos);
  CHECK(bad.message().find("14x14") != std::string::npos);
  CHECK(receptive_field(*model, "neck", 0, 0).message().find("'neck'") != std::string::npos);
}
