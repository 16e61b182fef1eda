// device_layout_model.cpp — layout choice, canvas size and the touch layouts' panes (see the header).
#include "device_layout_model.h"

#include <algorithm>
#include <cmath>

namespace cs::app {

DeviceLayout choose_device_layout(float w, float h) {
  if (std::min(w, h) < 600.0f) return DeviceLayout::Phone;
  if (w < 1200.0f || h < 700.0f) return DeviceLayout::Tablet;
  return DeviceLayout::Desktop;
}

const char* device_layout_name(DeviceLayout layout) {
  return layout == DeviceLayout::Phone ? "phone" : layout == DeviceLayout::Tablet ? "tablet" : "desktop";
}

CanvasSize canvas_size_for(int css_w, int css_h, float dpr, int gl_max) {
  CanvasSize c;
  css_w = std::max(1, css_w);
  css_h = std::max(1, css_h);
  float r = std::isfinite(dpr) && dpr > 0.0f ? dpr : 1.0f;
  if (gl_max > 0) r = std::min(r, static_cast<float>(gl_max) / static_cast<float>(std::max(css_w, css_h)));
  c.ratio = r;
  c.width = std::max(1, static_cast<int>(std::floor(css_w * r)));
  c.height = std::max(1, static_cast<int>(std::floor(css_h * r)));
  if (gl_max > 0) c.width = std::min(c.width, gl_max), c.height = std::min(c.height, gl_max);
  return c;
}

TouchLayout touch_layout(DeviceLayout layout, float w, float h, float top, float tabs_h) {
  const float m = 4.0f;  // gap between panes and to the screen's edges
  TouchLayout l;
  const float y0 = top + m, avail_w = std::max(1.0f, w - 2 * m), avail_h = std::max(1.0f, h - y0 - m);
  if (layout != DeviceLayout::Tablet) {
    l.one_pane = true;
    l.tabs = {m, y0, avail_w, tabs_h};
    l.main = l.side = {m, y0 + tabs_h + m, avail_w, std::max(1.0f, avail_h - tabs_h - m)};
    return l;
  }
  if (h >= w) {  // portrait: main pane on top, the others below
    const float main_h = std::floor(avail_h * 0.55f);
    l.main = {m, y0, avail_w, main_h};
    l.tabs = {m, y0 + main_h + m, avail_w, tabs_h};
    const float sy = l.tabs.y + tabs_h + m;
    l.side = {m, sy, avail_w, std::max(1.0f, h - m - sy)};
  } else {  // landscape: main pane on the left, the others on the right
    const float main_w = std::floor((avail_w - m) * 0.5f);
    l.main = {m, y0, main_w, avail_h};
    const float sx = m + main_w + m, sw = w - m - sx;
    l.tabs = {sx, y0, sw, tabs_h};
    l.side = {sx, y0 + tabs_h + m, sw, std::max(1.0f, avail_h - tabs_h - m)};
  }
  return l;
}

float wrap_tabs(const float* widths, int count, float width, float row_h, float gap, float* x, float* y) {
  float cx = 0, cy = 0;
  for (int i = 0; i < count; ++i) {
    if (cx > 0 && cx + widths[i] > width) cx = 0, cy += row_h + gap;
    x[i] = cx;
    y[i] = cy;
    cx += widths[i] + gap;
  }
  return count > 0 ? cy + row_h : 0.0f;
}

}  // namespace cs::app
