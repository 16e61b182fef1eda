// bench.cpp — `convscope bench`: times the engine on the peers' cases (bench/cases.json:
// L1-L9 single convolutions, M1 the small MNIST CNN at batch 1 and 64, T1 one SGD step of M1; plus
// DigitNet inference at batch 1 and an AdamW training step at batch 64) for
// each algorithm that applies, and prints a table or, with --json, one JSON line per (case, threads)
// in the peers harness format. The same file builds the wasm bench (build/web/convscope_bench.js).
// Timing follows the peers: warm-up, then >= 20 timed calls (continuing to --time seconds or 1000
// calls); the median is reported. Inputs and weights are prepared outside the timed call and
// outputs/workspaces are reused, as the peers do.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "bench_timing.h"
#include "commands.h"
#include "engine/cpu.h"
#include "engine/nn/layers.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/model.h"
#include "engine/nn/pool_layers.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/gemm.h"
#include "engine/ops/loss.h"
#include "engine/parallel.h"
#include "engine/train/optimizer.h"
#include "engine/train/paired_training.h"

namespace cs::cli {

namespace {

#if defined(__EMSCRIPTEN__)
constexpr const char* kPeer = "convscope-wasm";
constexpr const char* kIsa = "wasm";
#else
constexpr const char* kPeer = "convscope-native";
constexpr const char* kIsa = "native";
#endif

// [SECTION] cases ----------------------------------------------------------------------------------

struct ConvCase {
  const char* id;
  const char* desc;
  int N, C, H, W, OC, K, stride, pad, groups;
  bool backward;  // L9: input and weight gradients of L3
  double flops() const {
    int oh = (H + 2 * pad - K) / stride + 1, ow = (W + 2 * pad - K) / stride + 1;
    double f = 2.0 * N * OC * oh * ow * (C / groups) * K * K;
    return backward ? 2 * f : f;
  }
};

const ConvCase kConvCases[] = {
    {"L1", "1->16 28x28 k3 p1", 1, 1, 28, 28, 16, 3, 1, 1, 1, false},
    {"L2", "16->32 14x14 k3 p1", 1, 16, 14, 14, 32, 3, 1, 1, 1, false},
    {"L3", "N64 16->32 14x14 k3 p1", 64, 16, 14, 14, 32, 3, 1, 1, 1, false},
    {"L4", "64->64 56x56 k3 p1", 1, 64, 56, 56, 64, 3, 1, 1, 1, false},
    {"L5", "dw128 56x56 k3 p1", 1, 128, 56, 56, 128, 3, 1, 1, 128, false},
    {"L6", "1x1 128->128 56x56", 1, 128, 56, 56, 128, 1, 1, 0, 1, false},
    {"L7", "64->128 56x56 k3 s2 p1", 1, 64, 56, 56, 128, 3, 2, 1, 1, false},
    {"L8", "dw96 56x56 k7 p3", 1, 96, 56, 56, 96, 7, 1, 3, 96, false},
    {"L9", "L3 backward: dX + dW", 64, 16, 14, 14, 32, 3, 1, 1, 1, true},
};
const char* kModelCases[] = {"M1-b1",           "M1-b64",       "T1",     "DigitNet-b1", "DigitNet-train",
                             "AB-plain-vs-residual", "AB-batchnorm", "AB-init"};
constexpr double kM1FlopsPerImage = 2267456;  // cases.json: convs + FCs of M1

struct Row {
  std::string case_id, algo, desc, error, note;
  Timing t;
  double flops = 0;
};

Tensor random_tensor(const Shape& s, std::mt19937& rng) {
  std::normal_distribution<float> d(0.0f, 1.0f);
  Tensor t(s);
  for (size_t i = 0; i < t.numel(); ++i) t[i] = d(rng);
  return t;
}

// One convolution case with one algorithm.
Row run_conv(const ConvCase& c, ConvAlgo algo, double min_s) {
  Row r;
  r.case_id = c.id;
  r.algo = conv_algo_name(algo);
  r.desc = c.desc;
  r.flops = c.flops();
  std::mt19937 rng(1);
  Conv2dParams p;
  p.stride = {c.stride, c.stride};
  p.padding = {c.pad, c.pad};
  p.groups = c.groups;
  Tensor x = random_tensor({c.N, c.C, c.H, c.W}, rng), w = random_tensor({c.OC, c.C / c.groups, c.K, c.K}, rng),
         b = random_tensor({c.OC}, rng), y;
  Workspace ws;
  Status st;
  if (!c.backward) {
    st = time_calls([&] { return conv2d_forward(y, x, w, &b, p, algo, &ws); }, min_s, &r.t);
  } else {
    Status f = conv2d_forward(y, x, w, &b, p, ConvAlgo::Auto, &ws);
    if (!f.is_ok()) {
      r.error = f.message();
      return r;
    }
    Tensor dy = random_tensor(y.shape(), rng), dx, dw;
    st = time_calls([&] { return conv2d_backward(&dx, &dw, nullptr, dy, x, w, p, algo, &ws); }, min_s, &r.t);
  }
  if (!st.is_ok()) r.error = st.message();
  return r;
}

// [SECTION] M1 (peers README): built from the nn layers ------------------------------------------

struct M1 {
  Model model;
  Conv2d *c1, *c2, *dw, *pw;
  SqueezeExcite *se1, *se2;
  Linear* fc;
};

Conv2dOptions conv_opts(int in, int out, int k, int pad, int groups = 1) {
  Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.kernel_size = {k, k};
  o.padding = {pad, pad};
  o.groups = groups;
  return o;
}

std::unique_ptr<M1> build_m1() {
  auto m = std::make_unique<M1>();
  Rng rng(0);
  auto add = [&](auto* layer, const char* key) {
    m->model.add(LayerPtr(layer), key);
    return layer;
  };
  m->c1 = add(new Conv2d(conv_opts(1, 16, 3, 1), rng), "c1");
  add(new ActivationLayer(Activation::ReLU), "relu1");
  add(new MaxPool2d(MaxPool2dParams{}), "pool1");
  m->c2 = add(new Conv2d(conv_opts(16, 32, 3, 1), rng), "c2");
  add(new ActivationLayer(Activation::ReLU), "relu2");
  m->se1 = add(new SqueezeExcite(32, 8, rng), "se1");
  add(new MaxPool2d(MaxPool2dParams{}), "pool2");
  m->dw = add(new Conv2d(conv_opts(32, 32, 3, 1, 32), rng), "dw");
  m->pw = add(new Conv2d(conv_opts(32, 64, 1, 0), rng), "pw");
  add(new ActivationLayer(Activation::ReLU), "relu3");
  m->se2 = add(new SqueezeExcite(64, 16, rng), "se2");
  add(new AdaptiveAvgPool2d(), "gap");
  add(new Flatten(), "flatten");
  m->fc = add(new Linear(64, 10, rng), "fc");
  return m;
}

void set_conv_algo(M1& m, ConvAlgo a) {
  for (Conv2d* c : {m.c1, m.c2, m.dw, m.pw}) c->set_algo(a);
}

// Loads torch's M1 weights from bench/install_peers.sh's models/M1_ref.json and returns max|y - torch| on its
// input: the same correctness note the ORT and tfjs peers print.
Result<double> check_m1_against_torch(M1& m, const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::error("bench: cannot open --m1-ref file '" + path + "'");
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.contains("weights") || !j.contains("x") || !j.contains("y"))
    return Status::error("bench: '" + path + "' is not an M1_ref.json (weights, x, y)");
  auto load = [&](const char* key, Tensor& t) -> Status {
    if (!j["weights"].contains(key)) return Status::error(fmt("bench: %s has no weight '%s'", path.c_str(), key));
    const auto& d = j["weights"][key]["data"];
    if (!d.is_array() || d.size() != t.numel())
      return Status::error(fmt("bench: weight '%s' in %s has %zu values, the model expects %zu", key, path.c_str(),
                               d.is_array() ? d.size() : size_t(0), t.numel()));
    for (size_t i = 0; i < t.numel(); ++i) {
      if (!d[i].is_number()) return Status::error(fmt("bench: weight '%s' value %zu is not a number", key, i));
      t[i] = d[i].get<float>();
    }
    return Status::ok();
  };
  struct Pair {
    const char* key;
    Tensor* t;
  };
  const Pair pairs[] = {{"c1.weight", &m.c1->weight},      {"c1.bias", &m.c1->bias},
                        {"c2.weight", &m.c2->weight},      {"c2.bias", &m.c2->bias},
                        {"se1.fc1.weight", &m.se1->fc1_weight}, {"se1.fc1.bias", &m.se1->fc1_bias},
                        {"se1.fc2.weight", &m.se1->fc2_weight}, {"se1.fc2.bias", &m.se1->fc2_bias},
                        {"dw.weight", &m.dw->weight},      {"dw.bias", &m.dw->bias},
                        {"pw.weight", &m.pw->weight},      {"pw.bias", &m.pw->bias},
                        {"se2.fc1.weight", &m.se2->fc1_weight}, {"se2.fc1.bias", &m.se2->fc1_bias},
                        {"se2.fc2.weight", &m.se2->fc2_weight}, {"se2.fc2.bias", &m.se2->fc2_bias},
                        {"fc.weight", &m.fc->weight},      {"fc.bias", &m.fc->bias}};
  for (const Pair& p : pairs) CS_RETURN_IF_ERROR(load(p.key, *p.t));
  Tensor x({1, 1, 28, 28}), y;
  const auto& xd = j["x"]["data"];
  const auto& yd = j["y"]["data"];
  if (!xd.is_array() || !yd.is_array() || xd.size() != x.numel() || yd.size() != 10)
    return Status::error("bench: M1_ref x/y have unexpected sizes");
  for (size_t i = 0; i < x.numel(); ++i) {
    if (!xd[i].is_number() || (i < 10 && !yd[i].is_number())) return Status::error("bench: M1_ref x/y hold non-numbers");
    x[i] = xd[i].get<float>();
  }
  m.model.eval();
  CS_RETURN_IF_ERROR(m.model.infer(x, y));
  double worst = 0;
  for (size_t i = 0; i < 10; ++i) worst = std::max(worst, std::fabs(static_cast<double>(y[i]) - yd[i].get<double>()));
  return worst;
}

Row run_m1_forward(const char* id, int batch, ConvAlgo algo, double min_s, const std::string& m1_ref) {
  Row r;
  r.case_id = id;
  r.algo = conv_algo_name(algo);
  r.desc = batch == 1 ? "MNIST CNN fwd, batch 1" : "MNIST CNN fwd, batch 64";
  r.flops = kM1FlopsPerImage * batch;
  auto m = build_m1();
  if (!m1_ref.empty()) {
    Result<double> diff = check_m1_against_torch(*m, m1_ref);
    if (!diff.is_ok()) {
      r.error = diff.message();
      return r;
    }
    r.note = fmt("max|y-torch|=%.2g", diff.value());
  }
  set_conv_algo(*m, algo);
  m->model.eval();
  std::mt19937 rng(2);
  Tensor x = random_tensor({batch, 1, 28, 28}, rng), y;
  // Inference as the peers run it (Model::infer: Conv2d + ReLU fused, no Trace, no backward).
  Status st = time_calls([&] { return m->model.infer(x, y); }, min_s, &r.t);
  if (!st.is_ok()) r.error = st.message();
  return r;
}

// T1: torch's bench_train: zero_grad, cross_entropy(model(x), y).backward(), SGD(lr 0.01, momentum 0.9).step().
Row run_t1(double min_s) {
  Row r;
  r.case_id = "T1";
  r.algo = "auto";
  r.desc = "M1 SGD step, batch 64";
  const int batch = 64;
  r.flops = 3 * kM1FlopsPerImage * batch;
  auto m = build_m1();
  m->model.train();
  SGDOptions so;
  so.lr = 0.01f;
  so.momentum = 0.9f;
  SGD opt(m->model.parameters(), so);
  std::mt19937 rng(3);
  Tensor x = random_tensor({batch, 1, 28, 28}, rng), logits, probs, grad_logits;
  std::vector<int> labels(batch);
  for (int& l : labels) l = static_cast<int>(rng() % 10);
  Status st = time_calls(
      [&]() -> Status {
        CS_RETURN_IF_ERROR(m->model.forward(x, logits));
        float loss = 0;
        CS_RETURN_IF_ERROR(cross_entropy_forward(&loss, &probs, logits, labels));
        CS_RETURN_IF_ERROR(cross_entropy_backward(grad_logits, probs, labels));
        CS_RETURN_IF_ERROR(m->model.backward(grad_logits));
        return opt.step();
      },
      min_s, &r.t);
  if (!st.is_ok()) r.error = st.message();
  else r.note = fmt("%.0f img/s", batch / (r.t.median_ms / 1e3));
  return r;
}

// [SECTION] DigitNet (src/engine/nn/digitnet.h): the digit lab's network -------------------------

// Batch-1 inference (eval mode: BatchNorm running statistics), as each stroke in the digit lab does.
Row run_digitnet_infer(double min_s) {
  Row r;
  r.case_id = "DigitNet-b1";
  r.algo = "auto";
  r.desc = "DigitNet inference, batch 1";
  std::unique_ptr<Model> m = make_digitnet_model(0);
  m->eval();
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor x({1, 1, 28, 28}), y;
  for (size_t i = 0; i < x.numel(); ++i) x[i] = u(rng);
  Status st = time_calls([&] { return m->forward(x, y); }, min_s, &r.t);
  if (!st.is_ok()) r.error = st.message();
  else r.note = fmt("%.0f img/s", 1.0 / (r.t.median_ms / 1e3));
  return r;
}

// One training step at batch 64 with AdamW (the digit lab trainer's optimizer): forward in training
// mode, cross-entropy, backward, step.
Row run_digitnet_train(double min_s) {
  Row r;
  r.case_id = "DigitNet-train";
  r.algo = "auto";
  r.desc = "DigitNet AdamW step, batch 64";
  const int batch = 64;
  std::unique_ptr<Model> m = make_digitnet_model(0);
  m->train();
  AdamOptions ao;
  ao.weight_decay = 1e-4f;
  ao.decoupled = true;
  Adam opt(m->parameters(), ao);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor x({batch, 1, 28, 28}), logits, probs, grad_logits;
  for (size_t i = 0; i < x.numel(); ++i) x[i] = u(rng);
  std::vector<int> labels(batch);
  for (int& l : labels) l = static_cast<int>(rng() % 10);
  Status st = time_calls(
      [&]() -> Status {
        CS_RETURN_IF_ERROR(m->forward(x, logits));
        float loss = 0;
        CS_RETURN_IF_ERROR(cross_entropy_forward(&loss, &probs, logits, labels));
        CS_RETURN_IF_ERROR(cross_entropy_backward(grad_logits, probs, labels));
        CS_RETURN_IF_ERROR(m->backward(grad_logits));
        return opt.step();
      },
      min_s, &r.t);
  if (!st.is_ok()) r.error = st.message();
  else r.note = fmt("%.0f img/s", batch / (r.t.median_ms / 1e3));
  return r;
}

// One step of the training lab's preset `id` (cs::paired_training_presets): both networks, batch 32 in
// micro-batches of 8, as the page runs it. A side that diverges stops, and its time with it: the note
// says how many sides were still training at the end.
Row run_paired_step(const std::string& id, double min_s) {
  Row r;
  r.case_id = id;
  r.algo = "auto";
  const std::string preset = id.substr(3);
  r.desc = "lab " + preset + ", 2 nets b32";
  const PairedPreset* p = find_paired_preset(preset);
  DigitSet digits;
  digits.count = 256;
  digits.labels.resize(digits.count);
  digits.images.resize(static_cast<size_t>(digits.count) * kMnistPixels);
  std::mt19937 rng(3);
  for (uint8_t& v : digits.images) v = static_cast<uint8_t>(rng() % 16 * 17);
  for (uint8_t& l : digits.labels) l = static_cast<uint8_t>(rng() % 10);
  PairedTraining run;
  Status st = p ? run.configure(p->left, p->right, 1, 32, 8) : Status::error("no such preset: " + preset);
  if (st.is_ok())
    st = time_calls(
        [&]() -> Status {
          bool stepped = false;
          while (!stepped && !run.finished()) CS_RETURN_IF_ERROR(run.run_piece(digits, &stepped));
          return Status::ok();
        },
        min_s, &r.t);
  if (!st.is_ok()) {
    r.error = st.message();
    return r;
  }
  const int sides = !run.side(0).stopped() + !run.side(1).stopped();
  r.note = fmt("%.1f steps/s, 300 steps in %.0f s (%d side%s at the end)", 1e3 / r.t.median_ms,
               0.3 * r.t.median_ms, sides, sides == 1 ? "" : "s");
  return r;
}

// [SECTION] output ----------------------------------------------------------------------------------

double round5(double v) { return std::round(v * 1e5) / 1e5; }

void print_json(const Row& r, const std::string& peer, int threads) {
  nlohmann::json j;
  j["case"] = r.case_id;
  j["peer"] = peer;
  j["threads"] = threads;
  if (r.error.empty()) {
    j["median_ms"] = round5(r.t.median_ms);
    j["min_ms"] = round5(r.t.min_ms);
    j["cpu_ms"] = round5(r.t.cpu_ms);
    j["runs"] = r.t.runs;
  } else {
    j["error"] = r.error;
  }
  j["isa"] = kIsa;
  std::string note = "algo=" + r.algo;
  if (!r.note.empty()) note += "; " + r.note;
  j["note"] = note;
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

void print_text(const Row& r, int threads, bool best) {
  if (!r.error.empty()) {
    std::printf("%-7s %-26s %-10s %3d  ERROR: %s\n", r.case_id.c_str(), r.desc.c_str(), r.algo.c_str(), threads,
                r.error.c_str());
  } else {
    std::string gflops = r.flops > 0 ? fmt("%.1f", r.flops / (r.t.median_ms * 1e6)) : "-";
    std::printf("%-7s %-26s %-10s %3d %10.4f %9s %9.4f%s%s%s\n", r.case_id.c_str(), r.desc.c_str(), r.algo.c_str(),
                threads, r.t.median_ms, gflops.c_str(), r.t.cpu_ms, best ? "  *" : "", r.note.empty() ? "" : "  ",
                r.note.c_str());
  }
  std::fflush(stdout);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

void print_help() {
  std::printf(
      "usage: convscope bench [--json] [--threads 1,2] [--cases L1,L4,M1-b1,...] [--algos auto,im2col,...]\n"
      "                       [--time SECONDS] [--cpu FAMILY] [--m1-ref M1_ref.json]\n\n"
      "Times the benchmark cases of bench/cases.json on this engine: median of >= 20 calls\n"
      "after warm-up, timing continuing to --time seconds (default 1) or 1000 calls.\n"
      "  cases   L1..L8 convolutions, L9 backward of L3, M1-b1 / M1-b64 the small MNIST CNN, T1 one SGD step\n"
      "          of M1 at batch 64, DigitNet-b1 the digit lab's network at batch 1 and DigitNet-train one\n"
      "          AdamW step of it at batch 64 (images/s in the note; not peers cases), AB-<preset> one step of\n"
      "          the training lab's two networks (plain-vs-residual, batchnorm, init) (default: all)\n"
      "  algos   auto, im2col, winograd, reference (default: all that apply; reference only for cases under\n"
      "          30 MFLOP unless listed explicitly)\n"
      "  --json  one line per (case, threads, algorithm) in the peers harness format: \"peer\": \"%s\" is the\n"
      "          fastest algorithm, \"%s-<algo>\" each algorithm\n"
      "  --cpu   CPU family for every CPU-dependent kernel (this CPU has %s; default: CS_CPU, else the\n"
      "          fastest; auto = the fastest)\n"
      "  --m1-ref  .cache/peers/models/M1_ref.json (made by bench/install_peers.sh): load torch's M1 weights, report max|y-torch| in the note\n",
      kPeer, kPeer, [] {
        std::string s;
        for (CpuFamily f : cpu_families()) s += (s.empty() ? "" : ", ") + std::string(cpu_family_name(f));
        return s;
      }().c_str());
}

}  // namespace

int run_bench(int argc, char** argv) {
  Args args({"threads", "cases", "algos", "time", "cpu", "m1-ref"}, {"json", "help"});
  Status st = args.parse(argc, argv);
  if (!st.is_ok()) {
    std::fprintf(stderr, "convscope bench: %s\n", st.message().c_str());
    return 2;
  }
  if (args.has("help")) {
    print_help();
    return 0;
  }
  const bool json = args.has("json");
  Result<double> min_s = args.get_double("time", 1.0);
  if (!min_s.is_ok() || min_s.value() < 0 || min_s.value() > 600) {
    std::fprintf(stderr, "convscope bench: --time must be a number of seconds in [0, 600], got '%s'\n",
                 args.get("time").c_str());
    return 2;
  }
  if (args.has("cpu")) {
    const Status cpu = cpu_use_family(args.get("cpu"));
    if (!cpu.is_ok()) {
      std::fprintf(stderr, "convscope bench: --cpu: %s\n", cpu.message().c_str());
      return 2;
    }
  }
  std::vector<int> thread_counts;
  for (const std::string& t : split(args.get("threads", "1"))) {
    char* end = nullptr;
    long v = std::strtol(t.c_str(), &end, 10);
    if (!end || *end || v < 1 || v > 64) {
      std::fprintf(stderr, "convscope bench: --threads takes counts in [1, 64] separated by commas, got '%s'\n",
                   t.c_str());
      return 2;
    }
    thread_counts.push_back(static_cast<int>(v));
  }
  std::vector<std::string> cases = split(args.get("cases", "L1,L2,L3,L4,L5,L6,L7,L8,L9,M1-b1,M1-b64,T1,DigitNet-b1,DigitNet-train,"
                                                  "AB-plain-vs-residual,AB-batchnorm,AB-init"));
  for (const std::string& c : cases) {
    bool known = std::any_of(std::begin(kConvCases), std::end(kConvCases), [&](const ConvCase& k) { return c == k.id; }) ||
                 std::any_of(std::begin(kModelCases), std::end(kModelCases), [&](const char* k) { return c == k; });
    if (!known) {
      std::fprintf(stderr, "convscope bench: unknown case '%s' (L1..L9, M1-b1, M1-b64, T1, DigitNet-b1, DigitNet-train, AB-plain-vs-residual, AB-batchnorm, AB-init)\n", c.c_str());
      return 2;
    }
  }
  const bool algos_given = args.has("algos");
  std::vector<ConvAlgo> algos;
  for (const std::string& a : split(args.get("algos", "auto,im2col,winograd,reference"))) {
    ConvAlgo v;
    if (!parse_conv_algo(a.c_str(), &v)) {
      std::fprintf(stderr, "convscope bench: unknown algorithm '%s' (auto, im2col, winograd, reference)\n", a.c_str());
      return 2;
    }
    algos.push_back(v);
  }
  const std::string m1_ref = args.get("m1-ref");

  if (json) {
    nlohmann::json meta;
    meta["peer"] = kPeer;
    meta["version"] = CS_VERSION;
    meta["cpu_family"] = cpu_family_name(cpu_family());
    meta["cpu_features"] = cpu_features();
    meta["gemm_kernel"] = gemm_kernel_name();
    meta["hardware_threads"] = hardware_threads();
    meta["layout"] = "NCHW";
#if defined(__VERSION__)
    meta["compiler"] = __VERSION__;
#endif
    std::printf("{\"meta\": %s}\n", meta.dump().c_str());
  } else {
    std::printf("ConvScope %s bench (%s, CPU family %s, GEMM kernel %s; CPU features: %s)\n%-7s %-26s %-10s %3s %10s %9s %9s\n",
                CS_VERSION, kIsa, cpu_family_name(cpu_family()), gemm_kernel_name(), cpu_features().c_str(), "case", "", "algo", "thr", "median ms", "GFLOP/s", "cpu ms");
  }

  for (int requested : thread_counts) {
    set_num_threads(requested);
    const int threads = num_threads();  // 1 in wasm whatever was asked
    if (threads != requested && !json)
      std::printf("(%d threads requested; this build runs %d)\n", requested, threads);
    for (const std::string& id : cases) {
      std::vector<Row> rows;
      if (id == "T1") {
        rows.push_back(run_t1(min_s.value()));
      } else if (id == "DigitNet-b1") {
        rows.push_back(run_digitnet_infer(min_s.value()));
      } else if (id == "DigitNet-train") {
        rows.push_back(run_digitnet_train(min_s.value()));
      } else if (id.rfind("AB-", 0) == 0) {
        rows.push_back(run_paired_step(id, min_s.value()));
      } else if (id == "M1-b1" || id == "M1-b64") {
        for (ConvAlgo a : algos) {
          if (a != ConvAlgo::Auto && a != ConvAlgo::Im2col) continue;  // Winograd cannot run M1's 1x1
          rows.push_back(run_m1_forward(id.c_str(), id == "M1-b1" ? 1 : 64, a, min_s.value(), m1_ref));
        }
      } else {
        const ConvCase& c = *std::find_if(std::begin(kConvCases), std::end(kConvCases),
                                          [&](const ConvCase& k) { return id == k.id; });
        for (ConvAlgo a : algos) {
          if (a == ConvAlgo::Winograd && !(c.K == 3 && c.stride == 1)) continue;
          if (a == ConvAlgo::Reference && !algos_given && c.flops() > 30e6) continue;  // minutes, not seconds
          rows.push_back(run_conv(c, a, min_s.value()));
        }
      }
      const Row* best = nullptr;
      for (const Row& r : rows)
        if (r.error.empty() && (!best || r.t.median_ms < best->t.median_ms)) best = &r;
      if (json) {
        print_json(best ? *best : rows.front(), kPeer, threads);
        if (rows.size() > 1)
          for (const Row& r : rows) print_json(r, std::string(kPeer) + "-" + r.algo, threads);
      } else {
        for (const Row& r : rows) print_text(r, threads, &r == best && rows.size() > 1);
      }
    }
  }
  return 0;
}

}  // namespace cs::cli

#if defined(CS_BENCH_STANDALONE)
// build/web/convscope_bench.js: the arguments are bench's own (`--json`, `--cases ...`).
int main(int argc, char** argv) { return cs::cli::run_bench(argc - 1, argv + 1); }
#endif
