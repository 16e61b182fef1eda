// stepper_model.h — the kernel stepper's view model (no ImGui): configuration + data in, engine
// results, highlight sets and the written-out arithmetic out. Every output value comes from the
// engine (conv2d_forward, im2col, the conv_geometry formulas); this file only arranges and labels.
#pragma once
#include <string>
#include <vector>

#include "engine/ops/conv_geometry.h"
#include "engine/tensor.h"

namespace cs::app {

// [SECTION] modes and presets --------------------------------------------------------------------

enum class ConvMode : int { Standard, Grouped, Depthwise, Pointwise, Separable, Transposed, MaxPool, AvgPool };
constexpr int kConvModeCount = 8;
const char* conv_mode_name(ConvMode m);   // "standard", ..., "transposed", "maxpool", "avgpool" (state JSON)
bool parse_conv_mode(const std::string& name, ConvMode* out);
inline bool mode_is_pool(ConvMode m) { return m == ConvMode::MaxPool || m == ConvMode::AvgPool; }

enum class InputPreset : int { Classic, Random, Counting, Digit, Image, Custom };
constexpr int kInputPresetCount = 6;
const char* input_preset_name(InputPreset p);  // "classic", "random", "counting", "digit", "image", "custom"
bool parse_input_preset(const std::string& name, InputPreset* out);

enum class KernelPreset : int { Identity, Box, Gaussian, Sharpen, SobelX, SobelY, Laplacian, Cross, Random, Custom, Learned };
constexpr int kKernelPresetCount = 11;
const char* kernel_preset_name(KernelPreset p);  // "identity", "box", ..., "cross", "random", "custom", "learned"
bool parse_kernel_preset(const std::string& name, KernelPreset* out);

// [SECTION] configuration --------------------------------------------------------------------------

// Ranges the UI and setState accept. Stride and dilation may be 0: that is an impossible
// convolution the panels explain in words (not a setState error).
struct StepperLimits {
  static constexpr int kMinSide = 1, kMaxSide = 32;
  static constexpr int kMaxChannels = 3, kMaxOutChannels = 4;
  static constexpr int kMaxKernel = 9, kMaxStride = 8, kMaxPadding = 8, kMaxDilation = 6;
};

struct StepperConfig {
  int H = 5, W = 5, C = 1;  // input (C, H, W)
  int KH = 3, KW = 3;
  Size2 stride{1, 1}, padding{0, 0}, dilation{1, 1};
  int groups = 1;        // Grouped mode (must divide C and out_channels)
  int out_channels = 1;  // Standard / Grouped / Pointwise / the pointwise stage of Separable
  bool ceil_mode = false;  // pooling
  bool count_include_pad = true;  // average pooling: padding zeros count in the divisor (PyTorch's default)
  ConvMode mode = ConvMode::Standard;
  InputPreset input_preset = InputPreset::Classic;
  KernelPreset kernel_preset = KernelPreset::Cross;
  unsigned seed = 1;  // Random presets
  float bias = 0.0f;  // added to every output channel (conv modes)
  bool operator==(const StepperConfig& o) const;
  bool operator!=(const StepperConfig& o) const { return !(*this == o); }
};

// Range-checks every field (what setState rejects); "" when fine. Impossible convolutions pass.
std::string validate_config(const StepperConfig& c);

// The weight layout each mode uses: OC output channels, each seeing C/groups inputs. Pointwise forces 1x1,
// depthwise groups = C; separable's first (depthwise) stage is what the stepper animates.
struct ModeShape {
  int OC = 1, groups = 1, KH = 1, KW = 1;
};
ModeShape mode_shape(const StepperConfig& c);

// The input channels output channel `oc` reads: all of them (standard, pointwise, transposed), its
// group's (grouped), only channel oc (depthwise, separable's first stage, pooling). Empty if oc is
// out of range or the groups do not divide the channels.
std::vector<int> input_channels_of_output_channel(const StepperConfig& c, int oc);
// The group (0-based) an input channel belongs to under the mode's grouping; 0 when there is one group.
int group_of_input_channel(const StepperConfig& c, int ch);
int group_of_output_channel(const StepperConfig& c, int oc);

// [SECTION] data -----------------------------------------------------------------------------------

// Input (C, H, W) for a preset. Digit/Image/Custom use `source` (grey or RGB, values as given),
// resampled to H x W by the caller beforehand; empty source falls back to the classic example.
std::vector<float> make_input(const StepperConfig& c, const std::vector<float>& source);
// One (KH, KW) plane of a preset kernel; `note` explains a substitution ("Sobel is 3x3: centred in 5x5").
std::vector<float> make_kernel_plane(KernelPreset p, int KH, int KW, unsigned seed, std::string* note);

// [SECTION] engine results ----------------------------------------------------------------------

struct StepperResult {
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
  Tensor zero_inserted;  // (1, C, ZH, ZW)
  Tensor flipped;        // (OC, C, KH, KW) kernel rotated by 180 degrees
  Tensor overlap;        // (OH, OW) how many stamps land on each output cell
  Tensor as_conv_output; // the ordinary conv of zero_inserted with flipped (engine conv2d_forward)
  float transposed_diff = 0;  // max |ConvTranspose2d - zero-insertion conv|
  int steps = 0;         // positions the animation visits (OH*OW; H*W for transposed)
  int cols_rows = 0, cols_cols = 0;  // column matrix shape (patches as columns)
};

struct StepperData {
  std::vector<float> input;   // (C, H, W)
  std::vector<float> weight;  // (OC, C/groups, KH, KW) per mode_shape
  std::vector<float> weight2; // Separable pointwise stage (OC, C, 1, 1)
};

// Fills d->weight (and d->weight2 for Separable) from the kernel preset: every (KH, KW) plane is the
// preset's, except Random (a different plane per filter) and Learned (`learned` planes in order,
// cycled). Custom keeps the existing weights when their size still fits.
void make_weights(const StepperConfig& c, const std::vector<std::vector<float>>& learned, StepperData* d,
                  std::string* note);

StepperResult compute_stepper(const StepperConfig& c, const StepperData& d);

// Transposed convolution: the output after the first `stamps` input cells (row-major) have stamped
// their scaled kernel (engine conv of the masked zero-inserted input). stamps = H*W gives the result.
Tensor transposed_partial(const StepperConfig& c, const StepperData& d, const StepperResult& r, int stamps);

// [SECTION] positions and highlights -------------------------------------------------------------

struct Cell {
  int r = 0, c = 0;
  bool operator==(const Cell& o) const { return r == o.r && c == o.c; }
  bool operator<(const Cell& o) const { return r != o.r ? r < o.r : c < o.c; }
};

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
