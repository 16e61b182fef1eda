// safetensors.h — read/write model weights in the safetensors format: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}},
// then raw little-endian F32 or F16 (IEEE half) data. Names and layouts follow PyTorch's state_dict, so a torch
// model loads the same file. Every header field is checked against the file before use.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"

namespace cs {

struct SafeTensors {
  std::map<std::string, Tensor> tensors;             // sorted by name, as written
  std::map<std::string, std::string> metadata;       // "__metadata__" (string -> string)

  const Tensor* find(const std::string& name) const;
  // The tensor `name` with exactly `shape`, or an error naming both ("missing tensor 'fc.weight'",
  // "'fc.weight' has shape (10, 64), the model expects (10, 32)").
  Result<const Tensor*> get(const std::string& name, const Shape& shape) const;
};

constexpr uint64_t kSafetensorsMaxHeader = 100u << 20;  // the reference implementation's limit
constexpr uint64_t kSafetensorsMaxFile = uint64_t(2) << 30;

// Storage type of the tensors in a file; in memory tensors are always float32. F16 halves a file
// (the page ships DigitNet's weights as F16, for its first-load budget); PyTorch reads both.
enum class SafetensorsDtype { F32, F16 };
// "f32"/"F32" or "f16"/"F16" (the CLI's --dtype); anything else is an error listing both.
Result<SafetensorsDtype> parse_safetensors_dtype(const std::string& text);

// IEEE 754 half <-> float. half_to_float is exact; float_to_half rounds to nearest, ties to even
// (as PyTorch's .half()), and gives +-Inf past 65504 + half a step.
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);

// Parses a whole safetensors file in memory; `name` is used in error messages. F32 and F16 tensors
// are accepted (F16 converted exactly to float32); NaN or Inf values are rejected with the tensor's name.
Result<SafeTensors> parse_safetensors(const uint8_t* bytes, size_t size, const std::string& name);
Result<SafeTensors> read_safetensors(const std::string& path);

// Serialises (tensors sorted by name, contiguous offsets, header padded to 8 bytes), every tensor
// stored as `dtype`. F16 refuses values whose magnitude rounds past the F16 range (65504).
Result<std::vector<uint8_t>> serialize_safetensors(const SafeTensors& st, SafetensorsDtype dtype = SafetensorsDtype::F32);
// Atomic: writes path + ".tmp" and renames it over `path`.
Status write_safetensors(const std::string& path, const SafeTensors& st, SafetensorsDtype dtype = SafetensorsDtype::F32);

}  // namespace cs
