// test_touch_press_model.cpp — a finger's press: a long press only after the hold and only while
// still, a tap only when lifted early without moving, a move neither.
#include <doctest/doctest.h>

#include <string>

#include "app/touch_press_model.h"

using namespace cs::app;

namespace {
// Frames at 60 fps from t0 with the finger at (x, y); returns the time after the last.
double hold(TouchPress& p, double t0, double seconds, float x, float y) {
  double t = t0;
  for (; t < t0 + seconds; t += 1.0 / 60) touch_press_step(p, true, x, y, t);
  return t;
}
}  // namespace

TEST_CASE("held still for half a second, a press becomes long; lifting it is no tap") {
  TouchPress p;
  double t = hold(p, 10.0, 0.45, 100, 200);
  CHECK(std::string(touch_press_name(p)) == "pressing");
  CHECK_FALSE(touch_press_long(p));
  t = hold(p, t, 0.1, 102, 203);  // a resting finger's wobble is no move
  CHECK(touch_press_long(p));
  t = hold(p, t, 0.3, 160, 240);  // a long press follows the finger
  CHECK(touch_press_long(p));
  touch_press_step(p, false, 0, 0, t);
  CHECK_FALSE(p.tapped);
  CHECK(std::string(touch_press_name(p)) == "idle");
}

TEST_CASE("a short still press is a tap, given on release and for one frame") {
  TouchPress p;
  double t = hold(p, 3.0, 0.2, 50, 50);
  CHECK_FALSE(p.tapped);
  touch_press_step(p, false, 0, 0, t);
  CHECK(p.tapped);
  touch_press_step(p, false, 0, 0, t + 0.016);
  CHECK_FALSE(p.tapped);
}

TEST_CASE("moving first is neither a tap nor, however long it stays, a long press") {
  TouchPress p;
  double t = hold(p, 0.0, 0.1, 50, 50);
  t = hold(p, t, 0.1, 50 + kTouchSlopPx + 1, 50);
  CHECK(std::string(touch_press_name(p)) == "moved");
  t = hold(p, t, 1.0, 50, 50);  // back where it started, held: still a move
  CHECK_FALSE(touch_press_long(p));
  touch_press_step(p, false, 0, 0, t);
  CHECK_FALSE(p.tapped);
}

TEST_CASE("the frame a finger lifts it is still a finger, whatever its press was") {
  TouchPress p;
  CHECK_FALSE(touch_press_finger(p));  // a mouse: nothing pressed, nothing lifted
  double t = hold(p, 0.0, 0.7, 10, 10);
  CHECK(touch_press_finger(p));
  touch_press_step(p, false, 0, 0, t);
  CHECK(p.lifted_from == TouchPress::Phase::Long);
  CHECK(touch_press_finger(p));
  touch_press_step(p, false, 0, 0, t + 0.016);
  CHECK(p.lifted_from == TouchPress::Phase::Idle);
  CHECK_FALSE(touch_press_finger(p));
}

TEST_CASE("a mouse hovers and clicks as ImGui says, a finger only by long press and tap") {
  // The item: [100, 200) x [50, 80).
  auto on = [](const TouchPress& p, bool hovered, bool clicked, float mx, float my) {
    return pointer_on_item(p, hovered, clicked, mx, my, 100, 50, 200, 80);
  };
  TouchPress mouse;
  PointerOnItem r = on(mouse, true, true, 120, 60);
  CHECK(r.shows);
  CHECK(r.clicked);
  CHECK(r.x == 120);
  r = on(mouse, false, false, 20, 20);
  CHECK_FALSE(r.shows);
  CHECK_FALSE(r.clicked);

  // A finger landing on the item: ImGui's click fires at once, but that is no click yet, and no hover.
  TouchPress p;
  touch_press_step(p, true, 150, 60, 1.0);
  r = on(p, true, true, 150, 60);
  CHECK_FALSE(r.shows);
  CHECK_FALSE(r.clicked);
  // Lifted quickly: the tap clicks where the finger landed, and shows nothing.
  touch_press_step(p, false, 150, 60, 1.1);
  r = on(p, true, false, 151, 61);
  CHECK(r.clicked);
  CHECK_FALSE(r.shows);
  CHECK(r.x == 150);
  CHECK(r.y == 60);
  // A tap that landed elsewhere does not click this item.
  touch_press_step(p, true, 20, 20, 2.0);
  touch_press_step(p, false, 20, 20, 2.1);
  CHECK_FALSE(on(p, false, false, 20, 20).clicked);

  // Held still: the hover shows once the press is long, and the lift clicks nothing.
  TouchPress q;
  double t = hold(q, 5.0, 0.3, 150, 60);
  CHECK_FALSE(on(q, true, false, 150, 60).shows);
  t = hold(q, t, 0.3, 150, 60);
  CHECK(on(q, true, false, 150, 60).shows);
  CHECK_FALSE(on(q, false, false, 150, 60).shows);  // ImGui says the pointer is not on the item
  touch_press_step(q, false, 150, 60, t);
  r = on(q, true, false, 150, 60);
  CHECK_FALSE(r.shows);
  CHECK_FALSE(r.clicked);

  // A finger that moved (a scroll) neither shows nor clicks.
  TouchPress m;
  t = hold(m, 9.0, 0.1, 150, 60);
  t = hold(m, t, 0.8, 150 + 3 * kTouchSlopPx, 60);
  CHECK_FALSE(on(m, true, false, 174, 60).shows);
  touch_press_step(m, false, 174, 60, t);
  CHECK_FALSE(on(m, true, false, 174, 60).clicked);
}
