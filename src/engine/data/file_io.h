// file_io.h — whole-file reads with a size cap checked before allocating, and atomic writes
// (temporary file, then rename) so an interrupted save never leaves a half-written file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"

namespace cs {

// Size of a regular file in bytes, or an error naming the path.
Result<uint64_t> file_size(const std::string& path);

// Reads the whole file. Files larger than max_bytes are refused before any allocation.
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path, uint64_t max_bytes);

// Writes `size` bytes to `path + ".tmp"`, flushes, then renames over `path`. A crash at any point
// leaves either the old file or the new one, never a mix.
Status write_file_atomic(const std::string& path, const uint8_t* data, size_t size);

}  // namespace cs
