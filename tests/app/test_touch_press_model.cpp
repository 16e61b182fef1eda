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
