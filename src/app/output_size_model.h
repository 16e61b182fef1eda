// output_size_model.h — the output-size explorer's view model (no ImGui): the formula with the numbers
// substituted, the rows/columns the floor drops, "same" padding, costs and the receptive-field stack.
// Results come from conv_geometry.h (conv_output_size, pool_output_size, conv_transpose_output_size,
// conv_input_index) and cost.h; this file only writes them out.
#pragma once
#include <string>
#include <vector>

#include "engine/ops/cost.h"
#include "stepper_model.h"

namespace cs::app {

// One axis (height or width) of the current configuration.
struct AxisReport {
  bool valid = false;
  long long out = 0;         // engine output size along the axis (0 when invalid)
  std::string formula;       // symbolic: "floor((H + 2P - D(K-1) - 1) / S) + 1"
  std::string substituted;   // "floor((5 + 2*0 - 1*(3-1) - 1) / 2) + 1 = floor(2 / 2) + 1 = 2"
  std::string why;           // when invalid, or when the division is not exact: one sentence
  std::vector<int> uncovered;  // input indices (0..in-1) no window ever reads (conv/pool only)
  int same_padding = -1;       // padding giving out == in, or -1 when none exists (stride > 1, even span)
};

// axis: "H" or "W". For pooling, ceil_mode applies; transposed uses the transposed formula.
AxisReport axis_report(const char* axis, int in, int kernel, int stride, int padding, int dilation, ConvMode mode,
                       bool ceil_mode);

// [SECTION] cost -------------------------------------------------------------------------------------

struct CostRow {
  std::string name;    // "standard", "grouped (g=4)", "depthwise-separable"
  bool valid = false;
  std::string why;     // when not valid ("64 input channels are not divisible by groups 5")
  long long params = 0, params_no_bias = 0, macs = 0, output_bytes = 0;
};
struct CostInputs {
  int in_channels = 32, out_channels = 64, groups = 4, batch = 8;
};
// The same spatial configuration (from the stepper) as standard / grouped / depthwise-separable.
std::vector<CostRow> cost_table(const StepperConfig& c, const CostInputs& ci);

// [SECTION] receptive-field builder ------------------------------------------------------------------

struct RfStackLayer {
  bool pool = false;  // conv or pool: the same geometry, a different label
  int kernel = 3, stride = 1, dilation = 1, padding = 0;
  bool operator==(const RfStackLayer& o) const {
    return pool == o.pool && kernel == o.kernel && stride == o.stride && dilation == o.dilation && padding == o.padding;
  }
};
struct RfRow {
  std::string label;  // "conv 3x3 s1 d1"
  long long size = 1, jump = 1, start = 0;
};
// Per layer: receptive field and cumulative stride of the stack up to it (engine receptive_fields);
// error in words when a layer is invalid.
std::vector<RfRow> rf_rows(const std::vector<RfStackLayer>& layers, std::string* error);

}  // namespace cs::app
