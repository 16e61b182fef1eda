// test_lesson_model.cpp — the lessons' state()/setState() contract and default layout: fields
// round-trip, every bad value is refused, impossible convolutions are states (not errors), caches
// refresh when parameters change, and the three panels never overlap.
#include <doctest/doctest.h>

#include "app/lesson_model.h"

using namespace cs::app;
using nlohmann::json;

namespace {

std::string apply(LessonState& s, const char* text) {
  LessonState copy = s;
  std::string err = lesson_apply(copy, json::parse(text));
  if (err.empty()) s = copy;
  return err;
}

}  // namespace

TEST_CASE("state() carries the contract fields") {
  LessonState s;
  lesson_refresh(s);
  json j = lesson_json(s)["stepper"];
  CHECK(j["input"] == json({5, 5}));
  CHECK(j["channels"] == 1);
  CHECK(j["kernel"] == json({3, 3}));
  CHECK(j["stride"] == json({1, 1}));
  CHECK(j["padding"] == json({0, 0}));
  CHECK(j["dilation"] == json({1, 1}));
  CHECK(j["mode"] == "standard");
  CHECK(j["output"] == json({3, 3}));
  CHECK(j["error"] == "");
  CHECK(j["position"] == json({0, 0}));
  CHECK(j["arithmetic"] == "1*1 + 1*0 + 1*1 + 0*0 + 1*1 + 1*0 + 0*1 + 0*0 + 1*1 = 4");
  CHECK(j["cols_shape"] == json({9, 9}));
  CHECK(j["highlight"]["input"].size() == 9);
}

TEST_CASE("setState sets the same fields and the caches follow") {
  LessonState s;
  lesson_refresh(s);
  REQUIRE(apply(s, R"({"stepper": {"input": [7, 6], "kernel": 3, "stride": [2, 1], "padding": 1, "dilation": [1, 2], "step": 3}})") == "");
  json j = lesson_json(s);
  CHECK(j["stepper"]["input"] == json({7, 6}));
  CHECK(j["stepper"]["output"] == json({4, 4}));  // H: floor((7+2-2-1)/2)+1 = 4; W: floor((6+2-4-1)/1)+1 = 4
  CHECK(j["stepper"]["position"] == json({0, 3}));
  CHECK(j["im2col"]["shape"] == json({9, 16}));
  CHECK(j["im2col"]["highlight_positions"] == json({3}));
  REQUIRE(apply(s, R"({"im2col": {"orientation": "rows"}})") == "");
  CHECK(lesson_json(s)["stepper"]["cols_shape"] == json({16, 9}));
  CHECK(lesson_json(s)["im2col"]["shape"] == json({16, 9}));
}

TEST_CASE("bad values are refused with the reason and change nothing") {
  LessonState s;
  lesson_refresh(s);
  const char* bad[] = {R"({"stepper": {"input": 0}})",        R"({"stepper": {"input": [5]}})",
                       R"({"stepper": {"kernel": "3"}})",      R"({"stepper": {"stride": -1}})",
                       R"({"stepper": {"mode": "conv"}})",     R"({"stepper": {"channels": 4}})",
                       R"({"stepper": {"position": [3, 0]}})", R"({"stepper": {"step": 9}})",
                       R"({"stepper": {"unknown": 1}})",       R"({"stepper": {"bias": "x"}})",
                       R"({"stepper": {"pinned": {"kind": "output", "cell": [5, 5]}}})",
                       R"({"stepper": {"input_values": [1, 2]}})", R"({"im2col": {"orientation": "diagonal"}})",
                       R"({"output_size": {"cost": {"groups": 0}}})", R"({"stepper": {"kernel_preset": "learned"}})"};
  for (const char* b : bad) {
    CAPTURE(b);
    CHECK_FALSE(apply(s, b).empty());
  }
  CHECK(lesson_json(s)["stepper"]["output"] == json({3, 3}));
  CHECK(apply(s, R"({"stepper": {"step": 9}})").find("0..8") != std::string::npos);
}

TEST_CASE("setState asks a panel for a tab by name; state() names the open one") {
  LessonState s;
  lesson_refresh(s);
  CHECK(lesson_json(s)["output_size"]["tab"] == "formula");
  CHECK(lesson_json(s)["im2col"]["tab"] == "matrix");
  REQUIRE(apply(s, R"({"output_size": {"tab": "cost"}, "im2col": {"tab": "timing"}})") == "");
  CHECK(s.output_size_tab_request == 1);
  CHECK(s.im2col_tab_request == 3);
  // The tab opens when the panel is next drawn (ImGui selects it): until then state() says the open one.
  CHECK(lesson_json(s)["output_size"]["tab"] == "formula");
  const std::string err = apply(s, R"({"output_size": {"tab": "costs"}})");
  CHECK(err.find("output_size.tab") != std::string::npos);
  CHECK(err.find("formula, cost, rf, pytorch") != std::string::npos);
  CHECK_FALSE(apply(s, R"({"im2col": {"tab": 2}})").empty());
  CHECK(s.output_size_tab_request == 1);  // a refused partial changes nothing
}

TEST_CASE("an impossible convolution is a state, explained, not a setState error") {
  LessonState s;
  lesson_refresh(s);
  REQUIRE(apply(s, R"({"stepper": {"kernel": 7}})") == "");
  json j = lesson_json(s);
  CHECK(j["stepper"]["output"].is_null());
  CHECK(j["stepper"]["error"].get<std::string>().find("larger than the padded input") != std::string::npos);
  CHECK(j["stepper"]["position"] == json({0, 0}));
  CHECK(j["im2col"]["valid"] == false);
  // Positions do not exist then: asking for one is an error.
  CHECK_FALSE(apply(s, R"({"stepper": {"step": 0}})").empty());
  REQUIRE(apply(s, R"({"stepper": {"kernel": 3, "stride": 0}})") == "");
  CHECK(lesson_json(s)["stepper"]["error"].get<std::string>().find("stride must be >= 1, got 0") != std::string::npos);
}

TEST_CASE("custom numbers: input_values and kernel_values replace the data and the arithmetic") {
  LessonState s;
  lesson_refresh(s);
  REQUIRE(apply(s, R"({"stepper": {"input": 3, "input_values": [1,2,3,4,5,6,7,8,9], "kernel_values": [0,0,0,0,2,0,0,0,0]}})") == "");
  json j = lesson_json(s)["stepper"];
  CHECK(j["input_preset"] == "custom");
  CHECK(j["kernel_preset"] == "custom");
  CHECK(j["arithmetic"] == "1*0 + 2*0 + 3*0 + 4*0 + 5*2 + 6*0 + 7*0 + 8*0 + 9*0 = 10");
  // Growing a custom input keeps the numbers already typed.
  REQUIRE(apply(s, R"({"stepper": {"input": 4}})") == "");
  CHECK(s.data.input[0] == 1.0f);
  CHECK(s.data.input[4 + 1] == 5.0f);
  CHECK(s.data.input[15] == 0.0f);
}

TEST_CASE("pins: a pinned output cell drives the highlight; out-of-range pins are dropped when the grid shrinks") {
  LessonState s;
  lesson_refresh(s);
  REQUIRE(apply(s, R"({"stepper": {"pinned": {"kind": "output", "cell": [2, 2]}}})") == "");
  CHECK(s.highlights.output == std::vector<Cell>{Cell{2, 2}});
  CHECK(s.highlights.input.front() == Cell{2, 2});
  REQUIRE(apply(s, R"({"stepper": {"stride": 2}})") == "");  // output 2x2: (2,2) no longer exists
  CHECK(s.pinned.kind == HoverKind::None);
}

TEST_CASE("default layout: stepper large on the left, no overlaps, inside the window") {
  for (auto [w, h] : {std::pair{1280.f, 800.f}, std::pair{1920.f, 1080.f}, std::pair{1024.f, 700.f}}) {
    LessonLayout l = lesson_layout(w, h, 20);
    CHECK_FALSE(lesson_rects_overlap(l.stepper, l.output_size));
    CHECK_FALSE(lesson_rects_overlap(l.stepper, l.im2col));
    CHECK_FALSE(lesson_rects_overlap(l.output_size, l.im2col));
    for (const LessonRect& r : {l.stepper, l.output_size, l.im2col}) {
      CHECK(r.x >= 0);
      CHECK(r.y >= 20);
      CHECK(r.x + r.w <= w);
      CHECK(r.y + r.h <= h);
    }
    CHECK(l.stepper.w > l.output_size.w);
  }
}
