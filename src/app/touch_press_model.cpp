// touch_press_model.cpp — a finger's press told apart: tap, long press or move (see the header).
#include "touch_press_model.h"

namespace cs::app {

void touch_press_step(TouchPress& p, bool down, float x, float y, double now_s) {
  using Phase = TouchPress::Phase;
  p.tapped = false;
  p.lifted_from = Phase::Idle;
  if (!down) {
    p.tapped = p.phase == Phase::Pressing;
    p.lifted_from = p.phase;
    p.phase = Phase::Idle;
    return;
  }
  if (p.phase == Phase::Idle) {
    p.phase = Phase::Pressing;
    p.x0 = x, p.y0 = y, p.t0 = now_s;
    return;
  }
  if (p.phase != Phase::Pressing) return;  // a long press follows the finger; a move stays a move
  const float dx = x - p.x0, dy = y - p.y0;
  if (dx * dx + dy * dy > kTouchSlopPx * kTouchSlopPx) p.phase = Phase::Moved;
  else if (now_s - p.t0 >= kLongPressSeconds) p.phase = Phase::Long;
}

PointerOnItem pointer_on_item(const TouchPress& p, bool hovered, bool clicked, float mx, float my, float x0, float y0,
                              float x1, float y1) {
  PointerOnItem r;
  r.x = mx, r.y = my;
  if (!touch_press_finger(p)) {
    r.shows = hovered;
    r.clicked = clicked;
    return r;
  }
  r.shows = hovered && touch_press_long(p);
  if (p.tapped && p.x0 >= x0 && p.x0 < x1 && p.y0 >= y0 && p.y0 < y1) {
    r.clicked = true;
    r.x = p.x0, r.y = p.y0;
  }
  return r;
}

const char* touch_press_name(const TouchPress& p) {
  switch (p.phase) {
    case TouchPress::Phase::Pressing: return "pressing";
    case TouchPress::Phase::Long: return "long";
    case TouchPress::Phase::Moved: return "moved";
    default: return "idle";
  }
}

}  // namespace cs::app
