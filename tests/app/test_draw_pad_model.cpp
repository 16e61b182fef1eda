// test_draw_pad_model.cpp — the marker brush (anti-aliased, max-combined) and stroke undo/clear.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "app/draw_pad_model.h"
#include "app/ui_strings.h"
#include "engine/data/digit_input.h"

using namespace cs::app;

static long total(const std::vector<uint8_t>& c) { return std::accumulate(c.begin(), c.end(), 0L); }

TEST_CASE("a dot is a disc: full inside, soft one-pixel edge, nothing outside") {
  const int side = 40;
  std::vector<uint8_t> c(side * side, 0);
  CHECK(rasterise_segment(c, side, {20.0f, 20.0f}, {20.0f, 20.0f}, 5.0f));
  CHECK(c[20 * side + 20] == 255);          // centre
  CHECK(c[20 * side + 23] == 255);          // distance 3.5 < 5
  CHECK(c[20 * side + 27] == 0);            // distance 7.5 > 5.5
  // Pixel (25,20): centre (25.5,20.5) -> distance 5.52 -> coverage 0; pixel (24,20): 4.53 -> 0.97.
  CHECK(c[20 * side + 25] == 0);
  CHECK(c[20 * side + 24] > 240);
  CHECK(c[20 * side + 24] < 255);
  // A pixel on the edge: centre at distance ~5.15 gets partial coverage (anti-aliasing).
  int partial = 0;
  for (uint8_t v : c) partial += (v > 0 && v < 255);
  CHECK(partial > 8);
  // Symmetric around the centre.
  CHECK(c[16 * side + 24] == c[24 * side + 16]);  // (24,16) and (16,24) mirror each other
}

TEST_CASE("a segment covers the capsule between its ends, and retracing does not darken") {
  const int side = 64;
  std::vector<uint8_t> c(side * side, 0);
  rasterise_segment(c, side, {10.0f, 32.0f}, {50.0f, 32.0f}, 3.0f);
  for (int x = 10; x <= 49; ++x) CHECK(c[32 * side + x] == 255);
  CHECK(c[40 * side + 30] == 0);
  std::vector<uint8_t> before = c;
  CHECK_FALSE(rasterise_segment(c, side, {10.0f, 32.0f}, {50.0f, 32.0f}, 3.0f));
  CHECK(c == before);
}

TEST_CASE("segments off the canvas are clipped, bad arguments are ignored") {
  const int side = 16;
  std::vector<uint8_t> c(side * side, 0);
  CHECK(rasterise_segment(c, side, {-20.0f, 8.0f}, {4.0f, 8.0f}, 2.0f));
  CHECK(c[8 * side + 0] == 255);
  CHECK_FALSE(rasterise_segment(c, side, {100.0f, 100.0f}, {200.0f, 100.0f}, 2.0f));
  std::vector<uint8_t> wrong(10, 0);
  CHECK_FALSE(rasterise_segment(wrong, side, {8.0f, 8.0f}, {8.0f, 8.0f}, 2.0f));
  CHECK_FALSE(rasterise_segment(c, side, {8.0f, 8.0f}, {8.0f, 8.0f}, 0.0f));
}

TEST_CASE("strokes draw incrementally, undo and clear restore exactly") {
  DrawPad pad(100);
  CHECK(pad.empty());
  CHECK_FALSE(pad.can_undo());
  pad.begin_stroke({20, 20}, 4);
  long long r0 = pad.revision();
  pad.extend_stroke({20.2f, 20.2f});  // below kMinStep: skipped
  CHECK(pad.strokes().back().points.size() == 1);
  pad.extend_stroke({80, 20});
  CHECK(pad.revision() > r0);
  pad.end_stroke();
  const std::vector<uint8_t> one = pad.pixels();
  CHECK(one[20 * 100 + 50] == 255);

  pad.begin_stroke({50, 10}, 4);
  pad.extend_stroke({50, 90});
  pad.end_stroke();
  const std::vector<uint8_t> two = pad.pixels();
  CHECK(total(two) > total(one));

  // The incremental canvas equals a full redraw (undo + the same stroke again would redraw).
  pad.clear();
  CHECK(pad.empty());
  CHECK(total(pad.pixels()) == 0);
  CHECK(pad.undo());  // undo the clear
  CHECK(pad.pixels() == two);
  CHECK(pad.undo());  // undo the vertical stroke
  CHECK(pad.pixels() == one);
  CHECK(pad.undo());
  CHECK(total(pad.pixels()) == 0);
  CHECK_FALSE(pad.undo());
}

TEST_CASE("clearing an empty pad is not an undo step; history is bounded") {
  DrawPad pad(32);
  pad.clear();
  CHECK_FALSE(pad.can_undo());
  for (int i = 0; i < DrawPad::kMaxUndo + 10; ++i) {
    pad.begin_stroke({float(i % 30), 5.0f}, 1.0f);
    pad.end_stroke();
  }
  int undos = 0;
  while (pad.undo()) ++undos;
  CHECK(undos == DrawPad::kMaxUndo);
  CHECK(pad.strokes().size() == 10);  // the oldest strokes can no longer be undone
}

TEST_CASE("no_ink_text: the engine's reasons through the string table (English as the engine says it)") {
  std::vector<uint8_t> blank(28 * 28, 0);
  const std::string flat = cs::prepare_digit(blank.data(), 28, 28).message;   // nothing stands out
  const std::string empty = cs::prepare_digit(blank.data(), 0, 0).message;    // no pixels at all
  const std::vector<std::string> reasons = {flat, empty, "no ink: no ink pixels after noise removal",
                                            "no ink: the ink vanished when fitted into 20x20"};
  REQUIRE(flat.find("contrast") != std::string::npos);
  REQUIRE(empty.find("empty") != std::string::npos);
  set_ui_language(Language::English);
  for (const std::string& r : reasons) CHECK(no_ink_text(r) == r);
  set_ui_language(Language::Pseudo);
  for (const std::string& r : reasons) {
    const std::string p = no_ink_text(r);
    CAPTURE(p);
    CHECK(p.front() == '[');                        // a table entry, not the engine's words
    CHECK(p.find("no ink") == std::string::npos);
  }
  CHECK(no_ink_text(flat).find("0.000 <") != std::string::npos);  // the numbers stay
  CHECK(no_ink_text("no ink: a new reason") == "[\xC3\xB1\xC3\xB6 \xC3\xAE\xC3\xB1k: a new reason]");  // unknown: the engine's words
  set_ui_language(Language::English);
}

TEST_CASE("pad_status_text: an empty drawing is greeted, not told about contrast; ink the engine refused keeps its reason") {
  std::vector<uint8_t> blank(28 * 28, 0);
  const std::string flat = cs::prepare_digit(blank.data(), 28, 28).message;
  REQUIRE(flat.find("contrast") != std::string::npos);
  set_ui_language(Language::English);
  CHECK(pad_status_text(true, flat) == "draw a digit here");
  CHECK(pad_status_text(false, flat) == no_ink_text(flat));
  set_ui_language(Language::Pseudo);
  CHECK(pad_status_text(true, flat) == pseudo_localise("draw a digit here"));
  set_ui_language(Language::English);
}

TEST_CASE("fit_on_pad: a picture as large as it fits, aspect kept, centred") {
  const PadFit wide = fit_on_pad(400, 200, 280.0f);
  CHECK(wide.w == doctest::Approx(280.0f));
  CHECK(wide.h == doctest::Approx(140.0f));
  CHECK(wide.x == doctest::Approx(0.0f));
  CHECK(wide.y == doctest::Approx(70.0f));
  CHECK(wide.pixels_per_px == doctest::Approx(400.0f / 280.0f));
  const PadFit tall = fit_on_pad(10, 40, 200.0f);
  CHECK(tall.w == doctest::Approx(50.0f));
  CHECK(tall.h == doctest::Approx(200.0f));
  CHECK(tall.x == doctest::Approx(75.0f));
  const PadFit none = fit_on_pad(0, 5, 200.0f);
  CHECK(none.w == 0.0f);
  CHECK(none.pixels_per_px == 0.0f);
}
