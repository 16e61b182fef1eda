// touch_press_model.h — what a finger's press means where a mouse would hover: held still for
// kLongPressSeconds it is a long press (the hover's tracing or tooltip shows while the finger stays
// down, and follows it as it slides); lifted sooner without moving it is a tap (the click, given on
// release); moved more than kTouchSlopPx first it is neither (a stroke or a scroll). Fed once a
// frame with the finger's state; pure logic, tested without ImGui (tests/app/test_touch_press_model.cpp).
#pragma once

namespace cs::app {

constexpr double kLongPressSeconds = 0.5;
constexpr float kTouchSlopPx = 8.0f;  // CSS px a resting finger wobbles without meaning to move

struct TouchPress {
  enum class Phase { Idle, Pressing, Long, Moved };
  Phase phase = Phase::Idle;
  float x0 = 0, y0 = 0;  // where the finger came down
  double t0 = 0;         // when
  bool tapped = false;   // this frame only: the finger lifted from a short press that did not move
};

// down: a finger is on the screen at (x, y) CSS px; now_s: the frame's time.
void touch_press_step(TouchPress& press, bool down, float x, float y, double now_s);
inline bool touch_press_long(const TouchPress& p) { return p.phase == TouchPress::Phase::Long; }
const char* touch_press_name(const TouchPress& p);  // "idle" | "pressing" | "long" | "moved"

}  // namespace cs::app
