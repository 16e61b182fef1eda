// test_stepper_model.cpp — the kernel stepper's model: engine outputs, arithmetic text, highlight sets
// (checked against brute force), impossible settings explained, transposed and pooling modes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "app/stepper_model.h"

using namespace cs::app;

namespace {

struct Built {
  StepperConfig c;
  StepperData d;
  StepperResult r;
};

Built build(const StepperConfig& c) {
  Built b;
  b.c = c;
  b.d.input = make_input(c, {});
  make_weights(c, {}, &b.d, nullptr);
  b.r = compute_stepper(c, b.d);
  return b;
}

}  // namespace

TEST_CASE("classic 5x5 example with the [1 0 1; 0 1 0; 1 0 1] kernel gives 4 3 4 / 2 4 3 / 2 3 4") {
  Built b = build(StepperConfig{});
  REQUIRE(b.r.valid);
  CHECK(b.r.OH == 3);
  CHECK(b.r.OW == 3);
  const float want[9] = {4, 3, 4, 2, 4, 3, 2, 3, 4};
  for (int i = 0; i < 9; ++i) CHECK(b.r.output[static_cast<size_t>(i)] == want[i]);
  CHECK(arithmetic_text(b.c, b.d, b.r, 0, 0) == "1*1 + 1*0 + 1*1 + 0*0 + 1*1 + 1*0 + 0*1 + 0*0 + 1*1 = 4");
  CHECK(b.r.cols_rows == 9);
  CHECK(b.r.cols_cols == 9);
}

TEST_CASE("counting input: the arithmetic writes the real products and the engine's sum") {
  StepperConfig c;
  c.H = c.W = 3;
  c.input_preset = InputPreset::Counting;
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(arithmetic_text(b.c, b.d, b.r, 0, 0) == "1*1 + 2*0 + 3*1 + 4*0 + 5*1 + 6*0 + 7*1 + 8*0 + 9*1 = 25");
}

TEST_CASE("stepping moves the position over the output in row-major order") {
  StepperConfig c;
  c.H = c.W = 6;
  c.stride = {2, 2};
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(b.r.steps == 4);  // floor((6-3)/2)+1 = 2 per side
  CHECK(position_cell(b.r, c, 0) == Cell{0, 0});
  CHECK(position_cell(b.r, c, 1) == Cell{0, 1});
  CHECK(position_cell(b.r, c, 2) == Cell{1, 0});
  CHECK(position_cell(b.r, c, 99) == Cell{1, 1});  // clamped
  CHECK(arithmetic_text(c, b.d, b.r, 0, 0) != arithmetic_text(c, b.d, b.r, 0, 1));
}

TEST_CASE("multi-channel arithmetic: per-channel lines, channel sum and bias equal the engine output") {
  StepperConfig c;
  c.C = 2;
  c.bias = 0.5f;
  c.input_preset = InputPreset::Counting;
  c.kernel_preset = KernelPreset::Random;
  Built b = build(c);
  REQUIRE(b.r.valid);
  std::string s = arithmetic_text(c, b.d, b.r, 0, 4);
  CHECK(s.find("ch0: ") == 0);
  CHECK(s.find("\nch1: ") != std::string::npos);
  CHECK(s.find("bias 0.5") != std::string::npos);
  Cell p = position_cell(b.r, c, 4);
  // Independent check of the engine's number the text ends with.
  double want = 0.5;
  for (int ch = 0; ch < 2; ++ch)
    for (int kh = 0; kh < 3; ++kh)
      for (int kw = 0; kw < 3; ++kw)
        want += b.d.input[(ch * 5 + p.r + kh) * 5 + p.c + kw] * b.d.weight[(ch * 3 + kh) * 3 + kw];
  CHECK(b.r.output.at(0, 0, p.r, p.c) == doctest::Approx(want));
  CHECK(s.substr(s.rfind("= ") + 2) == num_text(static_cast<float>(want)));
}

TEST_CASE("receptive field of an output cell follows the index formula (padding, stride, dilation)") {
  StepperConfig c;
  c.H = c.W = 7;
  c.stride = {2, 2};
  c.padding = {1, 1};
  c.dilation = {2, 2};
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(b.r.OH == 3);  // floor((7+2-4-1)/2)+1
  std::vector<Cell> cells = input_cells_of_output(c, b.r, Cell{1, 2});
  REQUIRE(cells.size() == 9);
  // rows: 1*2 - 1 + k*2 = 1, 3, 5; cols: 2*2 - 1 + k*2 = 3, 5, 7 (7 is padding)
  CHECK(cells[0] == Cell{1, 3});
  CHECK(cells[2] == Cell{1, 7});
  CHECK(cells[8] == Cell{5, 7});
  Highlights h = highlights_for(c, b.r, HoverTarget{HoverKind::Output, Cell{1, 2}}, 0);
  CHECK(h.output == std::vector<Cell>{Cell{1, 2}});
  CHECK(h.input == cells);
}

TEST_CASE("input hover and output hover are inverse relations (brute force over every cell)") {
  for (int s = 1; s <= 3; ++s)
    for (int dil = 1; dil <= 2; ++dil) {
      StepperConfig c;
      c.H = 8;
      c.W = 7;
      c.stride = {s, s};
      c.dilation = {dil, dil};
      c.padding = {1, 1};
      Built b = build(c);
      REQUIRE(b.r.valid);
      std::set<std::pair<int, int>> pairs_a, pairs_b;
      for (int r = 0; r < b.r.OH; ++r)
        for (int q = 0; q < b.r.OW; ++q)
          for (const Cell& i : input_cells_of_output(c, b.r, Cell{r, q}))
            if (i.r >= 0 && i.r < c.H && i.c >= 0 && i.c < c.W) pairs_a.insert({i.r * 100 + i.c, r * 100 + q});
      for (int y = 0; y < c.H; ++y)
        for (int x = 0; x < c.W; ++x)
          for (const Cell& o : output_cells_of_input(c, b.r, Cell{y, x})) pairs_b.insert({y * 100 + x, o.r * 100 + o.c});
      CHECK(pairs_a == pairs_b);
    }
}

TEST_CASE("kernel tap hover: every input the weight ever multiplies") {
  StepperConfig c;
  c.H = c.W = 5;
  Built b = build(c);
  std::vector<Cell> cells = cells_of_kernel_tap(c, b.r, Cell{0, 0});
  CHECK(cells.size() == 9);  // the top-left tap reads rows 0..2 x cols 0..2
  CHECK(cells.front() == Cell{0, 0});
  CHECK(cells.back() == Cell{2, 2});
}

TEST_CASE("impossible settings are explained, not crashed on") {
  StepperConfig c;
  c.KH = c.KW = 7;
  Built b = build(c);
  CHECK_FALSE(b.r.valid);
  CHECK(b.r.error.find("larger than the padded input 5x5") != std::string::npos);
  CHECK_FALSE(b.r.explain.empty());
  CHECK(highlights_for(c, b.r, HoverTarget{}, 0).input.empty());
  CHECK(arithmetic_text(c, b.d, b.r, 0, 0).empty());

  StepperConfig z;
  z.stride = {0, 1};
  Built bz = build(z);
  CHECK_FALSE(bz.r.valid);
  CHECK(bz.r.error.find("stride must be >= 1, got 0") != std::string::npos);
  CHECK(bz.r.explain.find("stride of 0") != std::string::npos);

  StepperConfig g;
  g.mode = ConvMode::Grouped;
  g.C = 3;
  g.groups = 2;
  g.out_channels = 2;
  Built bg = build(g);
  CHECK_FALSE(bg.r.valid);
  CHECK(bg.r.error.find("divisible by groups 2") != std::string::npos);
}

TEST_CASE("validate_config rejects out-of-range fields but lets impossible convolutions through") {
  StepperConfig c;
  CHECK(validate_config(c).empty());
  c.stride = {0, 0};
  CHECK(validate_config(c).empty());
  c.H = 33;
  CHECK(validate_config(c).find("input height") != std::string::npos);
  c.H = 5;
  c.padding = {-1, 0};
  CHECK(validate_config(c).find("padding") != std::string::npos);
  c.padding = {0, 0};
  c.C = 4;
  CHECK(validate_config(c).find("channels") != std::string::npos);
}

TEST_CASE("depthwise and separable: one filter per channel; separable needs fewer MACs") {
  StepperConfig c;
  c.mode = ConvMode::Separable;
  c.C = 3;
  c.out_channels = 4;
  c.H = c.W = 8;
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(b.r.OC == 3);
  REQUIRE(b.r.pointwise_output.shape() == cs::Shape{1, 4, 6, 6});
  CHECK(b.r.macs_stage1 == 3 * 36 * 9);
  CHECK(b.r.macs_stage2 == 4 * 36 * 3);
  CHECK(b.r.macs_standard == 4 * 36 * 27);
  CHECK(b.r.macs_stage1 + b.r.macs_stage2 < b.r.macs_standard);
  CHECK(arithmetic_text(c, b.d, b.r, 1, 0).find("ch1: ") == 0);
}

TEST_CASE("pointwise mode is a 1x1 kernel") {
  StepperConfig c;
  c.mode = ConvMode::Pointwise;
  c.C = 3;
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(b.r.OH == 5);
  CHECK(input_cells_of_output(c, b.r, Cell{2, 3}).size() == 1);
}

TEST_CASE("transposed convolution: stride 2, kernel 3 stamps the checkerboard of overlaps") {
  StepperConfig c;
  c.mode = ConvMode::Transposed;
  c.H = c.W = 3;
  c.stride = {2, 2};
  c.kernel_preset = KernelPreset::Box;
  c.input_preset = InputPreset::Random;
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(b.r.OH == 7);  // (3-1)*2 + 3
  CHECK(b.r.steps == 9);
  // overlap row 0: 1 1 2 1 2 1 1 ; row 2: 2 2 4 2 4 2 2
  const float row0[7] = {1, 1, 2, 1, 2, 1, 1}, row2[7] = {2, 2, 4, 2, 4, 2, 2};
  for (int x = 0; x < 7; ++x) {
    CHECK(b.r.overlap[static_cast<size_t>(x)] == row0[x]);
    CHECK(b.r.overlap[static_cast<size_t>(14 + x)] == row2[x]);
  }
  // The engine's zero-insertion result equals stamping by hand.
  std::vector<double> want(49, 0.0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int kh = 0; kh < 3; ++kh)
        for (int kw = 0; kw < 3; ++kw) want[(i * 2 + kh) * 7 + j * 2 + kw] += b.d.input[i * 3 + j] * b.d.weight[kh * 3 + kw];
  for (int k = 0; k < 49; ++k) CHECK(b.r.output[static_cast<size_t>(k)] == doctest::Approx(want[k]));
  // Input (1,1) stamps onto output rows/cols 2..4; after all 9 stamps the partial equals the output.
  std::vector<Cell> outs = output_cells_of_input(c, b.r, Cell{1, 1});
  CHECK(outs.size() == 9);
  CHECK(outs.front() == Cell{2, 2});
  CHECK(outs.back() == Cell{4, 4});
  cs::Tensor all = transposed_partial(c, b.d, b.r, 9), one = transposed_partial(c, b.d, b.r, 1);
  for (size_t k = 0; k < 49; ++k) CHECK(all[k] == doctest::Approx(b.r.output[k]));
  CHECK(one[static_cast<size_t>(4 * 7 + 4)] == 0.0f);  // only input (0,0) has stamped: rows/cols 0..2
  CHECK(arithmetic_text(c, b.d, b.r, 0, 4).find("onto output rows 2..4, cols 2..4") != std::string::npos);
}

TEST_CASE("max pooling pads with -inf, average pooling counts the padding as 0") {
  StepperConfig c;
  c.mode = ConvMode::MaxPool;
  c.H = c.W = 4;
  c.KH = c.KW = 3;
  c.stride = {2, 2};
  c.padding = {1, 1};
  c.input_preset = InputPreset::Custom;
  Built b;
  b.c = c;
  b.d.input.assign(16, -1.0f);
  b.d.input[0] = -0.5f;  // (0,0)
  make_weights(c, {}, &b.d, nullptr);
  b.r = compute_stepper(c, b.d);
  REQUIRE(b.r.valid);
  CHECK(b.r.OH == 2);
  CHECK(b.r.output[0] == -0.5f);  // window rows -1..1 cols -1..1: padding must not win with 0
  CHECK(b.r.output[3] == -1.0f);  // rows/cols 1..3 do not see (0,0)
  CHECK(arithmetic_text(c, b.d, b.r, 0, 0) == "max(-inf, -inf, -inf, -inf, -0.5, -1, -inf, -1, -1) = -0.5");
  c.mode = ConvMode::AvgPool;
  b.r = compute_stepper(c, b.d);
  REQUIRE(b.r.valid);
  CHECK(b.r.output[0] == doctest::Approx(-3.5f / 9.0f));
  c.padding = {2, 2};  // more than half the kernel
  b.r = compute_stepper(c, b.d);
  CHECK_FALSE(b.r.valid);
  CHECK(b.r.error.find("at most half") != std::string::npos);
}

TEST_CASE("kernel presets: Sobel outside 3x3 is centred with a note; Gaussian sums to 1") {
  std::string note;
  std::vector<float> s = make_kernel_plane(KernelPreset::SobelX, 5, 5, 1, &note);
  CHECK(note.find("centred into 5x5") != std::string::npos);
  CHECK(s[1 * 5 + 1] == -1.0f);
  CHECK(s[0] == 0.0f);
  std::vector<float> g = make_kernel_plane(KernelPreset::Gaussian, 5, 3, 1, nullptr);
  float sum = 0;
  for (float v : g) sum += v;
  CHECK(sum == doctest::Approx(1.0f));
  CHECK(g[2 * 3 + 1] > g[0]);
}

TEST_CASE("mode and preset names round-trip") {
  for (int i = 0; i < kConvModeCount; ++i) {
    ConvMode m;
    REQUIRE(parse_conv_mode(conv_mode_name(static_cast<ConvMode>(i)), &m));
    CHECK(static_cast<int>(m) == i);
  }
  KernelPreset k;
  CHECK(parse_kernel_preset("sobel-x", &k));
  CHECK(k == KernelPreset::SobelX);
  CHECK_FALSE(parse_kernel_preset("sobel", &k));
  CHECK(num_text(2.0f) == "2");
  CHECK(num_text(-0.25f) == "-0.25");
}

TEST_CASE("grouped and depthwise: an output channel reads exactly its group's input channels") {
  // Brute force from the weight layout (OC, C/groups, ...): output o of group o / (OC/groups) multiplies
  // input channels group*(C/groups) .. +C/groups-1, and the highlight lights exactly those.
  for (int C = 1; C <= 3; ++C)
    for (int oc = 1; oc <= 4; ++oc)
      for (int g = 1; g <= 3; ++g) {
        if (C % g != 0 || oc % g != 0) continue;
        StepperConfig c;
        c.mode = ConvMode::Grouped;
        c.C = C;
        c.out_channels = oc;
        c.groups = g;
        Built b = build(c);
        REQUIRE(b.r.valid);
        for (int o = 0; o < oc; ++o) {
          std::vector<int> want;
          for (int ch = 0; ch < C; ++ch)
            if (ch / (C / g) == o / (oc / g)) want.push_back(ch);
          CAPTURE(C);
          CAPTURE(oc);
          CAPTURE(g);
          CAPTURE(o);
          CHECK(input_channels_of_output_channel(c, o) == want);
          CHECK(highlights_for(c, b.r, HoverTarget{}, 0, o).input_channels == want);
          CHECK(highlights_for(c, b.r, HoverTarget{HoverKind::Output, Cell{0, 0}, o}, 0, 0).input_channels == want);
          CHECK(group_of_output_channel(c, o) == o / (oc / g));
        }
      }
  StepperConfig c;
  c.mode = ConvMode::Depthwise;
  c.C = 3;
  Built b = build(c);
  REQUIRE(b.r.valid);
  CHECK(input_channels_of_output_channel(c, 2) == std::vector<int>{2});
  // A kernel plane of output channel 1 multiplies input channel 1 only.
  CHECK(highlights_for(c, b.r, HoverTarget{HoverKind::Kernel, Cell{0, 0}, 0}, 0, 1).input_channels == std::vector<int>{1});
  c.mode = ConvMode::Standard;
  CHECK(input_channels_of_output_channel(c, 0) == std::vector<int>{0, 1, 2});
}

TEST_CASE("the arithmetic of a hovered output cell is that cell's sum, equal to the engine value") {
  StepperConfig c;
  c.H = c.W = 6;
  c.C = 2;
  c.out_channels = 2;
  c.input_preset = InputPreset::Counting;
  c.kernel_preset = KernelPreset::Random;
  c.bias = 0.5f;
  Built b = build(c);
  REQUIRE(b.r.valid);
  for (int t = 0; t < b.r.steps; ++t) {
    const Cell p = position_cell(b.r, c, t);
    CHECK(arithmetic_text_at(c, b.d, b.r, 1, p) == arithmetic_text(c, b.d, b.r, 1, t));
    const std::string s = arithmetic_text_at(c, b.d, b.r, 1, p);
    CHECK(s.substr(s.rfind("= ") + 2) == num_text(b.r.output.at(0, 1, p.r, p.c)));
  }
  CHECK(arithmetic_text_at(c, b.d, b.r, 0, Cell{0, 1}) != arithmetic_text_at(c, b.d, b.r, 0, Cell{2, 3}));
  CHECK(arithmetic_text_at(c, b.d, b.r, 0, Cell{9, 9}).empty());  // off the grid: nothing, not a wrong sum
}

TEST_CASE("multiply counts: standard / grouped / depthwise / pointwise from the engine's cost formula") {
  StepperConfig c;
  c.mode = ConvMode::Grouped;
  c.C = 2;
  c.out_channels = 4;
  c.groups = 2;
  c.H = c.W = 7;
  Built b = build(c);
  REQUIRE(b.r.valid);
  const long long pos = 5 * 5;  // 7 - 3 + 1 per side
  const auto& m = b.r.multiplies;
  CHECK(m.standard == pos * 4 * 2 * 9);
  CHECK(m.grouped == pos * 4 * 1 * 9);
  CHECK(m.depthwise == pos * 2 * 9);
  CHECK(m.pointwise == pos * 4 * 2);
  c.groups = 1;
  c.C = 3;
  c.out_channels = 2;
  c.groups = 3;  // does not divide 2 output channels: the grouped count is not given
  c.mode = ConvMode::Standard;
  b = build(c);
  REQUIRE(b.r.valid);
  CHECK(b.r.multiplies.grouped < 0);
}
