// conv_transpose2d.cpp — ConvTranspose2d through its adjoint Conv2d: forward = Conv2d's dX kernel
// (W^T * x, then col2im), dX = Conv2d forward of dY, dW = Conv2d's dW kernel with the roles of
// input and output gradient swapped. Validation follows PyTorch's conv_transpose2d checks.
#include "conv_transpose2d.h"

#include <cstring>

namespace cs {

namespace {

Workspace& default_workspace() {
  static thread_local Workspace ws;
  return ws;
}

}  // namespace

Status conv_transpose2d_geometry(const Shape& input, const Shape& weight, const ConvTranspose2dParams& p,
                                 ConvGeometry* g) {
  const char* who = "ConvTranspose2d";
  if (input.size() != 4)
    return Status::error(fmt("%s expected 4D input (batch, channels, height, width), got %s", who,
                             shape_str(input).c_str()));
  if (weight.size() != 4)
    return Status::error(fmt("%s expected 4D weight (in_channels, out_channels/groups, kernel_h, kernel_w), got %s",
                             who, shape_str(weight).c_str()));
  for (int d : input)
    if (d < 0) return Status::error(fmt("%s: input shape %s has a negative size", who, shape_str(input).c_str()));
  for (int d : weight)
    if (d < 1) return Status::error(fmt("%s: weight shape %s has a size < 1", who, shape_str(weight).c_str()));
  if (p.stride.h < 1 || p.stride.w < 1)
    return Status::error(fmt("%s: stride must be >= 1, got %d", who, p.stride.h < 1 ? p.stride.h : p.stride.w));
  if (p.padding.h < 0 || p.padding.w < 0)
    return Status::error(fmt("%s: padding must be >= 0, got %d", who, p.padding.h < 0 ? p.padding.h : p.padding.w));
  if (p.dilation.h < 1 || p.dilation.w < 1)
    return Status::error(fmt("%s: dilation must be >= 1, got %d", who, p.dilation.h < 1 ? p.dilation.h : p.dilation.w));
  if (p.output_padding.h < 0 || p.output_padding.w < 0)
    return Status::error(fmt("%s: output_padding must be >= 0, got %d", who,
                             p.output_padding.h < 0 ? p.output_padding.h : p.output_padding.w));
  if (p.groups < 1) return Status::error(fmt("%s: groups must be >= 1, got %d", who, p.groups));
  // PyTorch: "output padding must be smaller than either stride or dilation".
  if ((p.output_padding.h >= p.stride.h && p.output_padding.h >= p.dilation.h) ||
      (p.output_padding.w >= p.stride.w && p.output_padding.w >= p.dilation.w))
    return Status::error(fmt("%s: output_padding must be smaller than either stride or dilation, got output_padding "
                             "%d,%d, stride %d,%d, dilation %d,%d",
                             who, p.output_padding.h, p.output_padding.w, p.stride.h, p.stride.w, p.dilation.h,
                             p.dilation.w));
  const int N = input[0], Cin = input[1], H = input[2], W = input[3];
  const int KH = weight[2], KW = weight[3];
  if (Cin < 1 || H < 1 || W < 1)
    return Status::error(fmt("%s: input %s has an empty channel or spatial dimension", who, shape_str(input).c_str()));
  if (Cin % p.groups != 0)
    return Status::error(fmt("%s: in_channels %d is not divisible by groups %d", who, Cin, p.groups));
  if (weight[0] != Cin)
    return Status::error(fmt("%s: weight %s expects input with %d channels, but input %s has %d channels", who,
                             shape_str(weight).c_str(), weight[0], shape_str(input).c_str(), Cin));
  const long long Cout = static_cast<long long>(weight[1]) * p.groups;
  const long long OH = conv_transpose_output_size(H, KH, p.stride.h, p.padding.h, p.dilation.h, p.output_padding.h);
  const long long OW = conv_transpose_output_size(W, KW, p.stride.w, p.padding.w, p.dilation.w, p.output_padding.w);
  if (OH < 1 || OW < 1)
    return Status::error(fmt("%s: input %dx%d with kernel %dx%d, stride %d,%d, padding %d,%d gives an output of "
                             "%lldx%lld; it must be at least 1x1",
                             who, H, W, KH, KW, p.stride.h, p.stride.w, p.padding.h, p.padding.w, OH, OW));
  const long long cap = kMaxTensorElements;
  const long long kk = static_cast<long long>(KH) * KW, plane_in = static_cast<long long>(H) * W;
  // Ordered so that every product is of factors already known to be <= cap (no int64 overflow).
  if (shape_numel(input) > cap || shape_numel(weight) > cap || Cout > cap || OH > cap || OW > cap ||
      OH * OW > cap || N * Cout > cap || (N * Cout) * (OH * OW) > cap || Cout * kk > cap ||
      (Cout * kk) * plane_in > cap)
    return Status::error(fmt("%s: input %s with weight %s needs tensors larger than the limit of %lld elements", who,
                             shape_str(input).c_str(), shape_str(weight).c_str(), cap));
  g->N = N;
  g->C = static_cast<int>(Cout);
  g->H = static_cast<int>(OH);
  g->W = static_cast<int>(OW);
  g->OC = Cin;
  g->KH = KH;
  g->KW = KW;
  g->OH = H;  // the adjoint conv's "output" is our input; with output_padding >= stride (allowed
  g->OW = W;  // when < dilation) Conv2d's size formula would say more, so it is set, not computed
  g->p.stride = p.stride;
  g->p.padding = p.padding;
  g->p.dilation = p.dilation;
  g->p.groups = p.groups;
  return Status::ok();
}

// in (N,Cin,H,W), w (Cin, Cout/groups, KH, KW) -> out (N,Cout,OH,OW)
Status conv_transpose2d_forward(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias,
                                const ConvTranspose2dParams& p, ConvAlgo algo, Workspace* ws) {
  ConvGeometry g;
  CS_RETURN_IF_ERROR(conv_transpose2d_geometry(in.shape(), weight.shape(), p, &g));
  const bool has_bias = bias && !bias->empty();
  if (has_bias) CS_RETURN_IF_ERROR(expect_shape(*bias, {g.C}, "ConvTranspose2d", "bias"));
  if (algo == ConvAlgo::Winograd)
    return Status::error("ConvTranspose2d: the winograd algorithm is only for Conv2d; use reference, im2col or auto");
  if (&out == &in || &out == &weight || &out == bias)
    return Status::error("ConvTranspose2d: the output tensor must not alias an input");
  out.resize({g.N, g.C, g.H, g.W});
  Workspace& w = ws ? *ws : default_workspace();
  // Our input plays the adjoint conv's output gradient; our output is its input gradient.
  if (algo == ConvAlgo::Reference)
    conv2d_backward_reference(g, in.data(), nullptr, weight.data(), out.data(), nullptr, nullptr);
  else if (algo == ConvAlgo::Im2col)
    conv2d_backward_im2col(g, in.data(), nullptr, weight.data(), out.data(), nullptr, nullptr, w);
  else
    conv2d_backward_auto(g, in.data(), nullptr, weight.data(), out.data(), nullptr, nullptr, w);
  if (has_bias) {
    const size_t plane = static_cast<size_t>(g.H) * g.W;
    for (int n = 0; n < g.N; ++n)
      for (int c = 0; c < g.C; ++c) {
        float* row = out.data() + (static_cast<size_t>(n) * g.C + c) * plane;
        for (size_t i = 0; i < plane; ++i) row[i] += (*bias)[static_cast<size_t>(c)];
      }
  }
  return Status::ok();
}

Status conv_transpose2d_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                                 const Tensor& in, const Tensor& weight, const ConvTranspose2dParams& p,
                                 ConvAlgo algo, Workspace* ws) {
  ConvGeometry g;
  CS_RETURN_IF_ERROR(conv_transpose2d_geometry(in.shape(), weight.shape(), p, &g));
  CS_RETURN_IF_ERROR(expect_shape(grad_out, {g.N, g.C, g.H, g.W}, "ConvTranspose2d backward", "grad_output"));
  if (algo == ConvAlgo::Winograd)
    return Status::error("ConvTranspose2d: the winograd algorithm is only for Conv2d; use reference, im2col or auto");
  for (const Tensor* t : {grad_in, grad_weight, grad_bias})
    if (t && (t == &grad_out || t == &in || t == &weight))
      return Status::error("ConvTranspose2d backward: a gradient tensor must not alias an input");
  Workspace& w = ws ? *ws : default_workspace();
  if (grad_in) {  // dX = Conv2d(dY, W): the adjoint conv run forward
    grad_in->resize(in.shape());
    if (algo == ConvAlgo::Reference) conv2d_forward_reference(g, grad_out.data(), weight.data(), nullptr, grad_in->data());
    else if (algo == ConvAlgo::Im2col) conv2d_forward_im2col(g, grad_out.data(), weight.data(), nullptr, grad_in->data(), w);
    else conv2d_forward_auto(g, grad_out.data(), weight.data(), nullptr, grad_in->data(), w);
  }
  if (grad_weight) {  // dW: the adjoint conv's weight gradient with input dY and output gradient x
    grad_weight->resize(weight.shape());
    if (algo == ConvAlgo::Reference)
      conv2d_backward_reference(g, in.data(), grad_out.data(), weight.data(), nullptr, grad_weight->data(), nullptr);
    else if (algo == ConvAlgo::Im2col)
      conv2d_backward_im2col(g, in.data(), grad_out.data(), weight.data(), nullptr, grad_weight->data(), nullptr, w);
    else
      conv2d_backward_auto(g, in.data(), grad_out.data(), weight.data(), nullptr, grad_weight->data(), nullptr, w);
  }
  if (grad_bias) {
    grad_bias->resize({g.C});
    grad_bias->fill(0.0f);
    const size_t plane = static_cast<size_t>(g.H) * g.W;
    for (int n = 0; n < g.N; ++n)
      for (int c = 0; c < g.C; ++c) {
        const float* row = grad_out.data() + (static_cast<size_t>(n) * g.C + c) * plane;
        float s = 0.0f;
        for (size_t i = 0; i < plane; ++i) s += row[i];
        (*grad_bias)[static_cast<size_t>(c)] += s;
      }
  }
  return Status::ok();
}

}  // namespace cs
