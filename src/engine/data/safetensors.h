// safetensors.h — read/write model weights in the safetensors format: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}},
// then raw little-endian float32 data. Names and layouts follow PyTorch's state_dict, so a torch
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

// Parses a whole safetensors file in memory; `name` is used in error messages. Only F32 tensors
// are accepted; NaN or Inf values are rejected with the tensor's name.
Result<SafeTensors> parse_safetensors(const uint8_t* bytes, size_t size, const std::string& name);
Result<SafeTensors> read_safetensors(const std::string& path);

// Serialises (tensors sorted by name, contiguous offsets, header padded to 8 bytes).
Result<std::vector<uint8_t>> serialize_safetensors(const SafeTensors& st);
// Atomic: writes path + ".tmp" and renames it over `path`.
Status write_safetensors(const std::string& path, const SafeTensors& st);

}  // namespace cs
