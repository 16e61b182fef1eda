// shown_progress_model.h — a progress fraction as a bar shows it: moving at a bounded rate.
// The platform redraws the whole canvas for any change of the frame's pixels (unchanged frames are
// left on screen), and under software WebGL a redraw at 1920x1080 costs the browser's GPU process tens
// of ms of CPU on the cores the page's frames run on. A background pass that reports progress every
// few frames (the digit lab's SE pass, from idle slices) would redraw the canvas ~20 times a second for
// a bar a few pixels longer; shown at 4 Hz it redraws 4 times.
#pragma once

namespace cs::app {

struct ShownProgress {
  float value = -1.0f;  // what the bar shows (< 0: nothing shown yet)
  double since_s = 0;   // when it last moved
};

constexpr double kShownProgressPeriodS = 0.25;

// The value to draw for the true progress `now` (0..1) at time `t_s` (seconds), updating `shown`: the
// true value when nothing was shown yet, when it went back (a new pass), reached the end, or the last
// move is a period old; otherwise the value shown before.
float shown_progress(ShownProgress& shown, float now, double t_s);

}  // namespace cs::app
