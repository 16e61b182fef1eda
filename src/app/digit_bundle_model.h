// digit_bundle_model.h — the MNIST digits bundled into the app (digits.bin, packed at build time by
// scripts/pack_digits.mjs): parsing with every count checked against the byte size, the 16-level
// context-model range decoder (and its encoder, for tests), the gallery's class-grouped order and
// its thumbnail atlas. Bytes in -> DigitBundle out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/idx.h"
#include "engine/status.h"

namespace cs::app {

constexpr int kDigitSide = cs::kMnistSide;  // the engine's one definition (engine/data/idx.h)
constexpr int kDigitPixels = cs::kMnistPixels;
// The bundle keeps 16 grey levels per pixel (4 bits; visually identical to MNIST's 256) so the
// page's first load fits its size budget. Level l is shown as the grey l * 17 (0, 17, ..., 255).
constexpr int kDigitLevelBits = 4;
constexpr int kDigitMaxCount = 60000;  // MNIST's largest split: a bigger count is refused unread

// MNIST grey 0..255 -> level 0..15 -> grey level * 17: the engine's formula, which
// `convscope se-stats --levels 16` applies too, so the page and the CLI see the same digits.
inline uint8_t digit_level(uint8_t grey) { return cs::mnist_grey_level16(grey); }
inline uint8_t quantised_grey(uint8_t grey) { return cs::mnist_grey_quantised16(grey); }

struct DigitSet {
  std::string name;                   // "t10k" or "train"
  int count = 0;
  std::vector<uint32_t> source_index; // index of each digit in MNIST's IDX file
  std::vector<uint8_t> labels;        // 0..9
  std::vector<uint8_t> images;        // count * 784 bytes, ink 255 on 0 (as MNIST), 16 grey levels
  const uint8_t* image(int i) const { return images.data() + static_cast<size_t>(i) * kDigitPixels; }
};

struct DigitBundle {
  DigitSet test;   // gallery, SE statistics
  DigitSet train;  // in-page training
};

// Parses digits.bin (format in scripts/pack_digits.mjs): one or both sets, known by name ("t10k" ->
// test, "train" -> train; a set the file does not hold stays empty). Truncated data, counts that do
// not fit the size, source indices that do not increase, labels > 9, a range-coded payload that runs
// out or is left over, unknown or repeated set names and trailing bytes are errors naming the field.
cs::Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size);

// The inverse, as scripts/pack_digits.mjs writes it (tests, and any tool that wants to write a bundle):
// the non-empty sets, test first; images are quantised with digit_level; source indices must
// increase within a set.
cs::Result<std::vector<uint8_t>> encode_digit_bundle(const DigitBundle& bundle);

// Gallery order: digits grouped by label (0..9), file order inside a class.
std::vector<int> gallery_order(const DigitSet& set);

// A thumbnail atlas: `order` laid out `columns` per row, each digit 28x28, white ink on black,
// RGBA. Returns the pixels and writes the atlas size; cell (i % columns, i / columns) holds order[i].
std::vector<uint8_t> digit_atlas_rgba(const DigitSet& set, const std::vector<int>& order, int columns,
                                      int* width, int* height);

}  // namespace cs::app
