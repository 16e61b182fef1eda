// lesson_draw.cpp — grids for the lesson panels: one texture per grid through the colour-map shader,
// a few rectangles for padding / highlights, and text only when a cell can hold it; the pointer's
// cell (a mouse's hover or a finger's long press, a click or a tap: item_hover.h).
#include "lesson_draw.h"

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <cstdio>
#include <cstring>

#include "item_hover.h"
#include "panels.h"
#include "platform_api.h"
#include "touch_ui.h"

namespace cs::app {

GridHit draw_grid(const GridSpec& g, const char* id) {
  GridHit hit;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int R = g.rows + 2 * g.pad_r, C = g.cols + 2 * g.pad_c;
  const float cs = g.cell;
  ImVec2 o = ImGui::GetCursorScreenPos();
  hit.origin = o;
  ImVec2 size(std::max(1.0f, C * cs), std::max(1.0f, R * cs));
  ImGui::InvisibleButton(id, size);
  // A mouse over a cell hovers it; a finger only once held still on it, and its tap is the click.
  const PointerOnItem p = item_pointer();
  if (p.shows || p.clicked) {
    int r = static_cast<int>(std::floor((p.y - o.y) / cs)), c = static_cast<int>(std::floor((p.x - o.x) / cs));
    if (r >= 0 && r < R && c >= 0 && c < C) {
      hit.hovered = p.shows;
      hit.cell = Cell{r - g.pad_r, c - g.pad_c};
      hit.clicked = p.clicked;
    }
  }
  if (g.rows <= 0 || g.cols <= 0) return hit;
  // Padding ring: one dark rectangle under the whole padded grid; the values' texture covers the middle.
  if (g.pad_r > 0 || g.pad_c > 0) {
    dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(48, 52, 62, 255));
  }
  ImVec2 v0(o.x + g.pad_c * cs, o.y + g.pad_r * cs), v1(v0.x + g.cols * cs, v0.y + g.rows * cs);
  platform_draw_scalar_field(dl, g.key, g.cols, g.rows, g.values, g.vmin, g.vmax, g.map, v0, v1);
  // Cells not computed yet: the rest of the current row and every later row.
  if (g.filled >= 0 && g.filled < g.rows * g.cols - 1) {
    const int fr = g.filled / g.cols, fc = g.filled % g.cols;
    const ImU32 dim = IM_COL32(24, 26, 32, 225);
    if (fc + 1 < g.cols) dl->AddRectFilled(ImVec2(v0.x + (fc + 1) * cs, v0.y + fr * cs), ImVec2(v1.x, v0.y + (fr + 1) * cs), dim);
    if (fr + 1 < g.rows) dl->AddRectFilled(ImVec2(v0.x, v0.y + (fr + 1) * cs), v1, dim);
  }
  // Grid lines when the cells are big enough to separate.
  if (cs >= 7.0f) {
    const ImU32 line = IM_COL32(0, 0, 0, 90);
    for (int r = 0; r <= R; ++r) dl->AddLine(ImVec2(o.x, o.y + r * cs), ImVec2(o.x + size.x, o.y + r * cs), line);
    for (int c = 0; c <= C; ++c) dl->AddLine(ImVec2(o.x + c * cs, o.y), ImVec2(o.x + c * cs, o.y + size.y), line);
  }
  dl->AddRect(v0, v1, IM_COL32(200, 200, 210, 160));
  // Numbers: only when a cell fits ~4 characters of a readable size.
  ImFont* font = ImGui::GetFont();
  const float fs = std::min(ImGui::GetFontSize() * 0.9f, cs * 0.42f);
  if (fs >= 8.0f) {
    char buf[24];
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < C; ++c) {
        const int vr = r - g.pad_r, vc = c - g.pad_c;
        const bool pad = vr < 0 || vr >= g.rows || vc < 0 || vc >= g.cols;
        const int idx = vr * g.cols + vc;
        if (!pad && g.filled >= 0 && idx > g.filled) continue;
        ImU32 col;
        if (pad) {
          std::snprintf(buf, sizeof buf, "%s", g.pad_label);
          col = IM_COL32(150, 155, 170, 255);
        } else {
          const float v = g.values[idx];
          std::snprintf(buf, sizeof buf, "%s", num_text(v).c_str());
          if (std::strlen(buf) > 5) std::snprintf(buf, sizeof buf, "%.2g", static_cast<double>(v));
          Rgb8 bg = colormap_rgb(g.map, colormap_normalize(v, g.vmin, g.vmax));
          const float lum = 0.299f * bg.r + 0.587f * bg.g + 0.114f * bg.b;
          col = lum > 140 ? IM_COL32(10, 10, 10, 255) : IM_COL32(245, 245, 245, 255);
        }
        ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0.0f, buf);
        if (ts.x > cs - 2) continue;
        dl->AddText(font, fs, ImVec2(o.x + c * cs + (cs - ts.x) * 0.5f, o.y + r * cs + (cs - ts.y) * 0.5f), col, buf);
      }
  }
  return hit;
}

void grid_highlight(const GridSpec& g, const GridHit& hit, const std::vector<Cell>& cells, ImU32 colour,
                    float thickness, ImU32 fill) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cs = g.cell;
  for (const Cell& c : cells) {
    const int r = c.r + g.pad_r, k = c.c + g.pad_c;
    if (r < 0 || r >= g.rows + 2 * g.pad_r || k < 0 || k >= g.cols + 2 * g.pad_c) continue;
    ImVec2 a(hit.origin.x + k * cs, hit.origin.y + r * cs), b(a.x + cs, a.y + cs);
    if (fill) dl->AddRectFilled(a, b, fill);
    const float inset = std::min(thickness * 0.5f, cs * 0.2f);
    dl->AddRect(ImVec2(a.x + inset, a.y + inset), ImVec2(b.x - inset, b.y - inset), colour, 0.0f, 0,
                std::min(thickness, std::max(1.0f, cs * 0.25f)));
  }
}

void record_grid_cells(AppState& state, const std::string& prefix, const GridSpec& g, const GridHit& hit,
                       int max_cells) {
  const int R = g.rows + 2 * g.pad_r, C = g.cols + 2 * g.pad_c;
  // Phones and tablets name a grid, and its cells, as tap targets only when a finger can hit them
  // (24 CSS px; A+ zooms).
  const bool touch = touch_layout_active(state);
  if (touch && (C * g.cell < 24.0f || R * g.cell < 24.0f)) return;
  set_item_rect(state, prefix, PanelRect{hit.origin.x, hit.origin.y, C * g.cell, R * g.cell});
  if (R * C > max_cells) return;
  if (touch && g.cell < 24.0f) return;
  char key[96];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) {
      const int n = std::snprintf(key, sizeof key, "%s.%d.%d", prefix.c_str(), r - g.pad_r, c - g.pad_c);
      set_item_rect(state, std::string_view(key, static_cast<size_t>(std::min(n, static_cast<int>(sizeof key) - 1))),
                    PanelRect{hit.origin.x + c * g.cell, hit.origin.y + r * g.cell, g.cell, g.cell});
    }
}

void value_range(const float* v, size_t n, bool symmetric, float* lo, float* hi) {
  float a = 0, b = 0;
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) continue;
    if (!any) a = b = v[i];
    a = std::min(a, v[i]);
    b = std::max(b, v[i]);
    any = true;
  }
  if (symmetric) {
    float m = std::max(std::fabs(a), std::fabs(b));
    if (m == 0) m = 1;
    *lo = -m;
    *hi = m;
    return;
  }
  if (b <= a) b = a + 1;
  *lo = a;
  *hi = b;
}

void caption(const char* text) { ImGui::TextDisabled("%s", text); }

}  // namespace cs::app
