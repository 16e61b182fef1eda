// test_shown_progress_model.cpp — a progress bar's value moves at most every kShownProgressPeriodS,
// but never lags a new pass or the end.
#include <doctest/doctest.h>

#include "app/shown_progress_model.h"

using namespace cs::app;

TEST_CASE("shown progress: the first value at once, then at most one move per period") {
  ShownProgress p;
  CHECK(shown_progress(p, 0.10f, 5.0) == doctest::Approx(0.10f));
  // Progress every frame (16 ms) for the rest of the period: the bar stays where it was.
  double t = 5.0;
  float now = 0.10f;
  int moves = 0;
  float last = 0.10f;
  for (int frame = 1; frame <= 60; ++frame) {  // one second of frames, progress growing each frame
    t += 1.0 / 60.0;
    now += 0.01f;
    const float v = shown_progress(p, now, t);
    CHECK(v <= now);
    CHECK(v >= last);  // never backwards while the pass grows
    if (v != last) ++moves;
    last = v;
  }
  // One second at 4 moves a second (the 60 frames would otherwise move the bar 60 times).
  CHECK(moves >= 3);
  CHECK(moves <= 4);
  // A move shows the true value of that frame, not a stale one.
  CHECK(last > 0.10f + 0.01f * 40);
}

TEST_CASE("shown progress: the end and a new pass are shown at once") {
  ShownProgress p;
  shown_progress(p, 0.5f, 1.0);
  CHECK(shown_progress(p, 0.6f, 1.01) == doctest::Approx(0.5f));  // within the period: held
  CHECK(shown_progress(p, 1.0f, 1.02) == doctest::Approx(1.0f));  // the end is never held back
  CHECK(shown_progress(p, 0.05f, 1.03) == doctest::Approx(0.05f));  // a new pass starts from its own start
  CHECK(shown_progress(p, 0.07f, 1.04) == doctest::Approx(0.05f));
  CHECK(shown_progress(p, 0.09f, 1.03 + kShownProgressPeriodS + 0.001) == doctest::Approx(0.09f));
}
