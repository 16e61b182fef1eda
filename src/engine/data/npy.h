// npy.h — NumPy .npy files <-> Tensor. Reads format versions 1.0, 2.0 and 3.0 holding
// little-endian float32 ('<f4') or float64 ('<f8', converted to float32) in C order; writes 1.0 '<f4'.
// Everything in the header is validated against the file size before any allocation, and every
// error names the file and the field ("x.npy: header field 'descr' is '>f4' (big-endian) ...").
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"

namespace cs {

// Decodes a whole .npy file held in memory; `name` is used in error messages (the fuzz entry).
Result<Tensor> npy_decode(const uint8_t* data, size_t size, const std::string& name);
Result<Tensor> npy_read(const std::string& path);

// Encodes as format 1.0, '<f4', C order (shape () for a rank-0 tensor).
std::vector<uint8_t> npy_encode(const Tensor& t);
Status npy_write(const std::string& path, const Tensor& t);

}  // namespace cs
