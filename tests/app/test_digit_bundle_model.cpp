// test_digit_bundle_model.cpp — the app's side of digits.bin (the codec's tests are
// tests/engine/test_digit_bundle.cpp): the refusals' English is the engine's, gallery order and
// atlas layout.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "app/digit_bundle_model.h"
#include "app/ui_strings.h"

using namespace cs::app;

TEST_CASE("the app's words for a refused digits.bin are the engine's English, with the same arguments") {
  const cs::DigitBundleMessages ui = digit_bundle_messages(), engine;
  const char* const pairs[][2] = {
      {ui.too_small, engine.too_small}, {ui.magic, engine.magic}, {ui.version, engine.version},
      {ui.side, engine.side}, {ui.set_count_total, engine.set_count_total}, {ui.bits, engine.bits},
      {ui.set_truncated, engine.set_truncated}, {ui.set_count, engine.set_count}, {ui.set_sizes, engine.set_sizes},
      {ui.index_past_end, engine.index_past_end}, {ui.index_not_32bit, engine.index_not_32bit},
      {ui.index_repeats, engine.index_repeats}, {ui.index_exceeds_32bit, engine.index_exceeds_32bit},
      {ui.index_bytes, engine.index_bytes}, {ui.label, engine.label}, {ui.pixels, engine.pixels},
      {ui.pixels_end_early, engine.pixels_end_early}, {ui.pixels_left_over, engine.pixels_left_over},
      {ui.set_name, engine.set_name}, {ui.set_twice, engine.set_twice}, {ui.trailing, engine.trailing}};
  static_assert(sizeof(cs::DigitBundleMessages) == sizeof(pairs) / 2, "every message is compared");
  for (const auto& p : pairs) CHECK(std::string(p[0]) == std::string(p[1]));
  // The app's parser speaks through the table: a refusal is the engine's sentence.
  const uint8_t short_file[3] = {'C', 'S', 'D'};
  CHECK(parse_digit_bundle(short_file, 3).message() == cs::parse_digit_bundle(short_file, 3).message());
}

TEST_CASE("gallery order groups by label, keeping file order; atlas places cells row by row") {
  DigitSet s;
  s.count = 5;
  s.labels = {3, 1, 3, 0, 1};
  s.images.assign(5 * kDigitPixels, 0);
  for (int i = 0; i < 5; ++i) s.images[i * kDigitPixels] = uint8_t(10 * (i + 1));  // marker in (0,0)
  std::vector<int> order = gallery_order(s);
  CHECK(order == std::vector<int>{3, 1, 4, 0, 2});
  int w = 0, h = 0;
  std::vector<uint8_t> atlas = digit_atlas_rgba(s, order, 2, &w, &h);
  CHECK(w == 56);
  CHECK(h == 84);
  CHECK(atlas.size() == size_t(w) * h * 4);
  // Cell 0 holds digit 3 (marker 40), cell 1 holds digit 1 (20), cell 4 (row 2, column 0) digit 2 (30).
  CHECK(atlas[0] == 40);
  CHECK(atlas[28 * 4] == 20);
  CHECK(atlas[(56 * 56) * 4] == 30);
  CHECK(atlas[3] == 255);
}
