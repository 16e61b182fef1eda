// lab_layout_model.cpp — the digit lab's default panel placement, proportional to the window.
#include "lab_layout_model.h"

#include <algorithm>
#include <cmath>

namespace cs::app {

namespace {

LabLayout layout_at_least_1280x800(float display_w, float display_h, float top, float scale);

}  // namespace

LabLayout lab_layout(float display_w, float display_h, float top, float scale) {
  if (display_w >= 1280.0f && display_h >= 800.0f) return layout_at_least_1280x800(display_w, display_h, top, scale);
  // A smaller window (browser zoom to 200% halves it; a small laptop): the 1280x800 layout shrunk to
  // the window, so every panel stays on screen (each scrolls what no longer fits inside it).
  const float w = std::max(display_w, 64.0f), h = std::max(display_h, 64.0f);
  const float fx = std::min(1.0f, w / 1280.0f), fy = std::min(1.0f, (h - top) / (800.0f - top));
  LabLayout l = layout_at_least_1280x800(1280.0f, 800.0f, top, scale);
  for (LabRect* r : {&l.draw_pad, &l.prediction, &l.activations, &l.se_weights, &l.training}) {
    r->x = std::floor(r->x * fx);
    r->w = std::floor(r->w * fx);
    r->y = std::floor(top + (r->y - top) * fy);
    r->h = std::floor(r->h * fy);
  }
  return l;
}

namespace {

LabLayout layout_at_least_1280x800(float display_w, float display_h, float top, float scale) {
  const float m = 6.0f;  // gap between panels and to the window edge
  const float w = std::max(display_w, 1280.0f), h = std::max(display_h, 800.0f);
  const float y0 = top + m, avail = h - y0 - m;
  LabLayout l;
  const float u = std::max(1.0f, scale);
  // At most half the width and all but a prediction's few lines of the height, whatever the scale.
  const float left_w = std::min(std::clamp(w * 0.355f, 456.0f * u, 600.0f * u), std::floor(w * 0.5f));
  const float pad_h = std::min(std::clamp(avail * 0.68f, 520.0f * u, 700.0f * u), std::floor(avail - 150.0f * u));
  l.draw_pad = {m, y0, left_w, pad_h};
  l.prediction = {m, y0 + pad_h + m, left_w, avail - pad_h - m};
  const float rx = m + left_w + m, rw = w - rx - m;
  const float act_h = std::floor(avail * 0.5f);
  l.activations = {rx, y0, rw, act_h};
  const float by = y0 + act_h + m, bh = avail - act_h - m;
  const float se_w = std::floor(rw * 0.56f);
  l.se_weights = {rx, by, se_w, bh};
  l.training = {rx + se_w + m, by, rw - se_w - m, bh};
  return l;
}

}  // namespace

ActivationsLayout activations_layout(float inner_w, float scale, bool touch, float gap, float scrollbar) {
  const float u = std::max(1.0f, scale);
  ActivationsLayout l;
  l.picture = 136.0f * u;
  // Room for the column's own scrollbar, so neither picture is cut.
  l.column_w = 2 * l.picture + gap + scrollbar + 4;
  // A finger needs about 40 px a map (24 at the very least); a mouse reads them at 30.
  l.thumb = (touch ? 44.0f : 30.0f) * u;
  const float min_maps_w = 220.0f * u;  // about seven maps a row
  if (inner_w - l.column_w - gap >= min_maps_w) return l;
  l.stacked = true;
  l.column_w = std::max(1.0f, inner_w);
  // The two pictures share the width (a phone's 390 px gives each about 170), within reason.
  l.picture = std::clamp(std::floor((inner_w - gap - 4) * 0.5f), 64.0f * u, 220.0f * u);
  // At least four maps a row, never under a finger's 24 px.
  l.thumb = std::max(std::min(l.thumb, std::floor(inner_w / 4) - 2), 24.0f);
  return l;
}

bool lab_rects_overlap(const LabRect& a, const LabRect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

}  // namespace cs::app
