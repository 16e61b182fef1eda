// depthwise.cpp — direct depthwise convolution, forward and backward (see depthwise.h).
// Each tap (kh, kw) is one pass over an output row: row[ow] += w * in_row[ow*stride + offset],
// restricted to the ow range whose input column lies inside the image, so the padding costs no
// branches and the loop vectorises. On x86 the plane kernels are compiled three times
// (baseline SSE2, AVX+FMA, AVX-512) and GCC's target_clones picks one at load time (ifunc), so the
// same binary runs anywhere; wasm gets SIMD128 from -msimd128's auto-vectorisation.
#include "depthwise.h"

#include <cstddef>
#include <cstring>
#include <vector>

#include "../parallel.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
// Feature names, not "arch=...": an arch= clone is chosen by CPU *model* (__builtin_cpu_is), so an
// AMD CPU with AVX2 would get the baseline clone. "fma" implies AVX: 256-bit vectors + FMA.
#define CS_DW_CLONES __attribute__((target_clones("default", "fma", "avx512f")))
#else
#define CS_DW_CLONES
#endif

namespace cs {

namespace {

// Output columns [lo, hi) whose input column ow*stride + off lies in [0, W).
inline void valid_range(int OW, int W, int stride, int off, int* lo, int* hi) {
  int l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int h = (W - 1 - off) < 0 ? 0 : (W - 1 - off) / stride + 1;
  *lo = l;
  *hi = h < OW ? h : OW;
}

struct Plane {
  int H, W, OH, OW, KH, KW, sh, sw, ph, pw, dh, dw;
};

Plane plane_of(const ConvGeometry& g) {
  return {g.H,           g.W,           g.OH,          g.OW,         g.KH,           g.KW,
          g.p.stride.h,  g.p.stride.w,  g.p.padding.h, g.p.padding.w, g.p.dilation.h, g.p.dilation.w};
}

// out (OH, OW) = bias + sum_taps w * shifted input plane.
CS_DW_CLONES
void plane_forward(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                   float* __restrict out) {
  for (int oh = 0; oh < p.OH; ++oh) {
    float* __restrict row = out + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int ow = 0; ow < p.OW; ++ow) row[ow] = bias;
    for (int kh = 0; kh < p.KH; ++kh) {
      int ih = conv_input_index(oh, kh, p.sh, p.ph, p.dh);
      if (ih < 0 || ih >= p.H) continue;
      const float* __restrict xr = x + static_cast<ptrdiff_t>(ih) * p.W;
      for (int kw = 0; kw < p.KW; ++kw) {
        const float wv = wk[kh * p.KW + kw];
        const int off = conv_input_index(0, kw, p.sw, p.pw, p.dw);
        int lo, hi;
        valid_range(p.OW, p.W, p.sw, off, &lo, &hi);
        if (p.sw == 1) {
          const float* __restrict xs = xr + off;
          for (int ow = lo; ow < hi; ++ow) row[ow] += wv * xs[ow];
        } else {
          for (int ow = lo; ow < hi; ++ow) row[ow] += wv * xr[ow * p.sw + off];
        }
      }
    }
  }
}

// Stride 1 (any dilation) from a zero-padded copy of the plane: 16 outputs of a row live in two
// 8-float vector registers across all KH*KW taps and are stored once, instead of one load-add-store
// pass over the row per tap. GCC/clang vector extensions: ymm in the fma/avx512f clones, two xmm in
// the baseline clone, two v128 in wasm.
// Vectors travel by reference (memcpy compiles to unaligned vector moves): passing a 32-byte
// vector by value from baseline-ISA code is an ABI corner clang warns about.
typedef float v8f __attribute__((vector_size(32)));
inline void load8(v8f& out, const float* p) { std::memcpy(&out, p, sizeof out); }
inline void store8(float* p, const v8f& v) { std::memcpy(p, &v, sizeof v); }
constexpr int kBlock = 16;

// Geometry of the padded copy: rows cover every tap of every output row; columns also cover the
// last (partial) block of 16 outputs, so the inner loop never tests bounds.
struct Padded {
  int Hp, Wp;
};
Padded padded_of(const Plane& p) {
  int owr = (p.OW + kBlock - 1) / kBlock * kBlock;
  int wp = p.W + 2 * p.pw, need = owr + (p.KW - 1) * p.dw;
  return {p.H + 2 * p.ph, wp > need ? wp : need};
}

CS_DW_CLONES
void plane_forward_s1(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                      float* __restrict out, float* __restrict xp) {
  const Padded pd = padded_of(p);
  std::memset(xp, 0, sizeof(float) * static_cast<size_t>(pd.Hp) * pd.Wp);
  for (int h = 0; h < p.H; ++h)
    std::memcpy(xp + static_cast<ptrdiff_t>(h + p.ph) * pd.Wp + p.pw, x + static_cast<ptrdiff_t>(h) * p.W,
                sizeof(float) * p.W);
  for (int oh = 0; oh < p.OH; ++oh) {
    float* row = out + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int ow0 = 0; ow0 < p.OW; ow0 += kBlock) {
      v8f a0 = v8f{} + bias, a1 = a0;
      for (int kh = 0; kh < p.KH; ++kh) {
        const float* r = xp + static_cast<ptrdiff_t>(oh + kh * p.dh) * pd.Wp + ow0;
        const float* wr = wk + kh * p.KW;
        for (int kw = 0; kw < p.KW; ++kw) {
          const float* q = r + kw * p.dw;
          const float wv = wr[kw];
          v8f x0, x1;
          load8(x0, q);
          load8(x1, q + 8);
          a0 += wv * x0;
          a1 += wv * x1;
        }
      }
      if (ow0 + kBlock <= p.OW) {
        store8(row + ow0, a0);
        store8(row + ow0 + 8, a1);
      } else {
        alignas(32) float t[kBlock];
        store8(t, a0);
        store8(t + 8, a1);
        for (int i = 0; ow0 + i < p.OW; ++i) row[ow0 + i] = t[i];
      }
    }
  }
}

// dx (H, W) += the transpose of plane_forward applied to dy (scatter form, any stride).
CS_DW_CLONES
void plane_backward_input(const Plane& p, const float* __restrict dy, const float* __restrict wk,
                          float* __restrict dx) {
  for (int oh = 0; oh < p.OH; ++oh) {
    const float* __restrict dyr = dy + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int kh = 0; kh < p.KH; ++kh) {
      int ih = conv_input_index(oh, kh, p.sh, p.ph, p.dh);
      if (ih < 0 || ih >= p.H) continue;
      float* __restrict dxr = dx + static_cast<ptrdiff_t>(ih) * p.W;
      for (int kw = 0; kw < p.KW; ++kw) {
        const float wv = wk[kh * p.KW + kw];
        const int off = conv_input_index(0, kw, p.sw, p.pw, p.dw);
        int lo, hi;
        valid_range(p.OW, p.W, p.sw, off, &lo, &hi);
        if (p.sw == 1) {
          float* __restrict ds = dxr + off;
          for (int ow = lo; ow < hi; ++ow) ds[ow] += wv * dyr[ow];
        } else {
          for (int ow = lo; ow < hi; ++ow) dxr[ow * p.sw + off] += wv * dyr[ow];
        }
      }
    }
  }
}

// acc[tap][ow] += dy[oh][ow] * x[ih][ow*stride + off] over all oh (element-wise rows, so the loop
// vectorises without reassociating a sum); the caller reduces the rows in a fixed order.
CS_DW_CLONES
void plane_backward_weight(const Plane& p, const float* __restrict dy, const float* __restrict x,
                           float* __restrict acc) {
  for (int oh = 0; oh < p.OH; ++oh) {
    const float* __restrict dyr = dy + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int kh = 0; kh < p.KH; ++kh) {
      int ih = conv_input_index(oh, kh, p.sh, p.ph, p.dh);
      if (ih < 0 || ih >= p.H) continue;
      const float* __restrict xr = x + static_cast<ptrdiff_t>(ih) * p.W;
      for (int kw = 0; kw < p.KW; ++kw) {
        float* __restrict a = acc + static_cast<ptrdiff_t>(kh * p.KW + kw) * p.OW;
        const int off = conv_input_index(0, kw, p.sw, p.pw, p.dw);
        int lo, hi;
        valid_range(p.OW, p.W, p.sw, off, &lo, &hi);
        if (p.sw == 1) {
          const float* __restrict xs = xr + off;
          for (int ow = lo; ow < hi; ++ow) a[ow] += dyr[ow] * xs[ow];
        } else {
          for (int ow = lo; ow < hi; ++ow) a[ow] += dyr[ow] * xr[ow * p.sw + off];
        }
      }
    }
  }
}

}  // namespace

bool depthwise_applies(const ConvGeometry& g) { return g.p.groups == g.C && g.c_per_group() == 1; }

void depthwise_forward(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out) {
  const Plane p = plane_of(g);
  const int m = g.oc_per_group();
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  const int64_t planes = static_cast<int64_t>(g.N) * g.OC;
  const int64_t grain = 1 + (1 << 14) / static_cast<int64_t>(out_plane * g.KH * g.KW + 1);
  const bool s1 = g.p.stride.h == 1 && g.p.stride.w == 1;
  const Padded pd = padded_of(p);
  parallel_for(0, planes, grain, [&](int64_t lo, int64_t hi) {
    thread_local std::vector<float> xp_store;
    if (s1 && xp_store.size() < static_cast<size_t>(pd.Hp) * pd.Wp) xp_store.resize(static_cast<size_t>(pd.Hp) * pd.Wp);
    for (int64_t i = lo; i < hi; ++i) {
      const int n = static_cast<int>(i / g.OC), oc = static_cast<int>(i % g.OC), c = oc / m;
      const float* x = in + (static_cast<size_t>(n) * g.C + c) * in_plane;
      const float* wk = w + static_cast<size_t>(oc) * g.KH * g.KW;
      float* y = out + static_cast<size_t>(i) * out_plane;
      if (s1)
        plane_forward_s1(p, x, wk, b ? b[oc] : 0.0f, y, xp_store.data());
      else
        plane_forward(p, x, wk, b ? b[oc] : 0.0f, y);
    }
  });
}

void depthwise_backward(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                        float* grad_in, float* grad_w, float* grad_b) {
  const Plane p = plane_of(g);
  const int m = g.oc_per_group(), taps = g.KH * g.KW;
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  const int64_t grain = 1 + (1 << 14) / static_cast<int64_t>(out_plane * taps + 1);

  // Stride 1, one output per input channel: dX is the forward convolution of dY with the kernel
  // flipped and padding dilation*(K-1) - pad (the "full" correlation), so it reuses the
  // register-blocked forward kernel.
  Plane q = p;
  q.H = p.OH, q.W = p.OW, q.OH = p.H, q.OW = p.W;
  q.ph = p.dh * (p.KH - 1) - p.ph, q.pw = p.dw * (p.KW - 1) - p.pw;
  const bool full_corr = p.sh == 1 && p.sw == 1 && m == 1 && q.ph >= 0 && q.pw >= 0;
  if (grad_in && full_corr) {
    const Padded pd = padded_of(q);
    parallel_for(0, static_cast<int64_t>(g.N) * g.C, grain, [&](int64_t lo, int64_t hi) {
      thread_local std::vector<float> xp_store, flipped;
      if (xp_store.size() < static_cast<size_t>(pd.Hp) * pd.Wp) xp_store.resize(static_cast<size_t>(pd.Hp) * pd.Wp);
      if (flipped.size() < static_cast<size_t>(taps)) flipped.resize(taps);
      for (int64_t i = lo; i < hi; ++i) {
        const int c = static_cast<int>(i % g.C);
        const float* wk = w + static_cast<size_t>(c) * taps;
        for (int t = 0; t < taps; ++t) flipped[t] = wk[taps - 1 - t];  // (kh, kw) -> (KH-1-kh, KW-1-kw)
        plane_forward_s1(q, grad_out + static_cast<size_t>(i) * out_plane, flipped.data(), 0.0f,
                         grad_in + static_cast<size_t>(i) * in_plane, xp_store.data());
      }
    });
  } else if (grad_in) {  // one input plane per task: sums its m output channels in order
    parallel_for(0, static_cast<int64_t>(g.N) * g.C, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        const int n = static_cast<int>(i / g.C), c = static_cast<int>(i % g.C);
        float* dx = grad_in + static_cast<size_t>(i) * in_plane;
        std::memset(dx, 0, sizeof(float) * in_plane);
        for (int j = 0; j < m; ++j) {
          const int oc = c * m + j;
          plane_backward_input(p, grad_out + (static_cast<size_t>(n) * g.OC + oc) * out_plane,
                               w + static_cast<size_t>(oc) * taps, dx);
        }
      }
    });
  }
  if (grad_w || grad_b) {  // one output channel per task, images in order
    parallel_for(0, g.OC, 1, [&](int64_t lo, int64_t hi) {
      thread_local std::vector<float> acc_store;
      const size_t acc_n = static_cast<size_t>(taps + 1) * g.OW;  // taps rows + one bias row
      if (acc_store.size() < acc_n) acc_store.resize(acc_n);
      float* acc = acc_store.data();
      for (int64_t oc = lo; oc < hi; ++oc) {
        const int c = static_cast<int>(oc) / m;
        std::memset(acc, 0, sizeof(float) * acc_n);
        float* brow = acc + static_cast<size_t>(taps) * g.OW;
        for (int n = 0; n < g.N; ++n) {
          const float* dy = grad_out + (static_cast<size_t>(n) * g.OC + oc) * out_plane;
          if (grad_w) plane_backward_weight(p, dy, in + (static_cast<size_t>(n) * g.C + c) * in_plane, acc);
          if (grad_b)
            for (int oh = 0; oh < g.OH; ++oh)
              for (int ow = 0; ow < g.OW; ++ow) brow[ow] += dy[static_cast<size_t>(oh) * g.OW + ow];
        }
        if (grad_w)
          for (int t = 0; t < taps; ++t) {
            float s = 0.0f;
            for (int ow = 0; ow < g.OW; ++ow) s += acc[static_cast<size_t>(t) * g.OW + ow];
            grad_w[static_cast<size_t>(oc) * taps + t] = s;
          }
        if (grad_b) {
          float s = 0.0f;
          for (int ow = 0; ow < g.OW; ++ow) s += brow[ow];
          grad_b[oc] = s;
        }
      }
    });
  }
}

}  // namespace cs
