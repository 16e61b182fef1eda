// fuzz_npy.cpp — libFuzzer target: arbitrary bytes -> npy_decode must error cleanly (naming the
// file) or give a tensor that encodes and decodes back to the same shape and values.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "engine/data/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::Result<cs::Tensor> r = cs::npy_decode(data, size, "fuzz.npy");
  if (!r.is_ok()) {
    if (r.message().rfind("fuzz.npy", 0) != 0) std::abort();
    return 0;
  }
  std::vector<uint8_t> bytes = cs::npy_encode(*r);
  cs::Result<cs::Tensor> again = cs::npy_decode(bytes.data(), bytes.size(), "again.npy");
  if (!again.is_ok() || again->shape() != r->shape() || again->numel() != r->numel()) std::abort();
  // Bitwise compare: NaN payloads in a '<f4' file must survive the round trip too.
  if (r->numel() && std::memcmp(again->data(), r->data(), r->numel() * sizeof(float)) != 0) std::abort();
  return 0;
}
