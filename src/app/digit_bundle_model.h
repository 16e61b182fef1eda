// digit_bundle_model.h — the app's side of the MNIST digits bundled into it (digits.bin, whose codec
// is engine/data/digit_bundle): parsing with the refusals in the UI's language, the gallery's
// class-grouped order and its thumbnail atlas. Bytes in -> DigitBundle out; DigitSet -> RGBA atlas.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/data/digit_bundle.h"
#include "engine/data/idx.h"
#include "engine/status.h"

namespace cs::app {

constexpr int kDigitSide = cs::kMnistSide;  // the engine's one definition (engine/data/idx.h)
constexpr int kDigitPixels = cs::kMnistPixels;
using cs::DigitBundle;
using cs::DigitSet;
using cs::encode_digit_bundle;

// MNIST grey 0..255 -> level 0..15 -> grey level * 17: the engine's formula, which
// `convscope se-stats --levels 16` applies too, so the page and the CLI see the same digits.
inline uint8_t digit_level(uint8_t grey) { return cs::mnist_grey_level16(grey); }
inline uint8_t quantised_grey(uint8_t grey) { return cs::mnist_grey_quantised16(grey); }

// The engine's refusals of a bad digits.bin in the UI's current language (the string table's
// digits_err_* entries, whose English is the engine's).
cs::DigitBundleMessages digit_bundle_messages();
// digits.bin parsed by the engine (cs::parse_digit_bundle) with digit_bundle_messages().
cs::Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size);

// Gallery order: digits grouped by label (0..9), file order inside a class.
std::vector<int> gallery_order(const DigitSet& set);

// A thumbnail atlas: `order` laid out `columns` per row, each digit 28x28, white ink on black,
// RGBA. Returns the pixels and writes the atlas size; cell (i % columns, i / columns) holds order[i].
std::vector<uint8_t> digit_atlas_rgba(const DigitSet& set, const std::vector<int>& order, int columns,
                                      int* width, int* height);

}  // namespace cs::app
