// ab_lab_state.h — what the side-by-side training lab (panel "ab-lab") remembers between frames: the
// two sides' settings, the shared seed and batch, the transport (running, speed, a step target), and
// the engine's run. The run is shared, not copied, when setState copies the AppState.
#pragma once
#include <memory>
#include <string>

#include "engine/train/paired_training.h"

namespace cs::app {

// The lab opens on its first preset (ab_lab_model.cpp): side 0 is the left, 1 the right.
const cs::TrainingSideConfig& ab_lab_opening_side(int which);
const char* ab_lab_opening_preset();

struct AbLabState {
  bool show = true;
  cs::TrainingSideConfig left = ab_lab_opening_side(0), right = ab_lab_opening_side(1);
  std::string preset = ab_lab_opening_preset();  // where the settings came from ("" once one was changed)
  uint32_t seed = 1;
  int batch_size = 32;
  int micro_batch = 8;       // digits per piece of work: a step is spread over frames in pieces
  bool running = false;
  long long stop_at = 0;     // pause when the run reaches this step (0: no target)
  int speed = 0;             // steps per second while playing; 0 as fast as the time budget allows
  double budget_ms = 10;     // training time per frame
  double step_credit = 0;    // steps owed at `speed` and not yet run
  std::shared_ptr<cs::PairedTraining> run;  // null until the first step; rebuilt by Reset
  std::string error;         // why the run cannot start (settings refused, digits missing)
  double last_slice_ms = 0;
};

}  // namespace cs::app
