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
  Phase lifted_from = Phase::Idle;  // this frame only: the finger lifted, from this phase (Idle: it did not)
};

// down: a finger is on the screen at (x, y) CSS px; now_s: the frame's time.
void touch_press_step(TouchPress& press, bool down, float x, float y, double now_s);
inline bool touch_press_long(const TouchPress& p) { return p.phase == TouchPress::Phase::Long; }
const char* touch_press_name(const TouchPress& p);  // "idle" | "pressing" | "long" | "moved"
// The pointer is a finger this frame: pressing, or lifted during it (the frame a finger lifts, the
// mouse still rests where it was, and a mouse's rules would make a tap pop a tooltip).
inline bool touch_press_finger(const TouchPress& p) {
  return p.phase != TouchPress::Phase::Idle || p.lifted_from != TouchPress::Phase::Idle;
}

// What the pointer means for one item (a widget, a grid) this frame, mouse or finger alike.
// `hovered`/`clicked`: ImGui's hover and click for the item; (mx, my): the pointer; [x0, x1) x [y0, y1):
// the item's visible rectangle. A mouse: its hover shows, its click clicks. A finger: the hover shows
// only while a long press rests on the item; its click is a tap lifted this frame that came down on the
// item (ImGui's own click fires as the finger lands, before a long press can be told from a tap).
struct PointerOnItem {
  bool shows = false;    // show what a mouse hovering it shows: a tooltip, a trace
  bool clicked = false;  // act as a click
  float x = 0, y = 0;    // where: the pointer, or the tap's landing place
};
PointerOnItem pointer_on_item(const TouchPress& p, bool hovered, bool clicked, float mx, float my, float x0, float y0,
                              float x1, float y1);

}  // namespace cs::app
