// test_model.cpp — the Model container: Trace names, state_dict names/shapes in PyTorch order,
// load_state_dict errors, train/eval propagation, end-to-end gradients, and errors that name shapes.
#include <doctest/doctest.h>

#include <algorithm>

#include "engine/nn/convnext_block.h"
#include "engine/nn/mbconv.h"
#include "engine/nn/model.h"
#include "engine/nn/pool_layers.h"
#include "engine/nn/residual.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/nn/walk.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

// stem -> blocks (MBConv, MBConv with SE, ConvNeXt) -> head, as the app's small CNN might be.
static Model make_model(Rng& rng) {
  Model m;
  Conv2dOptions stem;
  stem.in_channels = 1;
  stem.out_channels = 8;
  stem.padding = {1, 1};
  stem.stride = {2, 2};
  m.add(conv_bn_act(stem, Activation::SiLU, rng), "stem");
  auto blocks = std::make_unique<Sequential>();
  MBConvOptions b1;
  b1.in_channels = 8;
  b1.out_channels = 8;
  b1.expand_ratio = 2;
  b1.se_ratio = 0.0f;
  blocks->add(LayerPtr(new MBConv(b1, rng)), "0", std::string("block1"));
  MBConvOptions b2 = b1;
  b2.se_ratio = 0.25f;
  blocks->add(LayerPtr(new MBConv(b2, rng)), "1", std::string("block2"));
  ConvNeXtBlockOptions b3;
  b3.dim = 8;
  b3.layer_scale_init = 0.5f;
  blocks->add(LayerPtr(new ConvNeXtBlock(b3, rng)), "2", std::string("block3"));
  m.add(std::move(blocks), "blocks", std::string(""));  // transparent: trace names "block2.se..."
  auto head = std::make_unique<Sequential>();
  head->add(LayerPtr(new AdaptiveAvgPool2d()), "0", std::string("pool"));
  head->add(LayerPtr(new Flatten()), "1", std::string("flatten"));
  head->add(LayerPtr(new Linear(8, 10, rng)), "2", std::string("fc"));
  m.add(std::move(head), "head");
  return m;
}

TEST_CASE("Model records every activation by name in a Trace") {
  Rng rng(1);
  Model m = make_model(rng);
  Tensor x = random_tensor({2, 1, 8, 8}, 2), y;
  Trace trace;
  REQUIRE(m.forward(x, y, &trace).is_ok());
  CHECK(y.shape() == Shape{2, 10});
  std::vector<std::string> names = trace.names();
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  CHECK(names.front() == "input");
  CHECK(has("stem"));
  CHECK(has("stem.conv"));
  CHECK(has("stem.bn"));
  CHECK(has("stem.act"));
  CHECK(has("block1"));
  CHECK(has("block1.expand.conv"));
  CHECK(has("block2.se.excitation"));
  CHECK(has("block2.se.scale"));
  CHECK(has("block3.pwconv1"));
  CHECK(has("head.fc"));
  CHECK_FALSE(has("blocks"));
  CHECK(trace.find("stem.conv")->shape() == Shape{2, 8, 4, 4});
  CHECK(trace.find("block2.se.excitation")->shape() == Shape{2, 16});
  CHECK(check_close(*trace.find("head.fc"), y, 0, 0, "trace holds the logits"));
  // Tracing again reuses the storage and gives the same names.
  const Tensor* first = trace.find("stem.conv");
  REQUIRE(m.forward(x, y, &trace).is_ok());
  CHECK(trace.names() == names);
  CHECK(trace.find("stem.conv") == first);
}

TEST_CASE("Model state_dict has PyTorch names and shapes in registration order") {
  Rng rng(3);
  Model m = make_model(rng);
  std::vector<NamedTensor> sd = m.state_dict();
  REQUIRE(sd.size() > 10);
  CHECK(sd[0].name == "stem.0.weight");
  CHECK(sd[0].value->shape() == Shape{8, 1, 3, 3});
  CHECK(sd[1].name == "stem.1.weight");
  CHECK(sd[3].name == "stem.1.running_mean");
  auto find = [&](const std::string& n) -> NamedTensor* {
    for (auto& t : sd)
      if (t.name == n) return &t;
    return nullptr;
  };
  REQUIRE(find("blocks.1.block.2.fc1.bias") != nullptr);
  CHECK(find("blocks.1.block.2.fc1.bias")->value->shape() == Shape{2});
  REQUIRE(find("blocks.2.layer_scale") != nullptr);
  REQUIRE(find("head.2.weight") != nullptr);
  CHECK(find("head.2.weight")->value->shape() == Shape{10, 8});
  CHECK(sd.back().name == "head.2.bias");
  int64_t expected = 0;
  for (auto& t : sd)
    if (t.trainable) expected += static_cast<int64_t>(t.value->numel());
  CHECK(m.parameter_count() == expected);
  CHECK(m.parameters().size() < sd.size());  // buffers are not parameters
}

TEST_CASE("load_state_dict copies by name and refuses wrong keys or shapes") {
  Rng a(4), b(5);
  Model src = make_model(a), dst = make_model(b);
  std::vector<LoadedTensor> file;
  for (auto& t : src.state_dict()) file.push_back({t.name, *t.value});
  REQUIRE(load_state_dict(dst, file).is_ok());
  Tensor x = random_tensor({2, 1, 8, 8}, 6), ys, yd;
  src.eval();
  dst.eval();
  REQUIRE(src.forward(x, ys).is_ok());
  REQUIRE(dst.forward(x, yd).is_ok());
  CHECK(check_close(yd, ys, 0, 0, "same weights, same output"));

  std::vector<LoadedTensor> bad = file;
  bad[0].value = Tensor({8, 1, 5, 5});
  Status s = load_state_dict(dst, bad);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "state_dict key 'stem.0.weight': shape (8, 1, 5, 5) in the file, (8, 1, 3, 3) in the model");
  bad = file;
  bad.erase(bad.begin());
  CHECK(load_state_dict(dst, bad).message() == "state_dict is missing key 'stem.0.weight'");
  CHECK(load_state_dict(dst, bad, /*strict=*/false).is_ok());
  bad = file;
  bad.push_back({"extra.weight", Tensor({1})});
  CHECK(load_state_dict(dst, bad).message() == "state_dict has unexpected key 'extra.weight'");
}

TEST_CASE("Model train/eval reaches every layer and backward matches finite differences") {
  Rng rng(7);
  Model m = make_model(rng);
  m.eval();
  CHECK_FALSE(m.training());
  Tensor x = random_tensor({2, 1, 8, 8}, 8);
  Tensor y, y2;
  REQUIRE(m.forward(x, y).is_ok());
  REQUIRE(m.forward(x, y2).is_ok());
  CHECK(check_close(y2, y, 0, 0, "eval is deterministic (BN running stats untouched)"));
  // Whole-model gradient w.r.t. the input and a few parameters, in train mode.
  SingleThreaded single;
  m.train();
  Tensor up = random_tensor({2, 10}, 9), gx;
  REQUIRE(m.forward(x, y).is_ok());
  REQUIRE(m.backward(up, &gx).is_ok());
  CHECK(gx.shape() == x.shape());
  Tensor tmp;
  auto loss = [&] {
    REQUIRE(m.forward(x, tmp).is_ok());
    return dot(tmp, up);
  };
  std::vector<NamedTensor> params = m.parameters();
  std::vector<Tensor> grads;
  for (auto& p : params) grads.push_back(*p.grad);
  check_gradient_all(x, gx, loss, "model grad_input", 1e-2f, 2e-3f, 2e-2f, 0.05, 48);
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].name == "stem.0.weight" || params[i].name == "blocks.1.block.2.fc2.weight" ||
        params[i].name == "blocks.2.layer_scale" || params[i].name == "head.2.bias")
      check_gradient_all(*params[i].value, grads[i], loss, "model " + params[i].name, 1e-2f, 2e-3f, 2e-2f, 0.05, 48);
}

TEST_CASE("Model errors name the failing part and the shapes") {
  Rng rng(10);
  Model m = make_model(rng);
  Tensor y;
  Status s = m.forward(Tensor({2, 3, 8, 8}), y);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("(stem)") != std::string::npos);
  CHECK(s.message().find("(2, 3, 8, 8)") != std::string::npos);
  s = m.forward(Tensor({2, 1, 8}), y);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("got (2, 1, 8)") != std::string::npos);
  REQUIRE(m.forward(random_tensor({2, 1, 8, 8}, 11), y).is_ok());
  s = m.backward(Tensor({2, 9}));
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("(2, 9)") != std::string::npos);
  CHECK(m.describe().find("(stem): Sequential(") != std::string::npos);
}

TEST_CASE("Model MACs of the last forward equal the sum of cost.h's per-layer formulas") {
  Rng rng(12);
  Model m;
  Conv2dOptions c;
  c.in_channels = 1;
  c.out_channels = 4;
  c.padding = {1, 1};
  m.add(LayerPtr(new Conv2d(c, rng)), "conv");
  m.add(make_activation(Activation::ReLU), "relu");
  m.add(LayerPtr(new Flatten()), "flatten");
  m.add(LayerPtr(new Linear(4 * 6 * 6, 10, rng)), "fc");
  CHECK(m.macs() == 0);  // nothing run yet
  Tensor y;
  REQUIRE(m.forward(random_tensor({3, 1, 6, 6}, 13), y).is_ok());
  CHECK(m.macs() == 3LL * 4 * 36 * 9 + 3LL * 144 * 10);
}

TEST_CASE("every layer survives hostile shapes: errors, never crashes (run under ASan/UBSan too)") {
  Rng rng(14);
  std::vector<LayerPtr> layers;
  Conv2dOptions c;
  c.in_channels = 2;
  c.out_channels = 2;
  c.padding = {1, 1};
  layers.emplace_back(new Conv2d(c, rng));
  ConvTranspose2dOptions t;
  t.in_channels = 2;
  t.out_channels = 2;
  layers.emplace_back(new ConvTranspose2d(t, rng));
  layers.emplace_back(new BatchNorm2d(2));
  layers.emplace_back(new LayerNorm2d(2));
  layers.emplace_back(make_activation(Activation::GELU));
  layers.emplace_back(make_activation(Activation::Sigmoid));
  layers.emplace_back(new Linear(2, 3, rng));
  layers.emplace_back(new PointwiseLinear(2, 3, rng));
  layers.emplace_back(new Flatten());
  layers.emplace_back(new Dropout(0.5f, 1));
  layers.emplace_back(new MaxPool2d(MaxPool2dParams{}));
  layers.emplace_back(new AvgPool2d(AvgPool2dParams{}));
  layers.emplace_back(new AdaptiveAvgPool2d());
  layers.emplace_back(new SqueezeExcite(2, 1, rng));
  MBConvOptions mb;
  mb.in_channels = 2;
  mb.out_channels = 2;
  mb.expand_ratio = 2;
  layers.emplace_back(new MBConv(mb, rng));
  ConvNeXtBlockOptions cn;
  cn.dim = 2;
  layers.emplace_back(new ConvNeXtBlock(cn, rng));
  const Shape shapes[] = {{}, {0}, {2}, {2, 2}, {0, 2}, {3, 2}, {2, 0, 3, 3}, {0, 2, 3, 3}, {1, 2, 0, 3},
                          {1, 2, 1, 1}, {2, 2, 4, 4}, {1, 3, 4, 4}, {1, 2, 3, 4, 5}};
  for (auto& l : layers) {
    for (const Shape& s : shapes) {
      std::string who = l->type();
      CAPTURE(who);
      CAPTURE(shape_str(s));
      Tensor x = random_tensor(s, 15), y, gx;
      Status fs = l->forward(x, y);
      if (!fs) {
        CHECK_FALSE(fs.message().empty());
        continue;
      }
      // A gradient of the wrong shape must be refused, not read out of bounds.
      Tensor wrong = random_tensor({static_cast<int>(y.numel()) + 3}, 16);
      CHECK_FALSE(l->backward(wrong, gx).is_ok());
      Status ok = l->backward(random_tensor(y.shape(), 17), gx);
      CHECK_MESSAGE(ok.is_ok(), who << " " << shape_str(s) << ": " << ok.message());
      if (ok) CHECK(gx.shape() == x.shape());
    }
  }
}

// The one walk of the layer tree (walk.h): every layer once, in forward order, under the name its
// activations are traced with — so the SE blocks, convolutions and receptive fields the app finds
// through it are the ones the Trace shows.
TEST_CASE("walk_layers finds every layer under its Trace name, inside MBConv, ConvNeXt and Residual blocks") {
  Rng rng(3);
  Model m = make_model(rng);
  Conv2dOptions c;
  c.in_channels = 10;
  c.out_channels = 10;
  c.padding = {1, 1};
  auto body = std::make_unique<Sequential>();
  body->add(LayerPtr(new Conv2d(c, rng)), "0", std::string("conv"));
  body->add(LayerPtr(new SqueezeExcite(10, 4, rng)), "1", std::string("se"));
  Conv2dOptions sc = c;
  sc.kernel_size = {1, 1};
  sc.padding = {0, 0};
  Model r;
  Conv2dOptions stem = c;
  stem.in_channels = 1;
  r.add(LayerPtr(new Conv2d(stem, rng)), "stem");
  r.add(LayerPtr(new Residual(std::move(body), LayerPtr(new Conv2d(sc, rng)))), "res");

  for (Model* model : {&m, &r}) {
    Tensor x = random_tensor({1, 1, 8, 8}, 4), y;
    Trace trace;
    REQUIRE(model->forward(x, y, &trace).is_ok());
    const std::vector<std::string> names = trace.names();
    auto traced = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    int visits = 0;
    walk_layers(model->root(), [&](Layer& l, const std::string& path) {
      if (visits++ == 0) CHECK(path.empty());  // the root first
      (void)l;
    });
    const auto ses = find_layers<SqueezeExcite>(model->root());
    const auto convs = find_layers<Conv2d>(model->root());
    for (const auto& se : ses) {
      CAPTURE(se.first);
      CHECK(traced(se.first + ".excitation"));
    }
    for (const auto& conv : convs) {
      CAPTURE(conv.first);
      CHECK(traced(conv.first));
    }
    if (model == &m) {
      REQUIRE(ses.size() == 1);
      CHECK(ses[0].first == "block2.se");
      CHECK(convs.size() == 1 + 3 + 3 + 1);  // stem, MBConv expand/dw/project (x2 minus SE's FCs), ConvNeXt dwconv
    } else {
      REQUIRE(ses.size() == 1);
      CHECK(ses[0].first == "res.body.se");
      REQUIRE(convs.size() == 3);
      CHECK(convs[1].first == "res.body.conv");
      CHECK(convs[2].first == "res.shortcut");
    }
  }
}
