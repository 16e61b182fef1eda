// digit_bundle_model.cpp — digits.bin parser (RLE-packed MNIST subset) and gallery helpers.
#include "digit_bundle_model.h"

#include <algorithm>
#include <cstring>

namespace cs::app {

namespace {

struct Reader {
  const uint8_t* p;
  size_t size, pos = 0;
  bool take(size_t n) { return n <= size - pos; }
  uint32_t u32() {
    uint32_t v = uint32_t(p[pos]) | uint32_t(p[pos + 1]) << 8 | uint32_t(p[pos + 2]) << 16 | uint32_t(p[pos + 3]) << 24;
    pos += 4;
    return v;
  }
};

cs::Status parse_set(Reader& r, DigitSet& set, int which) {
  if (!r.take(16)) return cs::Status::error(cs::fmt("digits.bin: set %d header truncated at byte %zu", which, r.pos));
  char name[9] = {0};
  std::memcpy(name, r.p + r.pos, 8);
  r.pos += 8;
  set.name = name;
  const uint32_t count = r.u32(), payload = r.u32();
  // Each digit costs at least 5 bytes of index+label and 2 bytes of RLE (an all-zero image is 4 runs).
  if (count == 0 || count > (r.size - r.pos) / 5)
    return cs::Status::error(cs::fmt("digits.bin: set '%s' count %u does not fit the %zu bytes left", name, count, r.size - r.pos));
  if (!r.take(size_t(count) * 5) || payload > r.size - r.pos - size_t(count) * 5)
    return cs::Status::error(cs::fmt("digits.bin: set '%s' payload_bytes %u does not fit the file", name, payload));
  set.count = static_cast<int>(count);
  set.source_index.resize(count);
  for (uint32_t i = 0; i < count; ++i) set.source_index[i] = r.u32();
  set.labels.assign(r.p + r.pos, r.p + r.pos + count);
  r.pos += count;
  for (uint32_t i = 0; i < count; ++i)
    if (set.labels[i] > 9) return cs::Status::error(cs::fmt("digits.bin: set '%s' label %u at %u is not 0..9", name, set.labels[i], i));
  set.images.assign(size_t(count) * kDigitPixels, 0);
  const uint8_t* src = r.p + r.pos;
  size_t in = 0, out = 0;
  const size_t want = set.images.size();
  while (in < payload) {
    const uint8_t b = src[in++];
    if (b != 0) {
      if (out >= want) break;
      set.images[out++] = b;
      continue;
    }
    if (in >= payload) return cs::Status::error(cs::fmt("digits.bin: set '%s' run length missing at payload byte %zu", name, in));
    const uint8_t run = src[in++];
    if (run == 0 || run > want - out)
      return cs::Status::error(cs::fmt("digits.bin: set '%s' zero run of %u at pixel %zu overflows %zu pixels", name, run, out, want));
    out += run;  // already zero
  }
  if (out != want || in != payload)
    return cs::Status::error(cs::fmt("digits.bin: set '%s' decodes to %zu pixels from %zu of %u payload bytes, expected %zu", name, out, in, payload, want));
  r.pos += payload;
  return cs::Status::ok();
}

}  // namespace

cs::Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size) {
  if (!bytes || size < 20) return cs::Status::error(cs::fmt("digits.bin: %zu bytes, too small for the 20-byte header", size));
  if (std::memcmp(bytes, "CSDG", 4) != 0) return cs::Status::error("digits.bin: magic is not \"CSDG\"");
  Reader r{bytes, size, 4};
  const uint32_t version = r.u32(), rows = r.u32(), cols = r.u32(), sets = r.u32();
  if (version != 1) return cs::Status::error(cs::fmt("digits.bin: version %u, this build reads 1", version));
  if (rows != kDigitSide || cols != kDigitSide) return cs::Status::error(cs::fmt("digits.bin: digits are %ux%u, expected 28x28", rows, cols));
  if (sets != 2) return cs::Status::error(cs::fmt("digits.bin: set_count %u, expected 2 (t10k, train)", sets));
  DigitBundle b;
  CS_RETURN_IF_ERROR(parse_set(r, b.test, 0));
  CS_RETURN_IF_ERROR(parse_set(r, b.train, 1));
  if (r.pos != size) return cs::Status::error(cs::fmt("digits.bin: %zu trailing bytes after the sets", size - r.pos));
  return b;
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
