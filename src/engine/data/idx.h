// idx.h — reader for the IDX files MNIST ships in (bytes -> IdxArray of uint8 with its dims).
// Every header field is checked against the file size before anything is allocated, and each
// error names the file and the field ("train-images: dimension 2 is 65535 ...").
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"

namespace cs {

// An IDX array of unsigned bytes (type code 0x08, the only one MNIST uses).
struct IdxArray {
  Shape dims;                 // e.g. (60000, 28, 28) for images, (60000,) for labels
  std::vector<uint8_t> data;  // row-major, dims product bytes
};

// Largest array accepted (bytes). MNIST's biggest file is 47 MB; anything far beyond is hostile.
constexpr uint64_t kIdxMaxBytes = uint64_t(1) << 30;
constexpr int kIdxMaxRank = 4;

// Parses IDX bytes already in memory; `name` is used in error messages.
Result<IdxArray> parse_idx(const uint8_t* bytes, size_t size, const std::string& name);
// Reads an IDX file: the header is read and checked against the file size first, the data after.
Result<IdxArray> read_idx(const std::string& path);

// MNIST's image side: DigitNet's input, digit_input's output, the bundled digits (the one definition).
constexpr int kMnistSide = 28;
constexpr int kMnistPixels = kMnistSide * kMnistSide;

// MNIST grey 0..255 reduced to the 16 levels the page's bundled digits keep (digits.bin): level
// (g * 15 + 127) / 255, shown as grey level * 17. `convscope se-stats --levels 16` and the page use
// this one formula, so both see the same digits.
inline uint8_t mnist_grey_level16(uint8_t grey) { return static_cast<uint8_t>((grey * 15 + 127) / 255); }
inline uint8_t mnist_grey_quantised16(uint8_t grey) { return static_cast<uint8_t>(mnist_grey_level16(grey) * 17); }

// An MNIST split: images (N, 28, 28) bytes 0..255 (ink = 255) and labels 0..9.
struct MnistSet {
  int count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> images;  // count * rows * cols
  std::vector<uint8_t> labels;  // count
};
// Loads `<dir>/<split>-images-idx3-ubyte` and `<dir>/<split>-labels-idx1-ubyte`
// (split = "train" or "t10k"), checking ranks, matching counts and label range.
Result<MnistSet> load_mnist(const std::string& dir, const std::string& split);

}  // namespace cs
