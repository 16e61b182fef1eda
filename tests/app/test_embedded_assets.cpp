// test_embedded_assets.cpp — the byte planes cmake/embed.cmake stores *.safetensors in (for gzip):
// join_byte_planes restores the file bit for bit, on a hand-made case and on the real shipped
// weights run through embed.cmake itself (the generated array parsed back).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "app/embedded_assets.h"
#include "skip.h"
#include "temp_dir.h"

using cs::app::join_byte_planes;

TEST_CASE("join_byte_planes: prefix kept, pairs rebuilt from the two planes, odd last byte kept") {
  // Original: header {1, 2}, pairs (10,11) (20,21) (30,31), odd tail 99.
  const std::vector<uint8_t> original = {1, 2, 10, 11, 20, 21, 30, 31, 99};
  const std::vector<uint8_t> stored = {1, 2, 10, 20, 30, 11, 21, 31, 99};
  std::vector<uint8_t> out(original.size(), 0);
  join_byte_planes(stored.data(), stored.size(), 2, out.data());
  CHECK(out == original);
  // Even length, no prefix.
  const std::vector<uint8_t> even = {5, 6, 7, 8}, even_stored = {5, 7, 6, 8};
  std::vector<uint8_t> out2(4, 0);
  join_byte_planes(even_stored.data(), 4, 0, out2.data());
  CHECK(out2 == even);
  // Nothing after the prefix (or a prefix past the end): a plain copy.
  std::vector<uint8_t> out3(original.size(), 0);
  join_byte_planes(original.data(), original.size(), original.size(), out3.data());
  CHECK(out3 == original);
  join_byte_planes(original.data(), original.size(), original.size() + 5, out3.data());
  CHECK(out3 == original);
}

#ifndef __EMSCRIPTEN__
namespace {
std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The bytes of `asset_<index>` and its table row's planes_at in a file embed.cmake wrote.
std::vector<uint8_t> generated_bytes(const std::string& cpp, int index, size_t* planes_at) {
  const std::string open = "asset_" + std::to_string(index) + "[] = {\n";
  size_t p = cpp.find(open);
  REQUIRE(p != std::string::npos);
  p += open.size();
  std::vector<uint8_t> bytes;
  while (cpp.compare(p, 2, "0x") == 0) {
    bytes.push_back(static_cast<uint8_t>(std::strtoul(cpp.substr(p + 2, 2).c_str(), nullptr, 16)));
    p += 5;  // "0xab,"
    if (cpp[p] == '\n') ++p;
  }
  const std::string row = "asset_" + std::to_string(index) + ", " + std::to_string(bytes.size()) + ", ";
  const size_t r = cpp.find(row);
  REQUIRE(r != std::string::npos);
  *planes_at = std::strtoull(cpp.c_str() + r + row.size(), nullptr, 10);
  return bytes;
}
}  // namespace

TEST_CASE("embed.cmake stores the shipped weights as byte planes; joined they are the file bit for bit") {
  const std::string root = std::string(CS_TEST_DATA_DIR) + "/..";
  const std::string weights = root + "/assets/digitnet.safetensors";
  const std::vector<uint8_t> file = read_file(weights);
  if (file.size() < 16 || std::system("cmake --version > /dev/null 2>&1") != 0) {
    CS_SKIP("no shipped weights or no cmake");
  }
  // The same file with one more byte: an odd number of tensor bytes keeps its last byte in place.
  const std::string odd = cs_test::temp_path("embed_odd.safetensors"), out = cs_test::temp_path("embed.cpp");
  {
    std::ofstream o(odd, std::ios::binary);
    o.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    o.put('\x5a');
  }
  const std::string cmd = "cmake '-DOUT=" + out + "' '-DASSETS=w.safetensors=" + weights + ";odd.safetensors=" + odd +
                          ";plain.bin=" + weights + "' -P '" + root + "/cmake/embed.cmake' > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::vector<uint8_t> gen = read_file(out);
  const std::string cpp(gen.begin(), gen.end());
  std::remove(out.c_str());
  std::remove(odd.c_str());
  size_t header = 0;
  for (int k = 0; k < 8; ++k) header |= size_t(file[k]) << (8 * k);
  for (int index : {0, 1}) {
    size_t at = 0;
    const std::vector<uint8_t> stored = generated_bytes(cpp, index, &at);
    std::vector<uint8_t> expected = file;
    if (index == 1) expected.push_back(0x5a);
    REQUIRE(stored.size() == expected.size());
    CHECK(at == 8 + header);
    CHECK(stored != expected);  // really rearranged
    std::vector<uint8_t> joined(stored.size(), 0);
    join_byte_planes(stored.data(), stored.size(), at, joined.data());
    CHECK(joined == expected);
  }
  // Other assets are stored as they are.
  size_t at = 1;
  CHECK(generated_bytes(cpp, 2, &at) == file);
  CHECK(at == 0);
}
#endif
