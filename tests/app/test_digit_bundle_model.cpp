// test_digit_bundle_model.cpp — digits.bin parsing (the format scripts/pack_digits.mjs writes),
// refusal of corrupt files, gallery order and atlas layout.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include "app/digit_bundle_model.h"

using namespace cs::app;

namespace {

void put32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
}

// The same RLE as scripts/pack_digits.mjs.
std::vector<uint8_t> rle(const std::vector<uint8_t>& px) {
  std::vector<uint8_t> out;
  size_t i = 0;
  while (i < px.size()) {
    if (px[i] == 0) {
      int run = 0;
      while (i < px.size() && px[i] == 0 && run < 255) { ++run; ++i; }
      out.push_back(0);
      out.push_back(uint8_t(run));
    } else {
      out.push_back(px[i++]);
    }
  }
  return out;
}

void put_set(std::vector<uint8_t>& b, const char* name, const std::vector<std::vector<uint8_t>>& imgs,
             const std::vector<uint8_t>& labels) {
  char n[8] = {0};
  std::memcpy(n, name, std::min<size_t>(8, std::strlen(name)));
  b.insert(b.end(), n, n + 8);
  std::vector<uint8_t> payload;
  for (const auto& im : imgs) {
    auto r = rle(im);
    payload.insert(payload.end(), r.begin(), r.end());
  }
  put32(b, uint32_t(imgs.size()));
  put32(b, uint32_t(payload.size()));
  for (size_t i = 0; i < imgs.size(); ++i) put32(b, uint32_t(100 + i));
  b.insert(b.end(), labels.begin(), labels.end());
  b.insert(b.end(), payload.begin(), payload.end());
}

std::vector<uint8_t> image_with(int x, int y, uint8_t v) {
  std::vector<uint8_t> im(kDigitPixels, 0);
  im[y * kDigitSide + x] = v;
  return im;
}

std::vector<uint8_t> sample() {
  std::vector<uint8_t> b = {'C', 'S', 'D', 'G'};
  put32(b, 1);
  put32(b, 28);
  put32(b, 28);
  put32(b, 2);
  std::vector<uint8_t> full(kDigitPixels, 200);  // no zeros at all
  put_set(b, "t10k", {image_with(3, 4, 77), full, image_with(27, 27, 9)}, {7, 2, 2});
  put_set(b, "train", {image_with(0, 0, 255)}, {5});
  return b;
}

}  // namespace

TEST_CASE("digits.bin round trip: labels, source indices and pixels") {
  std::vector<uint8_t> b = sample();
  auto r = parse_digit_bundle(b.data(), b.size());
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  const DigitBundle& d = r.value();
  CHECK(d.test.name == "t10k");
  CHECK(d.test.count == 3);
  CHECK(d.test.labels == std::vector<uint8_t>{7, 2, 2});
  CHECK(d.test.source_index[2] == 102);
  CHECK(d.test.image(0)[4 * 28 + 3] == 77);
  CHECK(d.test.image(0)[4 * 28 + 4] == 0);
  CHECK(d.test.image(1)[0] == 200);
  CHECK(d.test.image(1)[783] == 200);
  CHECK(d.test.image(2)[783] == 9);
  CHECK(d.train.count == 1);
  CHECK(d.train.labels[0] == 5);
  CHECK(d.train.image(0)[0] == 255);
}

TEST_CASE("corrupt digits.bin files are refused with the field named") {
  std::vector<uint8_t> good = sample();
  for (size_t cut : {size_t(0), size_t(10), size_t(30), good.size() - 1}) {
    auto r = parse_digit_bundle(good.data(), cut);
    CHECK_FALSE(r.is_ok());
  }
  std::vector<uint8_t> b = good;
  b[0] = 'X';
  CHECK(parse_digit_bundle(b.data(), b.size()).message().find("magic") != std::string::npos);
  b = good;
  b[8] = 27;  // rows
  CHECK(parse_digit_bundle(b.data(), b.size()).message().find("27x28") != std::string::npos);
  b = good;
  b.push_back(0);
  CHECK(parse_digit_bundle(b.data(), b.size()).message().find("trailing") != std::string::npos);
  // A label of 10 in the test set (offset: 20 header + 16 set header + 3*4 indices).
  b = good;
  b[20 + 16 + 12] = 10;
  CHECK(parse_digit_bundle(b.data(), b.size()).message().find("label 10") != std::string::npos);
  // A huge count must be refused before allocating.
  b = good;
  b[28] = 0xff; b[29] = 0xff; b[30] = 0xff; b[31] = 0x7f;
  CHECK(parse_digit_bundle(b.data(), b.size()).message().find("count") != std::string::npos);
  // A zero run that overflows the images.
  b = good;
  const size_t payload0 = 20 + 16 + 12 + 3;
  CHECK(b[payload0] == 0);
  b[payload0 + 1] = 255;
  b[payload0 + 3] = 255;
  b[payload0 + 5] = 255;
  b[payload0 + 7] = 255;
  CHECK_FALSE(parse_digit_bundle(b.data(), b.size()).is_ok());
}

TEST_CASE("gallery order groups by label, keeping file order; atlas places cells row by row") {
  DigitSet s;
  s.count = 5;
  s.labels = {3, 1, 3, 0, 1};
  s.images.assign(5 * kDigitPixels, 0);
  for (int i = 0; i < 5; ++i) s.images[i * kDigitPixels] = uint8_t(10 * (i + 1));  // marker in (0,0)
  std::vector<int> order = gallery_order(s);
  CHECK(order == std::vector<int>{3, 1, 4, 0, 2});
  int w = 0, h = 0;
  std::vector<uint8_t> atlas = digit_atlas_rgba(s, order, 2, &w, &h);
  CHECK(w == 56);
  CHECK(h == 84);
  CHECK(atlas.size() == size_t(w) * h * 4);
  // Cell 0 holds digit 3 (marker 40), cell 1 holds digit 1 (20), cell 4 (row 2, column 0) digit 2 (30).
  CHECK(atlas[0] == 40);
  CHECK(atlas[28 * 4] == 20);
  CHECK(atlas[(56 * 56) * 4] == 30);
  CHECK(atlas[3] == 255);
}
