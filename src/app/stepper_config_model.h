// stepper_config_model.h — the lessons' convolution configuration (no ImGui): the modes and presets,
// StepperConfig, the one field table (equality, validation, state JSON, setState and the URL hash
// all read it), and StepperGeometry: the configuration resolved once per change into the weight
// layout, the engine's Conv2dParams and the transposed conv's zero-insertion offsets.
#pragma once
#include <string>
#include <vector>

#include "engine/ops/conv_geometry.h"
#include "engine/ops/pool.h"
#include "engine/tensor.h"
#include "ui_strings.h"

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
  static constexpr float kMaxBias = 1000.0f;
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
  bool operator==(const StepperConfig& o) const;  // every field of the table
  bool operator!=(const StepperConfig& o) const { return !(*this == o); }
};

// [SECTION] the field table ----------------------------------------------------------------------
// One row per StepperConfig field. A field added here is compared, validated, written to state(),
// read by setState() and carried by the URL hash without touching those places.

enum class FieldType : int {
  Int,     // one integer in [lo, hi]
  Pair,    // (h, w) integers in [lo, hi]: "[h, w]" in JSON (or one integer for both), "HxW" in the link
  Bool,    // JSON true/false, link 0/1
  Seed,    // an unsigned 32-bit integer
  Bias,    // a finite float within +-StepperLimits::kMaxBias
  Mode,    // ConvMode by name
  Input,   // InputPreset by name (setState and the link add rules: see lesson_json_model.cpp)
  Kernel,  // KernelPreset by name (the same)
};

struct StepperField {
  const char* key;   // state() / setState() key: "input"
  const char* link;  // the URL hash key: "in"
  FieldType type;
  int lo, hi;        // Int / Pair range (validate_config and the link decoder)
  // The words validate_config uses for the h and w halves (S::state_input_height ...); kNoName: the key.
  S name_h, name_w;
  // The value as a double (exact for every field type); half 1 is the w of a Pair.
  double (*get)(const StepperConfig&, int half);
  void (*set)(StepperConfig&, int half, double);
};
constexpr S kNoName = static_cast<S>(-1);

const StepperField* stepper_fields(int* count);
const StepperField* find_stepper_field(const char* key);  // by state JSON key; null when unknown

// Range-checks every field (what setState rejects); "" when fine. Impossible convolutions pass.
std::string validate_config(const StepperConfig& c);

// [SECTION] resolved geometry ---------------------------------------------------------------------

struct Cell {
  int r = 0, c = 0;
  bool operator==(const Cell& o) const { return r == o.r && c == o.c; }
  bool operator<(const Cell& o) const { return r != o.r ? r < o.r : c < o.c; }
};

// The convolution a configuration describes, worked out once per change (compute_stepper keeps it in
// StepperResult::geo; the panels and view models read that instead of re-deriving any of it).
// Weight layout per mode: OC output channels, each seeing C/groups inputs. Pointwise forces 1x1,
// depthwise groups = C; separable's first (depthwise) stage is what the stepper animates; pooling
// has one "output channel" per input channel.
struct StepperGeometry {
  ConvMode mode = ConvMode::Standard;
  int C = 1, H = 1, W = 1;                  // input (C, H, W)
  int OC = 1, groups = 1, KH = 1, KW = 1;   // weight (OC, C/groups, KH, KW)
  int in_per_group = 1, out_per_group = 1;  // C/groups and OC/groups (at least 1)
  bool groups_divide = true;                // groups divide both C and OC (else the engine refuses)
  Conv2dParams conv;                        // stride, padding, dilation, groups as conv2d_forward takes them
  // Transposed: the equivalent ordinary convolution's input inserts stride-1 zeros between input cells
  // and pads each side by dilation*(kernel-1) - padding; input cell (i, j) lands at
  // zero_inserted_cell({i, j}) of a zero_size picture.
  Size2 zero_offset{0, 0}, zero_size{0, 0};
  bool transposed() const { return mode == ConvMode::Transposed; }
  bool pool() const { return mode_is_pool(mode); }
  Cell zero_inserted_cell(Cell in) const {
    return Cell{zero_offset.h + in.r * conv.stride.h, zero_offset.w + in.c * conv.stride.w};
  }
  Shape input_shape() const { return {1, C, H, W}; }
  Shape weight_shape() const { return {OC, in_per_group, KH, KW}; }
  int group_of_output(int oc) const { return oc / out_per_group; }
};
StepperGeometry resolve_geometry(const StepperConfig& c);
// The engine's pooling parameters of the pooling modes (forward and backward stepper alike).
MaxPool2dParams max_pool_params(const StepperConfig& c);
AvgPool2dParams avg_pool_params(const StepperConfig& c);

// The input channels output channel `oc` reads: all of them (standard, pointwise, transposed), its
// group's (grouped), only channel oc (depthwise, separable's first stage, pooling). Empty if oc is
// out of range or the groups do not divide the channels.
std::vector<int> input_channels_of_output_channel(const StepperGeometry& g, int oc);
// The group (0-based) an input / output channel belongs to under the mode's grouping; 0 when there is one.
int group_of_input_channel(const StepperGeometry& g, int ch);
int group_of_output_channel(const StepperGeometry& g, int oc);
// The same from a configuration (resolves it first).
inline std::vector<int> input_channels_of_output_channel(const StepperConfig& c, int oc) {
  return input_channels_of_output_channel(resolve_geometry(c), oc);
}
inline int group_of_input_channel(const StepperConfig& c, int ch) { return group_of_input_channel(resolve_geometry(c), ch); }
inline int group_of_output_channel(const StepperConfig& c, int oc) { return group_of_output_channel(resolve_geometry(c), oc); }

}  // namespace cs::app
