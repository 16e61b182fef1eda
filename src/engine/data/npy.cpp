// npy.cpp — .npy reader/writer: magic, version, header length, the header's Python-dict literal
// ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }) and the raw data, each checked
// against the bytes actually present before anything is allocated or read.
#include "npy.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

namespace cs {

namespace {

constexpr unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr int kMaxRank = 16;

uint32_t read_le(const uint8_t* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A tiny parser for the one dict literal NumPy writes. It never reads past `end`.
class HeaderParser {
 public:
  HeaderParser(const char* begin, const char* end, const std::string& name) : p_(begin), end_(end), name_(name) {}

  Status parse(std::string* descr, bool* fortran, Shape* shape) {
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    skip_space();
    if (!eat('{')) return err("header does not start with '{'");
    for (;;) {
      skip_space();
      if (eat('}')) break;
      std::string key;
      CS_RETURN_IF_ERROR(parse_string(&key, "a key"));
      skip_space();
      if (!eat(':')) return err("expected ':' after key '" + key + "'");
      skip_space();
      if (key == "descr") {
        CS_RETURN_IF_ERROR(parse_string(descr, "the value of 'descr'"));
        seen_descr = true;
      } else if (key == "fortran_order") {
        if (match("True")) *fortran = true;
        else if (match("False")) *fortran = false;
        else return err("header field 'fortran_order' must be True or False");
        seen_fortran = true;
      } else if (key == "shape") {
        CS_RETURN_IF_ERROR(parse_shape(shape));
        seen_shape = true;
      } else {
        return err("unexpected header field '" + key + "'");
      }
      skip_space();
      if (eat(',')) continue;
      skip_space();
      if (eat('}')) break;
      return err("expected ',' or '}' after header field '" + key + "'");
    }
    if (!seen_descr) return err("header has no 'descr' field");
    if (!seen_fortran) return err("header has no 'fortran_order' field");
    if (!seen_shape) return err("header has no 'shape' field");
    skip_space();  // NumPy pads with spaces and ends with '\n'
    if (p_ != end_) return err("unexpected bytes after the header dict");
    return Status::ok();
  }

 private:
  Status err(const std::string& what) const { return Status::error(name_ + ": " + what); }
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool match(const char* word) {
    size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }
  Status parse_string(std::string* out, const char* what) {
    if (p_ >= end_ || (*p_ != '\'' && *p_ != '"')) return err(std::string("expected a quoted string for ") + what);
    char q = *p_++;
    const char* start = p_;
    while (p_ < end_ && *p_ != q) {
      if (*p_ == '\\') return err(std::string("escape sequences are not supported in ") + what);
      ++p_;
    }
    if (p_ >= end_) return err(std::string("unterminated string for ") + what);
    out->assign(start, p_);
    ++p_;
    if (out->size() > 64) return err(std::string("string too long for ") + what);
    return Status::ok();
  }
  Status parse_shape(Shape* shape) {
    shape->clear();
    if (!eat('(')) return err("header field 'shape' must be a tuple like (2, 3)");
    for (;;) {
      skip_space();
      if (eat(')')) return Status::ok();
      if (p_ >= end_ || *p_ < '0' || *p_ > '9')
        return err("header field 'shape' must hold non-negative integers");
      long long v = 0;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        v = v * 10 + (*p_++ - '0');
        if (v > INT_MAX) return err(fmt("header field 'shape' has a dimension larger than %d", INT_MAX));
      }
      if (p_ < end_ && *p_ == 'L') ++p_;  // Python 2 longs ("3L") in very old files
      if (static_cast<int>(shape->size()) >= kMaxRank)
        return err(fmt("header field 'shape' has more than %d dimensions", kMaxRank));
      shape->push_back(static_cast<int>(v));
      skip_space();
      if (eat(',')) continue;
      skip_space();
      if (eat(')')) return Status::ok();
      return err("header field 'shape' must be a tuple like (2, 3)");
    }
  }

  const char* p_;
  const char* end_;
  const std::string& name_;
};

// What the header says, validated: the data is `numel` items of `item` bytes at `data_start`.
struct NpyLayout {
  Shape shape;
  size_t item = 0;
  int64_t numel = 0;
  uint64_t data_start = 0;
};

// Parses and validates the preamble and header held in `data[0, avail)` of a file of `file_size`
// bytes (avail <= file_size): magic, version, header length, dict, dtype, order, and that the
// data bytes the shape needs are exactly the bytes the file has after the header.
Status parse_layout(const uint8_t* data, size_t avail, uint64_t file_size, const std::string& name, NpyLayout* out) {
  if (avail < 10 || std::memcmp(data, kMagic, sizeof kMagic) != 0)
    return Status::error(name + ": not a .npy file (missing the \\x93NUMPY magic)");
  const int major = data[6], minor = data[7];
  if (major < 1 || major > 3 || minor != 0)
    return Status::error(fmt("%s: unsupported .npy format version %d.%d (supported: 1.0, 2.0, 3.0)", name.c_str(),
                             major, minor));
  const size_t len_bytes = major == 1 ? 2 : 4;
  const size_t header_start = 8 + len_bytes;
  if (avail < header_start) return Status::error(name + ": file ends inside the header length field");
  const uint64_t header_len = read_le(data + 8, static_cast<int>(len_bytes));
  if (header_len > file_size - header_start)
    return Status::error(fmt("%s: header length %llu is larger than the %llu bytes left in the file", name.c_str(),
                             static_cast<unsigned long long>(header_len),
                             static_cast<unsigned long long>(file_size - header_start)));
  if (header_len > avail - header_start)
    return Status::error(fmt("%s: header length %llu is larger than the %llu bytes accepted for a header",
                             name.c_str(), static_cast<unsigned long long>(header_len),
                             static_cast<unsigned long long>(avail - header_start)));
  const char* hb = reinterpret_cast<const char*>(data + header_start);
  std::string descr;
  bool fortran = false;
  CS_RETURN_IF_ERROR(HeaderParser(hb, hb + header_len, name).parse(&descr, &fortran, &out->shape));

  if (descr == "<f4") out->item = 4;
  else if (descr == "<f8") out->item = 8;
  else if (!descr.empty() && descr[0] == '>')
    return Status::error(name + ": header field 'descr' is '" + descr +
                         "' (big-endian); only little-endian '<f4' or '<f8' is supported");
  else if (descr.find('O') != std::string::npos)
    return Status::error(name + ": header field 'descr' is '" + descr +
                         "' (object array); only '<f4' or '<f8' is supported");
  else
    return Status::error(name + ": header field 'descr' is '" + descr +
                         "'; only float32 '<f4' or float64 '<f8' is supported");
  if (fortran)
    return Status::error(name + ": header field 'fortran_order' is True; only C-order arrays are supported");

  out->numel = shape_numel(out->shape);
  if (out->numel < 0 || out->numel > kMaxTensorElements)
    return Status::error(fmt("%s: header field 'shape' %s has more than the limit of %lld elements", name.c_str(),
                             shape_str(out->shape).c_str(), static_cast<long long>(kMaxTensorElements)));
  out->data_start = header_start + header_len;
  const uint64_t want = static_cast<uint64_t>(out->numel) * out->item;  // <= 2^31: no overflow
  const uint64_t have = file_size - out->data_start;
  if (want != have)
    return Status::error(fmt("%s: header field 'shape' %s of '%s' needs %llu data bytes, but the file has %llu",
                             name.c_str(), shape_str(out->shape).c_str(), descr.c_str(),
                             static_cast<unsigned long long>(want), static_cast<unsigned long long>(have)));
  return Status::ok();
}

// Converts `count` little-endian items starting at element `first` of `t`.
void convert(const uint8_t* src, size_t item, size_t first, size_t count, Tensor& t) {
  for (size_t i = 0; i < count; ++i) {
    if (item == 4) {
      const uint32_t bits = read_le(src + 4 * i, 4);
      std::memcpy(t.data() + first + i, &bits, 4);
    } else {
      const uint64_t bits = static_cast<uint64_t>(read_le(src + 8 * i, 4)) |
                            (static_cast<uint64_t>(read_le(src + 8 * i + 4, 4)) << 32);
      double d;
      std::memcpy(&d, &bits, 8);
      t.data()[first + i] = static_cast<float>(d);
    }
  }
}

Result<Tensor> allocate(const NpyLayout& layout, const std::string& name) {
  Result<Tensor> made = Tensor::create(layout.shape);
  if (!made) return Status::error(name + ": " + made.message());
  return made;
}

}  // namespace

Result<Tensor> npy_decode(const uint8_t* data, size_t size, const std::string& name) {
  NpyLayout layout;
  CS_RETURN_IF_ERROR(parse_layout(data, size, size, name, &layout));
  Result<Tensor> t = allocate(layout, name);
  if (!t) return t;
  convert(data + layout.data_start, layout.item, 0, static_cast<size_t>(layout.numel), *t);
  return t;
}

Result<Tensor> npy_read(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(path + ": cannot open for reading");
  // Header first, checked against the file's size; only then is the tensor allocated and filled,
  // so a hostile header can neither make us allocate nor read beyond what the file holds.
  long long file_size = -1;
  if (std::fseek(f, 0, SEEK_END) == 0) file_size = std::ftell(f);
  if (file_size < 0 || std::fseek(f, 0, SEEK_SET) != 0) {
    std::fclose(f);
    return Status::error(path + ": cannot determine the file size");
  }
  constexpr size_t kMaxPreamble = 12 + (1 << 16);  // NumPy headers are tiny; 64 KiB is generous
  std::vector<uint8_t> head(std::min(static_cast<size_t>(file_size), kMaxPreamble));
  NpyLayout layout;
  Status s;
  if (std::fread(head.data(), 1, head.size(), f) != head.size()) s = Status::error(path + ": read error");
  if (s) s = parse_layout(head.data(), head.size(), static_cast<uint64_t>(file_size), path, &layout);
  Result<Tensor> t = s ? allocate(layout, path) : Result<Tensor>(s);
  if (t && std::fseek(f, static_cast<long>(layout.data_start), SEEK_SET) != 0) t = Status::error(path + ": seek failed");
  uint8_t chunk[1 << 15];  // a multiple of both item sizes
  const size_t per_chunk = sizeof chunk / (layout.item ? layout.item : 1);
  for (size_t done = 0; t && done < static_cast<size_t>(layout.numel);) {
    const size_t n = std::min(per_chunk, static_cast<size_t>(layout.numel) - done);
    if (std::fread(chunk, layout.item, n, f) != n) {
      t = Status::error(path + ": file ended early (changed while reading?)");
      break;
    }
    convert(chunk, layout.item, done, n, *t);
    done += n;
  }
  std::fclose(f);
  return t;
}

std::vector<uint8_t> npy_encode(const Tensor& t) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < t.shape().size(); ++i) header += std::to_string(t.shape()[i]) + (t.rank() == 1 ? "," : (i + 1 < t.shape().size() ? ", " : ""));
  header += "), }";
  // Pad with spaces so the data starts at a multiple of 64 bytes, then end with '\n' (as NumPy).
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> out(kMagic, kMagic + 6);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.reserve(out.size() + 4 * t.numel());
  for (size_t i = 0; i < t.numel(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, t.data() + i, 4);
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<uint8_t>(bits >> (8 * b)));
  }
  return out;
}

Status npy_write(const std::string& path, const Tensor& t) {
  std::vector<uint8_t> bytes = npy_encode(t);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::error(path + ": cannot open for writing");
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return Status::error(path + ": write failed");
  return Status::ok();
}

}  // namespace cs
