// test_image.cpp — image decoding (PNG/JPEG/BMP made in-test with stb_image_write), refusals
// (empty, not an image, other formats, too large), grey conversion and area resampling.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>  // defined once, in stb_image_write_impl.cpp

#include "engine/data/image.h"

using namespace cs;

namespace {

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

std::vector<uint8_t> png(int w, int h, int c, const std::vector<uint8_t>& px) {
  std::vector<uint8_t> out;
  stbi_write_png_to_func(append, &out, w, h, c, px.data(), w * c);
  return out;
}

// A w x h gradient with a distinct top row, so a vertical flip would be caught.
std::vector<uint8_t> pattern(int w, int h, int c) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * c);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) px[(static_cast<size_t>(y) * w + x) * c + k] = static_cast<uint8_t>(y * 40 + x * 3 + k * 11);
  return px;
}

std::string error_of(const std::vector<uint8_t>& b) {
  auto r = decode_image(b.data(), b.size(), "img");
  return r.is_ok() ? std::string("(decoded)") : r.message();
}

}  // namespace

TEST_CASE("image: PNG decodes exactly, all channel counts, top row first") {
  for (int c = 1; c <= 4; ++c) {
    auto px = pattern(5, 4, c);
    auto bytes = png(5, 4, c, px);
    auto r = decode_image(bytes.data(), bytes.size(), "p.png");
    REQUIRE_MESSAGE(r.is_ok(), r.message());
    CHECK(r->width == 5);
    CHECK(r->height == 4);
    CHECK(r->channels == c);
    CHECK(r->pixels == px);
  }
}

TEST_CASE("image: BMP and JPEG decode") {
  auto px = pattern(8, 8, 3);
  std::vector<uint8_t> bmp;
  stbi_write_bmp_to_func(append, &bmp, 8, 8, 3, px.data());
  auto b = decode_image(bmp.data(), bmp.size(), "b.bmp");
  REQUIRE_MESSAGE(b.is_ok(), b.message());
  CHECK(b->pixels == px);

  // JPEG: the fuzz seed made by tests/fuzz/make_corpus.py (stb_image_write's JPEG encoder has
  // shifts of negative values that UBSan rejects, so it is not run inside the tests).
  auto j = read_image_file(std::string(CS_TEST_DATA_DIR) + "/fuzz/corpus/image/bar_16x16.jpg");
  REQUIRE_MESSAGE(j.is_ok(), j.message());
  CHECK(j->width == 16);
  CHECK(j->height == 16);
  CHECK(j->channels == 3);  // stb_image_write stores grey as YCbCr
  // A dark vertical bar (columns 7..9, value 20) on light paper (235), within JPEG error.
  CHECK(std::abs(int(j->pixels[(5 * 16 + 8) * 3]) - 20) <= 12);
  CHECK(std::abs(int(j->pixels[(5 * 16 + 2) * 3]) - 235) <= 12);
}

TEST_CASE("image: empty, garbage, other formats and oversized images are refused clearly") {
  CHECK(error_of({}) == "img: empty file, not an image");
  CHECK(error_of({1, 2, 3, 4, 5, 6, 7, 8}).find("img: not a PNG, JPEG or BMP image") == 0);
  // Formats stb could decode but we compile out: a 16-bit PGM (CVE-2021-42716) and a GIF.
  static const char kPgm[] = "P5\n2 2\n65535\n\0\0\0\0\0\0\0\0";
  std::string pgm(kPgm, sizeof kPgm - 1);
  CHECK(error_of(std::vector<uint8_t>(pgm.begin(), pgm.end())).find("not a PNG, JPEG or BMP") != std::string::npos);
  static const char kGif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
  std::string gif(kGif, sizeof kGif - 1);
  CHECK(error_of(std::vector<uint8_t>(gif.begin(), gif.end())).find("not a PNG, JPEG or BMP") != std::string::npos);
  // Truncated PNG: the header is fine, the pixel data is cut.
  auto good = png(64, 64, 1, std::vector<uint8_t>(64 * 64, 9));
  std::vector<uint8_t> cut(good.begin(), good.begin() + 40);
  CHECK(error_of(cut).find("img: ") == 0);
  CHECK(error_of(cut) != "(decoded)");
  // 4096 wide is accepted, 4097 is refused from the header.
  CHECK(error_of(png(4096, 1, 1, std::vector<uint8_t>(4096, 1))) == "(decoded)");
  CHECK(error_of(png(4097, 1, 1, std::vector<uint8_t>(4097, 1))) == "img: image is 4097x1; at most 4096x4096 is accepted");
}

TEST_CASE("image: grey conversion uses luma and puts transparent pixels on white paper") {
  Image rgb{2, 1, 3, {255, 0, 0, 0, 0, 255}};
  GreyImage g = to_grey(rgb);
  CHECK(g.at(0, 0) == doctest::Approx(0.299f));
  CHECK(g.at(1, 0) == doctest::Approx(0.114f));
  Image ga{2, 1, 2, {0, 0, 0, 255}};  // black fully transparent, black opaque
  GreyImage g2 = to_grey(ga);
  CHECK(g2.at(0, 0) == doctest::Approx(1.0f));
  CHECK(g2.at(1, 0) == doctest::Approx(0.0f));
}

TEST_CASE("image: area resize averages exactly and preserves the mean") {
  GreyImage in{4, 2, {0, 1, 0.5f, 0.5f, 1, 0, 0.25f, 0.75f}};
  GreyImage half = resize_area(in, 2, 1);
  CHECK(half.at(0, 0) == doctest::Approx(0.5f));
  CHECK(half.at(1, 0) == doctest::Approx(0.5f));
  // 3 -> 2: each output covers 1.5 input pixels.
  GreyImage row{3, 1, {0, 1, 1}};
  GreyImage two = resize_area(row, 2, 1);
  CHECK(two.at(0, 0) == doctest::Approx(1.0f / 3.0f));
  CHECK(two.at(1, 0) == doctest::Approx(1.0f));
  // Growing 1x1 -> 3x3 is constant; 7x5 -> 3x2 keeps the mean of a random image.
  GreyImage dot{1, 1, {0.3f}};
  for (float v : resize_area(dot, 3, 3).pixels) CHECK(v == doctest::Approx(0.3f));
  GreyImage r{7, 5, {}};
  float sum = 0;
  for (int i = 0; i < 35; ++i) {
    r.pixels.push_back(static_cast<float>((i * 37) % 11) / 10.0f);
    sum += r.pixels.back();
  }
  GreyImage s = resize_area(r, 3, 2);
  float sum2 = 0;
  for (float v : s.pixels) sum2 += v;
  CHECK(sum2 / 6 == doctest::Approx(sum / 35).epsilon(1e-4));
}

TEST_CASE("image: the JPEG Huffman-table overflow of stb_image 2.27 is refused before decoding") {
  // Found by fuzz_image: DHT tables declaring more than 256 codes make stb 2.27 write past a
  // 257-byte array, in the header parse, after fill bytes, and in stbi_info itself.
  for (const char* file : {"jpeg_dht_over_256_codes", "jpeg_dht_over_256_codes_2", "jpeg_dht_in_info_header",
                           "jpeg_dht_after_fill_bytes"}) {
    const std::string path = std::string(CS_TEST_DATA_DIR) + "/fuzz/regressions/image/" + file;
    auto r = read_image_file(path);
    REQUIRE_FALSE(r.is_ok());
    CHECK_MESSAGE(r.message().find("corrupt JPEG: a Huffman table declares") != std::string::npos, r.message());
  }
  // A valid baseline JPEG (its DHT tables are within limits) still decodes.
  CHECK(read_image_file(std::string(CS_TEST_DATA_DIR) + "/fuzz/corpus/image/bar_16x16.jpg").is_ok());
}
