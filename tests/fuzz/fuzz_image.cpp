// fuzz_image.cpp — libFuzzer target: arbitrary bytes -> decode_image (stb_image, PNG/JPEG/BMP
// only; the header probe first) and, for small decoded images, the whole digit preprocessing.
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "engine/data/digit_input.h"
#include "engine/data/image.h"
#include "engine/data/image_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The header reader the page runs on every photo before the browser decodes it.
  cs::Result<cs::ImageProbe> probe = cs::probe_image(data, size, "fuzz.img");
  if (probe.is_ok() && (probe->width < 1 || probe->height < 1 || probe->orientation < 1 || probe->orientation > 8 ||
                        static_cast<long long>(probe->width) * probe->height > cs::kMaxPhotoPixels))
    std::abort();
  cs::Result<cs::Image> r = cs::decode_image(data, size, "fuzz.img");
  if (!r.is_ok()) return 0;
  if (r->width < 1 || r->height < 1 || r->width > cs::kMaxImageSide || r->height > cs::kMaxImageSide ||
      r->pixels.size() != static_cast<size_t>(r->width) * r->height * r->channels)
    std::abort();
  if (static_cast<size_t>(r->width) * r->height > 256 * 256) return 0;  // keep each run fast
  cs::DigitSteps s = cs::prepare_digit(cs::to_grey(*r));
  if (s.digit.pixels.size() != 28 * 28) std::abort();
  for (float v : s.digit.pixels)
    if (!(v >= 0.0f && v <= 1.0f)) std::abort();
  return 0;
}
