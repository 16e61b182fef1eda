// fuzz_idx.cpp — libFuzzer target: arbitrary bytes -> parse_idx must error cleanly or give a
// consistent array (data size equals the product of the dims), never crash or over-allocate.
#include <cstdint>
#include <cstdlib>

#include "engine/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::Result<cs::IdxArray> r = cs::parse_idx(data, size, "fuzz.idx");
  if (r.is_ok()) {
    int64_t n = cs::shape_numel(r->dims);
    if (n < 0 || static_cast<uint64_t>(n) != r->data.size()) std::abort();
  } else if (r.message().rfind("fuzz.idx: ", 0) != 0) {
    std::abort();  // every error must name the file
  }
  return 0;
}
