// image_probe.h — what a phone photo is before anything decodes it: its format, pixel size, EXIF
// orientation and whether the file is whole (a JPEG must reach its end-of-image marker, a PNG its
// IEND chunk). Reads headers only, every offset checked against the size, so a 48-megapixel photo
// can be sized (and refused past the limit) without allocating its pixels; then
// orient_image turns decoded pixels upright as the camera meant them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "../status.h"
#include "image.h"

namespace cs {

// Photos up to 50 megapixels are taken (reduced before decoding on the page); larger are refused.
constexpr long long kMaxPhotoPixels = 50'000'000;

struct ImageProbe {
  enum Format { Png, Jpeg, Bmp } format = Png;
  int width = 0, height = 0;  // as stored in the file
  int orientation = 1;        // EXIF orientation 1..8 (1: as stored; JPEG only, 1 without EXIF)
  // The size once turned upright: orientations 5-8 swap width and height.
  int upright_width() const { return orientation >= 5 ? height : width; }
  int upright_height() const { return orientation >= 5 ? width : height; }
};

// Errors name the file and say what is wrong, e.g. "photo.jpg: the file is cut short (the JPEG
// data stops before its end-of-image marker)". Refuses empty input, formats other than PNG/JPEG/BMP,
// truncated JPEG/PNG files and images over kMaxPhotoPixels.
Result<ImageProbe> probe_image(const uint8_t* bytes, size_t size, const std::string& name);

// The EXIF orientation tag of a JPEG (APP1 "Exif" segment, IFD0 tag 0x0112), 1 when absent or
// unreadable: a broken EXIF block must not refuse a photo whose pixels are fine.
int jpeg_exif_orientation(const uint8_t* bytes, size_t size);

// Turns pixels stored in EXIF orientation `orientation` (1..8) upright; other values leave them as they are.
Image orient_image(const Image& stored, int orientation);

}  // namespace cs
