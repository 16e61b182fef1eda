// test_pytorch_code_model.cpp — "Copy as PyTorch": the exact line per mode, and (natively) the lines
// executed by /usr/bin/python3 with torch, whose output shapes must equal the engine's.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "app/pytorch_code_model.h"
#include "skip.h"
#include "temp_dir.h"

using namespace cs::app;
using cs::Size2;

namespace {

StepperResult run(const StepperConfig& c) {
  StepperData d;
  d.input = make_input(c, {});
  make_weights(c, {}, &d, nullptr);
  return compute_stepper(c, d);
}

}  // namespace

TEST_CASE("pytorch line: the default lesson is a 1->1 3x3 Conv2d on 5x5 giving 3x3") {
  StepperConfig c;
  StepperResult r = run(c);
  REQUIRE(r.valid);
  CHECK(pytorch_line(c, r) ==
        "nn.Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1, bias=False)"
        "  # input (1, 1, 5, 5) -> output (1, 1, 3, 3)");
}

TEST_CASE("pytorch line: every mode names its PyTorch layer with the lesson's numbers") {
  StepperConfig c;
  c.H = 7;
  c.W = 6;
  c.C = 2;
  c.KH = 3;
  c.KW = 2;
  c.stride = {2, 1};
  c.padding = {1, 0};
  c.dilation = {1, 2};
  c.out_channels = 4;
  c.groups = 2;
  c.mode = ConvMode::Grouped;
  CHECK(pytorch_layer(c) ==
        "nn.Conv2d(2, 4, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2, bias=False)");
  c.mode = ConvMode::Depthwise;
  CHECK(pytorch_layer(c).find("nn.Conv2d(2, 2, kernel_size=(3, 2)") == 0);
  CHECK(pytorch_layer(c).find("groups=2") != std::string::npos);
  c.mode = ConvMode::Pointwise;
  CHECK(pytorch_layer(c).find("nn.Conv2d(2, 4, kernel_size=(1, 1)") == 0);
  c.mode = ConvMode::Separable;
  c.bias = 0.5f;
  CHECK(pytorch_layer(c) ==
        "nn.Sequential(nn.Conv2d(2, 2, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2, "
        "bias=True), nn.Conv2d(2, 4, kernel_size=(1, 1), stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1, "
        "bias=False))");
  StepperResult r = run(c);
  REQUIRE(r.valid);
  // Separable's output has the pointwise stage's channels, and the bias value is spelled out.
  CHECK(pytorch_output_shape(c, r) == "(1, 4, " + std::to_string(r.OH) + ", " + std::to_string(r.OW) + ")");
  CHECK(pytorch_line(c, r).find("; bias filled with 0.5") != std::string::npos);
  c.bias = 0;
  c.mode = ConvMode::Transposed;
  CHECK(pytorch_layer(c) ==
        "nn.ConvTranspose2d(2, 4, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), output_padding=(0, 0), "
        "groups=1, bias=False, dilation=(1, 2))");
  c.mode = ConvMode::MaxPool;
  c.ceil_mode = true;
  CHECK(pytorch_layer(c) == "nn.MaxPool2d(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), ceil_mode=True)");
  c.mode = ConvMode::AvgPool;
  CHECK(pytorch_layer(c) == "nn.AvgPool2d(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True, count_include_pad=True)");
}

TEST_CASE("pytorch line: an impossible configuration says so with the engine's words") {
  StepperConfig c;
  c.KH = c.KW = 7;  // larger than the 5x5 input
  StepperResult r = run(c);
  REQUIRE_FALSE(r.valid);
  const std::string line = pytorch_line(c, r);
  CHECK(line.find("-> error: ") != std::string::npos);
  CHECK(line.find(r.error) != std::string::npos);
  CHECK(pytorch_output_shape(c, r).empty());
}

#ifndef __EMSCRIPTEN__
#include <unistd.h>

#include <algorithm>

namespace {

struct PythonRun {
  int rc = -1;
  std::string out;  // stdout and stderr
};

// Runs `script` with Debian's python3 (the one with torch) from a file in the test's private folder.
PythonRun run_python(const std::string& script, const char* file_name) {
  PythonRun r;
  const std::string path = cs_test::temp_path(file_name);
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return r;
  std::fwrite(script.data(), 1, script.size(), f);
  std::fclose(f);
  FILE* p = ::popen(("/usr/bin/python3 " + path + " 2>&1").c_str(), "r");
  if (p) {
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    r.rc = ::pclose(p);
  }
  std::remove(path.c_str());
  return r;
}

}  // namespace

// The generated lines are real Python: torch builds each layer, runs a (1, C, H, W) input through it,
// and its output shape must be the one ConvScope shows. Configurations: hand-picked corner cases plus
// seeded random ones that the engine accepts.
TEST_CASE("pytorch line: torch (/usr/bin/python3) gives the output shape ConvScope shows") {
  if (std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") != 0) {
    CS_SKIP("torch is not importable by /usr/bin/python3 (install python3-torch to run this test)");
  }
  std::vector<StepperConfig> configs;
  auto add = [&](ConvMode m, int H, int W, int C, int KH, int KW, Size2 s, Size2 p, Size2 d, int oc, int g, bool ceil) {
    StepperConfig c;
    c.mode = m;
    c.H = H, c.W = W, c.C = C, c.KH = KH, c.KW = KW, c.stride = s, c.padding = p, c.dilation = d;
    c.out_channels = oc, c.groups = g, c.ceil_mode = ceil;
    configs.push_back(c);
  };
  add(ConvMode::Standard, 5, 5, 1, 3, 3, {1, 1}, {0, 0}, {1, 1}, 1, 1, false);
  add(ConvMode::Standard, 9, 7, 3, 3, 5, {2, 3}, {1, 2}, {2, 1}, 4, 1, false);
  add(ConvMode::Grouped, 8, 8, 2, 3, 3, {2, 2}, {1, 1}, {1, 1}, 4, 2, false);
  add(ConvMode::Depthwise, 6, 10, 3, 3, 3, {1, 2}, {1, 1}, {2, 2}, 1, 1, false);
  add(ConvMode::Pointwise, 5, 4, 3, 1, 1, {2, 1}, {1, 0}, {1, 1}, 2, 1, false);
  add(ConvMode::Separable, 9, 9, 2, 3, 3, {2, 2}, {1, 1}, {1, 1}, 3, 1, false);
  add(ConvMode::Transposed, 3, 4, 2, 3, 3, {2, 2}, {1, 0}, {1, 2}, 3, 1, false);
  add(ConvMode::Transposed, 4, 4, 1, 4, 2, {3, 1}, {0, 1}, {2, 1}, 2, 1, false);
  add(ConvMode::MaxPool, 7, 7, 2, 3, 2, {2, 2}, {1, 1}, {1, 2}, 1, 1, true);
  add(ConvMode::MaxPool, 6, 5, 1, 2, 2, {2, 2}, {0, 0}, {1, 1}, 1, 1, false);
  add(ConvMode::AvgPool, 7, 8, 3, 3, 3, {2, 3}, {1, 1}, {1, 1}, 1, 1, true);
  std::mt19937 rng(2024);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int random_valid = 0;
  while (random_valid < 40) {
    StepperConfig c;
    c.mode = static_cast<ConvMode>(pick(0, kConvModeCount - 1));
    c.H = pick(1, 12), c.W = pick(1, 12), c.C = pick(1, 3), c.KH = pick(1, 5), c.KW = pick(1, 5);
    c.stride = {pick(1, 4), pick(1, 4)}, c.padding = {pick(0, 3), pick(0, 3)}, c.dilation = {pick(1, 3), pick(1, 3)};
    c.out_channels = pick(1, 4), c.groups = 1, c.ceil_mode = pick(0, 1) == 1;
    if (c.mode == ConvMode::Grouped) c.groups = c.C;
    if (c.mode == ConvMode::AvgPool) c.dilation = {1, 1};
    if (mode_is_pool(c.mode)) {  // PyTorch: pad should be at most half of the kernel
      c.padding.h = std::min(c.padding.h, c.KH / 2);
      c.padding.w = std::min(c.padding.w, c.KW / 2);
    }
    if (!run(c).valid) continue;
    configs.push_back(c);
    ++random_valid;
  }
  std::string script = "import torch\nfrom torch import nn\ntorch.manual_seed(0)\n";
  std::vector<std::string> want;
  for (const StepperConfig& c : configs) {
    StepperResult r = run(c);
    REQUIRE_MESSAGE(r.valid, pytorch_layer(c), ": ", r.error);
    want.push_back(pytorch_output_shape(c, r));
    // The generated line, pasted as it is (its shape comment included).
    script += "layer = " + pytorch_line(c, r) + "\n";
    script += cs::fmt("print(tuple(layer(torch.randn(1, %d, %d, %d)).shape))\n", c.C, c.H, c.W);
  }
  const PythonRun run = run_python(script, "pytorch_line_test.py");
  const int rc = run.rc;
  const std::string& out = run.out;
  REQUIRE_MESSAGE(rc == 0, "python failed:\n", out);
  std::vector<std::string> got;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    if (nl > start) got.push_back(out.substr(start, nl - start));
    start = nl + 1;
  }
  REQUIRE(got.size() == want.size());
  int mismatches = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] == want[i]) continue;
    if (++mismatches <= 5)
      FAIL_CHECK("config ", i, ": ", pytorch_layer(configs[i]), " on ", configs[i].H, "x", configs[i].W,
                 ": torch ", got[i], ", ConvScope ", want[i]);
  }
  CHECK(mismatches == 0);
  MESSAGE("torch checked ", want.size(), " generated lines");
}

// The runnable script: torch, given the lesson's weights and input as the script writes them, computes
// the output ConvScope's engine computed (the script prints the largest difference itself).
TEST_CASE("pytorch script: torch (/usr/bin/python3) reproduces the engine's output from the copied values") {
  if (std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: torch is not importable by /usr/bin/python3 (install python3-torch to run this test)");
    return;
  }
  std::vector<StepperConfig> configs;
  for (int m = 0; m < kConvModeCount; ++m) {
    StepperConfig c;
    c.mode = static_cast<ConvMode>(m);
    c.C = 2;
    c.H = 6;
    c.W = 7;
    c.out_channels = 2;
    c.groups = 2;
    c.stride = {2, 1};
    c.padding = {1, 0};
    c.input_preset = InputPreset::Random;
    c.kernel_preset = KernelPreset::Random;
    c.bias = mode_is_pool(c.mode) ? 0.0f : -0.75f;
    configs.push_back(c);
  }
  for (const StepperConfig& c : configs) {
    StepperData d;
    d.input = make_input(c, {});
    make_weights(c, {}, &d, nullptr);
    const StepperResult r = compute_stepper(c, d);
    REQUIRE_MESSAGE(r.valid, pytorch_layer(c), ": ", r.error);
    const std::string script = pytorch_script(c, d, r);
    const PythonRun run = run_python(script, "pytorch_script_test.py");
    const int rc = run.rc;
    const std::string& out = run.out;
    CAPTURE(pytorch_layer(c));
    REQUIRE_MESSAGE(rc == 0, "python failed:\n", out, "\nscript:\n", script);
    const size_t at = out.find("max |torch - ConvScope| = ");
    REQUIRE_MESSAGE(at != std::string::npos, out);
    const double diff = std::atof(out.c_str() + at + 26);
    CHECK_MESSAGE(diff < 1e-4, out);
    CHECK(out.find("tensor(") != std::string::npos);
  }
}
#endif
