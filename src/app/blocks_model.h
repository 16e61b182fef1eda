// blocks_model.h — the blocks panel's logic without ImGui: rebuild the engine's description when the
// config changed, the panel's part of state() as JSON, and setState({blocks: ...}) checked in words.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "blocks_panel_state.h"

namespace cs::app {

bool same_block_config(const cs::BlockConfig& a, const cs::BlockConfig& b);

// Describes B.config through the engine unless it is the config already described.
void refresh_blocks(BlocksPanelState& B);

// {visible, block, config:{...}, nodes:[{name, op, shape, params, macs, join}], total_params,
//  total_macs, error}; refresh_blocks first.
nlohmann::json blocks_json(const BlocksPanelState& B);

// Applies {block, in_channels, out_channels, height, width, kernel, stride, expand_ratio, se,
// projection, visible} to B.config; "" or an error naming the field (nothing is applied then). A
// config the engine refuses is applied and its reason shown as B.error, as when typed in the panel.
std::string apply_blocks_json(BlocksPanelState& B, const nlohmann::json& b);

}  // namespace cs::app
