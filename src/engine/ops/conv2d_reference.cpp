// conv2d_reference.cpp — Conv2d as the textbook nested loops: readable, slow, and the oracle every
// faster algorithm is tested against. in (N,C,H,W), w (OC, C/groups, KH, KW) -> out (N,OC,OH,OW).
#include <cstring>

#include "conv2d.h"

namespace cs {

namespace {
// Flat offsets into NCHW / OIHW storage, as size_t so big tensors cannot overflow int.
inline size_t idx4(int a, int b, int c, int d, int B, int C, int D) {
  return ((static_cast<size_t>(a) * B + b) * C + c) * D + d;
}
}  // namespace

void conv2d_forward_reference(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out) {
  const int cg = g.c_per_group(), ocg = g.oc_per_group();
  for (int n = 0; n < g.N; ++n)
    for (int oc = 0; oc < g.OC; ++oc) {
      const int group = oc / ocg;
      for (int oh = 0; oh < g.OH; ++oh)
        for (int ow = 0; ow < g.OW; ++ow) {
          float acc = b ? b[oc] : 0.0f;
          for (int ic = 0; ic < cg; ++ic) {
            const int c = group * cg + ic;  // this group's slice of the input channels
            for (int kh = 0; kh < g.KH; ++kh) {
              const int ih = conv_input_index(oh, kh, g.p.stride.h, g.p.padding.h, g.p.dilation.h);
              if (ih < 0 || ih >= g.H) continue;  // zero padding contributes nothing
              for (int kw = 0; kw < g.KW; ++kw) {
                const int iw = conv_input_index(ow, kw, g.p.stride.w, g.p.padding.w, g.p.dilation.w);
                if (iw < 0 || iw >= g.W) continue;
                acc += in[idx4(n, c, ih, iw, g.C, g.H, g.W)] * w[idx4(oc, ic, kh, kw, cg, g.KH, g.KW)];
              }
            }
          }
          out[idx4(n, oc, oh, ow, g.OC, g.OH, g.OW)] = acc;
        }
    }
}

// The same loops run backwards: every product in[...] * w[...] that fed out[...] sends grad_out
// back to both factors.
void conv2d_backward_reference(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                               float* grad_in, float* grad_w, float* grad_b) {
  const int cg = g.c_per_group(), ocg = g.oc_per_group();
  if (grad_in) std::memset(grad_in, 0, sizeof(float) * static_cast<size_t>(g.N) * g.C * g.H * g.W);
  if (grad_w) std::memset(grad_w, 0, sizeof(float) * static_cast<size_t>(g.OC) * cg * g.KH * g.KW);
  if (grad_b) std::memset(grad_b, 0, sizeof(float) * static_cast<size_t>(g.OC));
  for (int n = 0; n < g.N; ++n)
    for (int oc = 0; oc < g.OC; ++oc) {
      const int group = oc / ocg;
      for (int oh = 0; oh < g.OH; ++oh)
        for (int ow = 0; ow < g.OW; ++ow) {
          const float go = grad_out[idx4(n, oc, oh, ow, g.OC, g.OH, g.OW)];
          if (grad_b) grad_b[oc] += go;
          for (int ic = 0; ic < cg; ++ic) {
            const int c = group * cg + ic;
            for (int kh = 0; kh < g.KH; ++kh) {
              const int ih = conv_input_index(oh, kh, g.p.stride.h, g.p.padding.h, g.p.dilation.h);
              if (ih < 0 || ih >= g.H) continue;
              for (int kw = 0; kw < g.KW; ++kw) {
                const int iw = conv_input_index(ow, kw, g.p.stride.w, g.p.padding.w, g.p.dilation.w);
                if (iw < 0 || iw >= g.W) continue;
                const size_t xi = idx4(n, c, ih, iw, g.C, g.H, g.W);
                const size_t wi = idx4(oc, ic, kh, kw, cg, g.KH, g.KW);
                if (grad_in) grad_in[xi] += go * w[wi];
                if (grad_w) grad_w[wi] += go * in[xi];
              }
            }
          }
        }
    }
}

}  // namespace cs
