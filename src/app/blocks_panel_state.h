// blocks_panel_state.h — what the blocks panel remembers between frames: the block the student
// picked and configured, what it is fed with, and the node being inspected.
#pragma once

namespace cs::app {

struct BlocksPanelState {
  bool show = true;
};

}  // namespace cs::app
