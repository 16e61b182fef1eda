// test_im2col_model.cpp — the im2col view's model: shapes in both orientations, GEMM product equals
// the conv, entry <-> pixel maps agree with the matrix, col2im overlap counts, Winograd tile.
#include <doctest/doctest.h>

#include "app/im2col_model.h"

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

TEST_CASE("column matrix shape in both orientations, product equals the convolution") {
  StepperConfig c;
  c.C = 2;
  c.H = 6;
  c.W = 5;
  c.out_channels = 3;
  c.stride = {2, 1};
  c.padding = {1, 0};
  c.kernel_preset = KernelPreset::Random;
  c.input_preset = InputPreset::Random;
  Built b = build(c);
  REQUIRE(b.r.valid);
  Im2colView cols = compute_im2col_view(c, b.d, b.r, false), rows = compute_im2col_view(c, b.d, b.r, true);
  REQUIRE(cols.valid);
  REQUIRE(rows.valid);
  CHECK(cols.cols.shape() == cs::Shape{18, b.r.OH * b.r.OW});
  CHECK(rows.cols.shape() == cs::Shape{b.r.OH * b.r.OW, 18});
  for (int i = 0; i < 18; ++i)
    for (int j = 0; j < b.r.OH * b.r.OW; ++j) CHECK(cols.cols[static_cast<size_t>(i * b.r.OH * b.r.OW + j)] == rows.cols[static_cast<size_t>(j * 18 + i)]);
  CHECK(cols.max_abs_diff < 1e-4f);
  CHECK(rows.max_abs_diff < 1e-4f);
  CHECK(cols.cols_bytes == 18LL * b.r.OH * b.r.OW * 4);
  CHECK(cols.blowup == doctest::Approx(static_cast<double>(cols.cols_bytes) / (2 * 30 * 4)));
}

TEST_CASE("grouped weights are block-diagonal and the product still equals the conv") {
  StepperConfig c;
  c.mode = ConvMode::Depthwise;
  c.C = 3;
  c.kernel_preset = KernelPreset::Random;
  Built b = build(c);
  REQUIRE(b.r.valid);
  Im2colView v = compute_im2col_view(c, b.d, b.r, false);
  REQUIRE(v.valid);
  CHECK(v.weights.shape() == cs::Shape{3, 27});
  CHECK(v.weights[9] == 0.0f);  // filter 0 ignores channel 1
  CHECK(v.max_abs_diff < 1e-4f);
}

TEST_CASE("every matrix entry is the pixel pixel_of_entry names, and entries_of_pixel finds all copies") {
  StepperConfig c;
  c.H = c.W = 6;
  c.padding = {1, 1};
  c.stride = {2, 2};
  c.input_preset = InputPreset::Counting;
  Built b = build(c);
  Im2colView v = compute_im2col_view(c, b.d, b.r, false);
  REQUIRE(v.valid);
  const int L = v.positions();
  int copies_total = 0;
  for (int row = 0; row < v.rows(); ++row)
    for (int col = 0; col < L; ++col) {
      PixelRef p = pixel_of_entry(v, c, row, col);
      float want = p.padding ? 0.0f : b.d.input[static_cast<size_t>(p.y) * 6 + p.x];
      CHECK(v.cols[static_cast<size_t>(row * L + col)] == want);
      if (!p.padding) ++copies_total;
    }
  int found = 0;
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 6; ++x) {
      std::vector<Cell> e = entries_of_pixel(v, c, 0, y, x);
      found += static_cast<int>(e.size());
      CHECK(static_cast<float>(e.size()) == v.overlap[static_cast<size_t>(y * 6 + x)]);  // col2im agrees
    }
  CHECK(found == copies_total);
  CHECK(columns_of_position(v, c, b.r, 4) == std::vector<int>{4});
}

TEST_CASE("col2im overlap counts show the 1-2-3 pattern of a 3x3 kernel on 5x5") {
  Built b = build(StepperConfig{});
  Im2colView v = compute_im2col_view(b.c, b.d, b.r, false);
  REQUIRE(v.valid);
  const float row0[5] = {1, 2, 3, 2, 1};
  for (int x = 0; x < 5; ++x) CHECK(v.overlap[static_cast<size_t>(x)] == row0[x]);
  CHECK(v.overlap[12] == 9.0f);
}

TEST_CASE("pooling has a column matrix but no GEMM; transposed uses the zero-inserted input") {
  StepperConfig c;
  c.mode = ConvMode::MaxPool;
  c.H = c.W = 4;
  c.KH = c.KW = 2;
  c.stride = {2, 2};
  Built b = build(c);
  Im2colView v = compute_im2col_view(c, b.d, b.r, false);
  REQUIRE(v.valid);
  CHECK_FALSE(v.gemm);
  CHECK(v.cols.shape() == cs::Shape{4, 4});
  StepperConfig t;
  t.mode = ConvMode::Transposed;
  t.H = t.W = 3;
  t.stride = {2, 2};
  t.kernel_preset = KernelPreset::Random;
  Built bt = build(t);
  Im2colView vt = compute_im2col_view(t, bt.d, bt.r, false);
  REQUIRE(vt.valid);
  CHECK(vt.H == 9);  // (3-1)*2+1 + 2*2
  CHECK(vt.cols.shape() == cs::Shape{9, 49});
  CHECK(vt.max_abs_diff < 1e-4f);
}

TEST_CASE("Winograd tile: 16 products reproduce the direct 2x2 and the engine's Winograd conv") {
  StepperConfig c;
  c.H = c.W = 6;
  c.padding = {1, 1};
  c.input_preset = InputPreset::Random;
  c.kernel_preset = KernelPreset::Random;
  Built b = build(c);
  WinogradTile w = winograd_tile_at(c, b.d, b.r, 7);
  REQUIRE(w.ok);
  CHECK(w.out_r == 1);
  CHECK(w.out_c == 1);
  for (int k = 0; k < 4; ++k) {
    CHECK(w.y[k] == doctest::Approx(w.direct[k]).epsilon(1e-4));
    CHECK(w.direct[k] == doctest::Approx(b.r.output.at(0, 0, w.out_r + k / 2, w.out_c + k % 2)));
  }
  c.stride = {2, 2};
  b = build(c);
  WinogradTile no = winograd_tile_at(c, b.d, b.r, 0);
  CHECK_FALSE(no.ok);
  CHECK(no.why.find("stride 1") != std::string::npos);
}

TEST_CASE("timing meter runs the three algorithms") {
  std::vector<AlgoTiming> t = time_conv_algorithms(2, 16, 2, 1);
  REQUIRE(t.size() == 3);
  for (const AlgoTiming& a : t) CHECK(a.ok);
  CHECK(t[2].name == "winograd");
}

TEST_CASE("the GEMM is compared with the convolution only when both have the same values") {
  StepperConfig c;
  c.C = 2;
  c.out_channels = 3;
  c.kernel_preset = KernelPreset::Random;
  Built b = build(c);
  Im2colView v = compute_im2col_view(c, b.d, b.r, false);
  REQUIRE(v.valid);
  CHECK(v.compared);
  CHECK(v.max_abs_diff < 1e-5f);
  // An output of another shape: no comparison, and no claimed match.
  StepperResult other = b.r;
  other.output = cs::Tensor({1, 2, 3, 3});
  Im2colView w = compute_im2col_view(c, b.d, other, false);
  CHECK_FALSE(w.compared);
  CHECK(w.max_abs_diff == 0);
  CHECK(w.not_compared.find("27") != std::string::npos);
  CHECK(w.not_compared.find("18") != std::string::npos);
}

TEST_CASE("the live timing meter times the stepper's own convolution at the chosen size") {
  StepperConfig c;
  c.mode = ConvMode::Grouped;
  c.C = 2;
  c.out_channels = 4;
  c.groups = 2;
  c.KH = c.KW = 5;
  c.stride = {2, 2};
  c.padding = {1, 1};
  TimingMeter m = timing_meter(c, 40);
  REQUIRE(m.ok);
  CHECK(m.in_shape == cs::Shape{1, 2, 40, 40});
  CHECK(m.w_shape == cs::Shape{4, 1, 5, 5});
  CHECK(m.out_shape == cs::Shape{1, 4, 19, 19});  // (40 + 2 - 5) / 2 + 1
  CHECK(m.label.find("input (1, 2, 40, 40)") != std::string::npos);
  CHECK(m.label.find("output (1, 4, 19, 19)") != std::string::npos);
  CHECK(m.label.find("groups 2") != std::string::npos);
  for (int i = 0; i < 6; ++i) timing_meter_step(m);
  CHECK(m.runs >= 5);
  REQUIRE(m.rows.size() == 3);
  CHECK(m.rows[0].ok);
  CHECK(m.rows[1].ok);
  CHECK_FALSE(m.rows[2].ok);  // Winograd is 3x3 stride 1 only: the engine says why
  CHECK_FALSE(m.rows[2].why.empty());
  c.mode = ConvMode::MaxPool;
  CHECK_FALSE(timing_meter(c, 40).ok);
  c.mode = ConvMode::Standard;
  c.KH = c.KW = 9;
  c.padding = {0, 0};
  TimingMeter small = timing_meter(c, 8);  // a 9x9 kernel on 8x8: no output, said in words
  CHECK_FALSE(small.ok);
  CHECK_FALSE(small.error.empty());
}
