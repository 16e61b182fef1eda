// blocks_panels.h — the blocks workspace's three panels as blocks_workspace.cpp sees them: each draws
// its window (placed by the workspace), and has its part of state() and setState().
// Internal to the blocks-workspace group.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "app_state.h"

namespace cs::app {

// [SECTION] panel_blocks.cpp: pick a block, see its layers as a data-flow diagram, feed it, inspect.
void draw_blocks_panel(AppState& state);
void blocks_state_json(const AppState& state, nlohmann::json& out);           // state().blocks
std::string blocks_set_state(AppState& next, const nlohmann::json& partial);  // setState({blocks: ...})

// [SECTION] panel_block_costs.cpp: the same job as standard conv, separable, MBConv, ConvNeXt; two heads.
void draw_block_costs_panel(AppState& state);
void block_costs_refresh(BlockCostsPanelState& s);  // asks the engine when the query changed
void block_costs_state_json(const AppState& state, nlohmann::json& out);           // state().block_costs
std::string block_costs_set_state(AppState& next, const nlohmann::json& partial);  // setState({block_costs: ...})

// [SECTION] panel_ab_lab.cpp: two networks trained side by side on the same batches.
void ab_lab_frame(AppState& state);  // the frame's training, before any panel draws
void draw_ab_lab_panel(AppState& state);
void ab_lab_state_json(const AppState& state, nlohmann::json& out);           // state().ab_lab
std::string ab_lab_set_state(AppState& next, const nlohmann::json& partial);  // setState({ab_lab: ...})

}  // namespace cs::app
