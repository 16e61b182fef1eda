// stepper_config_model.cpp — names of the modes and presets, the configuration's field table and
// what reads it (equality, validation), and the one place a configuration is resolved into its
// geometry (weight layout, Conv2dParams, zero-insertion offsets).
#include "stepper_config_model.h"

#include <cmath>
#include <cstring>
#include <type_traits>

namespace cs::app {

// [SECTION] names ---------------------------------------------------------------------------------

namespace {

const char* const kModeNames[kConvModeCount] = {"standard", "grouped",    "depthwise", "pointwise",
                                                "separable", "transposed", "maxpool",   "avgpool"};
const char* const kInputNames[kInputPresetCount] = {"classic", "random", "counting", "digit", "image", "custom"};
const char* const kKernelNames[kKernelPresetCount] = {"identity", "box",   "gaussian", "sharpen",
                                                      "sobel-x",  "sobel-y", "laplacian", "cross",
                                                      "random",   "custom", "learned"};

template <typename E, int N>
bool parse_name(const char* const (&names)[N], const std::string& s, E* out) {
  for (int i = 0; i < N; ++i)
    if (s == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  return false;
}

}  // namespace

const char* conv_mode_name(ConvMode m) { return kModeNames[static_cast<int>(m)]; }
bool parse_conv_mode(const std::string& name, ConvMode* out) { return parse_name(kModeNames, name, out); }
const char* input_preset_name(InputPreset p) { return kInputNames[static_cast<int>(p)]; }
bool parse_input_preset(const std::string& name, InputPreset* out) { return parse_name(kInputNames, name, out); }
const char* kernel_preset_name(KernelPreset p) { return kKernelNames[static_cast<int>(p)]; }
bool parse_kernel_preset(const std::string& name, KernelPreset* out) { return parse_name(kKernelNames, name, out); }

// [SECTION] the field table -------------------------------------------------------------------------

namespace {

// A double holds every field's value exactly (ints, bool, enums, a 32-bit seed, a float).
template <class T>
T from_double(double v) {
  if constexpr (std::is_floating_point_v<T>) return static_cast<T>(v);
  else return static_cast<T>(static_cast<long long>(v));
}

// get/set of one field (`m`) or of a pair (`h`, `w`) of StepperConfig, as the table's function pointers.
#define CS_ONE(m)                                                                        \
  [](const StepperConfig& c, int) { return static_cast<double>(c.m); },                  \
      [](StepperConfig& c, int, double v) { c.m = from_double<decltype(c.m)>(v); }
#define CS_TWO(h, w)                                                                     \
  [](const StepperConfig& c, int i) { return static_cast<double>(i ? c.w : c.h); },      \
      [](StepperConfig& c, int i, double v) { (i ? c.w : c.h) = static_cast<int>(v); }

using L = StepperLimits;
// The order is the link's and the validation's (the first bad field is the one reported).
const StepperField kFields[] = {
    {"mode", "mode", FieldType::Mode, 0, kConvModeCount - 1, kNoName, kNoName, CS_ONE(mode)},
    {"input", "in", FieldType::Pair, L::kMinSide, L::kMaxSide, S::state_input_height, S::state_input_width, CS_TWO(H, W)},
    {"channels", "c", FieldType::Int, 1, L::kMaxChannels, kNoName, kNoName, CS_ONE(C)},
    {"kernel", "k", FieldType::Pair, 1, L::kMaxKernel, S::state_kernel_height, S::state_kernel_width, CS_TWO(KH, KW)},
    {"stride", "s", FieldType::Pair, 0, L::kMaxStride, kNoName, kNoName, CS_TWO(stride.h, stride.w)},
    {"padding", "p", FieldType::Pair, 0, L::kMaxPadding, kNoName, kNoName, CS_TWO(padding.h, padding.w)},
    {"dilation", "d", FieldType::Pair, 0, L::kMaxDilation, kNoName, kNoName, CS_TWO(dilation.h, dilation.w)},
    {"groups", "g", FieldType::Int, 1, L::kMaxChannels, kNoName, kNoName, CS_ONE(groups)},
    {"out_channels", "oc", FieldType::Int, 1, L::kMaxOutChannels, kNoName, kNoName, CS_ONE(out_channels)},
    {"ceil_mode", "ceil", FieldType::Bool, 0, 1, kNoName, kNoName, CS_ONE(ceil_mode)},
    {"seed", "seed", FieldType::Seed, 0, 0, kNoName, kNoName, CS_ONE(seed)},
    {"bias", "bias", FieldType::Bias, 0, 0, kNoName, kNoName, CS_ONE(bias)},
    {"input_preset", "ip", FieldType::Input, 0, kInputPresetCount - 1, kNoName, kNoName, CS_ONE(input_preset)},
    {"kernel_preset", "kp", FieldType::Kernel, 0, kKernelPresetCount - 1, kNoName, kNoName, CS_ONE(kernel_preset)},
    {"count_include_pad", "cip", FieldType::Bool, 0, 1, kNoName, kNoName, CS_ONE(count_include_pad)},
};
#undef CS_ONE
#undef CS_TWO

int halves(const StepperField& f) { return f.type == FieldType::Pair ? 2 : 1; }

}  // namespace

const StepperField* stepper_fields(int* count) {
  *count = static_cast<int>(sizeof kFields / sizeof kFields[0]);
  return kFields;
}

const StepperField* find_stepper_field(const char* key) {
  for (const StepperField& f : kFields)
    if (std::strcmp(f.key, key) == 0) return &f;
  return nullptr;
}

bool StepperConfig::operator==(const StepperConfig& o) const {
  for (const StepperField& f : kFields)
    for (int i = 0; i < halves(f); ++i)
      if (f.get(*this, i) != f.get(o, i)) return false;
  return true;
}

std::string validate_config(const StepperConfig& c) {
  for (const StepperField& f : kFields) {
    if (f.type == FieldType::Bias) {
      const float b = c.bias;
      if (!std::isfinite(b) || std::fabs(b) > L::kMaxBias)
        return fmt(tr(S::state_bias_range), f.key, double{L::kMaxBias}, double{L::kMaxBias}, b);
      continue;
    }
    if (f.type != FieldType::Int && f.type != FieldType::Pair) continue;
    for (int i = 0; i < halves(f); ++i) {
      const long long v = static_cast<long long>(f.get(c, i));
      if (v >= f.lo && v <= f.hi) continue;
      // The field's name in the UI language where the table has one (a half of a pair), else the JSON key.
      const S name = i ? f.name_w : f.name_h;
      return fmt(tr(S::state_in_range_got), name == kNoName ? f.key : tr(name), static_cast<long long>(f.lo),
                 static_cast<long long>(f.hi), v);
    }
  }
  return "";
}

// [SECTION] resolved geometry -------------------------------------------------------------------------

StepperGeometry resolve_geometry(const StepperConfig& c) {
  StepperGeometry g;
  g.mode = c.mode;
  g.C = c.C;
  g.H = c.H;
  g.W = c.W;
  g.KH = c.KH;
  g.KW = c.KW;
  switch (c.mode) {
    case ConvMode::Standard: g.OC = c.out_channels; break;
    case ConvMode::Grouped: g.OC = c.out_channels; g.groups = c.groups; break;
    case ConvMode::Depthwise:
    case ConvMode::Separable:
    case ConvMode::MaxPool:
    case ConvMode::AvgPool: g.OC = c.C; g.groups = c.C; break;
    case ConvMode::Pointwise: g.OC = c.out_channels; g.KH = g.KW = 1; break;
    case ConvMode::Transposed: g.OC = c.out_channels; break;
  }
  const int groups = g.groups < 1 ? 1 : g.groups;
  g.groups_divide = g.groups >= 1 && c.C % groups == 0 && g.OC % groups == 0;
  g.in_per_group = c.C / groups > 0 ? c.C / groups : 1;
  g.out_per_group = g.OC / groups > 0 ? g.OC / groups : 1;
  g.conv.stride = c.stride;
  g.conv.padding = c.padding;
  g.conv.dilation = c.dilation;
  g.conv.groups = g.groups;
  if (c.mode == ConvMode::Transposed) {
    g.zero_offset = Size2{c.dilation.h * (g.KH - 1) - c.padding.h, c.dilation.w * (g.KW - 1) - c.padding.w};
    g.zero_size = Size2{(c.H - 1) * c.stride.h + 1 + 2 * g.zero_offset.h, (c.W - 1) * c.stride.w + 1 + 2 * g.zero_offset.w};
  }
  return g;
}

std::vector<int> input_channels_of_output_channel(const StepperGeometry& g, int oc) {
  if (oc < 0 || oc >= g.OC || !g.groups_divide) return {};
  if (g.transposed()) {  // groups = 1: every input channel stamps onto every output
    std::vector<int> all(g.C);
    for (int ch = 0; ch < g.C; ++ch) all[ch] = ch;
    return all;
  }
  const int grp = g.group_of_output(oc);
  std::vector<int> out(g.in_per_group);
  for (int l = 0; l < g.in_per_group; ++l) out[l] = grp * g.in_per_group + l;
  return out;
}

int group_of_input_channel(const StepperGeometry& g, int ch) {
  if (g.transposed() || g.groups < 1 || g.C % g.groups != 0) return 0;
  return ch / g.in_per_group;
}

int group_of_output_channel(const StepperGeometry& g, int oc) {
  if (g.transposed() || g.groups < 1 || g.OC % g.groups != 0) return 0;
  return g.group_of_output(oc);
}

MaxPool2dParams max_pool_params(const StepperConfig& c) {
  MaxPool2dParams p;
  p.kernel = Size2{c.KH, c.KW};
  p.stride = c.stride;
  p.padding = c.padding;
  p.dilation = c.dilation;
  p.ceil_mode = c.ceil_mode;
  return p;
}

AvgPool2dParams avg_pool_params(const StepperConfig& c) {
  AvgPool2dParams p;
  p.kernel = Size2{c.KH, c.KW};
  p.stride = c.stride;
  p.padding = c.padding;
  p.ceil_mode = c.ceil_mode;
  p.count_include_pad = c.count_include_pad;
  return p;
}

}  // namespace cs::app
