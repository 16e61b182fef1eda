// test_image_probe.cpp — phone photos before decoding: size and EXIF orientation from the headers
// (JPEGs made in-test with stb_image_write, an EXIF APP1 segment patched in by hand), refusals
// (cut short, not an image, over 50 megapixels), every prefix and byte flip survived, pixels turned
// upright for each of the 8 orientations; and prepare_digit's optional stage pictures.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>  // defined once, in stb_image_write_impl.cpp

#include "engine/data/digit_input.h"
#include "engine/data/image.h"
#include "engine/data/image_probe.h"

using namespace cs;

namespace {

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

// A w x h grey JPEG: dark top-left quadrant on white, so any turn or mirror moves it.
std::vector<uint8_t> jpeg(int w, int h) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h, 255);
  for (int y = 0; y < h / 2; ++y)
    for (int x = 0; x < w / 2; ++x) px[static_cast<size_t>(y) * w + x] = 0;
  std::vector<uint8_t> out;
  stbi_write_jpg_to_func(append, &out, w, h, 1, px.data(), 95);
  return out;
}

// The JPEG with an APP1 "Exif" segment right after SOI: a TIFF header in the given byte order and
// IFD0 holding one entry, the orientation (tag 0x0112, SHORT).
std::vector<uint8_t> with_exif(const std::vector<uint8_t>& j, int orientation, bool big_endian) {
  auto u16 = [&](std::vector<uint8_t>& v, int x) {
    if (big_endian) v.insert(v.end(), {uint8_t(x >> 8), uint8_t(x)});
    else v.insert(v.end(), {uint8_t(x), uint8_t(x >> 8)});
  };
  auto u32 = [&](std::vector<uint8_t>& v, uint32_t x) {
    if (big_endian) v.insert(v.end(), {uint8_t(x >> 24), uint8_t(x >> 16), uint8_t(x >> 8), uint8_t(x)});
    else v.insert(v.end(), {uint8_t(x), uint8_t(x >> 8), uint8_t(x >> 16), uint8_t(x >> 24)});
  };
  std::vector<uint8_t> tiff = big_endian ? std::vector<uint8_t>{'M', 'M'} : std::vector<uint8_t>{'I', 'I'};
  u16(tiff, 42);
  u32(tiff, 8);
  u16(tiff, 1);  // one entry
  u16(tiff, 0x0112);
  u16(tiff, 3);
  u32(tiff, 1);
  u16(tiff, orientation);
  u16(tiff, 0);
  u32(tiff, 0);  // no next IFD
  std::vector<uint8_t> seg = {'E', 'x', 'i', 'f', 0, 0};
  seg.insert(seg.end(), tiff.begin(), tiff.end());
  const size_t len = seg.size() + 2;
  std::vector<uint8_t> out = {0xFF, 0xD8, 0xFF, 0xE1, uint8_t(len >> 8), uint8_t(len)};
  out.insert(out.end(), seg.begin(), seg.end());
  out.insert(out.end(), j.begin() + 2, j.end());
  return out;
}

// A JPEG made only of headers: SOI, a baseline frame header of w x h, one scan of a few bytes, EOI.
std::vector<uint8_t> header_only_jpeg(int w, int h) {
  return {0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, uint8_t(h >> 8), uint8_t(h), uint8_t(w >> 8), uint8_t(w), 1, 1, 0x11, 0,
          0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9};
}

}  // namespace

TEST_CASE("probe_image reads a JPEG's size and its EXIF orientation in either byte order") {
  const std::vector<uint8_t> plain = jpeg(40, 30);
  Result<ImageProbe> p = probe_image(plain.data(), plain.size(), "plain.jpg");
  REQUIRE(p.is_ok());
  CHECK(p->format == ImageProbe::Jpeg);
  CHECK(p->width == 40);
  CHECK(p->height == 30);
  CHECK(p->orientation == 1);
  for (bool big : {false, true})
    for (int o = 1; o <= 8; ++o) {
      const std::vector<uint8_t> j = with_exif(plain, o, big);
      Result<ImageProbe> q = probe_image(j.data(), j.size(), "exif.jpg");
      REQUIRE(q.is_ok());
      CHECK(q->orientation == o);
      CHECK(q->upright_width() == (o >= 5 ? 30 : 40));
      CHECK(jpeg_exif_orientation(j.data(), j.size()) == o);
    }
}

TEST_CASE("decode_image turns an EXIF-rotated JPEG upright") {
  // Stored 40x30 with the dark quadrant top-left; orientation 6 says "turn clockwise to view":
  // upright it is 30x40 with the dark quadrant top-right.
  const std::vector<uint8_t> j = with_exif(jpeg(40, 30), 6, false);
  Result<Image> img = decode_image(j.data(), j.size(), "rot.jpg");
  REQUIRE(img.is_ok());
  CHECK(img->width == 30);
  CHECK(img->height == 40);
  auto grey = [&](int x, int y) { return img->pixels[(static_cast<size_t>(y) * img->width + x) * img->channels]; };
  CHECK(grey(25, 5) < 60);    // top-right: dark
  CHECK(grey(5, 5) > 200);    // top-left: white
  CHECK(grey(25, 35) > 200);  // bottom-right: white
}

TEST_CASE("probe_image refuses cut-short files, non-images and photos over 50 megapixels, in words") {
  const std::vector<uint8_t> j = jpeg(64, 48);
  for (size_t keep : {j.size() / 2, j.size() - 2, size_t(200)}) {
    Result<ImageProbe> p = probe_image(j.data(), keep, "half.jpg");
    REQUIRE_FALSE(p.is_ok());
    CHECK(p.message().find("half.jpg: the file is cut short") != std::string::npos);
  }
  const std::string text = "Dear class, here is my digit: 7\n";
  Result<ImageProbe> t = probe_image(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "notes.txt");
  REQUIRE_FALSE(t.is_ok());
  CHECK(t.message() == "notes.txt: not a photo or picture (not a JPEG, PNG or BMP file)");
  CHECK_FALSE(probe_image(nullptr, 0, "empty.jpg").is_ok());

  const std::vector<uint8_t> p48 = header_only_jpeg(8000, 6000);  // 48 MP: taken
  Result<ImageProbe> ok = probe_image(p48.data(), p48.size(), "48mp.jpg");
  REQUIRE(ok.is_ok());
  CHECK(ok->width == 8000);
  const std::vector<uint8_t> p60 = header_only_jpeg(10000, 6000);
  Result<ImageProbe> big = probe_image(p60.data(), p60.size(), "60mp.jpg");
  REQUIRE_FALSE(big.is_ok());
  CHECK(big.message() == "60mp.jpg: the image is 10000x6000 (60.0 megapixels); at most 50 megapixels are taken");

  // Data after the end-of-image marker (motion photos, vendor trailers) does not matter.
  std::vector<uint8_t> trailer = j;
  trailer.insert(trailer.end(), 1000, 0x42);
  CHECK(probe_image(trailer.data(), trailer.size(), "trailer.jpg").is_ok());
}

TEST_CASE("probe_image: a PNG is whole only with its IEND chunk") {
  std::vector<uint8_t> px(20 * 10, 128), png;
  stbi_write_png_to_func(append, &png, 20, 10, 1, px.data(), 20);
  Result<ImageProbe> p = probe_image(png.data(), png.size(), "a.png");
  REQUIRE(p.is_ok());
  CHECK(p->width == 20);
  CHECK(p->height == 10);
  Result<ImageProbe> cut = probe_image(png.data(), png.size() - 5, "a.png");
  REQUIRE_FALSE(cut.is_ok());
  CHECK(cut.message().find("cut short") != std::string::npos);
}

TEST_CASE("probe_image survives every prefix and random byte changes of an EXIF JPEG") {
  const std::vector<uint8_t> j = with_exif(jpeg(24, 16), 8, true);
  for (size_t n = 0; n <= j.size(); ++n) (void)probe_image(j.data(), n, "prefix.jpg");
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> m = j;
    const int flips = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < flips; ++k) m[rng() % 64 % m.size()] = static_cast<uint8_t>(rng());  // headers mostly
    Result<ImageProbe> p = probe_image(m.data(), m.size(), "mutant.jpg");
    if (p.is_ok()) {
      CHECK(p->orientation >= 1);
      CHECK(p->orientation <= 8);
      CHECK(static_cast<long long>(p->width) * p->height <= kMaxPhotoPixels);
    }
  }
}

TEST_CASE("orient_image follows the EXIF meaning of each orientation") {
  // Stored 3x2:  a b c / d e f (values 1..6, one channel).
  Image s;
  s.width = 3, s.height = 2, s.channels = 1;
  s.pixels = {1, 2, 3, 4, 5, 6};
  const std::vector<std::vector<uint8_t>> expect = {
      {1, 2, 3, 4, 5, 6},  // 1 as stored
      {3, 2, 1, 6, 5, 4},  // 2 mirrored
      {6, 5, 4, 3, 2, 1},  // 3 upside down
      {4, 5, 6, 1, 2, 3},  // 4 mirrored upside down
      {1, 4, 2, 5, 3, 6},  // 5 transposed (2x3)
      {4, 1, 5, 2, 6, 3},  // 6 turned clockwise
      {6, 3, 5, 2, 4, 1},  // 7 transversed
      {3, 6, 2, 5, 1, 4},  // 8 turned anticlockwise
  };
  for (int o = 1; o <= 8; ++o) {
    Image u = orient_image(s, o);
    CAPTURE(o);
    CHECK(u.width == (o >= 5 ? 2 : 3));
    CHECK(u.pixels == expect[o - 1]);
  }
  CHECK(orient_image(s, 0).pixels == s.pixels);
  CHECK(orient_image(s, 9).pixels == s.pixels);
}

TEST_CASE("prepare_digit's stages show each step of a photographed digit") {
  // A dark "1" on grey paper, larger than the working size so the grey stage is reduced.
  GreyImage g;
  g.width = 800, g.height = 600;
  g.pixels.assign(static_cast<size_t>(g.width) * g.height, 0.8f);
  for (int y = 150; y < 450; ++y)
    for (int x = 380; x < 420; ++x) g.at(x, y) = 0.1f;
  DigitStages st;
  DigitSteps s = prepare_digit(g, {}, &st);
  REQUIRE(s.has_ink);
  CHECK(st.grey.width == 512);
  CHECK(st.grey.height == 384);
  CHECK(st.grey.at(256, 192) < 0.2f);  // ink dark in the grey stage...
  CHECK(st.sheet.width == 512);
  CHECK(s.inverted);
  CHECK(st.polarity.at(256, 192) > 0.8f);  // ...bright once the polarity is fixed
  REQUIRE(st.centred.pixels.size() == 28u * 28u);
  // The digit is the centred picture moved by the centre-of-mass shift.
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      const int sx = x - s.shift_x, sy = y - s.shift_y;
      const float from = (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) ? st.centred.at(sx, sy) : 0.0f;
      CHECK(s.digit.at(x, y) == doctest::Approx(from));
    }
  // Without a stages pointer the result is the same.
  DigitSteps plain = prepare_digit(g);
  CHECK(plain.digit.pixels == s.digit.pixels);
}
