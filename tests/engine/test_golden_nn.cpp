// test_golden_nn.cpp — ops, blocks and optimizers against PyTorch golden data written by
// tests/golden/make_golden_nn.py (torch 1.13, fixed seeds). Blocks are loaded by their state_dict
// keys, so this also checks that our names and shapes are torchvision's.
#include <doctest/doctest.h>

#include <fstream>

#include "engine/data/npy.h"
#include "engine/nn/convnext_block.h"
#include "engine/nn/mbconv.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/ops/activation.h"
#include "engine/ops/linear.h"
#include "engine/ops/loss.h"
#include "engine/ops/norm.h"
#include "engine/train/optimizer.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

static std::string nn_golden(const std::string& rel) { return std::string(CS_TEST_DATA_DIR) + "/golden/nn/" + rel; }

static Tensor g(const std::string& rel) {
  Result<Tensor> t = npy_read(nn_golden(rel) + ".npy");
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  return std::move(t).value();
}

static std::vector<int> labels_of(const Tensor& t) {
  std::vector<int> out;
  for (float v : t.values()) out.push_back(static_cast<int>(v));
  return out;
}

TEST_CASE("golden: activations and softmax match PyTorch") {
  Tensor x = g("act/x"), gy = g("act/gy");
  struct Case {
    const char* name;
    Activation a;
  };
  for (Case c : {Case{"relu", Activation::ReLU}, Case{"gelu", Activation::GELU}, Case{"silu", Activation::SiLU},
                 Case{"sigmoid", Activation::Sigmoid}}) {
    Tensor y, gx;
    REQUIRE(activation_forward(c.a, y, x).is_ok());
    REQUIRE(activation_backward(c.a, gx, gy, x, y).is_ok());
    check_close(y, g(std::string("act/") + c.name + "_y"), 1e-6f, 1e-5f, std::string(c.name) + " forward");
    check_close(gx, g(std::string("act/") + c.name + "_gx"), 1e-6f, 1e-5f, std::string(c.name) + " backward");
  }
  Tensor y, gx;
  REQUIRE(softmax_forward(y, x).is_ok());
  REQUIRE(softmax_backward(gx, gy, y).is_ok());
  check_close(y, g("act/softmax_y"), 1e-7f, 1e-5f, "softmax forward");
  check_close(gx, g("act/softmax_gx"), 1e-6f, 1e-5f, "softmax backward");
}

TEST_CASE("golden: cross entropy matches F.cross_entropy") {
  Tensor logits = g("act/ce_logits");
  std::vector<int> labels = labels_of(g("act/ce_labels"));
  float loss = 0;
  Tensor probs, grad;
  REQUIRE(cross_entropy_forward(&loss, &probs, logits, labels).is_ok());
  REQUIRE(cross_entropy_backward(grad, probs, labels).is_ok());
  CHECK(loss == doctest::Approx(g("act/ce_loss")[0]).epsilon(1e-6));
  check_close(grad, g("act/ce_grad"), 1e-7f, 1e-5f, "cross entropy grad");
}

TEST_CASE("golden: Linear matches nn.Linear") {
  Tensor y, gx, gw, gb;
  Tensor b = g("linear/b");
  REQUIRE(linear_forward(y, g("linear/x"), g("linear/w"), &b).is_ok());
  REQUIRE(linear_backward(&gx, &gw, &gb, g("linear/gy"), g("linear/x"), g("linear/w")).is_ok());
  check_close(y, g("linear/y"), 1e-6f, 1e-5f, "linear y");
  check_close(gx, g("linear/gx"), 1e-6f, 1e-5f, "linear gx");
  check_close(gw, g("linear/gw"), 1e-6f, 1e-5f, "linear gw");
  check_close(gb, g("linear/gb"), 1e-6f, 1e-5f, "linear gb");
}

TEST_CASE("golden: BatchNorm2d train and eval match PyTorch, running stats included") {
  Tensor x = g("bn/x"), gy = g("bn/gy"), w = g("bn/weight"), b = g("bn/bias");
  Tensor rm = g("bn/running_mean"), rv = g("bn/running_var");
  Tensor y, mean, invstd, gx, gw, gb;
  REQUIRE(batchnorm2d_forward_train(y, mean, invstd, x, w, b, &rm, &rv).is_ok());
  REQUIRE(batchnorm2d_backward_train(&gx, &gw, &gb, gy, x, w, mean, invstd).is_ok());
  check_close(y, g("bn/y_train"), 1e-5f, 1e-5f, "bn train y");
  check_close(rm, g("bn/running_mean_after"), 1e-6f, 1e-5f, "bn running_mean");
  check_close(rv, g("bn/running_var_after"), 1e-6f, 1e-5f, "bn running_var (unbiased)");
  check_close(gx, g("bn/gx_train"), 1e-5f, 1e-4f, "bn train gx");
  check_close(gw, g("bn/gw_train"), 1e-5f, 1e-5f, "bn train gw");
  check_close(gb, g("bn/gb_train"), 1e-5f, 1e-5f, "bn train gb");
  Tensor rm0 = g("bn/running_mean"), rv0 = g("bn/running_var");
  REQUIRE(batchnorm2d_forward_eval(y, x, w, b, rm0, rv0).is_ok());
  REQUIRE(batchnorm2d_backward_eval(&gx, &gw, &gb, gy, x, w, rm0, rv0).is_ok());
  check_close(y, g("bn/y_eval"), 1e-5f, 1e-5f, "bn eval y");
  check_close(gx, g("bn/gx_eval"), 1e-5f, 1e-5f, "bn eval gx");
  check_close(gw, g("bn/gw_eval"), 1e-5f, 1e-5f, "bn eval gw");
  check_close(gb, g("bn/gb_eval"), 1e-5f, 1e-5f, "bn eval gb");
}

TEST_CASE("golden: LayerNorm2d matches permute -> nn.LayerNorm -> permute") {
  Tensor x = g("ln/x"), w = g("ln/weight"), b = g("ln/bias");
  Tensor y, mean, rstd, gx, gw, gb;
  REQUIRE(layernorm2d_forward(y, mean, rstd, x, w, b, 1e-6f).is_ok());
  REQUIRE(layernorm2d_backward(&gx, &gw, &gb, g("ln/gy"), x, w, mean, rstd).is_ok());
  check_close(y, g("ln/y"), 1e-5f, 1e-5f, "ln y");
  check_close(gx, g("ln/gx"), 1e-5f, 1e-4f, "ln gx");
  check_close(gw, g("ln/gw"), 1e-5f, 1e-5f, "ln gw");
  check_close(gb, g("ln/gb"), 1e-5f, 1e-5f, "ln gb");
}

// [SECTION] blocks

static std::vector<std::string> read_keys(const std::string& folder) {
  std::ifstream f(nn_golden(folder + "/keys.txt"));
  REQUIRE_MESSAGE(f.good(), "missing " << nn_golden(folder + "/keys.txt"));
  std::vector<std::string> out;
  for (std::string line; std::getline(f, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// Loads every state_dict entry from sd.<key>.npy after checking the key order is PyTorch's.
static void load_block(Layer& layer, const std::string& folder) {
  std::vector<NamedTensor> sd;
  layer.named_tensors("", sd);
  std::vector<std::string> ours;
  for (auto& t : sd) ours.push_back(t.name);
  CHECK(ours == read_keys(folder));
  for (auto& t : sd) {
    Tensor v = g(folder + "/sd." + t.name);
    REQUIRE_MESSAGE(v.shape() == t.value->shape(),
                    t.name << ": golden " << v.shape_string() << " vs ours " << t.value->shape_string());
    *t.value = v;
  }
}

// Forward in training mode, backward with the golden upstream gradient, compare everything.
static void check_block(Layer& layer, const std::string& folder, float atol, float rtol) {
  load_block(layer, folder);
  layer.set_training(true);
  Tensor y, gx;
  REQUIRE(layer.forward(g(folder + "/x"), y).is_ok());
  REQUIRE(layer.backward(g(folder + "/gy"), gx).is_ok());
  check_close(y, g(folder + "/y"), atol, rtol, folder + " y");
  check_close(gx, g(folder + "/gx"), atol, rtol, folder + " gx");
  std::vector<NamedTensor> sd;
  layer.named_tensors("", sd);
  for (auto& t : sd) {
    if (t.trainable)
      check_close(*t.grad, g(folder + "/grad." + t.name), atol, rtol, folder + " grad " + t.name);
    else
      check_close(*t.value, g(folder + "/after." + t.name), atol, rtol, folder + " buffer " + t.name);
  }
}

TEST_CASE("golden: SqueezeExcitation block") {
  Rng rng(0);
  SqueezeExcite se(8, 3, rng);
  check_block(se, "se", 1e-5f, 1e-4f);
}

TEST_CASE("golden: MBConv block (expand, SE, residual) in train and eval mode") {
  Rng rng(0);
  MBConvOptions o;
  o.in_channels = 4;
  o.out_channels = 4;
  o.expand_ratio = 4;
  o.kernel_size = 3;
  MBConv b(o, rng);
  check_block(b, "mbconv", 1e-4f, 1e-4f);
  load_block(b, "mbconv");
  b.set_training(false);
  Tensor y, gx;
  REQUIRE(b.forward(g("mbconv/x"), y).is_ok());
  REQUIRE(b.backward(g("mbconv/gy"), gx).is_ok());
  check_close(y, g("mbconv/y_eval"), 1e-4f, 1e-4f, "mbconv eval y");
  check_close(gx, g("mbconv/gx_eval"), 1e-4f, 1e-4f, "mbconv eval gx");
  std::vector<NamedTensor> sd;
  b.named_tensors("", sd);
  for (auto& t : sd)
    if (t.trainable) check_close(*t.grad, g("mbconv/grad_eval." + t.name), 1e-4f, 1e-4f, "mbconv eval grad " + t.name);
}

TEST_CASE("golden: MBConv block without expansion, 5x5 stride 2") {
  Rng rng(0);
  MBConvOptions o;
  o.in_channels = 4;
  o.out_channels = 6;
  o.expand_ratio = 1;
  o.kernel_size = 5;
  o.stride = 2;
  MBConv b(o, rng);
  check_block(b, "mbconv_s2", 1e-4f, 1e-4f);
}

TEST_CASE("golden: ConvNeXt block (CNBlock)") {
  Rng rng(0);
  ConvNeXtBlockOptions o;
  o.dim = 8;
  ConvNeXtBlock b(o, rng);
  check_block(b, "convnext", 1e-4f, 1e-4f);
}

// [SECTION] optimizers

static void check_optimizer(const std::string& name, Optimizer& opt, Tensor* p, Tensor* grad) {
  for (int t = 1; t <= 3; ++t) {
    for (int k = 0; k < 2; ++k) grad[k] = g("opt/" + name + "/grad" + std::to_string(k) + "_step" + std::to_string(t));
    REQUIRE(opt.step().is_ok());
    for (int k = 0; k < 2; ++k)
      check_close(p[k], g("opt/" + name + "/p" + std::to_string(k) + "_step" + std::to_string(t)), 1e-6f, 1e-5f,
                  name + " step " + std::to_string(t) + " p" + std::to_string(k));
  }
}

TEST_CASE("golden: SGD and Adam steps match torch.optim") {
  struct Case {
    const char* name;
    bool adam;
    SGDOptions sgd;
    AdamOptions adam_o;
  };
  SGDOptions mwd;
  mwd.lr = 0.1f;
  mwd.momentum = 0.9f;
  mwd.weight_decay = 0.01f;
  SGDOptions nest;
  nest.lr = 0.05f;
  nest.momentum = 0.8f;
  nest.weight_decay = 0.001f;
  nest.nesterov = true;
  SGDOptions plain;
  plain.lr = 0.1f;
  AdamOptions awd;
  awd.lr = 0.01f;
  awd.weight_decay = 0.01f;
  AdamOptions aw;
  aw.lr = 0.01f;
  aw.weight_decay = 0.1f;
  aw.decoupled = true;
  const Case cases[] = {{"sgd_momentum_wd", false, mwd, {}}, {"sgd_nesterov", false, nest, {}},
                        {"sgd_plain", false, plain, {}},     {"adam_wd", true, {}, awd},
                        {"adamw", true, {}, aw}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Tensor p[2] = {g(std::string("opt/") + c.name + "/p0_init"), g(std::string("opt/") + c.name + "/p1_init")};
    Tensor grad[2] = {Tensor(p[0].shape()), Tensor(p[1].shape())};
    std::vector<NamedTensor> params = {{"p0", &p[0], &grad[0], true, false}, {"p1", &p[1], &grad[1], true, false}};
    if (c.adam) {
      Adam opt(params, c.adam_o);
      check_optimizer(c.name, opt, p, grad);
      CHECK(opt.state_tensors().size() == 4);
    } else {
      SGD opt(params, c.sgd);
      check_optimizer(c.name, opt, p, grad);
    }
  }
}
