// test_saliency.cpp — input-gradient saliency and Grad-CAM (engine/nn/saliency.h) against PyTorch's
// (tests/golden/saliency_torch.py, shipped weights), a finite-difference check of the input gradient,
// Model::output_gradient at named points, bilinear resizing, and no side effects on training state.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>

#include "engine/check.h"
#include "engine/data/npy.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/layers.h"
#include "engine/nn/saliency.h"
#include "nn_testing.h"
#include "skip.h"

using namespace cs;
using cs::test::check_close;

namespace {

const std::string kDir = std::string(CS_TEST_DATA_DIR) + "/golden/digitnet/";
const std::string kShipped = std::string(CS_SOURCE_DIR) + "/assets/digitnet.safetensors";

bool exists(const std::string& p) { return std::ifstream(p).good(); }

Tensor load(const std::string& name) {
  Result<Tensor> t = npy_read(kDir + name);
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  return std::move(t).value();
}

}  // namespace

TEST_CASE("resize_bilinear: PyTorch's F.interpolate(bilinear, align_corners=False) on a 2x3 -> 3x5 case") {
  Tensor in({2, 3}, {0, 1, 4, 2, 3, -1});
  Tensor out;
  REQUIRE(resize_bilinear(in, 3, 5, out).is_ok());
  // Values printed by torch 1.13 for the same call.
  Tensor want({3, 5}, {0.0f, 0.4f, 1.0f, 2.8f, 4.0f, 1.0f, 1.4f, 2.0f, 1.7f, 1.5f, 2.0f, 2.4f, 3.0f, 0.6f, -1.0f});
  CHECK(check_close(out, want, 1e-5f, 1e-5f, "resize 2x3 -> 3x5"));
  CHECK_FALSE(resize_bilinear(Tensor({1, 2, 3}), 4, 4, out).is_ok());
  CHECK_FALSE(resize_bilinear(in, 0, 4, out).is_ok());
}

TEST_CASE("saliency: input gradient and Grad-CAM of DigitNet (shipped weights) match PyTorch (1e-4)") {
  if (!exists(kShipped) || !exists(kDir + "saliency.json")) {
    CS_SKIP("no shipped weights or saliency fixture (tests/golden/saliency_torch.py)");
  }
  auto model = load_digitnet(kShipped);
  REQUIRE_MESSAGE(model.is_ok(), model.message());
  std::ifstream f(kDir + "saliency.json");
  const nlohmann::json spec = nlohmann::json::parse(f);
  const Tensor x = load(spec["input"].get<std::string>());
  REQUIRE(spec["cases"].size() == 2);
  SaliencyMaps maps;
  for (const auto& c : spec["cases"]) {
    const int cls = c["class"].get<int>();
    const std::string base = c["files"].get<std::string>();
    CAPTURE(cls);
    REQUIRE(compute_saliency(**model, x, cls, "head", maps).is_ok());
    CHECK(maps.cls == cls);
    CHECK(check_close(maps.input_gradient, load(base + ".input_grad.npy"), 1e-4f, 1e-3f, base + " input gradient"));
    CHECK(check_close(maps.cam, load(base + ".cam.npy"), 1e-4f, 1e-3f, base + " Grad-CAM 7x7"));
    CHECK(check_close(maps.cam_upsampled, load(base + ".cam_up.npy"), 1e-4f, 1e-3f, base + " Grad-CAM 28x28"));
  }
  // The fixture's first class is torch's prediction; the engine agrees.
  REQUIRE(compute_saliency(**model, x, 0, "head", maps).is_ok());
  const auto& l = maps.logits.values();
  CHECK(static_cast<int>(std::max_element(l.begin(), l.end()) - l.begin()) == spec["predicted"].get<int>());
}

TEST_CASE("saliency: the input gradient agrees with central differences of the class logit") {
  std::unique_ptr<Model> model = make_digitnet_model(11);
  // Non-trivial BatchNorm statistics so eval mode is not an identity.
  for (NamedTensor& t : model->state_dict())
    if (t.name.find("running_var") != std::string::npos) t.value->fill(0.7f);
  Tensor x = cs::test::random_tensor({1, 1, 28, 28}, 5, 0.0f, 1.0f);
  SaliencyMaps maps;
  const int cls = 3;
  REQUIRE(compute_saliency(*model, x, cls, "head", maps).is_ok());
  model->eval();
  Tensor logits;
  auto score = [&]() -> double {
    REQUIRE(model->forward(x, logits).is_ok());
    return logits[static_cast<size_t>(cls)];
  };
  // SiLU and eval-mode BatchNorm are smooth: no kinks to skip. 97 spread pixels keep it quick in wasm.
  cs::test::check_gradient_all(x, maps.input_gradient, score, "d logit_3 / d input", 1e-2f, 2e-3f, 2e-2f, 0.0, 97);
}

TEST_CASE("saliency: DigitNet's gradient at 'head' is fc.weight[cls] / 49 at every position (global average pool)") {
  std::unique_ptr<Model> model = make_digitnet_model(3);
  Tensor x = cs::test::random_tensor({1, 1, 28, 28}, 9, 0.0f, 1.0f);
  SaliencyMaps maps;
  const int cls = 6;
  REQUIRE(compute_saliency(*model, x, cls, "head", maps).is_ok());
  const Tensor* g = model->output_gradient("head");
  REQUIRE(g != nullptr);
  REQUIRE(g->shape() == Shape{1, 128, 7, 7});
  const Tensor* fc_w = nullptr;
  for (NamedTensor& t : model->state_dict())
    if (t.name == "fc.weight") fc_w = t.value;
  REQUIRE(fc_w != nullptr);
  Tensor want({1, 128, 7, 7});
  for (int k = 0; k < 128; ++k)
    for (int i = 0; i < 49; ++i) want[static_cast<size_t>(k) * 49 + i] = (*fc_w)[static_cast<size_t>(cls) * 128 + k] / 49.0f;
  CHECK(check_close(*g, want, 1e-7f, 1e-5f, "gradient at head"));
  for (int k = 0; k < 128; ++k) CHECK(maps.cam_weights[k] == doctest::Approx(want[static_cast<size_t>(k) * 49]).epsilon(1e-5));
  // Grad-CAM is the ReLU of the alpha-weighted sum of the head activation.
  const Tensor& head = *maps.trace.find("head");
  for (int i = 0; i < 49; ++i) {
    double s = 0;
    for (int k = 0; k < 128; ++k) s += maps.cam_weights[k] * head[static_cast<size_t>(k) * 49 + i];
    CHECK(maps.cam[static_cast<size_t>(i)] == doctest::Approx(std::max(0.0, s)).epsilon(1e-4));
  }
}

TEST_CASE("Model::output_gradient: named points through Sequentials and MBConv blocks") {
  std::unique_ptr<Model> model = make_digitnet_model(1);
  model->eval();
  Tensor x = cs::test::random_tensor({1, 1, 28, 28}, 2, 0.0f, 1.0f), logits, gin;
  REQUIRE(model->forward(x, logits).is_ok());
  Tensor g(logits.shape(), 0.0f);
  g[2] = 1.0f;
  REQUIRE(model->backward(g, &gin).is_ok());
  // Same tensor shapes as the activations; the last part of a container shares the container's gradient.
  Trace trace;
  REQUIRE(model->forward(x, logits, &trace).is_ok());
  for (const char* name : {"stem.conv", "stem.bn", "stem.act", "stem", "block1.depthwise.conv", "block1.se", "block1",
                           "block2.expand.act", "block2.project", "block4", "head.conv", "head", "pool", "flatten"}) {
    CAPTURE(name);
    const Tensor* t = model->output_gradient(name);
    REQUIRE(t != nullptr);
    CHECK(t->shape() == trace.find(name)->shape());
  }
  CHECK(model->output_gradient("stem.act") == model->output_gradient("stem"));
  CHECK(model->output_gradient("head.act") == model->output_gradient("head"));
  // The MBConv's inner block ends with 'project': its output gradient is the block's (the skip adds x).
  CHECK(model->output_gradient("block2.project")->values() == model->output_gradient("block2")->values());
  CHECK(model->output_gradient("fc") == nullptr);  // the model output: backward's own argument
  CHECK(model->output_gradient("nope") == nullptr);
  CHECK(model->output_gradient("block9") == nullptr);
  CHECK(model->output_gradient("stem.conv.weight") == nullptr);
}

TEST_CASE("saliency: leaves parameter gradients, training mode and BatchNorm statistics as they were") {
  std::unique_ptr<Model> model = make_digitnet_model(4);
  model->train();
  Tensor xb = cs::test::random_tensor({2, 1, 28, 28}, 8, 0.0f, 1.0f), logits;
  REQUIRE(model->forward(xb, logits).is_ok());
  Tensor g = cs::test::random_tensor(logits.shape(), 12);
  REQUIRE(model->backward(g).is_ok());
  std::vector<Tensor> grads, state;
  for (NamedTensor& t : model->parameters()) grads.push_back(*t.grad);
  for (NamedTensor& t : model->state_dict()) state.push_back(*t.value);
  SaliencyMaps maps;
  REQUIRE(compute_saliency(*model, cs::test::random_tensor({1, 1, 28, 28}, 13, 0.0f, 1.0f), 1, "head", maps).is_ok());
  CHECK(model->training());
  size_t i = 0;
  for (NamedTensor& t : model->parameters()) CHECK_MESSAGE(t.grad->values() == grads[i++].values(), t.name);
  i = 0;
  for (NamedTensor& t : model->state_dict()) CHECK_MESSAGE(t.value->values() == state[i++].values(), t.name);
}

TEST_CASE("saliency: errors name the bad value") {
  std::unique_ptr<Model> model = make_digitnet_model(1);
  SaliencyMaps maps;
  Status s = compute_saliency(*model, Tensor({2, 1, 28, 28}), 0, "head", maps);
  CHECK(s.message().find("(2, 1, 28, 28)") != std::string::npos);
  s = compute_saliency(*model, Tensor({1, 1, 28, 28}), 10, "head", maps);
  CHECK(s.message().find("got 10") != std::string::npos);
  s = compute_saliency(*model, Tensor({1, 1, 28, 28}), 0, "neck", maps);
  CHECK(s.message().find("'neck'") != std::string::npos);
  s = compute_saliency(*model, Tensor({1, 1, 28, 28}), 0, "flatten", maps);
  CHECK(s.message().find("(1, 128)") != std::string::npos);
}

#if !defined(__EMSCRIPTEN__)
#include <cstdio>
// `convscope saliency --mnist --json` on the fixture's PNG gives PyTorch's maps too (native only: the
// wasm test runner cannot start processes).
TEST_CASE("saliency: convscope saliency IMAGE --mnist --json gives PyTorch's maps (1e-4)") {
  const std::string png = kDir + "saliency_input.png";
  if (!exists(kShipped) || !exists(png) || !exists(CS_CLI_PATH)) {
    CS_SKIP("no shipped weights, fixture PNG or CLI (" CS_CLI_PATH ")");
  }
  for (int cls : {7, 0}) {
    const std::string cmd = std::string(CS_CLI_PATH) + " saliency '" + png + "' --mnist --json --class " +
                            std::to_string(cls) + " --weights '" + kShipped + "'";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    REQUIRE(pclose(p) == 0);
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), text.substr(0, 200));
    CHECK(j["class"] == cls);
    CHECK(j["predicted"] == 7);
    const std::string base = "saliency_" + std::to_string(cls);
    Tensor grad = load(base + ".input_grad.npy"), cam = load(base + ".cam_up.npy");
    CHECK(check_close(Tensor({1, 1, 28, 28}, j["input_gradient"].get<std::vector<float>>()), grad, 1e-4f, 1e-3f,
                      "CLI " + base + " input gradient"));
    CHECK(check_close(Tensor({28, 28}, j["grad_cam"].get<std::vector<float>>()), cam, 1e-4f, 1e-3f, "CLI " + base + " Grad-CAM"));
    // The saliency map is |input gradient| of the CLI's own gradient (PyTorch's is checked above, within 1e-4).
    std::vector<float> mag = j["saliency"].get<std::vector<float>>();
    const std::vector<float> own = j["input_gradient"].get<std::vector<float>>();
    REQUIRE(mag.size() == own.size());
    for (size_t i = 0; i < mag.size(); ++i) REQUIRE(mag[i] == doctest::Approx(std::fabs(own[i])).epsilon(1e-3).scale(1e-4));
  }
}
#endif

TEST_CASE("default_cam_layer: the last top-level part with a spatial map, inside transparent containers") {
  std::unique_ptr<Model> model = make_digitnet_model(1);
  CHECK(default_cam_layer(*model) == "");  // no forward pass yet: no shapes
  Tensor logits;
  REQUIRE(model->forward(Tensor({1, 1, 28, 28}, 0.5f), logits).is_ok());
  CHECK(default_cam_layer(*model) == "head");
  Rng rng(1);
  Model m;
  auto blocks = std::make_unique<Sequential>();
  blocks->add(LayerPtr(new Conv2d({1, 2, {3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true}, rng)), "0", "b1");
  m.add(std::move(blocks), "blocks", std::string());
  m.add(LayerPtr(new Flatten()), "flatten");
  REQUIRE(m.forward(Tensor({1, 1, 5, 5}, 0.5f), logits).is_ok());
  CHECK(default_cam_layer(m) == "b1");
}
