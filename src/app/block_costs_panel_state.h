// block_costs_panel_state.h — what the block-costs panel remembers between frames: the question
// asked (channels, map size, kernel, classes) and the engine's answer for it, kept until the question
// changes because each answer runs four blocks once.
#pragma once
#include <string>

#include "engine/nn/block_costs.h"

namespace cs::app {

struct BlockCostsPanelState {
  bool show = true;
  cs::BlockCostQuery query;
  // The engine's answer and the query it answers (computed = false: not asked yet).
  bool computed = false;
  cs::BlockCostQuery answered;
  cs::BlockCostComparison result;
  std::string error;  // the engine's words when it refused `answered`
};

}  // namespace cs::app
