// test_safetensors.cpp — safetensors round trip, the byte layout, and every hostile-file case.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/check.h"
#include "engine/data/safetensors.h"
#include "temp_dir.h"

using namespace cs;
using cs::test::has;

namespace {

// Builds a file the way the reference implementation lays it out: u64 LE length, JSON, data.
std::vector<uint8_t> make_file(const std::string& header, const std::vector<float>& data, size_t extra = 0) {
  std::vector<uint8_t> b;
  b.reserve(8 + header.size() + 4 * data.size() + extra);
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(n >> (8 * i)));
  for (char c : header) b.push_back(static_cast<uint8_t>(c));
  for (float v : data) {
    uint32_t raw;
    std::memcpy(&raw, &v, 4);
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(raw >> (8 * i)));
  }
  b.resize(b.size() + extra, 0);
  return b;
}

std::string error_of(const std::vector<uint8_t>& b) {
  auto r = parse_safetensors(b.data(), b.size(), "w.safetensors");
  return r.is_ok() ? std::string("(parsed)") : r.message();
}

}  // namespace

TEST_CASE("safetensors: parses a hand-built file with two tensors and metadata") {
  std::string h = R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},)"
                  R"("a":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},"__metadata__":{"arch":"x"}})";
  auto b = make_file(h, {1, 2, 3, 4, 5});
  auto r = parse_safetensors(b.data(), b.size(), "f");
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  REQUIRE(r->tensors.size() == 2);
  CHECK(r->find("a")->shape() == Shape{2, 1});
  CHECK(r->find("a")->values() == std::vector<float>{1, 2});
  CHECK(r->find("b")->values() == std::vector<float>{3, 4, 5});
  CHECK(r->metadata.at("arch") == "x");
}

TEST_CASE("safetensors: write -> read is exact and atomic, layout matches the spec") {
  SafeTensors st;
  st.tensors.emplace("stem.weight", Tensor({2, 1, 3, 3}));
  for (size_t i = 0; i < 18; ++i) st.tensors["stem.weight"][i] = 0.1f * i - 0.7f;
  st.tensors.emplace("fc.bias", Tensor({10}, -1.25f));
  st.tensors.emplace("empty", Tensor({0}));
  st.metadata["architecture"] = "DigitNet";
  st.metadata["bn_eps"] = "1e-05";
  const std::string path = cs_test::temp_path("roundtrip.safetensors");
  REQUIRE(write_safetensors(path, st).is_ok());
  std::FILE* tmp = std::fopen((path + ".tmp").c_str(), "rb");
  CHECK(tmp == nullptr);  // renamed away
  if (tmp) std::fclose(tmp);
  auto r = read_safetensors(path);
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  CHECK(r->metadata == st.metadata);
  REQUIRE(r->tensors.size() == 3);
  for (const auto& kv : st.tensors) {
    const Tensor* t = r->find(kv.first);
    REQUIRE(t);
    CHECK(t->shape() == kv.second.shape());
    CHECK(t->values() == kv.second.values());
  }
  // Layout: header length is a multiple of 8 and the data follows in name order (empty, fc.bias, stem.weight).
  auto bytes = serialize_safetensors(st);
  REQUIRE(bytes.is_ok());
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | (*bytes)[i];
  CHECK(n % 8 == 0);
  CHECK(bytes->size() == 8 + n + 4 * (10 + 18));
  float first;
  std::memcpy(&first, bytes->data() + 8 + n, 4);
  CHECK(first == -1.25f);
  std::remove(path.c_str());
}

TEST_CASE("safetensors: get() names missing tensors and wrong shapes") {
  SafeTensors st;
  st.tensors.emplace("fc.weight", Tensor({10, 64}));
  CHECK(st.get("fc.weight", {10, 64}).is_ok());
  CHECK(has(st.get("fc.weight", {10, 32}).message(), "tensor 'fc.weight' has shape (10, 64), the model expects (10, 32)"));
  CHECK(has(st.get("fc.wieght", {10, 64}).message(), "missing tensor 'fc.wieght'"));
}

TEST_CASE("safetensors: hostile files give clear errors") {
  const std::string one = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  CHECK(error_of(make_file(one, {1, 2})) == "(parsed)");

  CHECK(has(error_of({1, 2, 3}), "w.safetensors: truncated safetensors file: 3 bytes"));
  auto past = make_file(one, {1, 2});
  past[0] = 200;  // header length 200 + ..., file is shorter
  CHECK(has(error_of(past), "header length 200 runs past the end of the file"));
  auto huge = make_file(one, {1, 2});
  huge[7] = 0x7f;
  CHECK(has(error_of(huge), "exceeds the limit"));
  CHECK(has(error_of(make_file("{\"t\":", {})), "not valid JSON"));
  CHECK(has(error_of(make_file("[1,2]", {})), "not a JSON object"));
  CHECK(has(error_of(make_file(R"({"t":{"shape":[1],"data_offsets":[0,4]}})", {1})), "'t' has no string field 'dtype'"));
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", {1})), "dtype BF16; only F32 and F16"));
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", {1})), "shape[0] is not a non-negative integer"));
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", {1})), "shape[0] is not"));
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"F32","shape":[65535,65535,65535],"data_offsets":[0,4]}})", {1})),
            "shape[1] = 65535 makes more than"));
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", {1})), "'data_offsets' as two"));
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", {1})), "end before they begin"));
  // Short: shape says 3 floats, offsets hold 2.
  CHECK(has(error_of(make_file(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", {1, 2})),
            "tensor 't' of shape (3,) needs 12 bytes but data_offsets [0, 8] hold 8"));
  // Overlap, gap, past the buffer, extra bytes.
  CHECK(has(error_of(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", {1, 2, 3})),
            "tensor 'b' data_offsets [4, 12] overlap the previous tensor (ends at 8)"));
  CHECK(has(error_of(make_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", {1, 2})), "gap in the data before tensor 'a'"));
  CHECK(has(error_of(make_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", {1, 2})), "run past the data buffer (8 bytes)"));
  CHECK(has(error_of(make_file(one, {1, 2}, 4)), "the data buffer has 12 bytes but the tensors cover 8"));
  // Non-finite weights name the tensor.
  CHECK(has(error_of(make_file(one, {1, std::numeric_limits<float>::quiet_NaN()})), "tensor 't' holds a non-finite value (nan) at flat index 1"));
  CHECK(has(error_of(make_file(one, {std::numeric_limits<float>::infinity(), 1})), "tensor 't' holds a non-finite value (inf) at flat index 0"));
  CHECK(has(error_of(make_file(R"({"__metadata__":{"v":1}})", {})), "__metadata__ value 'v' is not a string"));
  CHECK(has(error_of(make_file(R"({"__metadata__":[]})", {})), "__metadata__ must be an object"));
  CHECK(has(error_of(make_file(R"({"t":5})", {})), "header entry 't' is not an object"));
}

TEST_CASE("safetensors: writing refuses non-finite values and a missing folder") {
  SafeTensors st;
  st.tensors.emplace("w", Tensor({2}, std::numeric_limits<float>::infinity()));
  CHECK(has(write_safetensors(cs_test::temp_path("bad.safetensors"), st).message(), "refusing to save tensor 'w'"));
  SafeTensors fine;
  fine.tensors.emplace("w", Tensor({2}, 1.0f));
  CHECK(has(write_safetensors("/nonexistent-dir/x.safetensors", fine).message(), "cannot create '/nonexistent-dir/x.safetensors.tmp'"));
}

namespace {

// A file of F16 tensors given as raw half bit patterns (little endian).
std::vector<uint8_t> make_f16_file(const std::string& header, const std::vector<uint16_t>& halves) {
  std::vector<uint8_t> b = make_file(header, {});
  for (uint16_t h : halves) {
    b.push_back(static_cast<uint8_t>(h & 0xff));
    b.push_back(static_cast<uint8_t>(h >> 8));
  }
  return b;
}

}  // namespace

TEST_CASE("safetensors F16: half_to_float is exact, float_to_half inverts it for every finite half") {
  CHECK(half_to_float(0x3c00) == 1.0f);
  CHECK(half_to_float(0xc000) == -2.0f);
  CHECK(half_to_float(0x7bff) == 65504.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
  CHECK(half_to_float(0x03ff) == std::ldexp(1023.0f, -24));  // largest subnormal
  CHECK(half_to_float(0x0400) == std::ldexp(1.0f, -14));  // smallest normal
  CHECK(half_to_float(0x3555) == 0.333251953125f);
  CHECK(std::signbit(half_to_float(0x8000)));
  CHECK(std::isinf(half_to_float(0x7c00)));
  CHECK(std::isnan(half_to_float(0x7e00)));
  int mismatches = 0;
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7c00) == 0x7c00) continue;  // Inf/NaN
    if (float_to_half(half_to_float(static_cast<uint16_t>(h))) != h) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("safetensors F16: float_to_half rounds to nearest, ties to even, and overflows to Inf") {
  // Ties: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10 -> the even one (1); 1 + 3*2^-11 -> 1 + 2^-9.
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);
  CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02);
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)) == 0x3c01);  // just past halfway
  // Subnormal ties: 2^-25 is halfway between 0 and 2^-24 -> 0; 3 * 2^-25 -> 2 * 2^-24.
  CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);
  CHECK(float_to_half(std::ldexp(3.0f, -25)) == 0x0002);
  CHECK(float_to_half(-std::ldexp(1.0f, -30)) == 0x8000);
  // The largest subnormal rounds up into the smallest normal.
  CHECK(float_to_half(std::ldexp(1023.75f, -24)) == 0x0400);
  CHECK(float_to_half(65504.0f) == 0x7bff);
  CHECK(float_to_half(65519.0f) == 0x7bff);
  CHECK(float_to_half(65520.0f) == 0x7c00);
  CHECK(float_to_half(-1e9f) == 0xfc00);
  // Random floats: the chosen half is at least as close as both neighbours (same sign).
  uint32_t state = 12345;
  int worse = 0;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1664525u + 1013904223u;
    const float f = std::ldexp(static_cast<float>(state >> 8) / 16777216.0f, static_cast<int>(state % 40) - 28) *
                    ((state & 0x100) ? -1.0f : 1.0f);
    const uint16_t h = float_to_half(f);
    const double err = std::fabs(static_cast<double>(half_to_float(h)) - f);
    for (int d : {-1, 1}) {
      const uint16_t n = static_cast<uint16_t>((h & 0x7fff) + d) | (h & 0x8000);
      if ((h & 0x7fff) == 0 && d < 0) continue;
      if ((n & 0x7c00) == 0x7c00) continue;
      if (std::fabs(static_cast<double>(half_to_float(n)) - f) < err) ++worse;
    }
  }
  CHECK(worse == 0);
}

TEST_CASE("safetensors F16: files are read exactly, refused when non-finite or mis-sized") {
  const std::string h = R"({"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  std::vector<uint8_t> file = make_f16_file(h, {0x3c00, 0xc000, 0x7bff, 0x0001});
  const float bias = 0.5f;
  uint32_t raw;
  std::memcpy(&raw, &bias, 4);
  for (int i = 0; i < 4; ++i) file.push_back(static_cast<uint8_t>(raw >> (8 * i)));
  auto r = parse_safetensors(file.data(), file.size(), "f");
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  CHECK(r->find("w")->values() == std::vector<float>{1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24)});
  CHECK(r->find("b")->values() == std::vector<float>{0.5f});
  const std::string one = R"({"t":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})";
  CHECK(error_of(make_f16_file(one, {0x3c00, 0x0000})) == "(parsed)");
  CHECK(has(error_of(make_f16_file(one, {0x3c00, 0x7c00})), "tensor 't' holds a non-finite value (inf) at flat index 1"));
  CHECK(has(error_of(make_f16_file(one, {0x7e00, 0x3c00})), "tensor 't' holds a non-finite value (nan) at flat index 0"));
  // F16 needs 2 bytes per element: 3 elements in 4 bytes is refused.
  CHECK(has(error_of(make_f16_file(R"({"t":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}})", {1, 2})),
            "tensor 't' of shape (3,) needs 6 bytes but data_offsets [0, 4] hold 4"));
}

TEST_CASE("safetensors F16: writing stores halves, round-trips representable values, refuses overflow") {
  SafeTensors st;
  st.tensors.emplace("a", Tensor({3}));
  st.tensors["a"][0] = 0.1f;  // not representable: rounds to 0x2e66
  st.tensors["a"][1] = -3.5f;
  st.tensors["a"][2] = 1000.5f;
  st.tensors.emplace("b", Tensor({2}, 0.25f));
  st.metadata["architecture"] = "DigitNet";
  auto bytes = serialize_safetensors(st, SafetensorsDtype::F16);
  REQUIRE(bytes.is_ok());
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | (*bytes)[i];
  CHECK(n % 8 == 0);
  CHECK(bytes->size() == 8 + n + 2 * 5);
  const std::string header(reinterpret_cast<const char*>(bytes->data() + 8), n);
  CHECK(has(header, R"("dtype":"F16")"));
  CHECK(header.find("F32") == std::string::npos);
  CHECK(((*bytes)[8 + n] | ((*bytes)[8 + n + 1] << 8)) == 0x2e66);
  auto back = parse_safetensors(bytes->data(), bytes->size(), "f16");
  REQUIRE_MESSAGE(back.is_ok(), back.message());
  CHECK(back->metadata == st.metadata);
  CHECK(back->find("a")->values() == std::vector<float>{half_to_float(0x2e66), -3.5f, 1000.5f});
  CHECK(back->find("b")->values() == std::vector<float>{0.25f, 0.25f});
  // F32 stays the default and exact.
  auto f32 = serialize_safetensors(st);
  REQUIRE(f32.is_ok());
  auto exact = parse_safetensors(f32->data(), f32->size(), "f32");
  REQUIRE(exact.is_ok());
  CHECK(exact->find("a")->values() == st.tensors["a"].values());
  SafeTensors big;
  big.tensors.emplace("w", Tensor({2}, 70000.0f));
  CHECK(has(serialize_safetensors(big, SafetensorsDtype::F16).message(),
            "refusing to save tensor 'w' as F16: 70000 at flat index 0 is outside the F16 range"));
  CHECK(serialize_safetensors(big).is_ok());
  CHECK(parse_safetensors_dtype("f16").is_ok());
  CHECK(*parse_safetensors_dtype("F32") == SafetensorsDtype::F32);
  CHECK(has(parse_safetensors_dtype("bf16").message(), "dtype 'bf16': expected f32 or f16"));
}
