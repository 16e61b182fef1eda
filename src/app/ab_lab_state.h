// ab_lab_state.h — what the A/B training lab remembers between frames: the two networks' settings,
// their runs on the same batches, and the transport (play, pause, step, speed).
#pragma once

namespace cs::app {

struct AbLabState {
  bool show = true;
};

}  // namespace cs::app
