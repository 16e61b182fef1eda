// csv_export_model.h — CSV text of what the digit lab shows: the SE excitation per digit (a block's
// heatmap: rows digits, columns channels) and one recorded activation of the current input. Values
// come from the engine's results (SeStats, the Trace); numbers are written so they read back exactly.
#pragma once
#include <string>

#include "digit_lab_model.h"
#include "engine/status.h"
#include "engine/tensor.h"

namespace cs::app {

// "digit,c0,c1,...,c{C-1}" then 10 rows "d,mean,...": block `block`'s mean excitation per digit class
// over the last complete pass over the bundled test digits. Error (in words) when the pass is not
// complete yet or the block does not exist.
cs::Result<std::string> se_weights_csv(const SeStats& stats, int block);

// One activation as long-format rows: "channel,y,x,value" for (1, C, H, W), "index,value" for (1, F),
// "i1,...,value" for other ranks (batch 1; a batch > 1 adds an "n" column first). Error when empty.
cs::Result<std::string> activation_csv(const cs::Tensor& t);

// A file name from a layer or block name: "convscope-<kind>-<name>.csv" with only [A-Za-z0-9._-].
std::string csv_file_name(const std::string& kind, const std::string& name);

}  // namespace cs::app
