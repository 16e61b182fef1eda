// idx.cpp — IDX header validation (magic, type, rank, dims, byte count) before allocation.
#include "idx.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "file_io.h"

namespace cs {
namespace {

struct IdxHeader {
  Shape dims;
  uint64_t header_bytes = 0;
  uint64_t data_bytes = 0;
};

const char* idx_type_name(uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "unknown";
  }
}

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// `head` holds the first min(total_size, 4 + 4*kIdxMaxRank) bytes of the file.
Result<IdxHeader> parse_header(const uint8_t* head, size_t head_size, uint64_t total_size,
                               const std::string& name) {
  const char* n = name.c_str();
  if (total_size < 4)
    return Status::error(fmt("%s: truncated IDX file: %llu bytes, the magic number needs 4", n,
                             static_cast<unsigned long long>(total_size)));
  if (head[0] != 0 || head[1] != 0)
    return Status::error(fmt("%s: bad IDX magic number 0x%02X%02X%02X%02X: the first two bytes must be 0",
                             n, head[0], head[1], head[2], head[3]));
  if (head[2] != 0x08)
    return Status::error(fmt("%s: IDX type byte is 0x%02X (%s); only 0x08 (unsigned byte) is supported",
                             n, head[2], idx_type_name(head[2])));
  const int rank = head[3];
  if (rank < 1 || rank > kIdxMaxRank)
    return Status::error(fmt("%s: IDX rank is %d; expected 1 to %d", n, rank, kIdxMaxRank));
  IdxHeader h;
  h.header_bytes = 4 + 4 * uint64_t(rank);
  if (total_size < h.header_bytes || head_size < h.header_bytes)
    return Status::error(fmt("%s: truncated IDX header: %llu bytes, rank %d needs %llu", n,
                             static_cast<unsigned long long>(total_size), rank,
                             static_cast<unsigned long long>(h.header_bytes)));
  uint64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    uint32_t d = read_be32(head + 4 + 4 * i);
    if (d == 0) return Status::error(fmt("%s: IDX dimension %d is 0", n, i));
    // Each factor is < 2^32 and the running product is kept <= kIdxMaxBytes < 2^31, so no overflow.
    count *= d;
    if (count > kIdxMaxBytes || d > 0x7fffffffu)
      return Status::error(fmt("%s: IDX dimension %d is %u, making more than %llu elements "
                               "(dimensions so far multiply to %llu)",
                               n, i, d, static_cast<unsigned long long>(kIdxMaxBytes),
                               static_cast<unsigned long long>(count)));
    h.dims.push_back(static_cast<int>(d));
  }
  h.data_bytes = count;
  const uint64_t want = h.header_bytes + h.data_bytes;
  if (total_size < want)
    return Status::error(fmt("%s: truncated IDX data: dimensions %s need %llu data bytes, the file has %llu",
                             n, shape_str(h.dims).c_str(), static_cast<unsigned long long>(h.data_bytes),
                             static_cast<unsigned long long>(total_size - h.header_bytes)));
  if (total_size > want)
    return Status::error(fmt("%s: IDX file has %llu bytes after the data that dimensions %s describe",
                             n, static_cast<unsigned long long>(total_size - want),
                             shape_str(h.dims).c_str()));
  return h;
}

}  // namespace

Result<IdxArray> parse_idx(const uint8_t* bytes, size_t size, const std::string& name) {
  Result<IdxHeader> h = parse_header(bytes, size, size, name);
  if (!h) return h.status();
  IdxArray a;
  a.dims = h->dims;
  a.data.assign(bytes + h->header_bytes, bytes + h->header_bytes + h->data_bytes);
  return a;
}

Result<IdxArray> read_idx(const std::string& path) {
  Result<uint64_t> size = file_size(path);
  if (!size) return size.status();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(fmt("cannot open '%s': %s", path.c_str(), std::strerror(errno)));
  uint8_t head[4 + 4 * kIdxMaxRank] = {};
  size_t head_size = std::fread(head, 1, sizeof head, f);
  Result<IdxHeader> h = parse_header(head, head_size, *size, path);
  if (!h) {
    std::fclose(f);
    return h.status();
  }
  // Only now, with the byte count proven to match the file, is the data allocated.
  IdxArray a;
  a.dims = h->dims;
  a.data.resize(static_cast<size_t>(h->data_bytes));
  bool ok = std::fseek(f, static_cast<long>(h->header_bytes), SEEK_SET) == 0 &&
            std::fread(a.data.data(), 1, a.data.size(), f) == a.data.size();
  std::fclose(f);
  if (!ok) return Status::error(fmt("%s: reading %zu IDX data bytes failed", path.c_str(), a.data.size()));
  return a;
}

Result<MnistSet> load_mnist(const std::string& dir, const std::string& split) {
  const std::string images_path = dir + "/" + split + "-images-idx3-ubyte";
  const std::string labels_path = dir + "/" + split + "-labels-idx1-ubyte";
  Result<IdxArray> images = read_idx(images_path);
  if (!images) return images.status();
  Result<IdxArray> labels = read_idx(labels_path);
  if (!labels) return labels.status();
  if (images->dims.size() != 3)
    return Status::error(fmt("%s: MNIST images must have rank 3 (count, rows, cols), got %s",
                             images_path.c_str(), shape_str(images->dims).c_str()));
  if (labels->dims.size() != 1)
    return Status::error(fmt("%s: MNIST labels must have rank 1 (count,), got %s", labels_path.c_str(),
                             shape_str(labels->dims).c_str()));
  if (images->dims[0] != labels->dims[0])
    return Status::error(fmt("%s has %d images but %s has %d labels", images_path.c_str(), images->dims[0],
                             labels_path.c_str(), labels->dims[0]));
  for (size_t i = 0; i < labels->data.size(); ++i)
    if (labels->data[i] > 9)
      return Status::error(fmt("%s: label %zu is %d; MNIST labels are 0..9", labels_path.c_str(), i,
                               labels->data[i]));
  MnistSet set;
  set.count = images->dims[0];
  set.rows = images->dims[1];
  set.cols = images->dims[2];
  set.images = std::move(images->data);
  set.labels = std::move(labels->data);
  return set;
}

}  // namespace cs
