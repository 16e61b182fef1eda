// image.cpp — the only translation unit that compiles stb_image, with PNG/JPEG/BMP only:
// Debian's stb_image 2.27 has known overflows in its other decoders (e.g. CVE-2021-42716, PGM).
#include "image.h"

#include <algorithm>
#include <climits>

#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
// Above our 4096 limit so stbi_info still reports the size of a too-large image (clear message
// below); anything past 16384 fails inside stb as a second line of defence.
#define STBI_MAX_DIMENSIONS 16384
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#elif defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-function"
#pragma clang diagnostic ignored "-Wsign-compare"
#endif
#include <stb/stb_image.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#elif defined(__clang__)
#pragma clang diagnostic pop
#endif

#include "file_io.h"
#include "image_probe.h"

namespace cs {

namespace {

// stb_image 2.27 writes past stbi__huffman::size[257] when a JPEG DHT table declares more than 256
// codes (fixed upstream in 2.28; found here by fuzz_image, regression inputs kept in
// tests/fuzz/regressions/image/). Debian ships 2.27, so every DHT table stb could reach is checked
// first. The walk follows stb's own reading: it resyncs byte by byte on non-marker bytes, reads DHT
// and DQT tables by their contents (not the segment length), reads zeros past the end of the data,
// and leaves entropy-coded data at the first 0xFF followed by a non-zero byte. Valid files walk
// cleanly; where the walk and stb could differ, the walk looks at more places, never fewer.
Status check_jpeg_huffman_tables(const uint8_t* b, size_t n, const char* name) {
  auto at = [&](size_t i) -> size_t { return i < n ? b[i] : 0; };
  size_t pos = 0;  // SOI (possibly after fill bytes) is walked as a standalone marker
  while (pos < n) {
    if (b[pos] != 0xFF) {
      ++pos;
      continue;
    }
    while (pos < n && b[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) break;
    const size_t marker = b[pos++];
    if (marker == 0xD9) break;  // EOI: stb stops here
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no payload
    const size_t len = (at(pos) << 8) | at(pos + 1);
    size_t p = pos + 2;
    if (marker == 0xC4) {  // DHT: tables of 1 + 16 count bytes + sum(counts) symbols, while length remains
      long remaining = static_cast<long>(len) - 2;
      while (remaining > 0 && p < n) {
        size_t total = 0;
        for (size_t i = 0; i < 16; ++i) total += at(p + 1 + i);
        if (total > 256)
          return Status::error(fmt("%s: corrupt JPEG: a Huffman table declares %zu codes (at most 256)", name, total));
        p += 17 + total;
        remaining -= static_cast<long>(17 + total);
      }
      pos = p;
    } else if (marker == 0xDB) {  // DQT: 65- or 129-byte tables, read the same way
      long remaining = static_cast<long>(len) - 2;
      while (remaining > 0 && p < n) {
        const size_t table = (at(p) >> 4) ? 129 : 65;
        p += table;
        remaining -= static_cast<long>(table);
      }
      pos = p;
    } else {
      pos = p + (len >= 2 ? len - 2 : 0);
    }
    if (marker == 0xDA)  // entropy-coded data ends at the first 0xFF followed by a non-zero byte
      while (pos + 1 < n && !(b[pos] == 0xFF && b[pos + 1] != 0x00)) ++pos;
  }
  return Status::ok();
}

}  // namespace

Result<Image> decode_image(const uint8_t* bytes, size_t size, const std::string& name) {
  const char* n = name.c_str();
  if (size == 0) return Status::error(fmt("%s: empty file, not an image", n));
  if (size > static_cast<size_t>(INT_MAX)) return Status::error(fmt("%s: %zu bytes is too large for an image", n, size));
  // Before stbi_info too: its JPEG header parse already builds the Huffman tables.
  // stb takes anything starting 0xFF (fill bytes, then SOI) as a JPEG candidate.
  if (bytes[0] == 0xFF) CS_RETURN_IF_ERROR(check_jpeg_huffman_tables(bytes, size, n));
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_memory(bytes, static_cast<int>(size), &w, &h, &c))
    return Status::error(fmt("%s: not a PNG, JPEG or BMP image (%s)", n, stbi_failure_reason()));
  if (w <= 0 || h <= 0) return Status::error(fmt("%s: image is empty (%dx%d)", n, w, h));
  if (w > kMaxImageSide || h > kMaxImageSide)
    return Status::error(fmt("%s: image is %dx%d; at most %dx%d is accepted", n, w, h, kMaxImageSide, kMaxImageSide));
  int dw = 0, dh = 0, dc = 0;
  stbi_uc* pixels = stbi_load_from_memory(bytes, static_cast<int>(size), &dw, &dh, &dc, 0);
  if (!pixels) return Status::error(fmt("%s: cannot decode the image (%s)", n, stbi_failure_reason()));
  if (dw != w || dh != h || dc < 1 || dc > 4) {
    stbi_image_free(pixels);
    return Status::error(fmt("%s: decoded size %dx%dx%d differs from the header's %dx%d", n, dw, dh, dc, w, h));
  }
  Image img;
  img.width = dw;
  img.height = dh;
  img.channels = dc;
  img.pixels.assign(pixels, pixels + static_cast<size_t>(dw) * dh * dc);
  stbi_image_free(pixels);
  // A phone stores a photo as its sensor saw it and says in EXIF how to turn it upright.
  if (bytes[0] == 0xFF) return orient_image(img, jpeg_exif_orientation(bytes, size));
  return img;
}

Result<Image> read_image_file(const std::string& path) {
  // 64 MB is far above any 4096x4096 PNG/JPEG worth classifying; larger files are refused unread.
  Result<std::vector<uint8_t>> bytes = read_file_bytes(path, uint64_t(64) << 20);
  if (!bytes) return bytes.status();
  return decode_image(bytes->data(), bytes->size(), path);
}

GreyImage to_grey(const Image& image) {
  GreyImage g;
  g.width = image.width;
  g.height = image.height;
  const size_t count = static_cast<size_t>(image.width) * image.height;
  g.pixels.resize(count);
  const int c = image.channels;
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = &image.pixels[i * c];
    float luma = (c >= 3) ? (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f : p[0] / 255.0f;
    float alpha = (c == 2) ? p[1] / 255.0f : (c == 4) ? p[3] / 255.0f : 1.0f;
    g.pixels[i] = alpha * luma + (1.0f - alpha);  // over white
  }
  return g;
}

GreyImage grey_from_bytes(const uint8_t* grey, int width, int height) {
  GreyImage g;
  g.width = width;
  g.height = height;
  g.pixels.resize(static_cast<size_t>(width) * height);
  for (size_t i = 0; i < g.pixels.size(); ++i) g.pixels[i] = grey[i] / 255.0f;
  return g;
}

namespace {

// For each output index along one axis: the input span [begin, end) it covers and the weight of
// each input pixel (overlap length / scale), so that the weights of one output pixel sum to 1.
struct AxisWeights {
  std::vector<int> first;          // first input pixel of each output pixel
  std::vector<int> count;          // number of input pixels
  std::vector<float> weights;      // concatenated, output by output
  std::vector<size_t> offset;      // into weights
};

AxisWeights axis_weights(int in, int out) {
  AxisWeights a;
  const double scale = static_cast<double>(in) / out;  // input pixels per output pixel
  for (int o = 0; o < out; ++o) {
    const double lo = o * scale, hi = (o + 1) * scale;
    int i0 = static_cast<int>(lo);
    int i1 = std::min(in, static_cast<int>(hi + 1.0 - 1e-9));  // exclusive
    if (i1 <= i0) i1 = i0 + 1;
    a.first.push_back(i0);
    a.count.push_back(i1 - i0);
    a.offset.push_back(a.weights.size());
    for (int i = i0; i < i1; ++i) {
      double overlap = std::min<double>(hi, i + 1) - std::max<double>(lo, i);
      a.weights.push_back(static_cast<float>(std::max(0.0, overlap) / scale));
    }
  }
  return a;
}

}  // namespace

GreyImage resize_area(const GreyImage& in, int out_width, int out_height) {
  GreyImage out;
  out.width = out_width;
  out.height = out_height;
  out.pixels.assign(static_cast<size_t>(out_width) * out_height, 0.0f);
  if (in.width <= 0 || in.height <= 0 || out_width <= 0 || out_height <= 0) return out;
  const AxisWeights ax = axis_weights(in.width, out_width);
  const AxisWeights ay = axis_weights(in.height, out_height);
  // Separable: rows first into (in.height x out_width), then columns.
  std::vector<float> tmp(static_cast<size_t>(in.height) * out_width);
  for (int y = 0; y < in.height; ++y)
    for (int ox = 0; ox < out_width; ++ox) {
      float s = 0;
      const float* w = &ax.weights[ax.offset[ox]];
      for (int k = 0; k < ax.count[ox]; ++k) s += w[k] * in.at(ax.first[ox] + k, y);
      tmp[static_cast<size_t>(y) * out_width + ox] = s;
    }
  for (int oy = 0; oy < out_height; ++oy) {
    const float* w = &ay.weights[ay.offset[oy]];
    for (int ox = 0; ox < out_width; ++ox) {
      float s = 0;
      for (int k = 0; k < ay.count[oy]; ++k) s += w[k] * tmp[static_cast<size_t>(ay.first[oy] + k) * out_width + ox];
      out.at(ox, oy) = s;
    }
  }
  return out;
}

}  // namespace cs
