// test_output_size_model.cpp — the output-size explorer's model: formula text vs the engine, the
// floor effect (never-read rows), "same" padding, impossible settings, cost table, receptive fields.
#include <doctest/doctest.h>

#include "app/output_size_model.h"

using namespace cs::app;

TEST_CASE("substituted formula ends in the engine's output size, for a table of settings") {
  struct Row {
    int in, k, s, p, d;
  } rows[] = {{5, 3, 1, 0, 1}, {5, 3, 2, 1, 1}, {6, 3, 2, 0, 1}, {7, 3, 3, 1, 2}, {32, 5, 4, 2, 1}, {10, 2, 3, 0, 3}};
  for (const Row& r : rows) {
    AxisReport a = axis_report("H", r.in, r.k, r.s, r.p, r.d, ConvMode::Standard, false);
    REQUIRE(a.valid);
    CHECK(a.out == cs::conv_output_size(r.in, r.k, r.s, r.p, r.d));
    CHECK(a.substituted.substr(a.substituted.rfind("= ") + 2) == std::to_string(a.out));
  }
  AxisReport a = axis_report("H", 5, 3, 2, 1, 1, ConvMode::Standard, false);
  CHECK(a.substituted == "floor((5 + 2*1 - 1*(3-1) - 1) / 2) + 1 = floor(4 / 2) + 1 = 3");
  CHECK(a.formula == "floor((H + 2P - D(K-1) - 1) / S) + 1");
}

TEST_CASE("floor effect: the rows never read are listed with a sentence") {
  AxisReport a = axis_report("H", 6, 3, 2, 0, 1, ConvMode::Standard, false);  // windows 0..2, 2..4
  CHECK(a.out == 2);
  CHECK(a.uncovered == std::vector<int>{5});
  CHECK(a.why.find("not exact") != std::string::npos);
  CHECK(a.why.find("1 input row is never read") != std::string::npos);
  AxisReport exact = axis_report("W", 7, 3, 2, 0, 1, ConvMode::Standard, false);
  CHECK(exact.uncovered.empty());
  CHECK(exact.why.empty());
  // Dilation gaps that stride skips: taps 0,3 then 3,6 never read 1, 2, 4, 5.
  AxisReport gaps = axis_report("H", 7, 2, 3, 0, 3, ConvMode::Standard, false);
  CHECK(gaps.out == 2);
  CHECK(gaps.uncovered == std::vector<int>{1, 2, 4, 5});
  CHECK(gaps.why.find("dilation gaps") != std::string::npos);
}

TEST_CASE("same padding exists for stride 1 and an even dilated span only") {
  CHECK(axis_report("H", 9, 3, 1, 0, 1, ConvMode::Standard, false).same_padding == 1);
  CHECK(axis_report("H", 9, 3, 1, 0, 2, ConvMode::Standard, false).same_padding == 2);
  CHECK(axis_report("H", 9, 4, 1, 0, 1, ConvMode::Standard, false).same_padding == -1);
  CHECK(axis_report("H", 9, 3, 2, 0, 1, ConvMode::Standard, false).same_padding == -1);
  AxisReport a = axis_report("H", 9, 5, 1, 2, 1, ConvMode::Standard, false);
  CHECK(a.out == 9);
}

TEST_CASE("impossible settings are explained in words") {
  AxisReport k = axis_report("H", 5, 7, 1, 0, 1, ConvMode::Standard, false);
  CHECK_FALSE(k.valid);
  CHECK(k.why.find("fits nowhere") != std::string::npos);
  AxisReport s = axis_report("W", 5, 3, 0, 0, 1, ConvMode::Standard, false);
  CHECK_FALSE(s.valid);
  CHECK(s.substituted.find("division by 0") != std::string::npos);
  CHECK(s.why.find("stride of 0") != std::string::npos);
}

TEST_CASE("pooling ceil_mode and transposed sizes come from the engine") {
  AxisReport p = axis_report("H", 6, 3, 2, 0, 1, ConvMode::MaxPool, true);
  CHECK(p.out == cs::pool_output_size(6, 3, 2, 0, 1, true));
  CHECK(p.out == 3);
  CHECK(p.formula.rfind("ceil", 0) == 0);
  AxisReport t = axis_report("H", 3, 3, 2, 0, 1, ConvMode::Transposed, false);
  CHECK(t.out == 7);
  CHECK(t.substituted == "(3 - 1)*2 - 2*0 + 1*(3-1) + 1 = 7");
  AxisReport tb = axis_report("H", 1, 1, 1, 1, 1, ConvMode::Transposed, false);
  CHECK_FALSE(tb.valid);
}

TEST_CASE("cost table: standard vs grouped vs depthwise-separable at the same shape") {
  StepperConfig c;
  c.H = c.W = 8;
  c.padding = {1, 1};
  CostInputs ci;  // 32 -> 64, groups 4, batch 8
  std::vector<CostRow> rows = cost_table(c, ci);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].params == 64 * 32 * 9 + 64);
  CHECK(rows[0].params_no_bias == 64 * 32 * 9);
  CHECK(rows[0].macs == 8LL * 64 * 64 * 32 * 9);
  CHECK(rows[0].output_bytes == 8LL * 64 * 64 * 4);
  CHECK(rows[1].params_no_bias == 64 * 8 * 9);
  CHECK(rows[2].params_no_bias == 32 * 9 + 64 * 32);
  CHECK(rows[2].macs < rows[1].macs);
  // The separable row's two stages alone add up to it.
  CHECK(rows[3].name == "depthwise alone");
  CHECK(rows[3].params_no_bias == 32 * 9);
  CHECK(rows[3].macs == 8LL * 64 * 32 * 9);  // batch 8, 8x8 positions, 32 channels, 3x3
  CHECK(rows[4].name == "pointwise 1x1 alone");
  CHECK(rows[4].params_no_bias == 64 * 32);
  CHECK(rows[4].macs == 8LL * 64 * 64 * 32);
  CHECK(rows[3].macs + rows[4].macs == rows[2].macs);
  CHECK(rows[3].params + rows[4].params == rows[2].params);
  ci.groups = 5;
  rows = cost_table(c, ci);
  CHECK_FALSE(rows[1].valid);
  CHECK(rows[1].why.find("divisible") != std::string::npos);
}

TEST_CASE("receptive-field stack: sizes and cumulative stride per layer") {
  std::vector<RfStackLayer> layers = {{false, 3, 1, 1, 1}, {false, 3, 1, 1, 1}, {true, 2, 2, 1, 0}, {false, 3, 1, 1, 1}};
  std::string err;
  std::vector<RfRow> rows = rf_rows(layers, &err);
  REQUIRE(rows.size() == 4);
  CHECK(err.empty());
  CHECK(rows[0].size == 3);
  CHECK(rows[1].size == 5);
  CHECK(rows[2].size == 6);
  CHECK(rows[2].jump == 2);
  CHECK(rows[3].size == 10);
  CHECK(rows[2].label == "pool 2x2 s2 d1 p0");
  layers[1].stride = 0;
  rows = rf_rows(layers, &err);
  CHECK(rows.empty());
  CHECK_FALSE(err.empty());
}
