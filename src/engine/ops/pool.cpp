// pool.cpp — MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and global average pooling, forward and
// backward. Windows use conv_input_index() (the one index formula); the edge rules (ceil_mode
// clipping, count_include_pad, argmax ties, NaN) follow PyTorch's CPU kernels line by line.
#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../parallel.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace cs {

namespace {

Status check_pool_input(const Shape& in, const char* who) {
  if (in.size() != 4)
    return Status::error(fmt("%s expected 4D input (batch, channels, height, width), got %s", who,
                             shape_str(in).c_str()));
  for (int d : in)
    if (d < 0) return Status::error(fmt("%s: input shape %s has a negative size", who, shape_str(in).c_str()));
  if (in[2] < 1 || in[3] < 1 || in[1] < 1)
    return Status::error(fmt("%s: input %s has an empty channel or spatial dimension", who, shape_str(in).c_str()));
  if (shape_numel(in) > kMaxTensorElements)
    return Status::error(fmt("%s: input %s exceeds the tensor size limit", who, shape_str(in).c_str()));
  return Status::ok();
}

Status pool_geometry(const Shape& in, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation, bool ceil_mode,
                     const char* who, PoolGeometry* g) {
  CS_RETURN_IF_ERROR(check_pool_input(in, who));
  if (kernel.h < 1 || kernel.w < 1)
    return Status::error(fmt("%s: kernel_size must be >= 1, got %dx%d", who, kernel.h, kernel.w));
  if (stride.h == 0 && stride.w == 0) stride = kernel;  // PyTorch: stride=None means kernel_size
  if (stride.h < 1 || stride.w < 1)
    return Status::error(fmt("%s: stride must be >= 1, got %d", who, stride.h < 1 ? stride.h : stride.w));
  if (padding.h < 0 || padding.w < 0)
    return Status::error(fmt("%s: padding must be >= 0, got %d", who, padding.h < 0 ? padding.h : padding.w));
  if (dilation.h < 1 || dilation.w < 1)
    return Status::error(fmt("%s: dilation must be >= 1, got %d", who, dilation.h < 1 ? dilation.h : dilation.w));
  if (padding.h > kernel.h / 2 || padding.w > kernel.w / 2)
    return Status::error(fmt("%s: padding %dx%d must be at most half of the kernel size %dx%d (as PyTorch requires)",
                             who, padding.h, padding.w, kernel.h, kernel.w));
  const int H = in[2], W = in[3];
  long long OH = pool_output_size(H, kernel.h, stride.h, padding.h, dilation.h, ceil_mode);
  long long OW = pool_output_size(W, kernel.w, stride.w, padding.w, dilation.w, ceil_mode);
  if (OH < 1 || OW < 1)
    return Status::error(fmt("%s: input %dx%d is too small for kernel %dx%d (dilation %dx%d, padding %dx%d): "
                             "output would be %lldx%lld",
                             who, H, W, kernel.h, kernel.w, dilation.h, dilation.w, padding.h, padding.w, OH, OW));
  const long long nc = static_cast<long long>(in[0]) * in[1];
  if (OH * OW > kMaxTensorElements || (nc > 0 && OH * OW > kMaxTensorElements / nc))
    return Status::error(fmt("%s: output exceeds the tensor size limit", who));
  g->N = in[0];
  g->C = in[1];
  g->H = H;
  g->W = W;
  g->OH = static_cast<int>(OH);
  g->OW = static_cast<int>(OW);
  g->kernel = kernel;
  g->stride = stride;
  g->padding = padding;
  g->dilation = dilation;
  g->ceil_mode = ceil_mode;
  return Status::ok();
}

// Flat index (h*W + w) of the max in window (oh, ow) of one plane; -1 if no tap is inside.
// As PyTorch: strict '>' keeps the first of equal values, and a NaN always wins (propagates).
inline int window_argmax(const PoolGeometry& g, const float* plane, int oh, int ow) {
  int best = -1;
  float best_val = -std::numeric_limits<float>::infinity();
  for (int kh = 0; kh < g.kernel.h; ++kh) {
    const int ih = conv_input_index(oh, kh, g.stride.h, g.padding.h, g.dilation.h);
    if (ih < 0 || ih >= g.H) continue;  // padding is -inf: it can never be the max
    for (int kw = 0; kw < g.kernel.w; ++kw) {
      const int iw = conv_input_index(ow, kw, g.stride.w, g.padding.w, g.dilation.w);
      if (iw < 0 || iw >= g.W) continue;
      const float v = plane[ih * g.W + iw];
      if (best < 0 || v > best_val || std::isnan(v)) {
        best = ih * g.W + iw;
        best_val = v;
      }
    }
  }
  return best;
}

// PyTorch's avg_pool2d window and divisor for output (oh, ow): the window is first clipped to
// the padded input (this is what ceil_mode's overhanging windows hit), that size is the divisor
// with count_include_pad; then clipped to the input itself for the sum and the other divisor.
struct AvgWindow {
  int h0, h1, w0, w1;
  float divisor;
};
inline AvgWindow avg_window(const PoolGeometry& g, const AvgPool2dParams& p, int oh, int ow) {
  int h0 = conv_input_index(oh, 0, g.stride.h, g.padding.h, 1);
  int w0 = conv_input_index(ow, 0, g.stride.w, g.padding.w, 1);
  int h1 = std::min(h0 + g.kernel.h, g.H + g.padding.h);
  int w1 = std::min(w0 + g.kernel.w, g.W + g.padding.w);
  const int pool_size = (h1 - h0) * (w1 - w0);
  h0 = std::max(h0, 0);
  w0 = std::max(w0, 0);
  h1 = std::min(h1, g.H);
  w1 = std::min(w1, g.W);
  float divisor;
  if (p.divisor_override > 0) divisor = static_cast<float>(p.divisor_override);
  else if (p.count_include_pad) divisor = static_cast<float>(pool_size);
  else divisor = static_cast<float>((h1 - h0) * (w1 - w0));
  return {h0, h1, w0, w1, divisor};
}

// [SECTION] 2x2 stride-2 max pool fast path (M1's and DigitNet's pools): no padding, no dilation,
// every window inside the input, so each window is four loads and three compares, windows do not
// overlap, and the backward writes each input once (no zero fill, no scatter). The choice inside a
// window is window_argmax's rule in the same order (a, b / c, d): strict '>' keeps the first of
// equal values, a NaN always takes over.
bool is_pool_2x2s2(const PoolGeometry& g) {
  return g.kernel.h == 2 && g.kernel.w == 2 && g.stride.h == 2 && g.stride.w == 2 && g.padding.h == 0 &&
         g.padding.w == 0 && g.dilation.h == 1 && g.dilation.w == 1 && 2 * g.OH <= g.H && 2 * g.OW <= g.W;
}

inline bool takes_over(float v, float best) { return v > best || v != v; }

// Index 0..3 of the chosen element of window (a, b, c, d).
inline int argmax4(float a, float b, float c, float d) {
  float m = a;
  int k = 0;
  if (takes_over(b, m)) m = b, k = 1;
  if (takes_over(c, m)) m = c, k = 2;
  if (takes_over(d, m)) k = 3;
  return k;
}

// Four windows at a time on 4-lane vectors (SSE2 is baseline x86-64; wasm SIMD128): split the two
// rows into the a/b/c/d lanes, take over by masks as argmax4 does, interleave the gradients back.
// GCC does not vectorise the scalar loop (it turns the selected stores back into branches).
#if defined(__SSE2__) || defined(__wasm_simd128__)
#define CS_POOL_SIMD 1
namespace v4 {
#if defined(__SSE2__)
using V = __m128;
inline V ld(const float* p) { return _mm_loadu_ps(p); }
inline void st(float* p, V v) { _mm_storeu_ps(p, v); }
inline V even(V x, V y) { return _mm_shuffle_ps(x, y, _MM_SHUFFLE(2, 0, 2, 0)); }
inline V odd(V x, V y) { return _mm_shuffle_ps(x, y, _MM_SHUFFLE(3, 1, 3, 1)); }
inline V zip_lo(V x, V y) { return _mm_unpacklo_ps(x, y); }
inline V zip_hi(V x, V y) { return _mm_unpackhi_ps(x, y); }
inline V takes_over(V v, V best) { return _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_cmpunord_ps(v, v)); }
inline V or_(V x, V y) { return _mm_or_ps(x, y); }
inline V and_(V m, V v) { return _mm_and_ps(m, v); }
inline V and_not(V m, V v) { return _mm_andnot_ps(m, v); }  // v where m is clear
inline V sel(V m, V a, V b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
#else
using V = v128_t;
inline V ld(const float* p) { return wasm_v128_load(p); }
inline void st(float* p, V v) { wasm_v128_store(p, v); }
inline V even(V x, V y) { return wasm_i32x4_shuffle(x, y, 0, 2, 4, 6); }
inline V odd(V x, V y) { return wasm_i32x4_shuffle(x, y, 1, 3, 5, 7); }
inline V zip_lo(V x, V y) { return wasm_i32x4_shuffle(x, y, 0, 4, 1, 5); }
inline V zip_hi(V x, V y) { return wasm_i32x4_shuffle(x, y, 2, 6, 3, 7); }
inline V takes_over(V v, V best) { return wasm_v128_or(wasm_f32x4_gt(v, best), wasm_f32x4_ne(v, v)); }
inline V or_(V x, V y) { return wasm_v128_or(x, y); }
inline V and_(V m, V v) { return wasm_v128_and(m, v); }
inline V and_not(V m, V v) { return wasm_v128_andnot(v, m); }
inline V sel(V m, V a, V b) { return wasm_v128_bitselect(a, b, m); }
#endif
}  // namespace v4
#endif

void pool2x2_forward_plane(const PoolGeometry& g, const float* __restrict x, float* __restrict y,
                           int32_t* __restrict idx) {
  for (int oh = 0; oh < g.OH; ++oh) {
    const float* r0 = x + static_cast<size_t>(2 * oh) * g.W;
    const float* r1 = r0 + g.W;
    float* yr = y + static_cast<size_t>(oh) * g.OW;
    if (!idx) {
      // Value only. GCC left the scalar loop below scalar (stride-2 loads): 13 % of M1-b64.
      int ow = 0;
#if CS_POOL_SIMD
      using namespace v4;
      // The row's last group moves left to end at OW (7 = 4 + 4 overlapping by 1): the overlapped
      // outputs get the same values again, and M1's 7- and 14-wide rows need no scalar tail.
      for (; ow < g.OW && g.OW >= 4; ow += 4) {
        if (ow + 4 > g.OW) ow = g.OW - 4;
        const V r0l = ld(r0 + 2 * ow), r0h = ld(r0 + 2 * ow + 4), r1l = ld(r1 + 2 * ow), r1h = ld(r1 + 2 * ow + 4);
        const V a = even(r0l, r0h), b = odd(r0l, r0h), c = even(r1l, r1h), d = odd(r1l, r1h);
        V m = sel(takes_over(b, a), b, a);
        m = sel(takes_over(c, m), c, m);
        st(yr + ow, sel(takes_over(d, m), d, m));
      }
#endif
      for (; ow < g.OW; ++ow) {
        float m = r0[2 * ow];
        const float b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
        m = takes_over(b, m) ? b : m;
        m = takes_over(c, m) ? c : m;
        m = takes_over(d, m) ? d : m;
        yr[ow] = m;
      }
      continue;
    }
    int32_t* ir = idx + static_cast<size_t>(oh) * g.OW;
    for (int ow = 0; ow < g.OW; ++ow) {
      const float v[4] = {r0[2 * ow], r0[2 * ow + 1], r1[2 * ow], r1[2 * ow + 1]};
      const int k = argmax4(v[0], v[1], v[2], v[3]);
      yr[ow] = v[k];
      ir[ow] = (2 * oh + (k >> 1)) * g.W + 2 * ow + (k & 1);
    }
  }
}

void pool2x2_backward_plane(const PoolGeometry& g, const float* __restrict x, const float* __restrict gy,
                            float* __restrict gx) {
  // Rows/columns no window covers (odd H or W) get no gradient.
  if (2 * g.OH < g.H || 2 * g.OW < g.W) std::fill(gx, gx + static_cast<size_t>(g.H) * g.W, 0.0f);
  for (int oh = 0; oh < g.OH; ++oh) {
    const size_t o0 = static_cast<size_t>(2 * oh) * g.W;
    const float* r0 = x + o0;
    const float* r1 = r0 + g.W;
    float* g0 = gx + o0;
    float* g1 = g0 + g.W;
    const float* gr = gy + static_cast<size_t>(oh) * g.OW;
    int ow = 0;
#if CS_POOL_SIMD
    using namespace v4;
    for (; ow + 4 <= g.OW; ow += 4) {
      const V r0l = ld(r0 + 2 * ow), r0h = ld(r0 + 2 * ow + 4), r1l = ld(r1 + 2 * ow), r1h = ld(r1 + 2 * ow + 4);
      const V a = even(r0l, r0h), b = odd(r0l, r0h), c = even(r1l, r1h), d = odd(r1l, r1h);
      const V kb = takes_over(b, a);
      const V m1 = sel(kb, b, a);
      const V kc = takes_over(c, m1);
      const V kd = takes_over(d, sel(kc, c, m1));
      const V v = ld(gr + ow);
      const V ga = and_not(or_(or_(kb, kc), kd), v);
      const V gb = and_not(or_(kc, kd), and_(kb, v));
      const V gc = and_not(kd, and_(kc, v));
      const V gd = and_(kd, v);
      st(g0 + 2 * ow, zip_lo(ga, gb));
      st(g0 + 2 * ow + 4, zip_hi(ga, gb));
      st(g1 + 2 * ow, zip_lo(gc, gd));
      st(g1 + 2 * ow + 4, zip_hi(gc, gd));
    }
#endif
    for (; ow < g.OW; ++ow) {
      const int k = argmax4(r0[2 * ow], r0[2 * ow + 1], r1[2 * ow], r1[2 * ow + 1]);
      const float v = gr[ow];
      g0[2 * ow] = k == 0 ? v : 0.0f;
      g0[2 * ow + 1] = k == 1 ? v : 0.0f;
      g1[2 * ow] = k == 2 ? v : 0.0f;
      g1[2 * ow + 1] = k == 3 ? v : 0.0f;
    }
  }
}

// Planes per parallel chunk: at least ~16K input values, so small batches stay on one thread.
int64_t plane_grain(const PoolGeometry& g) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, static_cast<int64_t>(g.H) * g.W));
}

}  // namespace

Status max_pool2d_geometry(const Shape& in, const MaxPool2dParams& p, PoolGeometry* g) {
  return pool_geometry(in, p.kernel, p.stride, p.padding, p.dilation, p.ceil_mode, "MaxPool2d", g);
}

Status avg_pool2d_geometry(const Shape& in, const AvgPool2dParams& p, PoolGeometry* g) {
  if (p.divisor_override < 0)
    return Status::error(fmt("AvgPool2d: divisor_override must be > 0 (or 0 for none), got %d", p.divisor_override));
  return pool_geometry(in, p.kernel, p.stride, p.padding, Size2{1, 1}, p.ceil_mode, "AvgPool2d", g);
}

// [SECTION] MaxPool2d

// in (N,C,H,W) -> out (N,C,OH,OW)
Status max_pool2d_forward(Tensor& out, const Tensor& in, const MaxPool2dParams& p, std::vector<int32_t>* argmax) {
  PoolGeometry g;
  CS_RETURN_IF_ERROR(max_pool2d_geometry(in.shape(), p, &g));
  if (&out == &in) return Status::error("MaxPool2d: the output tensor must not alias the input");
  out.resize({g.N, g.C, g.OH, g.OW});
  if (argmax) argmax->resize(out.numel());
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  if (is_pool_2x2s2(g)) {
    parallel_for(0, static_cast<int64_t>(g.N) * g.C, plane_grain(g), [&](int64_t lo, int64_t hi) {
      for (size_t nc = static_cast<size_t>(lo); nc < static_cast<size_t>(hi); ++nc)
        pool2x2_forward_plane(g, in.data() + nc * in_plane, out.data() + nc * out_plane,
                              argmax ? argmax->data() + nc * out_plane : nullptr);
    });
    return Status::ok();
  }
  for (size_t nc = 0; nc < static_cast<size_t>(g.N) * g.C; ++nc) {
    const float* x = in.data() + nc * in_plane;
    float* y = out.data() + nc * out_plane;
    for (int oh = 0; oh < g.OH; ++oh)
      for (int ow = 0; ow < g.OW; ++ow) {
        const int best = window_argmax(g, x, oh, ow);
        const size_t o = static_cast<size_t>(oh) * g.OW + ow;
        y[o] = best >= 0 ? x[best] : -std::numeric_limits<float>::infinity();
        if (argmax) (*argmax)[nc * out_plane + o] = best;
      }
  }
  return Status::ok();
}

// grad_out (N,C,OH,OW), in (N,C,H,W) -> grad_in (N,C,H,W): each gradient goes to its window's argmax.
Status max_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in, const MaxPool2dParams& p) {
  PoolGeometry g;
  CS_RETURN_IF_ERROR(max_pool2d_geometry(in.shape(), p, &g));
  CS_RETURN_IF_ERROR(expect_shape(grad_out, {g.N, g.C, g.OH, g.OW}, "MaxPool2d backward", "grad_output"));
  if (&grad_in == &in || &grad_in == &grad_out)
    return Status::error("MaxPool2d backward: grad_input must not alias an input");
  grad_in.resize(in.shape());
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  if (is_pool_2x2s2(g)) {
    parallel_for(0, static_cast<int64_t>(g.N) * g.C, plane_grain(g), [&](int64_t lo, int64_t hi) {
      for (size_t nc = static_cast<size_t>(lo); nc < static_cast<size_t>(hi); ++nc)
        pool2x2_backward_plane(g, in.data() + nc * in_plane, grad_out.data() + nc * out_plane,
                               grad_in.data() + nc * in_plane);
    });
    return Status::ok();
  }
  grad_in.fill(0.0f);
  for (size_t nc = 0; nc < static_cast<size_t>(g.N) * g.C; ++nc) {
    const float* x = in.data() + nc * in_plane;
    const float* gy = grad_out.data() + nc * out_plane;
    float* gx = grad_in.data() + nc * in_plane;
    for (int oh = 0; oh < g.OH; ++oh)
      for (int ow = 0; ow < g.OW; ++ow) {
        const int best = window_argmax(g, x, oh, ow);
        if (best >= 0) gx[best] += gy[static_cast<size_t>(oh) * g.OW + ow];  // overlapping windows add
      }
  }
  return Status::ok();
}

// [SECTION] AvgPool2d

// in (N,C,H,W) -> out (N,C,OH,OW)
Status avg_pool2d_forward(Tensor& out, const Tensor& in, const AvgPool2dParams& p) {
  PoolGeometry g;
  CS_RETURN_IF_ERROR(avg_pool2d_geometry(in.shape(), p, &g));
  if (&out == &in) return Status::error("AvgPool2d: the output tensor must not alias the input");
  out.resize({g.N, g.C, g.OH, g.OW});
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  for (size_t nc = 0; nc < static_cast<size_t>(g.N) * g.C; ++nc) {
    const float* x = in.data() + nc * in_plane;
    float* y = out.data() + nc * out_plane;
    for (int oh = 0; oh < g.OH; ++oh)
      for (int ow = 0; ow < g.OW; ++ow) {
        const AvgWindow win = avg_window(g, p, oh, ow);
        float sum = 0.0f;
        for (int ih = win.h0; ih < win.h1; ++ih)
          for (int iw = win.w0; iw < win.w1; ++iw) sum += x[ih * g.W + iw];
        // A window entirely in the padding (possible only via ceil_mode) outputs 0, as PyTorch.
        y[static_cast<size_t>(oh) * g.OW + ow] = (win.h0 >= win.h1 || win.w0 >= win.w1) ? 0.0f : sum / win.divisor;
      }
  }
  return Status::ok();
}

Status avg_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Shape& in_shape, const AvgPool2dParams& p) {
  PoolGeometry g;
  CS_RETURN_IF_ERROR(avg_pool2d_geometry(in_shape, p, &g));
  CS_RETURN_IF_ERROR(expect_shape(grad_out, {g.N, g.C, g.OH, g.OW}, "AvgPool2d backward", "grad_output"));
  if (&grad_in == &grad_out) return Status::error("AvgPool2d backward: grad_input must not alias grad_output");
  grad_in.resize(in_shape);
  grad_in.fill(0.0f);
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  for (size_t nc = 0; nc < static_cast<size_t>(g.N) * g.C; ++nc) {
    const float* gy = grad_out.data() + nc * out_plane;
    float* gx = grad_in.data() + nc * in_plane;
    for (int oh = 0; oh < g.OH; ++oh)
      for (int ow = 0; ow < g.OW; ++ow) {
        const AvgWindow win = avg_window(g, p, oh, ow);
        const float share = gy[static_cast<size_t>(oh) * g.OW + ow] / win.divisor;
        for (int ih = win.h0; ih < win.h1; ++ih)
          for (int iw = win.w0; iw < win.w1; ++iw) gx[ih * g.W + iw] += share;
      }
  }
  return Status::ok();
}

// [SECTION] AdaptiveAvgPool2d and global average pooling

// in (N,C,H,W) -> out (N,C,output_size.h,output_size.w)
Status adaptive_avg_pool2d_forward(Tensor& out, const Tensor& in, Size2 output_size) {
  CS_RETURN_IF_ERROR(check_pool_input(in.shape(), "AdaptiveAvgPool2d"));
  if (output_size.h < 1 || output_size.w < 1)
    return Status::error(fmt("AdaptiveAvgPool2d: output_size must be >= 1, got %dx%d", output_size.h, output_size.w));
  const int N = in.dim(0), C = in.dim(1), H = in.dim(2), W = in.dim(3), OH = output_size.h, OW = output_size.w;
  const long long nc = static_cast<long long>(N) * C, plane = static_cast<long long>(OH) * OW;
  if (plane > kMaxTensorElements || (nc > 0 && plane > kMaxTensorElements / nc))
    return Status::error("AdaptiveAvgPool2d: output exceeds the tensor size limit");
  if (&out == &in) return Status::error("AdaptiveAvgPool2d: the output tensor must not alias the input");
  out.resize({N, C, OH, OW});
  for (long long i = 0; i < nc; ++i) {
    const float* x = in.data() + static_cast<size_t>(i) * H * W;
    float* y = out.data() + static_cast<size_t>(i) * static_cast<size_t>(plane);
    for (int oh = 0; oh < OH; ++oh) {
      const int h0 = adaptive_start(oh, H, OH), h1 = adaptive_end(oh, H, OH);
      for (int ow = 0; ow < OW; ++ow) {
        const int w0 = adaptive_start(ow, W, OW), w1 = adaptive_end(ow, W, OW);
        float sum = 0.0f;
        for (int ih = h0; ih < h1; ++ih)
          for (int iw = w0; iw < w1; ++iw) sum += x[ih * W + iw];
        y[oh * OW + ow] = sum / static_cast<float>((h1 - h0) * (w1 - w0));
      }
    }
  }
  return Status::ok();
}

Status adaptive_avg_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Shape& in_shape) {
  CS_RETURN_IF_ERROR(check_pool_input(in_shape, "AdaptiveAvgPool2d backward"));
  if (grad_out.rank() != 4 || grad_out.dim(0) != in_shape[0] || grad_out.dim(1) != in_shape[1] || grad_out.dim(2) < 1 ||
      grad_out.dim(3) < 1)
    return Status::error(fmt("AdaptiveAvgPool2d backward: grad_output %s does not fit input %s",
                             grad_out.shape_string().c_str(), shape_str(in_shape).c_str()));
  if (&grad_in == &grad_out) return Status::error("AdaptiveAvgPool2d backward: grad_input must not alias grad_output");
  const int N = in_shape[0], C = in_shape[1], H = in_shape[2], W = in_shape[3];
  const int OH = grad_out.dim(2), OW = grad_out.dim(3);
  grad_in.resize(in_shape);
  grad_in.fill(0.0f);
  for (size_t i = 0; i < static_cast<size_t>(N) * C; ++i) {
    const float* gy = grad_out.data() + i * OH * OW;
    float* gx = grad_in.data() + i * H * W;
    for (int oh = 0; oh < OH; ++oh) {
      const int h0 = adaptive_start(oh, H, OH), h1 = adaptive_end(oh, H, OH);
      for (int ow = 0; ow < OW; ++ow) {
        const int w0 = adaptive_start(ow, W, OW), w1 = adaptive_end(ow, W, OW);
        const float share = gy[oh * OW + ow] / static_cast<float>((h1 - h0) * (w1 - w0));
        for (int ih = h0; ih < h1; ++ih)
          for (int iw = w0; iw < w1; ++iw) gx[ih * W + iw] += share;
      }
    }
  }
  return Status::ok();
}

Status global_avg_pool2d_forward(Tensor& out, const Tensor& in) {
  return adaptive_avg_pool2d_forward(out, in, Size2{1, 1});
}

Status global_avg_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Shape& in_shape) {
  if (in_shape.size() == 4) CS_RETURN_IF_ERROR(expect_shape(grad_out, {in_shape[0], in_shape[1], 1, 1},
                                                            "global average pool backward", "grad_output"));
  return adaptive_avg_pool2d_backward(grad_in, grad_out, in_shape);
}

}  // namespace cs
