// test_backward_stepper_model.cpp — the stepper's backward direction: gradients vs PyTorch autograd on
// random configurations (tests/golden/backprop_stepper.json, made by make_golden_backprop.py), the
// three views of dL/dX, the stepped sums, SGD and the gradient check, refusals in words.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/backward_stepper_model.h"

using namespace cs::app;
using nlohmann::json;

namespace {

struct Built {
  StepperConfig c;
  StepperData d;
  StepperResult r;
  BackwardSettings s;
  BackwardResult b;
};

Built build(const StepperConfig& c, GradChoice g = GradChoice::Ones) {
  Built x;
  x.c = c;
  x.d.input = make_input(c, {});
  make_weights(c, {}, &x.d, nullptr);
  x.r = compute_stepper(c, x.d);
  x.s.grad = g;
  x.b = compute_backward(c, x.d, x.r, &x.s);
  return x;
}

// The first few mismatches with their flat index: what someone reads when this goes red.
void check_close(const std::string& what, int case_no, const std::vector<float>& got, const json& want) {
  REQUIRE_MESSAGE(got.size() == want.size(), what << " of case " << case_no << ": " << got.size() << " values, torch has "
                                                  << want.size());
  int shown = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double w = want[i].get<double>();
    if (std::fabs(got[i] - w) > 1e-4 && shown++ < 5)
      FAIL_CHECK(what << " of case " << case_no << " [" << i << "]: " << got[i] << " vs torch " << w);
  }
}

cs::Size2 pair_of(const json& j) { return cs::Size2{j[0].get<int>(), j[1].get<int>()}; }

}  // namespace

TEST_CASE("backward gradients equal PyTorch autograd on 140 random configurations (conv, max and average pooling)") {
  std::ifstream f(std::string(CS_TEST_DATA_DIR) + "/golden/backprop_stepper.json");
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  const json all = json::parse(ss.str());
  int n = 0, pools = 0, grouped = 0;
  for (const json& k : all["cases"]) {
    StepperConfig c;
    REQUIRE(parse_conv_mode(k["mode"].get<std::string>(), &c.mode));
    c.H = k["input"][0];
    c.W = k["input"][1];
    c.C = k["channels"];
    c.KH = k["kernel"][0];
    c.KW = k["kernel"][1];
    c.stride = pair_of(k["stride"]);
    c.padding = pair_of(k["padding"]);
    c.dilation = pair_of(k["dilation"]);
    c.groups = k["groups"];
    c.out_channels = k["out_channels"];
    c.ceil_mode = k["ceil_mode"];
    c.count_include_pad = k["count_include_pad"];
    c.bias = k["bias"];
    c.kernel_preset = KernelPreset::Custom;
    c.input_preset = InputPreset::Custom;
    REQUIRE(validate_config(c) == "");
    StepperData d;
    d.input = k["x"].get<std::vector<float>>();
    d.weight = k["w"].get<std::vector<float>>();
    const StepperResult r = compute_stepper(c, d);
    REQUIRE_MESSAGE(r.valid, "case " << n << ": " << r.error);
    check_close("output", n, r.output.values(), k["y"]);
    BackwardSettings s;
    s.grad = GradChoice::Custom;
    s.custom = k["grad_output"].get<std::vector<float>>();
    const BackwardResult b = compute_backward(c, d, r, &s);
    REQUIRE_MESSAGE(b.valid, "case " << n << ": " << b.error);
    check_close("grad_input", n, b.grad_input.values(), k["grad_input"]);
    if (mode_is_pool(c.mode)) {
      CHECK(b.grad_weight.empty());
      CHECK(b.grad_bias.empty());
      ++pools;
    } else {
      check_close("grad_weight", n, b.grad_weight.values(), k["grad_weight"]);
      check_close("grad_bias", n, b.grad_bias.values(), k["grad_bias"]);
      // The three views of dL/dX agree on every configuration.
      CHECK(b.views_max_diff <= 1e-4f);
      check_close("rotated-kernel dX", n, b.dx_rotated.values(), k["grad_input"]);
      check_close("col2im dX", n, b.dx_col2im.values(), k["grad_input"]);
      grouped += c.groups > 1;
    }
    ++n;
  }
  CHECK(n == 140);
  CHECK(pools == 60);
  CHECK(grouped > 10);
}

TEST_CASE("stride 2 leaves holes in the zero-inserted dL/dY and the three dX views agree") {
  StepperConfig c;
  c.H = c.W = 7;
  c.stride = {2, 2};
  c.padding = {1, 1};
  c.kernel_preset = KernelPreset::SobelX;
  Built x = build(c, GradChoice::Random);
  REQUIRE(x.b.valid);
  CHECK(x.b.OH == 4);
  CHECK(x.b.dy_padded.dim(2) == 7 + 2);
  // Row 1 of the padded dL/dY (offset D(K-1) - P = 1) holds output row 0; row 2 is an inserted zero row.
  for (int j = 0; j < x.b.dy_padded.dim(3); ++j) CHECK(x.b.dy_padded.at(0, 0, 2, j) == 0.0f);
  CHECK(x.b.dy_padded.at(0, 0, 1, 1) == x.b.grad_output.at(0, 0, 0, 0));
  CHECK(x.b.views_max_diff == 0.0f);
  CHECK(x.b.cols.dim(0) == 9);
  CHECK(x.b.cols.dim(1) == 16);
}

TEST_CASE("the stepped accumulation: each step's products add up to the engine's partial entry") {
  StepperConfig c;  // the classic 5x5 with the cross kernel
  Built x = build(c, GradChoice::Random);
  REQUIRE(x.b.valid);
  REQUIRE(x.b.steps == 9);
  std::string last;
  for (int t = 0; t < x.b.steps; ++t) {
    BackwardStep st = backward_step(x.c, x.d, x.r, x.b, 0, t);
    CHECK(st.arithmetic != last);
    last = st.arithmetic;
    // The last line: dW[0][0][0,0] = a*b + c*d ... = v
    const std::string line = st.arithmetic.substr(st.arithmetic.rfind('\n') + 1);
    REQUIRE(line.rfind("dW[0][0][0,0] =", 0) == 0);
    double sum = 0;
    int terms = 0;
    const char* p = line.c_str() + std::string("dW[0][0][0,0] =").size();
    while (true) {
      while (*p == ' ' || *p == '+' || *p == '(') ++p;
      char* e = nullptr;
      const double a = std::strtod(p, &e);
      if (*e == ')') ++e;
      if (*e != '*') break;
      p = e + 1;
      if (*p == '(') ++p;
      const double bb = std::strtod(p, &e);
      if (*e == ')') ++e;
      p = e;
      sum += a * bb;
      ++terms;
    }
    CHECK(terms == t + 1);
    const double shown = std::strtod(line.c_str() + line.rfind('=') + 1, nullptr);
    CHECK(shown == doctest::Approx(sum));
    CHECK(shown == doctest::Approx(st.grad_weight.at(0, 0, 0, 0)));
    if (t == x.b.steps - 1) {
      CHECK(st.grad_weight.values() == x.b.grad_weight.values());
      CHECK(st.grad_input.values() == x.b.grad_input.values());
    }
  }
  const std::string a0 = backward_step(x.c, x.d, x.r, x.b, 0, 0).arithmetic;
  CHECK(a0.find("step 1 of 9: dL/dY[0][0,0] = ") == 0);
  CHECK(a0.find("dW[0,0] += 1*") != std::string::npos);
}

TEST_CASE("pooling backward: max routes to the first largest input, average spreads evenly") {
  StepperConfig c;
  c.mode = ConvMode::MaxPool;
  c.H = c.W = 4;
  c.KH = c.KW = 2;
  c.stride = {2, 2};
  Built x = build(c, GradChoice::Ones);
  REQUIRE(x.b.valid);
  CHECK(x.b.pool);
  CHECK(x.b.grad_weight.empty());
  float total = 0;
  for (float v : x.b.grad_input.values()) total += v;
  CHECK(total == 4.0f);  // one gradient of 1 per window, each routed to one cell
  BackwardStep st = backward_step(x.c, x.d, x.r, x.b, 0, 0);
  CHECK(st.arithmetic.find("max pooling") != std::string::npos);
  c.mode = ConvMode::AvgPool;
  c.padding = {1, 1};
  c.count_include_pad = false;
  Built a = build(c, GradChoice::Ones);
  REQUIRE(a.b.valid);
  // Corner window (pad 1, kernel 2) covers one real cell: with count_include_pad off it gets all of 1.
  CHECK(a.b.grad_input.at(0, 0, 0, 0) == 1.0f);
  c.count_include_pad = true;
  Built in = build(c, GradChoice::Ones);
  CHECK(in.b.grad_input.at(0, 0, 0, 0) == 0.25f);
  CHECK(backward_step(in.c, in.d, in.r, in.b, 0, 0).arithmetic.find("dL/dY / 4") != std::string::npos);
}

TEST_CASE("SGD with a small learning rate lowers the squared error; a huge one is refused as diverged") {
  StepperConfig c;
  c.kernel_preset = KernelPreset::Random;
  Built x = build(c, GradChoice::Target);  // target 0: L = sum(Y^2)
  REQUIRE(x.b.valid);
  CHECK(x.b.loss > 0);
  const std::vector<float> before = x.d.weight;
  SgdReport rep = sgd_step(x.c, &x.d, x.r, x.b, x.s, 0.001f);
  REQUIRE(rep.done);
  CHECK(rep.loss_before == doctest::Approx(x.b.loss));
  CHECK(rep.loss_after < rep.loss_before);
  CHECK(x.d.weight != before);
  CHECK(x.d.weight[0] == doctest::Approx(before[0] - 0.001f * x.b.grad_weight[0]));
  // A large learning rate overshoots: the loss goes up (shown, not refused).
  Built y = build(c, GradChoice::Target);
  SgdReport big = sgd_step(y.c, &y.d, y.r, y.b, y.s, 1.0f);
  REQUIRE(big.done);
  CHECK(big.loss_after > big.loss_before);
  // Repeated huge steps overflow: refused in words, the last good kernel kept.
  Built z = build(c, GradChoice::Target);
  SgdReport rep2;
  for (int i = 0; i < 40; ++i) {
    z.r = compute_stepper(z.c, z.d);
    z.b = compute_backward(z.c, z.d, z.r, &z.s);
    const std::vector<float> kept = z.d.weight;
    rep2 = sgd_step(z.c, &z.d, z.r, z.b, z.s, 100.0f);
    if (!rep2.done) {
      CHECK(z.d.weight == kept);
      break;
    }
  }
  CHECK(!rep2.done);
  CHECK(rep2.error.find("Diverged") == 0);
  CHECK(sgd_step(x.c, &x.d, x.r, x.b, x.s, NAN).error == "The learning rate must be a number above 0 and at most 100, got nan");
  CHECK(!sgd_step(x.c, &x.d, x.r, x.b, x.s, 0.0f).done);
}

TEST_CASE("the gradient check agrees with the engine's dW within 1e-2 for every loss") {
  for (GradChoice g : {GradChoice::Ones, GradChoice::Random, GradChoice::Target}) {
    StepperConfig c;
    c.C = 2;
    c.out_channels = 2;
    c.mode = ConvMode::Grouped;
    c.groups = 2;
    c.stride = {2, 1};
    c.padding = {1, 1};
    c.input_preset = InputPreset::Random;
    c.kernel_preset = KernelPreset::Random;
    Built x = build(c, g);
    REQUIRE(x.b.valid);
    GradCheck gc = grad_check(x.c, x.d, x.b, x.s);
    REQUIRE(gc.done);
    CHECK(gc.max_rel_error < 1e-2);
    CHECK(gc.numeric.size() == x.b.grad_weight.numel());
  }
  StepperConfig p;
  p.mode = ConvMode::MaxPool;
  Built m = build(p);
  GradCheck none = grad_check(m.c, m.d, m.b, m.s);
  CHECK(!none.done);
  CHECK(none.error.find("Pooling has no weights") == 0);
}

TEST_CASE("modes without a backward view and impossible forwards are explained, not computed") {
  StepperConfig c;
  c.mode = ConvMode::Transposed;
  Built t = build(c);
  CHECK(!t.b.valid);
  CHECK(t.b.error.find("transposed convolution's input gradient is an ordinary convolution") != std::string::npos);
  StepperConfig s;
  s.KH = s.KW = 7;
  Built big = build(s);
  CHECK(!big.b.valid);
  CHECK(big.b.error.find("No backward pass: the forward pass has no output") == 0);
  CHECK(grad_choice_name(GradChoice::Target) == std::string("target"));
  GradChoice g;
  CHECK(parse_grad_choice("random", &g));
  CHECK(g == GradChoice::Random);
  CHECK(!parse_grad_choice("zeros", &g));
}

// [lessons] state(), setState() and the link -------------------------------------------------------------

#include "app/backward_lesson_model.h"
#include "app/lesson_model.h"
#include "app/url_state_model.h"

TEST_CASE("lessons: setState switches to backward, state() has the contract's fields, bad input is refused") {
  LessonState s;
  lesson_refresh(s);
  json j = lesson_json(s);
  CHECK(j["stepper"]["direction"] == "forward");
  CHECK(!j["stepper"].contains("grad_weight"));
  REQUIRE(lesson_apply(s, json::parse(R"({"stepper": {"direction": "backward", "grad_output": "ones", "grad_check": true}})")) == "");
  j = lesson_json(s)["stepper"];
  CHECK(j["direction"] == "backward");
  CHECK(j["grad_output"].size() == 1);
  CHECK(j["grad_output"][0].size() == 3);
  CHECK(j["grad_weight"][0][0].size() == 3);  // [OC][C/groups][KH][KW]
  CHECK(j["grad_bias"][0] == 9.0f);            // 9 ones
  CHECK(j["grad_input"][0].size() == 5);
  CHECK(j["backward_steps"] == 9);
  CHECK(j["backward_step"] == 0);
  CHECK(j["backward_arithmetic"].get<std::string>().find("step 1 of 9") == 0);
  CHECK(j["grad_check"]["max_rel_error"].get<double>() < 1e-2);
  // [[...]] for one output channel, 3-D for several; a wrong count, a non-number, an unknown name refused.
  REQUIRE(lesson_apply(s, json::parse(R"({"stepper": {"grad_output": [[1,2,3],[4,5,6],[7,8,9]], "backward_step": 4}})")) == "");
  j = lesson_json(s)["stepper"];
  CHECK(j["grad_choice"] == "custom");
  CHECK(j["grad_output"][0][1][1] == 5.0f);
  CHECK(j["backward_step"] == 4);
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"grad_output": [[1,2]]}})")) == "stepper.grad_output must be an array of 9 numbers");
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"grad_output": [[1,null,3]]}})")) == "stepper.grad_output must hold only numbers");
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"grad_output": [1e30,0,0,0,0,0,0,0,0]}})")) ==
        "stepper.grad_output values must be finite and within +-1e6");
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"grad_output": "zeros"}})")).find("stepper.grad_output must be one of") == 0);
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"backward_step": 9}})")) == "stepper.backward_step must be in 0..8, got 9");
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"lr": 0}})")).find("stepper.lr: The learning rate must be") == 0);
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"direction": "sideways"}})")).find("stepper.direction must be one of") == 0);
  // Pooling fills grad_input only.
  REQUIRE(lesson_apply(s, json::parse(R"({"stepper": {"mode": "maxpool", "kernel": 2, "stride": 2, "input": 4}})")) == "");
  j = lesson_json(s)["stepper"];
  CHECK(j["grad_weight"].is_null());
  CHECK(j["grad_bias"].is_null());
  CHECK(j["grad_input"][0].size() == 4);
  CHECK(lesson_apply(s, json::parse(R"({"stepper": {"direction": "forward", "grad_check": true}})")) ==
        "stepper.direction must be \"backward\" for backward_step, backward_playing, apply_sgd and grad_check");
}

TEST_CASE("lessons: an SGD step through setState lowers the squared error and makes the kernel custom") {
  LessonState s;
  lesson_refresh(s);
  REQUIRE(lesson_apply(s, json::parse(R"({"stepper": {"direction": "backward", "grad_output": "target", "lr": 0.01}})")) == "");
  const double before = lesson_json(s)["stepper"]["loss"].get<double>();
  REQUIRE(lesson_apply(s, json::parse(R"({"stepper": {"apply_sgd": true}})")) == "");
  json j = lesson_json(s)["stepper"];
  CHECK(j["sgd"]["done"] == true);
  CHECK(j["sgd"]["loss_before"].get<double>() == doctest::Approx(before));
  CHECK(j["loss"].get<double>() < before);
  CHECK(j["kernel_preset"] == "custom");
}

TEST_CASE("lessons: the link carries the direction, the gradient choice and edited values") {
  LessonState s;
  lesson_refresh(s);
  REQUIRE(lesson_apply(s, json::parse(R"({"stepper": {"direction": "backward", "grad_output": [[1,-2,3],[0,0,1],[2,2,2]]}})")) == "");
  const std::string link = lesson_link_encode(s, "lessons", nullptr);
  CHECK(link.find("&dir=b&grad=custom&gv=1,-2,3,0,0,1,2,2,2") != std::string::npos);
  LessonLinkParse p = lesson_link_decode("#" + link);
  REQUIRE(p.ok);
  LessonState t;
  lesson_refresh(t);
  REQUIRE(lesson_apply(t, p.partial) == "");
  CHECK(lesson_json(t)["stepper"]["grad_output"] == lesson_json(s)["stepper"]["grad_output"]);
  CHECK(lesson_json(t)["stepper"]["direction"] == "backward");
  CHECK(!lesson_link_decode("#lesson=1&dir=x").ok);
  CHECK(!lesson_link_decode("#lesson=1&gv=1,nan").ok);
}
