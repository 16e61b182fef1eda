// blocks_model.h — the blocks panel's logic without ImGui: rebuild the engine's description when the
// config changed, the panel's part of state() as JSON, and setState({blocks: ...}) checked in words.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "blocks_panel_state.h"

namespace cs::app {

bool same_block_config(const cs::BlockConfig& a, const cs::BlockConfig& b);

// Describes B.config through the engine unless it is the config already described, and feeds it the
// random batch (B.seed, B.batch, B.training) unless that run is the one kept. A selected node the
// new description does not have is deselected.
void refresh_blocks(BlocksPanelState& B);

// The index of B.selected in B.probe->nodes; -1 when nothing is selected or there is no probe.
int selected_node(const BlocksPanelState& B);

// The shape the described block is fed, (1, C, H, W): the diagram's input box.
std::vector<int> diagram_input_shape(const BlocksPanelState& B);

// {visible, block, config:{...}, nodes:[{name, op, shape, params, macs, join}], total_params,
//  total_macs, output_shape, diagram (block_diagram_json; null with no description), error, pytorch,
//  pytorch_copies, probe:{seed, batch, training, selected, error, input:{stats}, node:{name, op, shape,
//  stats, sample}}}; refresh_blocks first. `stats` are {min, mean, max, std, zero_fraction, histogram,
//  histogram_range, channel_mean, channel_var}; `sample` is the first input's output, channel by channel.
nlohmann::json blocks_json(const BlocksPanelState& B);

// Applies {block, in_channels, out_channels, height, width, kernel, stride, expand_ratio, se,
// projection, visible, seed, batch, training, selected} to B; "" or an error naming the field (nothing is applied then). A
// config the engine refuses is applied and its reason shown as B.error, as when typed in the panel.
std::string apply_blocks_json(BlocksPanelState& B, const nlohmann::json& b);

}  // namespace cs::app
