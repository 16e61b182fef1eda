// fuzz_safetensors.cpp — libFuzzer target: arbitrary bytes -> parse_safetensors must error
// cleanly or return finite tensors that serialise and parse back to the same values.
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "engine/data/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::Result<cs::SafeTensors> r = cs::parse_safetensors(data, size, "fuzz.safetensors");
  if (!r.is_ok()) {
    if (r.message().rfind("fuzz.safetensors: ", 0) != 0) std::abort();
    return 0;
  }
  for (const auto& kv : r->tensors)
    for (float v : kv.second.values())
      if (!std::isfinite(v)) std::abort();
  // Round trip: what we accept we must be able to write and read back identically.
  cs::Result<std::vector<uint8_t>> bytes = cs::serialize_safetensors(*r);
  if (!bytes.is_ok()) return 0;  // e.g. a tensor literally named "__metadata__" is refused
  cs::Result<cs::SafeTensors> again = cs::parse_safetensors(bytes->data(), bytes->size(), "again");
  if (!again.is_ok() || again->tensors.size() != r->tensors.size()) std::abort();
  for (const auto& kv : r->tensors) {
    const cs::Tensor* t = again->find(kv.first);
    if (!t || t->shape() != kv.second.shape() || t->values() != kv.second.values()) std::abort();
  }
  return 0;
}
