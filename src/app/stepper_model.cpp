// stepper_model.cpp — the kernel stepper's view model: presets, engine calls (conv2d_forward,
// conv_geometry formulas, cost helpers), highlight sets from conv_input_index, arithmetic text.
#include "stepper_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/ops/conv2d.h"
#include "engine/ops/cost.h"
#include "engine/ops/conv_transpose2d.h"
#include "engine/ops/im2col.h"
#include "engine/ops/pool.h"
#include "ui_strings.h"

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

// A small deterministic generator: the same seed gives the same "random" example on every machine.
struct Lcg {
  unsigned s;
  int next(int lo, int hi) {
    s = s * 1664525u + 1013904223u;
    return lo + static_cast<int>((s >> 8) % static_cast<unsigned>(hi - lo + 1));
  }
};

}  // namespace

const char* conv_mode_name(ConvMode m) { return kModeNames[static_cast<int>(m)]; }
bool parse_conv_mode(const std::string& name, ConvMode* out) { return parse_name(kModeNames, name, out); }
const char* input_preset_name(InputPreset p) { return kInputNames[static_cast<int>(p)]; }
bool parse_input_preset(const std::string& name, InputPreset* out) { return parse_name(kInputNames, name, out); }
const char* kernel_preset_name(KernelPreset p) { return kKernelNames[static_cast<int>(p)]; }
bool parse_kernel_preset(const std::string& name, KernelPreset* out) { return parse_name(kKernelNames, name, out); }

bool StepperConfig::operator==(const StepperConfig& o) const {
  return H == o.H && W == o.W && C == o.C && KH == o.KH && KW == o.KW && stride == o.stride &&
         padding == o.padding && dilation == o.dilation && groups == o.groups && out_channels == o.out_channels &&
         ceil_mode == o.ceil_mode && count_include_pad == o.count_include_pad && mode == o.mode && input_preset == o.input_preset &&
         kernel_preset == o.kernel_preset && seed == o.seed && bias == o.bias;
}

// [SECTION] configuration ---------------------------------------------------------------------------

std::string validate_config(const StepperConfig& c) {
  using L = StepperLimits;
  // The field's name in the UI language (two-word names from the table; one word is the JSON key).
  auto range = [](const char* what, int v, int lo, int hi) -> std::string {
    if (v < lo || v > hi) return fmt(tr(S::state_in_range_got), what, static_cast<long long>(lo), static_cast<long long>(hi),
                                     static_cast<long long>(v));
    return "";
  };
  std::string e;
  if (!(e = range(tr(S::state_input_height), c.H, L::kMinSide, L::kMaxSide)).empty()) return e;
  if (!(e = range(tr(S::state_input_width), c.W, L::kMinSide, L::kMaxSide)).empty()) return e;
  if (!(e = range("channels", c.C, 1, L::kMaxChannels)).empty()) return e;
  if (!(e = range(tr(S::state_kernel_height), c.KH, 1, L::kMaxKernel)).empty()) return e;
  if (!(e = range(tr(S::state_kernel_width), c.KW, 1, L::kMaxKernel)).empty()) return e;
  if (!(e = range("stride", c.stride.h, 0, L::kMaxStride)).empty()) return e;
  if (!(e = range("stride", c.stride.w, 0, L::kMaxStride)).empty()) return e;
  if (!(e = range("padding", c.padding.h, 0, L::kMaxPadding)).empty()) return e;
  if (!(e = range("padding", c.padding.w, 0, L::kMaxPadding)).empty()) return e;
  if (!(e = range("dilation", c.dilation.h, 0, L::kMaxDilation)).empty()) return e;
  if (!(e = range("dilation", c.dilation.w, 0, L::kMaxDilation)).empty()) return e;
  if (!(e = range("groups", c.groups, 1, L::kMaxChannels)).empty()) return e;
  if (!(e = range("out_channels", c.out_channels, 1, L::kMaxOutChannels)).empty()) return e;
  if (!std::isfinite(c.bias) || std::fabs(c.bias) > 1000.0f) return fmt(tr(S::state_bias_range), "bias", 1000.0, 1000.0, c.bias);
  return "";
}

ModeShape mode_shape(const StepperConfig& c) {
  ModeShape s;
  s.KH = c.KH;
  s.KW = c.KW;
  switch (c.mode) {
    case ConvMode::Standard: s.OC = c.out_channels; break;
    case ConvMode::Grouped: s.OC = c.out_channels; s.groups = c.groups; break;
    case ConvMode::Depthwise:
    case ConvMode::Separable:
    case ConvMode::MaxPool:
    case ConvMode::AvgPool: s.OC = c.C; s.groups = c.C; break;
    case ConvMode::Pointwise: s.OC = c.out_channels; s.KH = s.KW = 1; break;
    case ConvMode::Transposed: s.OC = c.out_channels; break;
  }
  return s;
}

std::vector<int> input_channels_of_output_channel(const StepperConfig& c, int oc) {
  const ModeShape ms = mode_shape(c);
  if (oc < 0 || oc >= ms.OC || ms.groups < 1 || c.C % ms.groups != 0 || ms.OC % ms.groups != 0) return {};
  if (c.mode == ConvMode::Transposed) {  // groups = 1: every input channel stamps onto every output
    std::vector<int> all(c.C);
    for (int ch = 0; ch < c.C; ++ch) all[ch] = ch;
    return all;
  }
  const int cg = c.C / ms.groups, grp = oc / (ms.OC / ms.groups);
  std::vector<int> out(cg);
  for (int l = 0; l < cg; ++l) out[l] = grp * cg + l;
  return out;
}

int group_of_input_channel(const StepperConfig& c, int ch) {
  const ModeShape ms = mode_shape(c);
  if (c.mode == ConvMode::Transposed || ms.groups < 1 || c.C % ms.groups != 0) return 0;
  return ch / (c.C / ms.groups);
}

int group_of_output_channel(const StepperConfig& c, int oc) {
  const ModeShape ms = mode_shape(c);
  if (c.mode == ConvMode::Transposed || ms.groups < 1 || ms.OC % ms.groups != 0) return 0;
  return oc / (ms.OC / ms.groups);
}

// [SECTION] data ----------------------------------------------------------------------------------------

namespace {

// The classic 5x5 example (UFLDL / Stanford CS231n-style slides): with the [1 0 1; 0 1 0; 1 0 1]
// kernel it gives the 3x3 output 4 3 4 / 2 4 3 / 2 3 4 teachers know by heart.
const float kClassic[5][5] = {{1, 1, 1, 0, 0}, {0, 1, 1, 1, 0}, {0, 0, 1, 1, 1}, {0, 0, 1, 1, 0}, {0, 1, 1, 0, 0}};

const float k3Identity[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
const float k3Sharpen[9] = {0, -1, 0, -1, 5, -1, 0, -1, 0};
const float k3SobelX[9] = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
const float k3SobelY[9] = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
const float k3Laplacian[9] = {0, 1, 0, 1, -4, 1, 0, 1, 0};

// Places a (sh, sw) plane centred in (KH, KW), cropping when the target is smaller.
std::vector<float> centred(const float* src, int sh, int sw, int KH, int KW) {
  std::vector<float> out(static_cast<size_t>(KH) * KW, 0.0f);
  int oy = (KH - sh) / 2, ox = (KW - sw) / 2;  // may be negative: crop
  for (int y = 0; y < sh; ++y)
    for (int x = 0; x < sw; ++x) {
      int ty = y + oy, tx = x + ox;
      if (ty >= 0 && ty < KH && tx >= 0 && tx < KW) out[static_cast<size_t>(ty) * KW + tx] = src[y * sw + x];
    }
  return out;
}

std::vector<float> binomial(int n) {
  std::vector<float> row(1, 1.0f);
  for (int i = 1; i < n; ++i) {
    std::vector<float> next(static_cast<size_t>(i) + 1, 1.0f);
    for (int j = 1; j < i; ++j) next[j] = row[j - 1] + row[j];
    row = next;
  }
  return row;
}

}  // namespace

std::vector<float> make_input(const StepperConfig& c, const std::vector<float>& source) {
  const size_t plane = static_cast<size_t>(c.H) * c.W;
  std::vector<float> x(plane * c.C, 0.0f);
  InputPreset p = c.input_preset;
  if ((p == InputPreset::Digit || p == InputPreset::Image || p == InputPreset::Custom) && source.size() == x.size())
    return source;
  if (p == InputPreset::Digit || p == InputPreset::Image || p == InputPreset::Custom) p = InputPreset::Classic;
  Lcg rng{c.seed * 2654435761u + 12345u};
  for (int ch = 0; ch < c.C; ++ch)
    for (int i = 0; i < c.H; ++i)
      for (int j = 0; j < c.W; ++j) {
        float v = 0.0f;
        switch (p) {
          case InputPreset::Classic:
            // Channel 1 and 2 see the pattern transposed / mirrored, so channels differ visibly.
            v = ch == 0 ? kClassic[i % 5][j % 5] : ch == 1 ? kClassic[j % 5][i % 5] : kClassic[i % 5][4 - j % 5];
            break;
          case InputPreset::Random: v = static_cast<float>(rng.next(0, 9)); break;
          case InputPreset::Counting: v = static_cast<float>(ch * 100 + i * c.W + j + 1); break;
          default: break;
        }
        x[ch * plane + static_cast<size_t>(i) * c.W + j] = v;
      }
  return x;
}

std::vector<float> make_kernel_plane(KernelPreset p, int KH, int KW, unsigned seed, std::string* note) {
  auto fixed3 = [&](const float* k, S name) {
    if ((KH != 3 || KW != 3) && note)
      *note = fmt(tr(KH < 3 || KW < 3 ? S::model_note_fixed3_cropped : S::model_note_fixed3_centred), tr(name), KH, KW);
    return centred(k, 3, 3, KH, KW);
  };
  std::vector<float> out(static_cast<size_t>(KH) * KW, 0.0f);
  switch (p) {
    case KernelPreset::Identity:
      if ((KH % 2 == 0 || KW % 2 == 0) && note) *note = fmt(tr(S::model_note_no_centre), KH, KW);
      out[static_cast<size_t>(KH / 2) * KW + KW / 2] = 1.0f;
      return out;
    case KernelPreset::Box:
      std::fill(out.begin(), out.end(), 1.0f / static_cast<float>(KH * KW));
      return out;
    case KernelPreset::Gaussian: {
      std::vector<float> a = binomial(KH), b = binomial(KW);
      float sum = 0;
      for (float u : a)
        for (float v : b) sum += u * v;
      for (int y = 0; y < KH; ++y)
        for (int x = 0; x < KW; ++x) out[static_cast<size_t>(y) * KW + x] = a[y] * b[x] / sum;
      return out;
    }
    case KernelPreset::Sharpen: return fixed3(k3Sharpen, S::model_kernel_sharpen);
    case KernelPreset::SobelX: return fixed3(k3SobelX, S::model_kernel_sobel_x);
    case KernelPreset::SobelY: return fixed3(k3SobelY, S::model_kernel_sobel_y);
    case KernelPreset::Laplacian: return fixed3(k3Laplacian, S::model_kernel_laplacian);
    case KernelPreset::Cross:
      // [1 0 1; 0 1 0; 1 0 1], continued as a checkerboard for other sizes.
      for (int y = 0; y < KH; ++y)
        for (int x = 0; x < KW; ++x) out[static_cast<size_t>(y) * KW + x] = (y + x) % 2 == 0 ? 1.0f : 0.0f;
      return out;
    case KernelPreset::Random: {
      Lcg rng{seed * 40503u + 977u};
      for (float& v : out) v = static_cast<float>(rng.next(-2, 2));
      return out;
    }
    case KernelPreset::Custom:
    case KernelPreset::Learned: break;
  }
  return fixed3(k3Identity, S::model_kernel_identity);
}

void make_weights(const StepperConfig& c, const std::vector<std::vector<float>>& learned, StepperData* d,
                  std::string* note) {
  ModeShape ms = mode_shape(c);
  const int cg = c.C / std::max(1, ms.groups) > 0 ? c.C / std::max(1, ms.groups) : 1;
  const size_t kk = static_cast<size_t>(ms.KH) * ms.KW;
  const size_t n = static_cast<size_t>(ms.OC) * cg * kk;
  if (mode_is_pool(c.mode)) {
    d->weight.clear();
    d->weight2.clear();
    return;
  }
  if (c.kernel_preset == KernelPreset::Custom && d->weight.size() == n) {
    // keep the teacher's numbers
  } else if (c.kernel_preset == KernelPreset::Custom) {
    std::vector<float> plane = make_kernel_plane(KernelPreset::Identity, ms.KH, ms.KW, c.seed, nullptr);
    d->weight.assign(n, 0.0f);
    for (size_t f = 0; f < n / kk; ++f) std::copy(plane.begin(), plane.end(), d->weight.begin() + f * kk);
  } else {
    d->weight.assign(n, 0.0f);
    for (size_t f = 0; f < n / kk; ++f) {
      std::vector<float> plane;
      if (c.kernel_preset == KernelPreset::Learned && !learned.empty()) {
        const std::vector<float>& src = learned[f % learned.size()];
        int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(src.size()))));
        if (side * side != static_cast<int>(src.size())) side = 0;
        if (side > 0) {
          plane = centred(src.data(), side, side, ms.KH, ms.KW);
          if (note && (side != ms.KH || side != ms.KW))
            *note = fmt(tr(side > ms.KH || side > ms.KW ? S::model_note_learned_cropped : S::model_note_learned_centred),
                        side, side, ms.KH, ms.KW);
        }
      }
      if (plane.empty()) {
        KernelPreset p = c.kernel_preset == KernelPreset::Learned ? KernelPreset::Identity : c.kernel_preset;
        plane = make_kernel_plane(p, ms.KH, ms.KW, c.seed + static_cast<unsigned>(f) * 7919u, note);
      }
      std::copy(plane.begin(), plane.end(), d->weight.begin() + f * kk);
    }
  }
  if (c.mode == ConvMode::Separable) {
    // Pointwise stage: out_channels x C, small distinct integers so the mixing is readable.
    size_t n2 = static_cast<size_t>(c.out_channels) * c.C;
    if (d->weight2.size() != n2) {
      d->weight2.assign(n2, 0.0f);
      for (int o = 0; o < c.out_channels; ++o)
        for (int ch = 0; ch < c.C; ++ch) d->weight2[static_cast<size_t>(o) * c.C + ch] = (o + ch) % 3 == 0 ? 1.0f : (o + ch) % 3 == 1 ? 0.5f : -1.0f;
    }
  } else {
    d->weight2.clear();
  }
}

// [SECTION] engine results ---------------------------------------------------------------------------

namespace {

// One more sentence than the engine's message, for the class.
std::string explain_conv(const StepperConfig& c, const std::string& engine_error) {
  // The engine's messages are matched by their English (they are the engine's, not the UI's).
  if (c.stride.h < 1 || c.stride.w < 1) return tr(S::model_explain_stride0);
  if (c.dilation.h < 1 || c.dilation.w < 1) return tr(S::model_explain_dilation0);
  if (engine_error.find("divisible by groups") != std::string::npos) return fmt(tr(S::model_explain_groups), c.C, c.groups);
  if (engine_error.find("larger than the padded input") != std::string::npos) return tr(S::model_explain_too_large);
  if (engine_error.find("half") != std::string::npos) return tr(S::model_explain_pool_padding);
  return "";
}

Tensor tensor_of(const std::vector<float>& v, Shape s) {
  int64_t n = shape_numel(s);
  if (n < 0 || static_cast<size_t>(n) != v.size()) return Tensor(s, 0.0f);
  return Tensor(std::move(s), v);
}

void compute_transposed(const StepperConfig& c, const StepperData& d, StepperResult& r) {
  ModeShape ms = mode_shape(c);
  r.OC = ms.OC;
  // The engine's ConvTranspose2d: weight (Cin, Cout, KH, KW); ours is stored (Cout, Cin, KH, KW).
  const size_t kk = static_cast<size_t>(ms.KH) * ms.KW;
  Tensor in = tensor_of(d.input, {1, c.C, c.H, c.W}), wt({c.C, ms.OC, ms.KH, ms.KW}), bias({ms.OC}, c.bias);
  for (int o = 0; o < ms.OC; ++o)
    for (int ch = 0; ch < c.C; ++ch)
      for (size_t k = 0; k < kk; ++k)
        wt[(static_cast<size_t>(ch) * ms.OC + o) * kk + k] = d.weight[(static_cast<size_t>(o) * c.C + ch) * kk + k];
  ConvTranspose2dParams tp;
  tp.stride = c.stride;
  tp.padding = c.padding;
  tp.dilation = c.dilation;
  Status ts = conv_transpose2d_forward(r.output, in, wt, &bias, tp, ConvAlgo::Reference);
  if (!ts.is_ok()) {
    r.error = ts.message();
    r.explain = explain_conv(c, r.error);
    if (r.explain.empty())
      r.explain = tr(S::model_explain_transposed_padding);
    return;
  }
  r.OH = r.output.dim(2);
  r.OW = r.output.dim(3);
  // Equivalent ordinary convolution: insert stride-1 zeros between input cells, pad every side by
  // q = dilation*(kernel-1) - padding (crop when negative), convolve with the kernel rotated 180 degrees.
  const int qh = c.dilation.h * (ms.KH - 1) - c.padding.h, qw = c.dilation.w * (ms.KW - 1) - c.padding.w;
  const int zh = (c.H - 1) * c.stride.h + 1 + 2 * qh, zw = (c.W - 1) * c.stride.w + 1 + 2 * qw;
  r.zero_inserted = Tensor({1, c.C, zh, zw}, 0.0f);
  for (int ch = 0; ch < c.C; ++ch)
    for (int i = 0; i < c.H; ++i)
      for (int j = 0; j < c.W; ++j) {
        int y = qh + i * c.stride.h, x = qw + j * c.stride.w;
        if (y >= 0 && y < zh && x >= 0 && x < zw)
          r.zero_inserted.at(0, ch, y, x) = d.input[(static_cast<size_t>(ch) * c.H + i) * c.W + j];
      }
  r.flipped = Tensor({ms.OC, c.C, ms.KH, ms.KW}, 0.0f);
  for (int o = 0; o < ms.OC; ++o)
    for (int ch = 0; ch < c.C; ++ch)
      for (int y = 0; y < ms.KH; ++y)
        for (int x = 0; x < ms.KW; ++x)
          r.flipped.at(o, ch, y, x) =
              d.weight[((static_cast<size_t>(o) * c.C + ch) * ms.KH + (ms.KH - 1 - y)) * ms.KW + (ms.KW - 1 - x)];
  Conv2dParams p;
  p.dilation = c.dilation;
  Status s = conv2d_forward(r.as_conv_output, r.zero_inserted, r.flipped, &bias, p, ConvAlgo::Reference);
  r.transposed_diff = 0;
  if (s.is_ok() && r.as_conv_output.numel() == r.output.numel()) {
    for (size_t i = 0; i < r.output.numel(); ++i)
      r.transposed_diff = std::max(r.transposed_diff, std::fabs(r.output[i] - r.as_conv_output[i]));
  } else {
    r.transposed_diff = INFINITY;  // shown: the two views disagree (a bug to report, never hidden)
  }
  // Overlap counts: how many (input cell, tap) pairs land on each output cell, by THE formula.
  r.overlap = Tensor({r.OH, r.OW}, 0.0f);
  for (int i = 0; i < c.H; ++i)
    for (int kh = 0; kh < ms.KH; ++kh) {
      int y = conv_input_index(i, kh, c.stride.h, c.padding.h, c.dilation.h);
      if (y < 0 || y >= r.OH) continue;
      for (int j = 0; j < c.W; ++j)
        for (int kw = 0; kw < ms.KW; ++kw) {
          int x = conv_input_index(j, kw, c.stride.w, c.padding.w, c.dilation.w);
          if (x >= 0 && x < r.OW) r.overlap[static_cast<size_t>(y) * r.OW + x] += 1.0f;
        }
    }
  r.steps = c.H * c.W;
  r.cols_rows = c.C * ms.KH * ms.KW;
  r.cols_cols = r.OH * r.OW;
  r.valid = true;
}

// Pooling through the engine's pool.h (max: padding is -inf; average: count_include_pad as PyTorch).
// The UI's stride 0 is an impossible setting to explain; the engine would read it as "= kernel".
void compute_pool(const StepperConfig& c, const StepperData& d, StepperResult& r) {
  r.OC = c.C;
  const bool mx = c.mode == ConvMode::MaxPool;
  const char* who = mx ? "MaxPool2d" : "AvgPool2d";
  Status s = Status::ok();
  if (c.stride.h < 1 || c.stride.w < 1)
    s = Status::error(fmt("%s: stride must be >= 1, got %d", who, std::min(c.stride.h, c.stride.w)));
  else if (c.dilation.h < 1 || c.dilation.w < 1)
    s = Status::error(fmt("%s: dilation must be >= 1, got %d", who, std::min(c.dilation.h, c.dilation.w)));
  else if (!mx && (c.dilation.h != 1 || c.dilation.w != 1))
    s = Status::error(fmt("AvgPool2d has no dilation (as in PyTorch): got %dx%d", c.dilation.h, c.dilation.w));
  Tensor in = tensor_of(d.input, {1, c.C, c.H, c.W});
  if (s.is_ok()) {
    if (mx) {
      MaxPool2dParams p;
      p.kernel = Size2{c.KH, c.KW};
      p.stride = c.stride;
      p.padding = c.padding;
      p.dilation = c.dilation;
      p.ceil_mode = c.ceil_mode;
      s = max_pool2d_forward(r.output, in, p);
    } else {
      AvgPool2dParams p;
      p.kernel = Size2{c.KH, c.KW};
      p.stride = c.stride;
      p.padding = c.padding;
      p.ceil_mode = c.ceil_mode;
      p.count_include_pad = c.count_include_pad;
      s = avg_pool2d_forward(r.output, in, p);
    }
  }
  if (!s.is_ok()) {
    r.error = s.message();
    r.explain = explain_conv(c, r.error);
    return;
  }
  r.OH = r.output.dim(2);
  r.OW = r.output.dim(3);
  r.steps = r.OH * r.OW;
  r.cols_rows = c.C * c.KH * c.KW;
  r.cols_cols = r.OH * r.OW;
  r.valid = true;
}

}  // namespace

StepperResult compute_stepper(const StepperConfig& c, const StepperData& d) {
  StepperResult r;
  if (c.mode == ConvMode::Transposed) {
    compute_transposed(c, d, r);
    return r;
  }
  if (mode_is_pool(c.mode)) {
    compute_pool(c, d, r);
    return r;
  }
  ModeShape ms = mode_shape(c);
  r.OC = ms.OC;
  Conv2dParams p;
  p.stride = c.stride;
  p.padding = c.padding;
  p.dilation = c.dilation;
  p.groups = ms.groups;
  const int cg = ms.groups > 0 && c.C % ms.groups == 0 ? c.C / ms.groups : 1;
  Shape in_shape{1, c.C, c.H, c.W}, w_shape{ms.OC, cg, ms.KH, ms.KW};
  ConvGeometry g;
  Status s = conv2d_geometry(in_shape, w_shape, p, &g);
  if (!s.is_ok()) {
    r.error = s.message();
    r.explain = explain_conv(c, r.error);
    return r;
  }
  Tensor in = tensor_of(d.input, in_shape), w = tensor_of(d.weight, w_shape), bias({ms.OC}, c.bias);
  s = conv2d_forward(r.output, in, w, &bias, p, ConvAlgo::Reference);
  if (!s.is_ok()) {
    r.error = s.message();
    return r;
  }
  r.OH = g.OH;
  r.OW = g.OW;
  // Per-input-channel sums for the arithmetic: one depthwise engine call per output channel over the
  // input channels of its group (no bias), so every partial sum shown is the engine's too.
  r.partials.resize(ms.OC);
  const int oc_per_group = ms.OC / ms.groups;
  for (int o = 0; o < ms.OC; ++o) {
    const int grp = o / oc_per_group;
    Tensor gin({1, cg, c.H, c.W});
    std::copy(d.input.begin() + static_cast<size_t>(grp) * cg * c.H * c.W,
              d.input.begin() + static_cast<size_t>(grp + 1) * cg * c.H * c.W, gin.data());
    Tensor gw({cg, 1, ms.KH, ms.KW});
    std::copy(w.data() + static_cast<size_t>(o) * cg * ms.KH * ms.KW,
              w.data() + static_cast<size_t>(o + 1) * cg * ms.KH * ms.KW, gw.data());
    Conv2dParams dp = p;
    dp.groups = cg;
    Status ps = conv2d_forward(r.partials[o], gin, gw, nullptr, dp, ConvAlgo::Reference);
    if (!ps.is_ok()) r.partials[o] = Tensor();
  }
  {
    // Side by side: what this input, kernel and output size cost as each kind of convolution.
    auto& m = r.multiplies;
    m.in_channels = c.C;
    m.out_channels = c.mode == ConvMode::Depthwise ? c.C : c.out_channels;
    m.groups = c.groups;
    const Size2 k{ms.KH, ms.KW};
    Conv2dParams q = p;
    q.groups = 1;
    m.standard = conv2d_macs(in_shape, m.out_channels, k, q);
    if (c.groups >= 1 && c.C % c.groups == 0 && m.out_channels % c.groups == 0) {
      q.groups = c.groups;
      m.grouped = conv2d_macs(in_shape, m.out_channels, k, q);
    }
    q.groups = c.C;
    m.depthwise = conv2d_macs(in_shape, c.C, k, q);
    m.pointwise = conv2d_macs({1, c.C, g.OH, g.OW}, m.out_channels, Size2{1, 1}, Conv2dParams{});
  }
  if (c.mode == ConvMode::Separable) {
    Tensor w2 = tensor_of(d.weight2, {c.out_channels, c.C, 1, 1});
    Tensor b2({c.out_channels}, 0.0f);
    Status s2 = conv2d_forward(r.pointwise_output, r.output, w2, &b2, Conv2dParams{}, ConvAlgo::Reference);
    if (!s2.is_ok()) r.pointwise_output = Tensor();
    Conv2dParams dw = p;
    r.macs_stage1 = conv2d_macs(in_shape, c.C, Size2{ms.KH, ms.KW}, dw);
    r.macs_stage2 = conv2d_macs({1, c.C, g.OH, g.OW}, c.out_channels, Size2{1, 1}, Conv2dParams{});
    Conv2dParams full = p;
    full.groups = 1;
    r.macs_standard = conv2d_macs(in_shape, c.out_channels, Size2{ms.KH, ms.KW}, full);
  }
  r.steps = r.OH * r.OW;
  r.cols_rows = c.C * ms.KH * ms.KW;
  r.cols_cols = r.OH * r.OW;
  r.valid = true;
  return r;
}

Tensor transposed_partial(const StepperConfig& c, const StepperData& d, const StepperResult& r, int stamps) {
  if (!r.valid || c.mode != ConvMode::Transposed) return Tensor();
  StepperData masked = d;
  const size_t plane = static_cast<size_t>(c.H) * c.W;
  for (int ch = 0; ch < c.C; ++ch)
    for (size_t k = static_cast<size_t>(std::max(0, stamps)); k < plane; ++k) masked.input[ch * plane + k] = 0.0f;
  StepperConfig nb = c;
  nb.bias = 0.0f;  // the bias is added once, at the end; partial stamps show only the stamps
  StepperResult pr;
  compute_transposed(nb, masked, pr);
  return pr.output;
}

// [SECTION] positions and highlights -----------------------------------------------------------------

Cell position_cell(const StepperResult& r, const StepperConfig& c, int t) {
  if (!r.valid || r.steps <= 0) return Cell{0, 0};
  t = std::clamp(t, 0, r.steps - 1);
  const int w = c.mode == ConvMode::Transposed ? c.W : r.OW;
  return Cell{t / w, t % w};
}

namespace {

// Output indices o in [0, n) with some tap k: conv_input_index(o, k, ...) == i.
std::vector<int> outputs_reading(int i, int n, int K, int S, int P, int D) {
  std::vector<int> out;
  for (int o = 0; o < n; ++o)
    for (int k = 0; k < K; ++k)
      if (conv_input_index(o, k, S, P, D) == i) {
        out.push_back(o);
        break;
      }
  return out;
}

std::vector<Cell> cross(const std::vector<int>& rows, const std::vector<int>& cols) {
  std::vector<Cell> out;
  out.reserve(rows.size() * cols.size());
  for (int y : rows)
    for (int x : cols) out.push_back(Cell{y, x});
  return out;
}

}  // namespace

std::vector<Cell> input_cells_of_output(const StepperConfig& c, const StepperResult& r, Cell o) {
  if (!r.valid) return {};
  ModeShape ms = mode_shape(c);
  if (c.mode == ConvMode::Transposed)  // input cells whose stamp covers o
    return cross(outputs_reading(o.r, c.H, ms.KH, c.stride.h, c.padding.h, c.dilation.h),
                 outputs_reading(o.c, c.W, ms.KW, c.stride.w, c.padding.w, c.dilation.w));
  std::vector<Cell> out;
  for (int kh = 0; kh < ms.KH; ++kh)
    for (int kw = 0; kw < ms.KW; ++kw)
      out.push_back(Cell{conv_input_index(o.r, kh, c.stride.h, c.padding.h, c.dilation.h),
                         conv_input_index(o.c, kw, c.stride.w, c.padding.w, c.dilation.w)});
  return out;
}

std::vector<Cell> output_cells_of_input(const StepperConfig& c, const StepperResult& r, Cell i) {
  if (!r.valid) return {};
  ModeShape ms = mode_shape(c);
  if (c.mode == ConvMode::Transposed) {
    std::vector<int> rows, cols;
    for (int k = 0; k < ms.KH; ++k) {
      int y = conv_input_index(i.r, k, c.stride.h, c.padding.h, c.dilation.h);
      if (y >= 0 && y < r.OH) rows.push_back(y);
    }
    for (int k = 0; k < ms.KW; ++k) {
      int x = conv_input_index(i.c, k, c.stride.w, c.padding.w, c.dilation.w);
      if (x >= 0 && x < r.OW) cols.push_back(x);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    return cross(rows, cols);
  }
  return cross(outputs_reading(i.r, r.OH, ms.KH, c.stride.h, c.padding.h, c.dilation.h),
               outputs_reading(i.c, r.OW, ms.KW, c.stride.w, c.padding.w, c.dilation.w));
}

std::vector<Cell> cells_of_kernel_tap(const StepperConfig& c, const StepperResult& r, Cell tap) {
  if (!r.valid) return {};
  std::vector<int> rows, cols;
  if (c.mode == ConvMode::Transposed) {
    for (int i = 0; i < c.H; ++i) {
      int y = conv_input_index(i, tap.r, c.stride.h, c.padding.h, c.dilation.h);
      if (y >= 0 && y < r.OH) rows.push_back(y);
    }
    for (int j = 0; j < c.W; ++j) {
      int x = conv_input_index(j, tap.c, c.stride.w, c.padding.w, c.dilation.w);
      if (x >= 0 && x < r.OW) cols.push_back(x);
    }
  } else {
    for (int o = 0; o < r.OH; ++o) rows.push_back(conv_input_index(o, tap.r, c.stride.h, c.padding.h, c.dilation.h));
    for (int o = 0; o < r.OW; ++o) cols.push_back(conv_input_index(o, tap.c, c.stride.w, c.padding.w, c.dilation.w));
  }
  return cross(rows, cols);
}

Highlights highlights_for(const StepperConfig& c, const StepperResult& r, const HoverTarget& h, int t, int oc) {
  Highlights hl;
  if (!r.valid) return hl;
  {
    const ModeShape ms0 = mode_shape(c);
    const int cg = ms0.groups > 0 ? std::max(1, c.C / ms0.groups) : 1;
    switch (h.kind) {
      case HoverKind::Input: hl.input_channels = {h.channel}; break;
      case HoverKind::Output: hl.input_channels = input_channels_of_output_channel(c, h.channel); break;
      case HoverKind::Kernel:
        // Plane l of output channel oc multiplies input channel (its group's first) + l.
        if (c.mode == ConvMode::Transposed) hl.input_channels = {h.channel};
        else hl.input_channels = {group_of_output_channel(c, oc) * cg + h.channel};
        break;
      case HoverKind::None: hl.input_channels = input_channels_of_output_channel(c, oc); break;
    }
  }
  ModeShape ms = mode_shape(c);
  const bool tr = c.mode == ConvMode::Transposed;
  std::vector<Cell> all_taps;
  for (int y = 0; y < ms.KH; ++y)
    for (int x = 0; x < ms.KW; ++x) all_taps.push_back(Cell{y, x});
  switch (h.kind) {
    case HoverKind::Output:
      hl.output = {h.cell};
      hl.input = input_cells_of_output(c, r, h.cell);
      hl.kernel = all_taps;
      if (tr) {  // only the taps that land on this output cell
        hl.kernel.clear();
        for (const Cell& tap : all_taps)
          for (const Cell& i : hl.input)
            if (conv_input_index(i.r, tap.r, c.stride.h, c.padding.h, c.dilation.h) == h.cell.r &&
                conv_input_index(i.c, tap.c, c.stride.w, c.padding.w, c.dilation.w) == h.cell.c) {
              hl.kernel.push_back(tap);
              break;
            }
      }
      break;
    case HoverKind::Input:
      hl.input = {h.cell};
      hl.output = output_cells_of_input(c, r, h.cell);
      for (const Cell& tap : all_taps) {
        bool used = false;
        if (tr) {
          int y = conv_input_index(h.cell.r, tap.r, c.stride.h, c.padding.h, c.dilation.h);
          int x = conv_input_index(h.cell.c, tap.c, c.stride.w, c.padding.w, c.dilation.w);
          used = y >= 0 && y < r.OH && x >= 0 && x < r.OW;
        } else {
          for (const Cell& o : hl.output)
            if (conv_input_index(o.r, tap.r, c.stride.h, c.padding.h, c.dilation.h) == h.cell.r &&
                conv_input_index(o.c, tap.c, c.stride.w, c.padding.w, c.dilation.w) == h.cell.c) {
              used = true;
              break;
            }
        }
        if (used) hl.kernel.push_back(tap);
      }
      break;
    case HoverKind::Kernel:
      hl.kernel = {h.cell};
      if (tr) {
        hl.output = cells_of_kernel_tap(c, r, h.cell);
        for (int i = 0; i < c.H; ++i)
          for (int j = 0; j < c.W; ++j) hl.input.push_back(Cell{i, j});
      } else {
        hl.input = cells_of_kernel_tap(c, r, h.cell);
        for (int i = 0; i < r.OH; ++i)
          for (int j = 0; j < r.OW; ++j) hl.output.push_back(Cell{i, j});
      }
      break;
    case HoverKind::None: {
      Cell p = position_cell(r, c, t);
      hl.kernel = all_taps;
      if (tr) {
        hl.input = {p};
        hl.output = output_cells_of_input(c, r, p);
      } else {
        hl.output = {p};
        hl.input = input_cells_of_output(c, r, p);
      }
      break;
    }
  }
  return hl;
}

// [SECTION] arithmetic ---------------------------------------------------------------------------------

std::string num_text(float v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (std::isnan(v)) return "nan";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e6f) {
    std::snprintf(buf, sizeof buf, "%d", static_cast<int>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", static_cast<double>(v));
  }
  return buf;
}

namespace {

std::string factor(float v) {
  std::string s = num_text(v);
  return v < 0 ? "(" + s + ")" : s;
}

float input_at(const StepperConfig& c, const StepperData& d, int ch, int y, int x, bool* padded) {
  *padded = y < 0 || y >= c.H || x < 0 || x >= c.W;
  if (*padded) return 0.0f;
  return d.input[(static_cast<size_t>(ch) * c.H + y) * c.W + x];
}

}  // namespace

std::string arithmetic_text(const StepperConfig& c, const StepperData& d, const StepperResult& r, int oc, int t) {
  return arithmetic_text_at(c, d, r, oc, position_cell(r, c, t));
}

std::string arithmetic_text_at(const StepperConfig& c, const StepperData& d, const StepperResult& r, int oc, Cell p) {
  if (!r.valid) return "";
  ModeShape ms = mode_shape(c);
  oc = std::clamp(oc, 0, r.OC - 1);
  const int rows = c.mode == ConvMode::Transposed ? c.H : r.OH, cols = c.mode == ConvMode::Transposed ? c.W : r.OW;
  if (p.r < 0 || p.r >= rows || p.c < 0 || p.c >= cols) return "";
  const int t = p.r * cols + p.c;  // transposed: stamps happen in row-major order of the input
  std::string s;
  if (c.mode == ConvMode::Transposed) {
    std::vector<Cell> outs = output_cells_of_input(c, r, p);
    for (int ch = 0; ch < c.C; ++ch) {
      bool pad = false;
      float v = input_at(c, d, ch, p.r, p.c, &pad);
      s += fmt(tr(S::model_arith_stamps), ch, p.r, p.c, num_text(v).c_str(), factor(v).c_str(), oc, ch);
      if (outs.empty()) {
        s += tr(S::model_arith_all_cropped);
        s += "\n";
        continue;
      }
      s += fmt(tr(S::model_arith_rows_cols), outs.front().r, outs.back().r, outs.front().c, outs.back().c);
      for (int kh = 0; kh < ms.KH; ++kh)
        for (int kw = 0; kw < ms.KW; ++kw) {
          float w = d.weight[((static_cast<size_t>(oc) * c.C + ch) * ms.KH + kh) * ms.KW + kw];
          s += (kh || kw ? ", " : " ") + factor(v) + "*" + factor(w);
        }
      s += "\n";
    }
    const Tensor part = transposed_partial(c, d, r, t + 1);
    if (!part.empty() && !outs.empty()) {
      s += fmt(tr(S::model_arith_after_stamps), oc, t + 1, r.steps);
      int shown = 0;
      for (const Cell& o : outs) {
        if (shown++ == 9) {
          s += " ...";
          break;
        }
        s += fmt(" [%d,%d]=%s", o.r, o.c, num_text(part.at(0, oc, o.r, o.c)).c_str());
      }
    }
    return s;
  }
  std::vector<Cell> cells = input_cells_of_output(c, r, p);
  if (mode_is_pool(c.mode)) {
    const bool mx = c.mode == ConvMode::MaxPool;
    s += mx ? "max(" : "(";
    int count = 0;
    for (const Cell& q : cells) {
      // With ceil_mode the last window may hang past the padded border: those taps do not exist
      // (PyTorch clips the window there, and divides average pooling by what is left).
      if (q.r >= c.H + c.padding.h || q.c >= c.W + c.padding.w) continue;
      bool pad = false;
      float v = input_at(c, d, oc, q.r, q.c, &pad);
      if (count++) s += mx ? ", " : " + ";
      s += pad ? (mx ? "-inf" : "0") : num_text(v);
    }
    s += mx ? ")" : fmt(") / %d", count);
    s += " = " + num_text(r.output.at(0, oc, p.r, p.c));
    return s;
  }
  const int cg = c.C / ms.groups, grp = oc / (ms.OC / ms.groups);
  std::vector<float> sums;
  for (int l = 0; l < cg; ++l) {
    const int ch = grp * cg + l;
    if (cg > 1 || c.mode == ConvMode::Depthwise || c.mode == ConvMode::Separable || c.C > 1)
      s += fmt(tr(S::model_arith_channel), ch);
    size_t k = 0;
    for (const Cell& q : cells) {
      bool pad = false;
      float v = input_at(c, d, ch, q.r, q.c, &pad);
      float w = d.weight[((static_cast<size_t>(oc) * cg + l) * ms.KH * ms.KW) + k];
      s += (k ? " + " : "") + factor(v) + "*" + factor(w);
      ++k;
    }
    float part = oc < static_cast<int>(r.partials.size()) && !r.partials[oc].empty()
                     ? r.partials[oc].at(0, l, p.r, p.c) : 0.0f;
    sums.push_back(part);
    s += " = " + num_text(part) + "\n";
  }
  const float out = r.output.at(0, oc, p.r, p.c);
  if (cg > 1 || c.bias != 0.0f) {
    s += tr(S::model_arith_sum);
    for (size_t i = 0; i < sums.size(); ++i) s += (i ? " + " : "") + factor(sums[i]);
    s += tr(S::model_arith_bias) + factor(c.bias) + " = " + num_text(out);
  } else {
    s.pop_back();  // the single line already ends in the output value
  }
  if (c.mode == ConvMode::Separable && !r.pointwise_output.empty()) {
    s += "\n" + fmt(tr(S::model_arith_pointwise), 0);
    for (int ch = 0; ch < c.C; ++ch)
      s += (ch ? " + " : "") + factor(r.output.at(0, ch, p.r, p.c)) + "*" + factor(d.weight2[static_cast<size_t>(ch)]);
    s += " = " + num_text(r.pointwise_output.at(0, 0, p.r, p.c));
  }
  return s;
}

}  // namespace cs::app
