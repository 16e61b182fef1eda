// digit_bundle_model.h — the MNIST digits bundled into the app (digits.bin, packed at build time by
// scripts/pack_digits.mjs): parsing with every count checked against the byte size, the gallery's
// class-grouped order and its thumbnail atlas. Bytes in -> DigitBundle out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"

namespace cs::app {

constexpr int kDigitSide = 28;
constexpr int kDigitPixels = kDigitSide * kDigitSide;

struct DigitSet {
  std::string name;                   // "t10k" or "train"
  int count = 0;
  std::vector<uint32_t> source_index; // index of each digit in MNIST's IDX file
  std::vector<uint8_t> labels;        // 0..9
  std::vector<uint8_t> images;        // count * 784 bytes, ink 255 on 0 (as MNIST)
  const uint8_t* image(int i) const { return images.data() + static_cast<size_t>(i) * kDigitPixels; }
};

struct DigitBundle {
  DigitSet test;   // gallery, SE statistics
  DigitSet train;  // in-page training
};

// Parses digits.bin (format in scripts/pack_digits.mjs). Truncated data, counts that do not fit the
// size, run lengths that overflow an image, labels > 9 and trailing bytes are errors naming the field.
cs::Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size);

// Gallery order: digits grouped by label (0..9), file order inside a class.
std::vector<int> gallery_order(const DigitSet& set);

// A thumbnail atlas: `order` laid out `columns` per row, each digit 28x28, white ink on black,
// RGBA. Returns the pixels and writes the atlas size; cell (i % columns, i / columns) holds order[i].
std::vector<uint8_t> digit_atlas_rgba(const DigitSet& set, const std::vector<int>& order, int columns,
                                      int* width, int* height);

}  // namespace cs::app
