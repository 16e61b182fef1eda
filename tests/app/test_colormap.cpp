// test_colormap.cpp — colour maps: endpoints match matplotlib's, ranges clamp, NaN is safe.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

#include "app/colormap.h"

using namespace cs::app;

static bool near(Rgb8 c, int r, int g, int b, int tol = 6) {
  return std::abs(c.r - r) <= tol && std::abs(c.g - g) <= tol && std::abs(c.b - b) <= tol;
}

TEST_CASE("viridis endpoints match matplotlib") {
  CHECK(near(colormap_rgb(ColorMap::Viridis, 0.0f), 68, 1, 84));      // #440154
  CHECK(near(colormap_rgb(ColorMap::Viridis, 1.0f), 253, 231, 37));   // #fde725
  CHECK(near(colormap_rgb(ColorMap::Viridis, 0.5f), 33, 145, 140));   // #21918c
}

TEST_CASE("diverging map is white in the middle and symmetric in lightness") {
  Rgb8 mid = colormap_rgb(ColorMap::Diverging, 0.5f);
  CHECK(near(mid, 247, 247, 247, 2));
  Rgb8 lo = colormap_rgb(ColorMap::Diverging, 0.0f), hi = colormap_rgb(ColorMap::Diverging, 1.0f);
  CHECK(lo.b > lo.r);
  CHECK(hi.r > hi.b);
}

TEST_CASE("normalize clamps, handles degenerate ranges and NaN") {
  CHECK(colormap_normalize(5.0f, 0.0f, 10.0f) == doctest::Approx(0.5f));
  CHECK(colormap_normalize(-5.0f, 0.0f, 10.0f) == 0.0f);
  CHECK(colormap_normalize(50.0f, 0.0f, 10.0f) == 1.0f);
  CHECK(colormap_normalize(1.0f, 2.0f, 2.0f) == 0.5f);
  CHECK(colormap_normalize(NAN, 0.0f, 1.0f) == 0.5f);
  Rgb8 c = colormap_rgb(ColorMap::Grey, NAN);
  CHECK(c.r == 0);
}
