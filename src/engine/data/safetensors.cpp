// safetensors.cpp — safetensors parsing with full validation, and atomic writing.
// nlohmann::json is used without exceptions (the wasm build has none): parse with
// allow_exceptions=false and check is_discarded(), and test every type with is_*() before access.
#include "safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "file_io.h"

namespace cs {

using nlohmann::json;

Result<SafetensorsDtype> parse_safetensors_dtype(const std::string& text) {
  if (text == "f32" || text == "F32") return SafetensorsDtype::F32;
  if (text == "f16" || text == "F16") return SafetensorsDtype::F16;
  return Status::error(fmt("dtype '%s': expected f32 or f16", text.c_str()));
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24 is exact in float32 (10 significant bits).
    const float v = std::ldexp(static_cast<float>(mant), -24);
    std::memcpy(&bits, &v, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);  // Inf / NaN (payload kept)
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);  // rebias 15 -> 127
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) return sign | 0x7e00u;   // NaN
  if (ax >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds to Inf (and Inf itself)
  const int e = static_cast<int>(ax >> 23);      // biased float exponent
  uint32_t h, rem, halfway;
  if (e < 113) {
    // Half subnormal (below 2^-14): units of 2^-24. Below 2^-25 everything rounds to zero.
    if (e < 102) return sign;
    const uint32_t m = (ax & 0x7fffffu) | 0x800000u;
    const int shift = 126 - e;  // 14..24
    h = m >> shift;
    rem = m & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  } else {
    h = (static_cast<uint32_t>(e - 112) << 10) | ((ax & 0x7fffffu) >> 13);
    rem = ax & 0x1fffu;
    halfway = 0x1000u;
  }
  if (rem > halfway || (rem == halfway && (h & 1u))) ++h;  // a carry into the exponent is correct
  return static_cast<uint16_t>(sign | h);
}

const Tensor* SafeTensors::find(const std::string& name) const {
  auto it = tensors.find(name);
  return it == tensors.end() ? nullptr : &it->second;
}

Result<const Tensor*> SafeTensors::get(const std::string& name, const Shape& shape) const {
  const Tensor* t = find(name);
  if (!t) return Status::error(fmt("missing tensor '%s' (the file has %zu tensors)", name.c_str(), tensors.size()));
  if (t->shape() != shape)
    return Status::error(fmt("tensor '%s' has shape %s, the model expects %s", name.c_str(),
                             t->shape_string().c_str(), shape_str(shape).c_str()));
  return t;
}

namespace {

struct Entry {
  std::string name;
  Shape shape;
  uint64_t begin = 0, end = 0;
  uint64_t elem_bytes = 4;  // 4: F32, 2: F16
};

uint64_t read_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Status parse_entry(const std::string& file, const std::string& key, const json& v, Entry* e) {
  const char* f = file.c_str();
  const char* k = key.c_str();
  if (!v.is_object()) return Status::error(fmt("%s: header entry '%s' is not an object", f, k));
  auto dtype = v.find("dtype");
  if (dtype == v.end() || !dtype->is_string())
    return Status::error(fmt("%s: tensor '%s' has no string field 'dtype'", f, k));
  const std::string& dt = dtype->get_ref<const std::string&>();
  if (dt != "F32" && dt != "F16")
    return Status::error(fmt("%s: tensor '%s' has dtype %s; only F32 and F16 are supported", f, k, dt.c_str()));
  e->elem_bytes = dt == "F16" ? 2 : 4;
  auto shape = v.find("shape");
  if (shape == v.end() || !shape->is_array())
    return Status::error(fmt("%s: tensor '%s' has no array field 'shape'", f, k));
  if (shape->size() > 8)
    return Status::error(fmt("%s: tensor '%s' has rank %zu; at most 8 is supported", f, k, shape->size()));
  uint64_t numel = 1;
  for (size_t i = 0; i < shape->size(); ++i) {
    const json& d = (*shape)[i];
    if (!d.is_number_unsigned())
      return Status::error(fmt("%s: tensor '%s' shape[%zu] is not a non-negative integer", f, k, i));
    uint64_t dv = d.get<uint64_t>();
    if (dv > uint64_t(kMaxTensorElements) || (dv != 0 && numel > uint64_t(kMaxTensorElements) / dv))
      return Status::error(fmt("%s: tensor '%s' shape[%zu] = %llu makes more than %lld elements", f, k, i,
                               static_cast<unsigned long long>(dv), static_cast<long long>(kMaxTensorElements)));
    numel *= dv;
    e->shape.push_back(static_cast<int>(dv));
  }
  auto offs = v.find("data_offsets");
  if (offs == v.end() || !offs->is_array() || offs->size() != 2 || !(*offs)[0].is_number_unsigned() ||
      !(*offs)[1].is_number_unsigned())
    return Status::error(fmt("%s: tensor '%s' needs 'data_offsets' as two non-negative integers", f, k));
  e->begin = (*offs)[0].get<uint64_t>();
  e->end = (*offs)[1].get<uint64_t>();
  if (e->end < e->begin)
    return Status::error(fmt("%s: tensor '%s' data_offsets [%llu, %llu] end before they begin", f, k,
                             static_cast<unsigned long long>(e->begin), static_cast<unsigned long long>(e->end)));
  if (e->end - e->begin != numel * e->elem_bytes)
    return Status::error(fmt("%s: tensor '%s' of shape %s needs %llu bytes but data_offsets [%llu, %llu] hold %llu",
                             f, k, shape_str(e->shape).c_str(), static_cast<unsigned long long>(numel * e->elem_bytes),
                             static_cast<unsigned long long>(e->begin), static_cast<unsigned long long>(e->end),
                             static_cast<unsigned long long>(e->end - e->begin)));
  e->name = key;
  return Status::ok();
}

}  // namespace

Result<SafeTensors> parse_safetensors(const uint8_t* bytes, size_t size, const std::string& name) {
  const char* f = name.c_str();
  if (size < 8)
    return Status::error(fmt("%s: truncated safetensors file: %zu bytes, the header length needs 8", f, size));
  const uint64_t header_len = read_le64(bytes);
  if (header_len > kSafetensorsMaxHeader)
    return Status::error(fmt("%s: safetensors header length %llu exceeds the limit of %llu", f,
                             static_cast<unsigned long long>(header_len),
                             static_cast<unsigned long long>(kSafetensorsMaxHeader)));
  if (header_len > size - 8)
    return Status::error(fmt("%s: safetensors header length %llu runs past the end of the file (%zu bytes)", f,
                             static_cast<unsigned long long>(header_len), size));
  if (header_len < 2) return Status::error(fmt("%s: safetensors header length %llu is too short for JSON", f,
                                               static_cast<unsigned long long>(header_len)));
  const char* hb = reinterpret_cast<const char*>(bytes + 8);
  json header = json::parse(hb, hb + header_len, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) return Status::error(fmt("%s: safetensors header is not valid JSON", f));
  if (!header.is_object()) return Status::error(fmt("%s: safetensors header is not a JSON object", f));

  SafeTensors st;
  std::vector<Entry> entries;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object())
        return Status::error(fmt("%s: __metadata__ must be an object of strings", f));
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string())
          return Status::error(fmt("%s: __metadata__ value '%s' is not a string", f, m.key().c_str()));
        st.metadata[m.key()] = m.value().get_ref<const std::string&>();
      }
      continue;
    }
    Entry e;
    CS_RETURN_IF_ERROR(parse_entry(name, it.key(), it.value(), &e));
    entries.push_back(std::move(e));
  }

  // Offsets must tile the data buffer exactly: sorted, contiguous, no overlap, no gap, no excess.
  const uint64_t buffer = uint64_t(size) - 8 - header_len;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expect = 0;
  for (const Entry& e : entries) {
    if (e.begin < expect)
      return Status::error(fmt("%s: tensor '%s' data_offsets [%llu, %llu] overlap the previous tensor (ends at %llu)",
                               f, e.name.c_str(), static_cast<unsigned long long>(e.begin),
                               static_cast<unsigned long long>(e.end), static_cast<unsigned long long>(expect)));
    if (e.begin > expect)
      return Status::error(fmt("%s: gap in the data before tensor '%s': it begins at %llu, the previous ends at %llu",
                               f, e.name.c_str(), static_cast<unsigned long long>(e.begin),
                               static_cast<unsigned long long>(expect)));
    if (e.end > buffer)
      return Status::error(fmt("%s: tensor '%s' data_offsets [%llu, %llu] run past the data buffer (%llu bytes)",
                               f, e.name.c_str(), static_cast<unsigned long long>(e.begin),
                               static_cast<unsigned long long>(e.end), static_cast<unsigned long long>(buffer)));
    expect = e.end;
  }
  if (expect != buffer)
    return Status::error(fmt("%s: the data buffer has %llu bytes but the tensors cover %llu", f,
                             static_cast<unsigned long long>(buffer), static_cast<unsigned long long>(expect)));

  const uint8_t* data = bytes + 8 + header_len;
  for (const Entry& e : entries) {
    Tensor t(e.shape);
    const uint8_t* p = data + e.begin;
    for (size_t i = 0; i < t.numel(); ++i, p += e.elem_bytes) {
      float v;
      if (e.elem_bytes == 2) {
        v = half_to_float(static_cast<uint16_t>(p[0] | (p[1] << 8)));
      } else {
        const uint32_t u = uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
        std::memcpy(&v, &u, 4);
      }
      if (!std::isfinite(v))
        return Status::error(fmt("%s: tensor '%s' holds a non-finite value (%g) at flat index %zu", f,
                                 e.name.c_str(), static_cast<double>(v), i));
      t[i] = v;
    }
    st.tensors.emplace(e.name, std::move(t));
  }
  return st;
}

Result<SafeTensors> read_safetensors(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = read_file_bytes(path, kSafetensorsMaxFile);
  if (!bytes) return bytes.status();
  return parse_safetensors(bytes->data(), bytes->size(), path);
}

Result<std::vector<uint8_t>> serialize_safetensors(const SafeTensors& st, SafetensorsDtype dtype) {
  const bool f16 = dtype == SafetensorsDtype::F16;
  const uint64_t elem_bytes = f16 ? 2 : 4;
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& kv : st.tensors) {
    if (kv.first == "__metadata__") return Status::error("a tensor cannot be named '__metadata__'");
    const std::vector<float>& values = kv.second.values();
    for (size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i]))
        return Status::error(fmt("refusing to save tensor '%s': it holds a non-finite value", kv.first.c_str()));
      if (f16 && (float_to_half(values[i]) & 0x7c00u) == 0x7c00u)
        return Status::error(fmt("refusing to save tensor '%s' as F16: %g at flat index %zu is outside the F16 range (+-65504)",
                                 kv.first.c_str(), static_cast<double>(values[i]), i));
    }
    const uint64_t bytes = uint64_t(kv.second.numel()) * elem_bytes;
    header[kv.first] = {{"dtype", f16 ? "F16" : "F32"}, {"shape", kv.second.shape()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!st.metadata.empty()) {
    json meta = json::object();
    for (const auto& kv : st.metadata) meta[kv.first] = kv.second;
    header["__metadata__"] = meta;
  }
  // error_handler_t::replace: invalid UTF-8 in a name must not abort (dump throws otherwise).
  std::string text = header.dump(-1, ' ', false, json::error_handler_t::replace);
  while (text.size() % 8) text += ' ';  // keeps the data 8-byte aligned, as the reference writer does
  std::vector<uint8_t> out;
  out.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(uint64_t(text.size()) >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const auto& kv : st.tensors)
    for (float v : kv.second.values()) {
      uint32_t u;
      if (f16) {
        u = float_to_half(v);
      } else {
        std::memcpy(&u, &v, 4);
      }
      for (uint64_t i = 0; i < elem_bytes; ++i) out.push_back(static_cast<uint8_t>(u >> (8 * i)));
    }
  return out;
}

Status write_safetensors(const std::string& path, const SafeTensors& st, SafetensorsDtype dtype) {
  Result<std::vector<uint8_t>> bytes = serialize_safetensors(st, dtype);
  if (!bytes) return bytes.status();
  return write_file_atomic(path, bytes->data(), bytes->size());
}

}  // namespace cs
