// blocks_panel_state.h — what the blocks panel remembers between frames: the block the student
// picked and configured, the engine's description of it (rebuilt when the config changes), and the
// engine's run of a random batch through it (the node a student clicked is shown from it).
#pragma once
#include <memory>
#include <string>

#include "engine/nn/block_catalog.h"
#include "engine/nn/block_probe.h"

namespace cs::app {

struct BlocksPanelState {
  bool show = true;
  double box_toggled_s = -1;  // when a diagram box last changed the selection (one toggle per press)
  cs::BlockConfig config;
  // The description of `described` (shared: AppState is copied on every setState); null with `error`
  // set when the engine refused the config.
  std::shared_ptr<const cs::BlockDescription> description;
  cs::BlockConfig described;
  bool described_once = false;
  std::string error;
  // Clicks on "Copy as PyTorch": the page (web/hook.js) writes the source to the system clipboard
  // when this grows, because SDL has no browser clipboard.
  int pytorch_copies = 0;

  // Feeding the block: a batch of random inputs through freshly initialised weights (both from
  // `seed`), in train or eval mode; `selected` names the node whose output is shown ("" for none).
  uint32_t seed = 1;
  int batch = 8;
  bool training = true;
  std::string selected;
  std::shared_ptr<const cs::BlockProbe> probe;  // of `probed` with the settings below; null with probe_error
  cs::BlockConfig probed;
  uint32_t probed_seed = 0;
  int probed_batch = 0;
  bool probed_training = false;
  bool probed_once = false;
  std::string probe_error;
};

}  // namespace cs::app
