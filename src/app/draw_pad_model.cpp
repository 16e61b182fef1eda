// draw_pad_model.cpp — marker-brush rasteriser and the stroke/undo bookkeeping of the drawing pad.
#include "draw_pad_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/status.h"
#include "ui_strings.h"

namespace cs::app {

bool rasterise_segment(std::vector<uint8_t>& canvas, int side, PadPoint a, PadPoint b, float radius) {
  if (side <= 0 || canvas.size() != static_cast<size_t>(side) * side || !(radius > 0.0f)) return false;
  const float reach = radius + 0.5f;
  int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
  int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
  int x1 = std::min(side - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
  int y1 = std::min(side - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  bool changed = false;
  for (int y = y0; y <= y1; ++y) {
    const float py = y + 0.5f;
    for (int x = x0; x <= x1; ++x) {
      const float px = x + 0.5f;
      // Distance from the pixel centre to the closest point of the segment.
      float t = len2 > 0.0f ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0f;
      t = std::clamp(t, 0.0f, 1.0f);
      const float qx = a.x + t * dx - px, qy = a.y + t * dy - py;
      const float d = std::sqrt(qx * qx + qy * qy);
      const float cover = std::clamp(reach - d, 0.0f, 1.0f);
      if (cover <= 0.0f) continue;
      const uint8_t v = static_cast<uint8_t>(std::lround(cover * 255.0f));
      uint8_t& dst = canvas[static_cast<size_t>(y) * side + x];
      if (v > dst) {
        dst = v;
        changed = true;
      }
    }
  }
  return changed;
}

DrawPad::DrawPad(int side) : side_(side > 0 ? side : kDefaultSide), canvas_(static_cast<size_t>(side_) * side_, 0) {}

void DrawPad::push_history() {
  history_.push_back(strokes_);
  if (history_.size() > static_cast<size_t>(kMaxUndo)) history_.erase(history_.begin());
}

void DrawPad::begin_stroke(PadPoint p, float radius) {
  if (drawing_) end_stroke();
  push_history();
  strokes_.push_back(Stroke{radius, {p}});
  drawing_ = true;
  if (rasterise_segment(canvas_, side_, p, p, radius)) ++revision_;
}

void DrawPad::extend_stroke(PadPoint p) {
  if (!drawing_ || strokes_.empty()) return;
  Stroke& s = strokes_.back();
  const PadPoint last = s.points.back();
  const float dx = p.x - last.x, dy = p.y - last.y;
  if (dx * dx + dy * dy < kMinStep * kMinStep) return;
  s.points.push_back(p);
  if (rasterise_segment(canvas_, side_, last, p, s.radius)) ++revision_;
}

void DrawPad::end_stroke() { drawing_ = false; }

bool DrawPad::undo() {
  if (history_.empty()) return false;
  drawing_ = false;
  strokes_ = std::move(history_.back());
  history_.pop_back();
  redraw();
  return true;
}

std::string no_ink_text(const std::string& engine_message) {
  // The engine's reasons are matched by their English words (engine text, not UI text).
  if (engine_message.rfind("no ink: ", 0) != 0) return engine_message;
  const std::string why = engine_message.substr(8);
  if (why == "the image is empty") return tr(S::model_no_ink_empty);
  if (why == "no ink pixels after noise removal") return tr(S::model_no_ink_noise);
  if (why == "the ink vanished when fitted into 20x20") return tr(S::model_no_ink_vanished);
  double contrast = 0, minimum = 0;
  if (std::sscanf(why.c_str(), "nothing stands out from the background (contrast %lf < %lf)", &contrast, &minimum) == 2)
    return fmt(tr(S::model_no_ink_contrast), contrast, minimum);
  return fmt(tr(S::model_no_ink_other), why.c_str());
}

std::string pad_status_text(bool drawing_empty, const std::string& engine_message) {
  return drawing_empty ? tr(S::draw_pad_greeting) : no_ink_text(engine_message);
}

PadFit fit_on_pad(int width, int height, float side) {
  PadFit f;
  if (width <= 0 || height <= 0 || !(side > 0)) return f;
  const float s = side / static_cast<float>(std::max(width, height));
  f.w = width * s;
  f.h = height * s;
  f.x = (side - f.w) * 0.5f;
  f.y = (side - f.h) * 0.5f;
  f.pixels_per_px = 1.0f / s;
  return f;
}

void DrawPad::clear() {
  drawing_ = false;
  if (strokes_.empty()) return;
  push_history();
  strokes_.clear();
  redraw();
}

void DrawPad::redraw() {
  std::fill(canvas_.begin(), canvas_.end(), uint8_t{0});
  for (const Stroke& s : strokes_) {
    rasterise_segment(canvas_, side_, s.points.front(), s.points.front(), s.radius);
    for (size_t i = 1; i < s.points.size(); ++i)
      rasterise_segment(canvas_, side_, s.points[i - 1], s.points[i], s.radius);
  }
  ++revision_;
}

}  // namespace cs::app
