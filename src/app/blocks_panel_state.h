// blocks_panel_state.h — what the blocks panel remembers between frames: the block the student
// picked and configured, and the engine's description of it (rebuilt when the config changes).
#pragma once
#include <memory>
#include <string>

#include "engine/nn/block_catalog.h"

namespace cs::app {

struct BlocksPanelState {
  bool show = true;
  cs::BlockConfig config;
  // The description of `described` (shared: AppState is copied on every setState); null with `error`
  // set when the engine refused the config.
  std::shared_ptr<const cs::BlockDescription> description;
  cs::BlockConfig described;
  bool described_once = false;
  std::string error;
};

}  // namespace cs::app
