// lab_layout_model.cpp — the digit lab's default panel placement, proportional to the window.
#include "lab_layout_model.h"

#include <algorithm>
#include <cmath>

namespace cs::app {

LabLayout lab_layout(float display_w, float display_h, float top, float scale) {
  const float m = 6.0f;  // gap between panels and to the window edge
  // Below 1280x800 panels would be cramped; lay out for that size and let the user scroll/move.
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

bool lab_rects_overlap(const LabRect& a, const LabRect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

}  // namespace cs::app
