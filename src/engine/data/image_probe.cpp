// image_probe.cpp — header-only reading of PNG/JPEG/BMP files (size, EXIF orientation, whole or cut
// short) and turning decoded pixels upright. Every read goes through `at`/bounds checks: the bytes
// are a stranger's file (fuzzed by tests/fuzz/fuzz_image.cpp).
#include "image_probe.h"

#include <algorithm>
#include <cstring>

namespace cs {

namespace {

uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint32_t le32(const uint8_t* p) { return (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | p[0]; }

// Orientation from a TIFF block (the EXIF payload after "Exif\0\0"): IFD0's tag 0x0112.
int tiff_orientation(const uint8_t* t, size_t n) {
  if (n < 8) return 1;
  const bool little = t[0] == 'I' && t[1] == 'I';
  if (!little && !(t[0] == 'M' && t[1] == 'M')) return 1;
  auto u16 = [&](size_t at) -> uint32_t { return little ? (uint32_t(t[at + 1]) << 8) | t[at] : be16(t + at); };
  auto u32 = [&](size_t at) -> uint32_t { return little ? le32(t + at) : be32(t + at); };
  if (u16(2) != 42) return 1;
  const size_t ifd = u32(4);
  if (ifd > n || n - ifd < 2) return 1;
  const size_t count = u16(ifd);
  for (size_t i = 0; i < count; ++i) {
    const size_t e = ifd + 2 + i * 12;
    if (e > n || n - e < 12) return 1;
    if (u16(e) != 0x0112) continue;
    const uint32_t type = u16(e + 2), value = type == 3 ? u16(e + 8) : 0;  // SHORT, stored in place
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

bool is_sof(uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

Status truncated(const char* n, const char* what) {
  return Status::error(fmt("%s: the file is cut short (%s); it may not have finished copying", n, what));
}

// Walks the JPEG's segments to the end-of-image marker: size from the frame header (SOF), the
// orientation from EXIF, and through each scan's entropy-coded data to the next marker.
Status probe_jpeg(const uint8_t* b, size_t n, const char* name, ImageProbe* out) {
  size_t pos = 2;
  bool have_size = false;
  while (true) {
    while (pos < n && b[pos] != 0xFF) ++pos;  // tolerated garbage between segments
    while (pos < n && b[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) break;
    const uint8_t m = b[pos++];
    if (m == 0xD9) {
      if (!have_size) return Status::error(fmt("%s: corrupt JPEG: it ends before a frame header gives its size", name));
      return Status::ok();
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // markers without a length
    if (n - pos < 2) break;
    const size_t len = be16(b + pos);
    if (len < 2) return Status::error(fmt("%s: corrupt JPEG: a segment declares length %zu", name, len));
    if (len > n - pos) break;
    const uint8_t* seg = b + pos + 2;
    const size_t seg_n = len - 2;
    if (is_sof(m) && !have_size) {
      if (seg_n < 5) return Status::error(fmt("%s: corrupt JPEG: a frame header of %zu bytes", name, seg_n));
      out->height = static_cast<int>(be16(seg + 1));
      out->width = static_cast<int>(be16(seg + 3));
      have_size = true;
    } else if (m == 0xE1 && out->orientation == 1 && seg_n >= 6 && std::memcmp(seg, "Exif\0\0", 6) == 0) {
      out->orientation = tiff_orientation(seg + 6, seg_n - 6);
    }
    pos += len;
    if (m == 0xDA) {  // entropy-coded data: up to the first 0xFF that starts a marker other than RSTn
      while (true) {
        const void* ff = pos < n ? std::memchr(b + pos, 0xFF, n - pos) : nullptr;
        if (!ff) return truncated(name, "the JPEG data stops before its end-of-image marker");
        pos = static_cast<size_t>(static_cast<const uint8_t*>(ff) - b);
        if (pos + 1 >= n) return truncated(name, "the JPEG data stops before its end-of-image marker");
        const uint8_t next = b[pos + 1];
        if (next == 0x00 || next == 0xFF || (next >= 0xD0 && next <= 0xD7)) {
          pos += next == 0xFF ? 1 : 2;
          continue;
        }
        break;
      }
    }
  }
  return truncated(name, "the JPEG data stops before its end-of-image marker");
}

Status probe_png(const uint8_t* b, size_t n, const char* name, ImageProbe* out) {
  if (n < 33 || std::memcmp(b + 12, "IHDR", 4) != 0) {
    if (n < 33) return truncated(name, "the PNG stops inside its header");
    return Status::error(fmt("%s: corrupt PNG: the first chunk is not IHDR", name));
  }
  out->width = static_cast<int>(std::min<uint32_t>(be32(b + 16), 0x7FFFFFFF));
  out->height = static_cast<int>(std::min<uint32_t>(be32(b + 20), 0x7FFFFFFF));
  size_t pos = 8;
  while (n - pos >= 12) {
    const size_t len = be32(b + pos);
    if (std::memcmp(b + pos + 4, "IEND", 4) == 0) return Status::ok();
    if (len > n - pos - 12) break;
    pos += 12 + len;
  }
  return truncated(name, "the PNG stops before its IEND chunk");
}

Status probe_bmp(const uint8_t* b, size_t n, const char* name, ImageProbe* out) {
  if (n < 26) return truncated(name, "the BMP stops inside its header");
  const int32_t w = static_cast<int32_t>(le32(b + 18)), h = static_cast<int32_t>(le32(b + 22));
  out->width = w;
  out->height = h == INT32_MIN ? 0 : (h < 0 ? -h : h);  // negative: rows stored top-down
  if (le32(b + 10) > n) return truncated(name, "the BMP stops before its pixels");
  return Status::ok();
}

}  // namespace

int jpeg_exif_orientation(const uint8_t* bytes, size_t size) {
  ImageProbe p;
  if (!bytes || size < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8) return 1;
  (void)probe_jpeg(bytes, size, "", &p);  // the orientation is read even from a file cut short
  return p.orientation;
}

Result<ImageProbe> probe_image(const uint8_t* bytes, size_t size, const std::string& name) {
  const char* n = name.c_str();
  if (!bytes || size == 0) return Status::error(fmt("%s: the file is empty, not an image", n));
  ImageProbe p;
  auto starts = [&](const char* magic, size_t k) { return size >= k && std::memcmp(bytes, magic, k) == 0; };
  if (starts("\xFF\xD8\xFF", 3)) {
    p.format = ImageProbe::Jpeg;
    CS_RETURN_IF_ERROR(probe_jpeg(bytes, size, n, &p));
  } else if (starts("\x89PNG\r\n\x1a\n", 8)) {
    p.format = ImageProbe::Png;
    CS_RETURN_IF_ERROR(probe_png(bytes, size, n, &p));
  } else if (starts("BM", 2)) {
    p.format = ImageProbe::Bmp;
    CS_RETURN_IF_ERROR(probe_bmp(bytes, size, n, &p));
  } else {
    return Status::error(fmt("%s: not a photo or picture (not a JPEG, PNG or BMP file)", n));
  }
  if (p.width <= 0 || p.height <= 0) return Status::error(fmt("%s: the image is empty (%dx%d pixels)", n, p.width, p.height));
  const long long pixels = static_cast<long long>(p.width) * p.height;
  if (pixels > kMaxPhotoPixels)
    return Status::error(fmt("%s: the image is %dx%d (%.1f megapixels); at most %.0f megapixels are taken", n, p.width,
                             p.height, pixels / 1e6, kMaxPhotoPixels / 1e6));
  return p;
}

Image orient_image(const Image& s, int orientation) {
  if (orientation < 2 || orientation > 8 || s.width <= 0 || s.height <= 0) return s;
  const bool swap = orientation >= 5;
  Image o;
  o.width = swap ? s.height : s.width;
  o.height = swap ? s.width : s.height;
  o.channels = s.channels;
  o.pixels.resize(s.pixels.size());
  const int w = s.width, h = s.height, c = s.channels;
  for (int y = 0; y < o.height; ++y)
    for (int x = 0; x < o.width; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
        case 2: sx = w - 1 - x; break;                 // mirrored
        case 3: sx = w - 1 - x, sy = h - 1 - y; break; // upside down
        case 4: sy = h - 1 - y; break;                 // mirrored upside down
        case 5: sx = y, sy = x; break;                 // transposed
        case 6: sx = y, sy = h - 1 - x; break;         // stored 90 degrees anticlockwise: turn clockwise
        case 7: sx = w - 1 - y, sy = h - 1 - x; break; // transversed
        case 8: sx = w - 1 - y, sy = x; break;         // stored 90 degrees clockwise: turn anticlockwise
      }
      std::memcpy(&o.pixels[(static_cast<size_t>(y) * o.width + x) * c], &s.pixels[(static_cast<size_t>(sy) * w + sx) * c], c);
    }
  return o;
}

}  // namespace cs
