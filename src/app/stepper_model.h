// stepper_model.h — the kernel stepper's view model (no ImGui): configuration + data in, engine
// results, highlight sets and the written-out arithmetic out. Every output value comes from the
// engine (conv2d_forward, im2col, the conv_geometry formulas); this file only arranges and labels.
// The configuration and its resolved geometry: stepper_config_model.h. Implemented in
// stepper_data_model.cpp (presets), stepper_compute_model.cpp (engine results) and
// stepper_model.cpp (positions, highlights, arithmetic).
#pragma once
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "stepper_config_model.h"

namespace cs::app {

// [SECTION] data -----------------------------------------------------------------------------------

// Input (C, H, W) for a preset. Digit/Image/Custom use `source` (grey or RGB, values as given),
// resampled to H x W by the caller beforehand; empty source falls back to the classic example.
std::vector<float> make_input(const StepperConfig& c, const std::vector<float>& source);
// One (KH, KW) plane of a preset kernel; `note` explains a substitution ("Sobel is 3x3: centred in 5x5").
std::vector<float> make_kernel_plane(KernelPreset p, int KH, int KW, unsigned seed, std::string* note);

// [SECTION] engine results ----------------------------------------------------------------------

struct StepperResult {
  StepperGeometry geo;  // the configuration resolved (set whether or not the engine accepted it)
  bool valid = false;
  std::string error;    // the engine's words when !valid ("kernel 7x7 is larger than the padded input 5x5")
  std::string explain;  // one more sentence for a teacher when !valid
  int OC = 1, OH = 0, OW = 0;  // output (OC, OH, OW)
  Tensor output;               // (1, OC, OH, OW) from the engine (conv2d_forward, or pooling)
  std::vector<Tensor> partials;  // per output channel: (1, C/groups, OH, OW) per-input-channel sums (engine)
  Tensor pointwise_output;       // Separable: (1, OC, OH, OW) of the second stage
  long long macs_stage1 = 0, macs_stage2 = 0, macs_standard = 0;  // Separable comparison (engine cost helpers)
  // The same input, kernel and output size as standard / grouped / depthwise / pointwise 1x1 (engine
  // conv2d_macs); set for every convolution mode. grouped < 0: `groups` does not divide the channels.
  struct MultiplyCounts {
    int in_channels = 0, out_channels = 0, groups = 1;
    long long standard = 0, grouped = -1, depthwise = 0, pointwise = 0;
  } multiplies;
  // Transposed: the equivalent ordinary convolution of the zero-inserted, padded input.
  Tensor zero_inserted;  // (1, C, geo.zero_size.h, geo.zero_size.w)
  Tensor flipped;        // (OC, C, KH, KW) kernel rotated by 180 degrees
  Tensor overlap;        // (OH, OW) how many stamps land on each output cell
  Tensor as_conv_output; // the ordinary conv of zero_inserted with flipped (engine conv2d_forward)
  float transposed_diff = 0;  // max |ConvTranspose2d - zero-insertion conv|
  int steps = 0;         // positions the animation visits (OH*OW; H*W for transposed)
  int cols_rows = 0, cols_cols = 0;  // column matrix shape (patches as columns)
};

struct StepperData {
  std::vector<float> input;   // (C, H, W)
  std::vector<float> weight;  // (OC, C/groups, KH, KW) per StepperGeometry
  std::vector<float> weight2; // Separable pointwise stage (OC, C, 1, 1)
};

// Fills d->weight (and d->weight2 for Separable) from the kernel preset in the layout `g` resolved:
// every (KH, KW) plane is the preset's, except Random (a different plane per filter) and Learned
// (`learned` planes in order, cycled). Custom keeps the existing weights when their size still fits.
void make_weights(const StepperConfig& c, const StepperGeometry& g, const std::vector<std::vector<float>>& learned,
                  StepperData* d, std::string* note);
inline void make_weights(const StepperConfig& c, const std::vector<std::vector<float>>& learned, StepperData* d,
                         std::string* note) {
  make_weights(c, resolve_geometry(c), learned, d, note);
}

// The engine's results for `c`, whose geometry `g` was resolved (kept as the result's geo).
StepperResult compute_stepper(const StepperConfig& c, const StepperGeometry& g, const StepperData& d);
inline StepperResult compute_stepper(const StepperConfig& c, const StepperData& d) {
  return compute_stepper(c, resolve_geometry(c), d);
}

// Transposed convolution: the output after the first `stamps` input cells (row-major) have stamped
// their scaled kernel (engine conv of the masked zero-inserted input). stamps = H*W gives the result.
Tensor transposed_partial(const StepperConfig& c, const StepperData& d, const StepperResult& r, int stamps);

// [SECTION] positions and highlights -------------------------------------------------------------

// What the pointer is on (hovered or pinned): the cell and the channel of its grid (output channel,
// input channel, or kernel plane).
enum class HoverKind : int { None, Output, Input, Kernel };
struct HoverTarget {
  HoverKind kind = HoverKind::None;
  Cell cell;
  int channel = 0;
  bool operator==(const HoverTarget& o) const { return kind == o.kind && cell == o.cell && channel == o.channel; }
};

// Position index t -> cell of the grid the animation walks (output for conv/pool, input for transposed).
Cell position_cell(const StepperResult& r, const StepperConfig& c, int t);

// Input cells (unpadded coordinates; may lie in the padding: < 0 or >= H/W) read by output cell `o`,
// one per kernel tap in tap order (kh, kw). For transposed: the input cells that stamp onto `o`.
std::vector<Cell> input_cells_of_output(const StepperConfig& c, const StepperResult& r, Cell o);
// Output cells that read input cell `i` (sorted). For transposed: the cells input `i` stamps onto.
std::vector<Cell> output_cells_of_input(const StepperConfig& c, const StepperResult& r, Cell i);
// Input cells tap (kh, kw) ever multiplies (sorted; padding included). Transposed: output cells it writes.
std::vector<Cell> cells_of_kernel_tap(const StepperConfig& c, const StepperResult& r, Cell tap);

struct Highlights {
  std::vector<Cell> input, output, kernel;
  std::vector<int> input_channels;  // the input channels whose grids show `input` (sorted)
};
// The highlight sets for a hover target, or for the animation position of output channel `oc` when
// nothing is hovered. The input cells light only on the channels the output channel reads.
Highlights highlights_for(const StepperConfig& c, const StepperResult& r, const HoverTarget& h, int t, int oc = 0);

// [SECTION] arithmetic ---------------------------------------------------------------------------

// "1*1 + 2*0 + 3*1 + ... = 15" per input channel, then the channel sum and bias, with the real
// numbers; output channel `oc`. Pooling: "max(1, 2, -inf, ...) = 2"; transposed: the stamp.
std::string arithmetic_text(const StepperConfig& c, const StepperData& d, const StepperResult& r, int oc, int t);
// The same for output cell `cell` (conv and pooling modes; transposed takes the input cell that stamps).
std::string arithmetic_text_at(const StepperConfig& c, const StepperData& d, const StepperResult& r, int oc, Cell cell);

// Short number text: integers without decimals, else up to 4 significant digits ("-0.25", "1e+03").
std::string num_text(float v);

}  // namespace cs::app
