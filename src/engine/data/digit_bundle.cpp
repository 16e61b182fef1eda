// digit_bundle.cpp — digits.bin's parser and writer: the 16-level context-model range coder, the
// header and set layout, every count checked against the byte size before it is used.
#include "digit_bundle.h"

#include <algorithm>
#include <cstring>

namespace cs {

void digit_batch(Tensor& x, const DigitSet& set, const int* indices, int n) {
  x.resize({n, 1, kMnistSide, kMnistSide});
  float* d = x.data();
  for (int k = 0; k < n; ++k) {
    const uint8_t* img = set.image(indices[k]);
    for (int i = 0; i < kMnistPixels; ++i) d[static_cast<size_t>(k) * kMnistPixels + i] = img[i] / 255.0f;
  }
}

namespace {

// --- The pixel coder (scripts/pack_digits.mjs holds the same model and the encoder) -------------
// Each pixel's level (0..15) is coded MSB first as 4 binary decisions with an LZMA-style adaptive
// binary range coder. A decision's probability is chosen by its place in the 4-bit tree (15 nodes)
// and by the neighbours already coded: west and north (3 bits each), north-west and north-east
// (2 bits each) -- 1024 contexts. Pixels outside the image count as 0. The model starts afresh for
// each set. About 65 bytes per digit, against 96 for the same levels under gzip -9.
constexpr int kProbBits = 12;
constexpr uint32_t kProbInit = 1u << (kProbBits - 1);
constexpr int kProbMove = 4;  // adaptation rate: p moves 1/16 of the way per decision
constexpr uint32_t kRangeTop = 1u << 24;
constexpr int kContexts = 1024;

struct PixelModel {
  std::vector<uint16_t> p = std::vector<uint16_t>(size_t(kContexts) * 16, kProbInit);
  static int context(const uint8_t* img, int x, int y) {
    const int w = x > 0 ? img[y * kMnistSide + x - 1] : 0;
    const int n = y > 0 ? img[(y - 1) * kMnistSide + x] : 0;
    const int nw = x > 0 && y > 0 ? img[(y - 1) * kMnistSide + x - 1] : 0;
    const int ne = x + 1 < kMnistSide && y > 0 ? img[(y - 1) * kMnistSide + x + 1] : 0;
    return (w >> 1) << 7 | (n >> 1) << 4 | (nw >> 2) << 2 | (ne >> 2);
  }
  static void update(uint16_t& prob, int bit) {
    if (bit) prob = static_cast<uint16_t>(prob - (prob >> kProbMove));
    else prob = static_cast<uint16_t>(prob + (((1u << kProbBits) - prob) >> kProbMove));
  }
};

// Reads only inside [p, p + size): past the end it returns 0 and remembers the overrun, so a short
// or hostile payload ends in an error, never in a read out of bounds.
struct RangeDecoder {
  const uint8_t* p;
  size_t size, pos = 0;
  bool overrun = false;
  uint32_t range = 0xffffffffu, code = 0;
  RangeDecoder(const uint8_t* data, size_t n) : p(data), size(n) {
    for (int i = 0; i < 5; ++i) code = code << 8 | next();
  }
  uint32_t next() {
    if (pos < size) return p[pos++];
    overrun = true;
    return 0;
  }
  int bit(uint16_t& prob) {
    const uint32_t bound = (range >> kProbBits) * prob;
    int b;
    if (code < bound) {
      range = bound;
      b = 0;
    } else {
      code -= bound;
      range -= bound;
      b = 1;
    }
    PixelModel::update(prob, b);
    while (range < kRangeTop) {
      range <<= 8;
      code = code << 8 | next();
    }
    return b;
  }
};

struct RangeEncoder {
  std::vector<uint8_t> out;
  uint64_t low = 0;
  uint32_t range = 0xffffffffu;
  uint8_t cache = 0;
  uint64_t cache_size = 1;
  void shift_low() {
    if (low < 0xff000000u || low >= (uint64_t(1) << 32)) {
      const uint8_t carry = static_cast<uint8_t>(low >> 32);
      uint8_t temp = cache;
      do {
        out.push_back(static_cast<uint8_t>(temp + carry));
        temp = 0xff;
      } while (--cache_size != 0);
      cache = static_cast<uint8_t>(low >> 24);
    }
    ++cache_size;
    low = (low & 0x00ffffffu) << 8;
  }
  void bit(uint16_t& prob, int b) {
    const uint32_t bound = (range >> kProbBits) * prob;
    if (b) {
      low += bound;
      range -= bound;
    } else {
      range = bound;
    }
    PixelModel::update(prob, b);
    while (range < kRangeTop) {
      range <<= 8;
      shift_low();
    }
  }
  void finish() {
    for (int i = 0; i < 5; ++i) shift_low();
  }
};

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

void put32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Source indices: the first as a LEB128 varint, then each increase (>= 1) as one.
Status parse_indices(const uint8_t* p, size_t n, const char* name, DigitSet& set, const DigitBundleMessages& words) {
  size_t pos = 0;
  uint64_t prev = 0;
  for (int i = 0; i < set.count; ++i) {
    uint64_t v = 0;
    int shift = 0;
    for (;;) {
      if (pos >= n) return Status::error(fmt(words.index_past_end, name, i, n));
      const uint8_t b = p[pos++];
      if (shift > 28 || (shift == 28 && (b & 0x70)))
        return Status::error(fmt(words.index_not_32bit, name, i));
      v |= uint64_t(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (i > 0 && v == 0) return Status::error(fmt(words.index_repeats, name, i));
    const uint64_t idx = i == 0 ? v : prev + v;
    if (idx > 0xffffffffu) return Status::error(fmt(words.index_exceeds_32bit, name, i));
    set.source_index[static_cast<size_t>(i)] = static_cast<uint32_t>(idx);
    prev = idx;
  }
  if (pos != n) return Status::error(fmt(words.index_bytes, name, n, pos));
  return Status::ok();
}

Status parse_set(Reader& r, DigitSet& set, int which, const DigitBundleMessages& words) {
  if (!r.take(20)) return Status::error(fmt(words.set_truncated, which, r.pos));
  char name[9] = {0};
  std::memcpy(name, r.p + r.pos, 8);
  r.pos += 8;
  set.name = name;
  const uint32_t count = r.u32(), index_bytes = r.u32(), payload = r.u32();
  // Each digit costs at least one index byte and one label byte.
  if (count == 0 || count > uint32_t(kDigitMaxCount) || count > (r.size - r.pos) / 2)
    return Status::error(fmt(words.set_count, name, count,
                             kDigitMaxCount, r.size - r.pos));
  if (index_bytes < count || !r.take(index_bytes) || !r.take(size_t(index_bytes) + count) ||
      payload > r.size - r.pos - index_bytes - count)
    return Status::error(fmt(words.set_sizes,
                             name, index_bytes, payload, r.size - r.pos));
  set.count = static_cast<int>(count);
  set.source_index.assign(count, 0);
  CS_RETURN_IF_ERROR(parse_indices(r.p + r.pos, index_bytes, name, set, words));
  r.pos += index_bytes;
  set.labels.assign(r.p + r.pos, r.p + r.pos + count);
  r.pos += count;
  for (uint32_t i = 0; i < count; ++i)
    if (set.labels[i] > 9) return Status::error(fmt(words.label, name, set.labels[i], i));
  set.images.assign(size_t(count) * kMnistPixels, 0);
  PixelModel model;
  RangeDecoder dec(r.p + r.pos, payload);
  for (uint32_t i = 0; i < count && !dec.overrun; ++i) {
    uint8_t* img = set.images.data() + size_t(i) * kMnistPixels;
    // Decoded as levels (the contexts use levels), shown as grey after the whole image is done.
    for (int y = 0; y < kMnistSide; ++y)
      for (int x = 0; x < kMnistSide; ++x) {
        uint16_t* probs = model.p.data() + size_t(PixelModel::context(img, x, y)) * 16;
        int node = 1;
        for (int b = 0; b < kDigitLevelBits; ++b) node = node * 2 + dec.bit(probs[node]);
        img[y * kMnistSide + x] = static_cast<uint8_t>(node - 16);
      }
    for (int k = 0; k < kMnistPixels; ++k) img[k] = static_cast<uint8_t>(img[k] * 17);
  }
  if (dec.overrun || dec.pos != payload)
    return Status::error(fmt(words.pixels, name,
                             dec.overrun ? words.pixels_end_early : words.pixels_left_over, dec.pos, payload, count));
  r.pos += payload;
  return Status::ok();
}

// The writer's errors stay English: only the packing tools and tests see them (a bad bundle in memory
// is a programming error), while the reader's reach the app's notices in the UI's language.
Status encode_set(const DigitSet& set, std::vector<uint8_t>& b) {
  const size_t n = static_cast<size_t>(set.count);
  if (set.count <= 0 || set.count > kDigitMaxCount || set.labels.size() != n || set.source_index.size() != n ||
      set.images.size() != n * kMnistPixels)
    return Status::error(fmt("set '%s': count %d does not match its labels, indices or images", set.name.c_str(), set.count));
  std::vector<uint8_t> idx;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && set.source_index[i] <= set.source_index[i - 1])
      return Status::error(fmt("set '%s': source indices must increase (%zu)", set.name.c_str(), i));
    uint32_t v = i ? set.source_index[i] - set.source_index[i - 1] : set.source_index[i];
    do {
      idx.push_back(static_cast<uint8_t>((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
      v >>= 7;
    } while (v);
  }
  PixelModel model;
  RangeEncoder enc;
  std::vector<uint8_t> levels(kMnistPixels);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* grey = set.images.data() + i * kMnistPixels;
    for (int k = 0; k < kMnistPixels; ++k) levels[k] = mnist_grey_level16(grey[k]);
    for (int y = 0; y < kMnistSide; ++y)
      for (int x = 0; x < kMnistSide; ++x) {
        uint16_t* probs = model.p.data() + size_t(PixelModel::context(levels.data(), x, y)) * 16;
        const int v = levels[y * kMnistSide + x];
        int node = 1;
        for (int bit = kDigitLevelBits - 1; bit >= 0; --bit) {
          const int b = (v >> bit) & 1;
          enc.bit(probs[node], b);
          node = node * 2 + b;
        }
      }
  }
  enc.finish();
  char name[8] = {0};
  std::memcpy(name, set.name.data(), std::min<size_t>(8, set.name.size()));
  b.insert(b.end(), name, name + 8);
  put32(b, static_cast<uint32_t>(n));
  put32(b, static_cast<uint32_t>(idx.size()));
  put32(b, static_cast<uint32_t>(enc.out.size()));
  b.insert(b.end(), idx.begin(), idx.end());
  b.insert(b.end(), set.labels.begin(), set.labels.end());
  b.insert(b.end(), enc.out.begin(), enc.out.end());
  return Status::ok();
}

}  // namespace

Result<DigitBundle> parse_digit_bundle(const uint8_t* bytes, size_t size, const DigitBundleMessages& words) {
  if (!bytes || size < 24) return Status::error(fmt(words.too_small, size));
  if (std::memcmp(bytes, "CSDG", 4) != 0) return Status::error(fmt(words.magic, "CSDG"));
  Reader r{bytes, size, 4};
  const uint32_t version = r.u32(), rows = r.u32(), cols = r.u32(), sets = r.u32(), bits = r.u32();
  if (version != 2) return Status::error(fmt(words.version, version));
  if (rows != kMnistSide || cols != kMnistSide) return Status::error(fmt(words.side, rows, cols));
  if (sets != 1 && sets != 2) return Status::error(fmt(words.set_count_total, sets));
  if (bits != kDigitLevelBits) return Status::error(fmt(words.bits, bits, kDigitLevelBits));
  DigitBundle b;
  // Sets are known by name: the page's digits.bin holds "t10k" alone, digits-train.bin "train" alone
  // (fetched when training needs it), the desktop's both.
  for (int i = 0; i < static_cast<int>(sets); ++i) {
    DigitSet set;
    CS_RETURN_IF_ERROR(parse_set(r, set, i, words));
    DigitSet* slot = set.name == "t10k" ? &b.test : set.name == "train" ? &b.train : nullptr;
    if (!slot) return Status::error(fmt(words.set_name, i, set.name.c_str()));
    if (slot->count) return Status::error(fmt(words.set_twice, set.name.c_str()));
    *slot = std::move(set);
  }
  if (r.pos != size) return Status::error(fmt(words.trailing, size - r.pos));
  return b;
}

Result<std::vector<uint8_t>> encode_digit_bundle(const DigitBundle& bundle) {
  const uint32_t sets = (bundle.test.count > 0) + (bundle.train.count > 0);
  if (!sets) return Status::error("digit bundle: both sets are empty");
  std::vector<uint8_t> b = {'C', 'S', 'D', 'G'};
  for (uint32_t v : {2u, uint32_t(kMnistSide), uint32_t(kMnistSide), sets, uint32_t(kDigitLevelBits)}) put32(b, v);
  if (bundle.test.count > 0) CS_RETURN_IF_ERROR(encode_set(bundle.test, b));
  if (bundle.train.count > 0) CS_RETURN_IF_ERROR(encode_set(bundle.train, b));
  return b;
}

}  // namespace cs
