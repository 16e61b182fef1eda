// image.h — decode PNG/JPEG/BMP bytes (stb_image, only those three decoders), convert to grey,
// and resize by area averaging. Feeds digit_input (photo or canvas -> 28x28 like MNIST).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../status.h"

namespace cs {

constexpr int kMaxImageSide = 4096;

// 8-bit pixels as decoded: channels 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA), row-major.
struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

// Grey float image, values in [0, 1] (0 = black), row-major.
struct GreyImage {
  int width = 0, height = 0;
  std::vector<float> pixels;
  float at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
  float& at(int x, int y) { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Decodes PNG, JPEG or BMP from memory. The dimensions are read with stbi_info_from_memory first:
// empty input, unknown formats and images larger than 4096x4096 are refused before decoding.
// `name` is used in error messages. Rows are never flipped.
Result<Image> decode_image(const uint8_t* bytes, size_t size, const std::string& name);
Result<Image> read_image_file(const std::string& path);

// Luma (ITU-R BT.601 weights), alpha composited over white (a transparent background is paper).
GreyImage to_grey(const Image& image);
GreyImage grey_from_bytes(const uint8_t* grey, int width, int height);

// Area (box) resampling: each output pixel is the mean of the input area it covers, with partial
// pixels weighted by their overlap. Anti-aliased when shrinking, blocky-but-exact when growing.
GreyImage resize_area(const GreyImage& in, int out_width, int out_height);

}  // namespace cs
