// lesson_draw.h — grid and matrix drawing shared by the lesson panels: a colour-mapped texture
// (platform_draw_scalar_field) for the cells, padding drawn as its own ring, numbers only when cells
// are big enough, highlight outlines, hover/click detection and item rects for the browser tests.
#pragma once
#include <string>
#include <vector>

#include "app_state.h"
#include "colormap.h"
#include "imgui.h"
#include "stepper_model.h"

namespace cs::app {

struct GridSpec {
  const char* key = "";       // texture key (unique per grid)
  int rows = 0, cols = 0;     // cells with values (row-major `values`)
  const float* values = nullptr;
  float vmin = 0, vmax = 1;
  ColorMap map = ColorMap::Viridis;
  int pad_r = 0, pad_c = 0;   // padding ring around the values (drawn, not in `values`)
  const char* pad_label = "0";
  float cell = 16;            // pixels per cell
  int filled = -1;            // >= 0: cells with linear index > filled are not computed yet (dimmed)
  const float* overlay = nullptr;  // optional second number per cell (unused when null)
};

// Draws at the cursor and reserves the space with an invisible button named `id`. `hovered` gets the
// cell under the pointer in value coordinates (padding cells are negative / >= rows), `clicked` a click.
struct GridHit {
  bool hovered = false, clicked = false;
  Cell cell;
  ImVec2 origin;  // screen position of the top-left padded cell
};
GridHit draw_grid(const GridSpec& g, const char* id);

// Outlines (and optionally fills) `cells` (value coordinates) of a grid drawn at `hit.origin`.
void grid_highlight(const GridSpec& g, const GridHit& hit, const std::vector<Cell>& cells, ImU32 colour,
                    float thickness, ImU32 fill = 0);

// Records every cell of the grid as item "<prefix>.<r>.<c>" (value coordinates, padding included)
// when the grid has at most `max_cells` cells; always records "<prefix>" for the whole grid.
void record_grid_cells(AppState& state, const std::string& prefix, const GridSpec& g, const GridHit& hit,
                       int max_cells = 1600);

// Value range for a colour map: symmetric around 0 for signed data (diverging map).
void value_range(const float* v, size_t n, bool symmetric, float* lo, float* hi);

// A small caption above a grid, in the disabled text colour.
void caption(const char* text);

inline ImU32 kHighlight() { return IM_COL32(255, 200, 40, 255); }
inline ImU32 kHighlightFill() { return IM_COL32(255, 200, 40, 70); }
inline ImU32 kPinned() { return IM_COL32(255, 90, 200, 255); }

}  // namespace cs::app
