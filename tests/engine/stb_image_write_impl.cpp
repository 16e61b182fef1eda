// stb_image_write_impl.cpp — the one definition of stb_image_write, which the image tests use to
// make PNG, BMP and JPEG files in memory. Built without UBSan's shift check (tests/tests.cmake):
// its JPEG encoder shifts negative values by design, which is third-party code the tests only use.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"  // false positive in the PNG row filter (GCC 12)
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
