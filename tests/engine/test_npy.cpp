// test_npy.cpp — .npy reading (NumPy-written fixtures, versions 1-3, '<f8'), writing round trips,
// and hostile files: every rejection names the file and the field, and nothing reads out of bounds.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/check.h"
#include "engine/data/npy.h"

using namespace cs;
using namespace cs::test;

namespace {

// A .npy image with a hand-written header (padded like NumPy) and raw payload bytes.
std::vector<uint8_t> make_npy(const std::string& dict, const std::vector<uint8_t>& payload, int major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  std::string header = dict;
  const size_t len_bytes = major == 1 ? 2 : 4;
  while ((8 + len_bytes + header.size() + 1) % 64) header += ' ';
  header += '\n';
  for (size_t i = 0; i < len_bytes; ++i) out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<uint8_t> floats_le(const std::vector<float>& v) {
  std::vector<uint8_t> out;
  for (float f : v) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(b >> (8 * i)));
  }
  return out;
}

std::string decode_error(const std::vector<uint8_t>& bytes) {
  Result<Tensor> r = npy_decode(bytes.data(), bytes.size(), "t.npy");
  return r.is_ok() ? std::string("ok") : r.message();
}

}  // namespace

TEST_CASE("npy reads a NumPy-written float32 fixture") {
  Result<Tensor> t = npy_read(std::string(CS_TEST_DATA_DIR) + "/golden/conv_basic.weight.npy");
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  CHECK(t->shape() == Shape{4, 3, 3, 3});
  // Re-encoding gives the very bytes NumPy wrote (same header text, padding and data).
  std::ifstream f(std::string(CS_TEST_DATA_DIR) + "/golden/conv_basic.weight.npy", std::ios::binary);
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(npy_encode(*t) == file);
}

TEST_CASE("npy decodes versions 2.0/3.0, '<f8', rank 0 and rank 1") {
  const std::vector<float> v = {1.5f, -2.0f, 3.25f, 0.0f, 1e-8f, 7.0f};
  for (int major : {1, 2, 3}) {
    auto bytes = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats_le(v), major);
    Result<Tensor> t = npy_decode(bytes.data(), bytes.size(), "v.npy");
    REQUIRE_MESSAGE(t.is_ok(), t.message());
    CHECK(t->shape() == Shape{2, 3});
    CHECK(t->values() == v);
  }
  std::vector<uint8_t> f8;
  for (double d : {0.5, -1.25}) {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    for (int i = 0; i < 8; ++i) f8.push_back(static_cast<uint8_t>(b >> (8 * i)));
  }
  auto bytes = make_npy("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f8\"}", f8);
  Result<Tensor> t = npy_decode(bytes.data(), bytes.size(), "d.npy");
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  CHECK(t->values() == std::vector<float>{0.5f, -1.25f});
  bytes = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", floats_le({4.0f}));
  t = npy_decode(bytes.data(), bytes.size(), "s.npy");
  REQUIRE(t.is_ok());
  CHECK(t->shape().empty());
  CHECK((*t)[0] == 4.0f);
}

TEST_CASE("npy write then read preserves shape and values, including rank 1 and 0") {
  const std::string path = std::string("npy_roundtrip_test.npy");
  for (Shape s : {Shape{2, 3, 4, 5}, Shape{7}, Shape{}, Shape{0, 3}, Shape{100, 300}}) {  // last: many read chunks
    Tensor t(s);
    fill_random(t, 3);
    REQUIRE(npy_write(path, t).is_ok());
    Result<Tensor> back = npy_read(path);
    REQUIRE_MESSAGE(back.is_ok(), back.message());
    check_close(*back, t, 0, 0, "write/read " + shape_str(s));
    // Header + padding makes the data start 64-byte aligned, as NumPy writes it.
    CHECK((npy_encode(t).size() - 4 * t.numel()) % 64 == 0);
  }
  std::remove(path.c_str());
}

TEST_CASE("npy rejects hostile or unsupported files with messages naming file and field") {
  const auto six = floats_le({1, 2, 3, 4, 5, 6});
  auto err = [&](const std::string& dict, const std::vector<uint8_t>& payload) { return decode_error(make_npy(dict, payload)); };
  CHECK(err("{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", six).find("t.npy: header field 'descr' is '>f4' (big-endian)") == 0);
  CHECK(err("{'descr': '|O', 'fortran_order': False, 'shape': (6,), }", six).find("object array") != std::string::npos);
  CHECK(err("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }", six).find("'descr' is '<i4'") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }", six).find("'fortran_order' is True") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }", six) ==
        "t.npy: header field 'shape' (7,) of '<f4' needs 28 data bytes, but the file has 24");
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", six).find("needs 16 data bytes") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536), }", six).find("limit") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", six).find("larger than") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", six).find("non-negative") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': False, }", six) == "t.npy: header has no 'shape' field");
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1}", six).find("unexpected header field 'extra'") != std::string::npos);
  CHECK(err("{'descr': '<f4', 'fortran_order': False, 'shape': (6,", six).find("t.npy:") == 0);
  CHECK(err("{'descr': '<f4", six).find("unterminated") != std::string::npos);

  CHECK(decode_error({'P', 'K', 3, 4}).find("t.npy: not a .npy file") == 0);
  auto bytes = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", six);
  bytes[6] = 4;
  CHECK(decode_error(bytes).find("unsupported .npy format version 4.0") != std::string::npos);
  bytes[6] = 1;
  bytes[8] = 0xff;  // header length beyond the end of the file
  bytes[9] = 0xff;
  CHECK(decode_error(bytes).find("header length 65535 is larger than") != std::string::npos);
  CHECK(npy_read("/nonexistent/dir/x.npy").message() == "/nonexistent/dir/x.npy: cannot open for reading");
}

TEST_CASE("npy never reads past the buffer for any truncation or byte flip") {
  auto good = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats_le({1, 2, 3, 4, 5, 6}));
  for (size_t n = 0; n < good.size(); ++n) {  // every truncation is an error (sanitizers watch the reads)
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    CHECK_FALSE(npy_decode(cut.data(), cut.size(), "cut.npy").is_ok());
  }
  int accepted = 0;
  for (size_t i = 0; i < good.size(); ++i)
    for (uint8_t v : {uint8_t(0), uint8_t('9'), uint8_t(')'), uint8_t(0xff)}) {
      auto flipped = good;
      flipped[i] = v;
      Result<Tensor> r = npy_decode(flipped.data(), flipped.size(), "flip.npy");
      if (r.is_ok()) {
        ++accepted;
        CHECK(r->numel() * 4 + 64 <= flipped.size());  // anything accepted is consistent with its size
      }
    }
  CHECK(accepted > 0);  // flips inside the payload or padding are legitimately fine
}

TEST_CASE("npy_read checks the header against the file on disk before allocating") {
  const std::string path = "npy_hostile_test.npy";
  auto write = [&](const std::vector<uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  };
  write(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (16384, 16384), }", floats_le({1, 2})));
  CHECK(npy_read(path).message() ==
        path + ": header field 'shape' (16384, 16384) of '<f4' needs 1073741824 data bytes, but the file has 8");
  write({});
  CHECK(npy_read(path).message() == path + ": not a .npy file (missing the \\x93NUMPY magic)");
  // float64 spanning several read chunks converts element by element.
  std::vector<uint8_t> f8;
  for (int i = 0; i < 5000; ++i) {
    const double d = 0.25 * i - 100.0;
    uint64_t b;
    std::memcpy(&b, &d, 8);
    for (int k = 0; k < 8; ++k) f8.push_back(static_cast<uint8_t>(b >> (8 * k)));
  }
  write(make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (50, 100), }", f8, 2));
  Result<Tensor> t = npy_read(path);
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  CHECK(t->shape() == Shape{50, 100});
  int wrong = 0;
  for (int i = 0; i < 5000; ++i) wrong += (*t)[static_cast<size_t>(i)] != static_cast<float>(0.25 * i - 100.0);
  CHECK(wrong == 0);
  std::remove(path.c_str());
}
