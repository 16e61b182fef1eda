// colormap.h — colour maps as pure functions (unit-tested without GL or ImGui). The GPU path in
// shaders/colormap.frag implements the same polynomials; the CPU path serves legends and exports.
#pragma once
#include <cstdint>


namespace cs::app {

enum class ColorMap : int { Viridis = 0, Diverging = 1, Grey = 2, Cividis = 3 };

struct Rgb8 {
  uint8_t r, g, b;
};

// t in [0, 1] (clamped; NaN -> 0). Viridis and cividis are perceptually uniform and colour-blind
// safe; Diverging is blue-white-red for signed values (weights), centre at t = 0.5.
Rgb8 colormap_rgb(ColorMap map, float t);

// Normalise v into [0, 1] for a colour map; a degenerate range (vmax <= vmin) maps to 0.5.
float colormap_normalize(float v, float vmin, float vmax);

}  // namespace cs::app
