// digit_bundle.h — digits.bin, the MNIST subset bundled into the app (packed at build time by
// scripts/pack_digits.mjs): 28x28 digits at 16 grey levels, range coded with a context model, in one
// or two named sets. Bytes in -> DigitBundle out (every count checked against the byte size), and
// the writer (tests, and any tool that makes a bundle).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "idx.h"

namespace cs {

// The bundle keeps 16 grey levels per pixel (4 bits; visually identical to MNIST's 256) so the
// page's first load fits its size budget. Level l is the grey l * 17 (mnist_grey_level16 in idx.h).
constexpr int kDigitLevelBits = 4;
constexpr int kDigitMaxCount = 60000;  // MNIST's largest split: a bigger count is refused unread

struct DigitSet {
  std::string name;                   // "t10k" or "train"
  int count = 0;
  std::vector<uint32_t> source_index; // index of each digit in MNIST's IDX file
  std::vector<uint8_t> labels;        // 0..9
  std::vector<uint8_t> images;        // count * 784 bytes, ink 255 on 0 (as MNIST), 16 grey levels
  const uint8_t* image(int i) const { return images.data() + static_cast<size_t>(i) * kMnistPixels; }
};

// The digits at `indices` as a batch (n, 1, 28, 28) of values in [0, 1], ink 1 (MNIST's x / 255).
void digit_batch(Tensor& x, const DigitSet& set, const int* indices, int n);

struct DigitBundle {
  DigitSet test;   // the app's gallery and SE statistics
  DigitSet train;  // the app's in-page training
};

// The parser's refusals as printf formats, English by default; a UI passes its translations (the
// app's string table holds the same English). The arguments of each are fixed: see the defaults.
struct DigitBundleMessages {
  const char* too_small = "digits.bin: %zu bytes, too small for the 24-byte header";
  const char* magic = "digits.bin: magic is not \"%s\"";
  const char* version = "digits.bin: version %u, this build reads 2";
  const char* side = "digits.bin: digits are %ux%u, expected 28x28";
  const char* set_count_total = "digits.bin: set_count %u, expected 1 or 2 (t10k, train)";
  const char* bits = "digits.bin: %u bits per pixel, this build reads %d";
  const char* set_truncated = "digits.bin: set %d header truncated at byte %zu";
  const char* set_count = "digits.bin: set '%s' count %u: expected 1..%d within the %zu bytes left";
  const char* set_sizes = "digits.bin: set '%s' index_bytes %u and payload_bytes %u do not fit the %zu bytes left";
  const char* index_past_end = "digits.bin: set '%s' source index %d runs past its %zu index bytes";
  const char* index_not_32bit = "digits.bin: set '%s' source index %d does not fit 32 bits";
  const char* index_repeats = "digits.bin: set '%s' source index %d repeats the previous one";
  const char* index_exceeds_32bit = "digits.bin: set '%s' source index %d exceeds 32 bits";
  const char* index_bytes = "digits.bin: set '%s' has %zu index bytes, the indices use %zu";
  const char* label = "digits.bin: set '%s' label %u at %u is not 0..9";
  const char* pixels = "digits.bin: set '%s' pixel data %s: %zu of %u payload bytes decode %u digits";
  const char* pixels_end_early = "ends early";
  const char* pixels_left_over = "has bytes left over";
  const char* set_name = "digits.bin: set %d is named '%s', expected 't10k' or 'train'";
  const char* set_twice = "digits.bin: set '%s' appears twice";
  const char* trailing = "digits.bin: %zu trailing bytes after the sets";
};

// Parses digits.bin (format in scripts/pack_digits.mjs): one or both sets, known by name ("t10k" ->
// test, "train" -> train; a set the file does not hold stays empty). Truncated data, counts that do
// not fit the size, source indices that do not increase, labels > 9, a range-coded payload that runs
// out or is left over, unknown or repeated set names and trailing bytes are errors naming the field.
Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size, const DigitBundleMessages& words = {});

// The inverse, as scripts/pack_digits.mjs writes it: the non-empty sets, test first; images are
// quantised with mnist_grey_level16; source indices must increase within a set.
Result<std::vector<uint8_t>> encode_digit_bundle(const DigitBundle& bundle);

}  // namespace cs
