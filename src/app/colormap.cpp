// colormap.cpp — polynomial fits of viridis/cividis (after Matt Zucconi's / Inigo Quilez's 6th-order
// fits of the matplotlib maps) and a linear blue-white-red diverging map. Mirrors shaders/colormap.frag.
#include "colormap.h"

#include <algorithm>
#include <cmath>

namespace cs::app {

namespace {

struct V3 {
  float x, y, z;
};
V3 operator+(V3 a, V3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
V3 operator*(V3 a, float t) { return {a.x * t, a.y * t, a.z * t}; }

V3 poly6(const V3 c[7], float t) {
  return c[0] + (c[1] + (c[2] + (c[3] + (c[4] + (c[5] + c[6] * t) * t) * t) * t) * t) * t;
}

const V3 kViridis[7] = {{0.2777273272234177f, 0.005407344544966578f, 0.3340998053353061f},
                        {0.1050930431085774f, 1.404613529898575f, 1.384590162594685f},
                        {-0.3308618287255563f, 0.214847559468213f, 0.09509516302823659f},
                        {-4.634230498983486f, -5.799100973351585f, -19.33244095627987f},
                        {6.228269936347081f, 14.17993336680509f, 56.69055260068105f},
                        {4.776384997670288f, -13.74514537774601f, -65.35303263337234f},
                        {-5.435455855934631f, 4.645852612178535f, 26.3124352495832f}};

const V3 kCividis[7] = {{-0.008973f, 0.136756f, 0.29349f},   {-0.346f, 0.6436f, 2.5697f},
                        {3.9458f, -0.9125f, -10.6398f},      {-11.2886f, 4.4525f, 22.3452f},
                        {15.2958f, -7.6085f, -23.3307f},     {-8.2906f, 5.1936f, 11.4406f},
                        {1.6148f, -1.0117f, -2.1237f}};

uint8_t to_byte(float v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

}  // namespace

float colormap_normalize(float v, float vmin, float vmax) {
  if (!(vmax > vmin) || !std::isfinite(v)) return 0.5f;
  return std::clamp((v - vmin) / (vmax - vmin), 0.0f, 1.0f);
}

Rgb8 colormap_rgb(ColorMap map, float t) {
  if (!(t >= 0.0f)) t = 0.0f;  // also catches NaN
  if (t > 1.0f) t = 1.0f;
  V3 c{};
  switch (map) {
    case ColorMap::Viridis: c = poly6(kViridis, t); break;
    case ColorMap::Cividis: c = poly6(kCividis, t); break;
    case ColorMap::Grey: c = {t, t, t}; break;
    case ColorMap::Diverging: {
      // blue (0.23,0.30,0.75) -> white -> red (0.71,0.02,0.15): the endpoints of "coolwarm".
      V3 blue{0.230f, 0.299f, 0.754f}, white{0.97f, 0.97f, 0.97f}, red{0.706f, 0.016f, 0.150f};
      c = t < 0.5f ? blue * (1.0f - 2.0f * t) + white * (2.0f * t)
                   : white * (2.0f - 2.0f * t) + red * (2.0f * t - 1.0f);
      break;
    }
  }
  return {to_byte(c.x), to_byte(c.y), to_byte(c.z)};
}

}  // namespace cs::app
