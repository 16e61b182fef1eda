// stepper_data_model.cpp — the stepper's example data: the input presets (classic, random, counting,
// or a picture given by the caller), the kernel presets as planes, and the weights each mode needs.
#include <algorithm>
#include <cmath>

#include "stepper_model.h"

namespace cs::app {

namespace {

// A small deterministic generator: the same seed gives the same "random" example on every machine.
struct Lcg {
  unsigned s;
  int next(int lo, int hi) {
    s = s * 1664525u + 1013904223u;
    return lo + static_cast<int>((s >> 8) % static_cast<unsigned>(hi - lo + 1));
  }
};

}  // namespace

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

void make_weights(const StepperConfig& c, const StepperGeometry& ms, const std::vector<std::vector<float>>& learned,
                  StepperData* d, std::string* note) {
  const size_t kk = static_cast<size_t>(ms.KH) * ms.KW;
  const size_t n = static_cast<size_t>(ms.OC) * ms.in_per_group * kk;
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

}  // namespace cs::app
