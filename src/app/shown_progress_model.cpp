// shown_progress_model.cpp — a progress bar's value, moving at most every kShownProgressPeriodS.
#include "shown_progress_model.h"

namespace cs::app {

float shown_progress(ShownProgress& shown, float now, double t_s) {
  const bool move = shown.value < 0.0f || now < shown.value || now >= 1.0f || t_s - shown.since_s >= kShownProgressPeriodS;
  if (move && now != shown.value) {
    shown.value = now;
    shown.since_s = t_s;
  }
  return shown.value;
}

}  // namespace cs::app
