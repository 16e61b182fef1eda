// file_io.cpp — capped whole-file reads and temp-then-rename writes for the data readers/writers.
#include "file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace cs {

Result<uint64_t> file_size(const std::string& path) {
#if defined(__unix__) || defined(__APPLE__)
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::error(fmt("cannot open '%s': %s", path.c_str(), std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return Status::error(fmt("'%s' is not a regular file", path.c_str()));
  return static_cast<uint64_t>(st.st_size);
#else
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(fmt("cannot open '%s': %s", path.c_str(), std::strerror(errno)));
  std::fseek(f, 0, SEEK_END);
  long n = std::ftell(f);
  std::fclose(f);
  if (n < 0) return Status::error(fmt("cannot determine the size of '%s'", path.c_str()));
  return static_cast<uint64_t>(n);
#endif
}

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path, uint64_t max_bytes) {
  Result<uint64_t> size = file_size(path);
  if (!size) return size.status();
  if (*size > max_bytes || *size > static_cast<uint64_t>(SIZE_MAX))
    return Status::error(fmt("'%s' is %llu bytes, more than the limit of %llu bytes", path.c_str(),
                             static_cast<unsigned long long>(*size),
                             static_cast<unsigned long long>(max_bytes)));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(fmt("cannot open '%s': %s", path.c_str(), std::strerror(errno)));
  std::vector<uint8_t> bytes(static_cast<size_t>(*size));
  size_t got = bytes.empty() ? 0 : std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  if (got != bytes.size())
    return Status::error(fmt("'%s': read %zu of %zu bytes", path.c_str(), got, bytes.size()));
  return bytes;
}

Status write_file_atomic(const std::string& path, const uint8_t* data, size_t size) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::error(fmt("cannot create '%s': %s", tmp.c_str(), std::strerror(errno)));
  bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;
  ok = std::fflush(f) == 0 && ok;
#if defined(__unix__) || defined(__APPLE__)
  ok = ::fsync(::fileno(f)) == 0 && ok;  // the data must be on disk before the rename makes it visible
#endif
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    return Status::error(fmt("writing '%s' failed: %s", tmp.c_str(), std::strerror(errno)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    std::remove(tmp.c_str());
    return Status::error(fmt("cannot rename '%s' to '%s': %s", tmp.c_str(), path.c_str(), std::strerror(e)));
  }
  return Status::ok();
}

}  // namespace cs
