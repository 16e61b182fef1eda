// fuzz_digit_bundle.cpp — libFuzzer target: arbitrary bytes -> parse_digit_bundle (digits.bin) must
// error cleanly or give consistent sets (784 bytes and a label 0..9 per digit, 16 grey levels),
// never crash or over-allocate.
#include <cstdint>
#include <cstdlib>

#include "engine/data/digit_bundle.h"

namespace {

void check_set(const cs::DigitSet& s) {
  const size_t n = static_cast<size_t>(s.count);
  if (s.count < 0 || s.labels.size() != n || s.source_index.size() != n || s.images.size() != n * cs::kMnistPixels)
    std::abort();
  for (uint8_t label : s.labels)
    if (label > 9) std::abort();
  for (uint8_t grey : s.images)
    if (grey % 17 != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::Result<cs::DigitBundle> r = cs::parse_digit_bundle(data, size);
  if (r.is_ok()) {
    check_set(r->test);
    check_set(r->train);
  } else if (r.message().rfind("digits.bin: ", 0) != 0) {
    std::abort();  // every refusal names the file
  }
  return 0;
}
