// digit_bundle_model.cpp — the app's side of the bundled digits: the engine's digits.bin parser with
// its refusals in the UI's language, the gallery's order and its thumbnail atlas.
#include "digit_bundle_model.h"

#include <algorithm>

#include "ui_strings.h"

namespace cs::app {

cs::DigitBundleMessages digit_bundle_messages() {
  cs::DigitBundleMessages m;
  m.too_small = tr(S::digits_err_too_small);
  m.magic = tr(S::digits_err_magic);
  m.version = tr(S::digits_err_version);
  m.side = tr(S::digits_err_side);
  m.set_count_total = tr(S::digits_err_set_count_total);
  m.bits = tr(S::digits_err_bits);
  m.set_truncated = tr(S::digits_err_set_truncated);
  m.set_count = tr(S::digits_err_set_count);
  m.set_sizes = tr(S::digits_err_set_sizes);
  m.index_past_end = tr(S::digits_err_index_past_end);
  m.index_not_32bit = tr(S::digits_err_index_not_32bit);
  m.index_repeats = tr(S::digits_err_index_repeats);
  m.index_exceeds_32bit = tr(S::digits_err_index_exceeds_32bit);
  m.index_bytes = tr(S::digits_err_index_bytes);
  m.label = tr(S::digits_err_label);
  m.pixels = tr(S::digits_err_pixels);
  m.pixels_end_early = tr(S::digits_err_pixels_end_early);
  m.pixels_left_over = tr(S::digits_err_pixels_left_over);
  m.set_name = tr(S::digits_err_set_name);
  m.set_twice = tr(S::digits_err_set_twice);
  m.trailing = tr(S::digits_err_trailing);
  return m;
}

cs::Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size) {
  return cs::parse_digit_bundle(bytes, size, digit_bundle_messages());
}

std::vector<int> gallery_order(const DigitSet& set) {
  std::vector<int> order(static_cast<size_t>(set.count));
  for (int i = 0; i < set.count; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return set.labels[a] < set.labels[b]; });
  return order;
}

std::vector<uint8_t> digit_atlas_rgba(const DigitSet& set, const std::vector<int>& order, int columns,
                                      int* width, int* height) {
  columns = std::max(1, columns);
  const int n = static_cast<int>(order.size());
  const int rows = std::max(1, (n + columns - 1) / columns);
  const int w = columns * kDigitSide, h = rows * kDigitSide;
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4, 0);
  for (size_t i = 3; i < rgba.size(); i += 4) rgba[i] = 255;
  for (int k = 0; k < n; ++k) {
    const int idx = order[k];
    if (idx < 0 || idx >= set.count) continue;
    const uint8_t* img = set.image(idx);
    const int ox = (k % columns) * kDigitSide, oy = (k / columns) * kDigitSide;
    for (int y = 0; y < kDigitSide; ++y)
      for (int x = 0; x < kDigitSide; ++x) {
        uint8_t* px = &rgba[(static_cast<size_t>(oy + y) * w + ox + x) * 4];
        px[0] = px[1] = px[2] = img[y * kDigitSide + x];
      }
  }
  if (width) *width = w;
  if (height) *height = h;
  return rgba;
}

}  // namespace cs::app
