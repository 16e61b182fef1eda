// conv2d.cpp — Conv2d's validating entry points: check tensors and parameters once, size the
// outputs, then hand raw pointers and a ConvGeometry to the chosen algorithm.
#include "conv2d.h"

#include <cstring>

#include "activation.h"

namespace cs {

const char* conv_algo_name(ConvAlgo a) {
  switch (a) {
    case ConvAlgo::Auto: return "auto";
    case ConvAlgo::Reference: return "reference";
    case ConvAlgo::Im2col: return "im2col";
    case ConvAlgo::Winograd: return "winograd";
  }
  return "unknown";
}

bool parse_conv_algo(const char* name, ConvAlgo* out) {
  if (!name) return false;
  const ConvAlgo all[] = {ConvAlgo::Auto, ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Winograd};
  for (ConvAlgo a : all)
    if (!std::strcmp(name, conv_algo_name(a))) {
      *out = a;
      return true;
    }
  return false;
}

bool winograd_supported(const ConvGeometry& g) {
  return g.KH == 3 && g.KW == 3 && g.p.stride.h == 1 && g.p.stride.w == 1 && g.p.dilation.h == 1 &&
         g.p.dilation.w == 1;
}

namespace {

Workspace& default_workspace() {
  // One per thread so concurrent callers without their own Workspace never share scratch.
  static thread_local Workspace ws;
  return ws;
}

Status winograd_check(const ConvGeometry& g) {
  if (winograd_supported(g)) return Status::ok();
  return Status::error(fmt("Conv2d: the winograd algorithm (F(2x2,3x3)) needs a 3x3 kernel, stride 1 and dilation 1, "
                           "got kernel %dx%d, stride %d,%d, dilation %d,%d",
                           g.KH, g.KW, g.p.stride.h, g.p.stride.w, g.p.dilation.h, g.p.dilation.w));
}

}  // namespace

namespace {

Status forward_impl(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias, const Conv2dParams& p,
                    ConvAlgo algo, Workspace* ws, bool relu) {
  ConvGeometry g;
  CS_RETURN_IF_ERROR(conv2d_geometry(in.shape(), weight.shape(), p, &g, "Conv2d"));
  if (bias && !bias->empty()) CS_RETURN_IF_ERROR(expect_shape(*bias, {g.OC}, "Conv2d", "bias"));
  if (algo == ConvAlgo::Winograd) CS_RETURN_IF_ERROR(winograd_check(g));
  if (&out == &in || &out == &weight || &out == bias)
    return Status::error("Conv2d: the output tensor must not alias an input");
  out.resize({g.N, g.OC, g.OH, g.OW});
  const float* b = (bias && !bias->empty()) ? bias->data() : nullptr;
  Workspace& w = ws ? *ws : default_workspace();
  switch (algo) {
    case ConvAlgo::Reference: conv2d_forward_reference(g, in.data(), weight.data(), b, out.data()); break;
    case ConvAlgo::Im2col: conv2d_forward_im2col(g, in.data(), weight.data(), b, out.data(), w); break;
    case ConvAlgo::Winograd: conv2d_forward_winograd(g, in.data(), weight.data(), b, out.data(), w); break;
    case ConvAlgo::Auto: conv2d_forward_auto(g, in.data(), weight.data(), b, out.data(), w, relu); break;
  }
  if (relu && algo != ConvAlgo::Auto) relu_kernel(out.numel(), out.data(), out.data());
  return Status::ok();
}

}  // namespace

Status conv2d_forward(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias, const Conv2dParams& p,
                      ConvAlgo algo, Workspace* ws) {
  return forward_impl(out, in, weight, bias, p, algo, ws, false);
}

Status conv2d_forward_relu(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias,
                           const Conv2dParams& p, ConvAlgo algo, Workspace* ws) {
  return forward_impl(out, in, weight, bias, p, algo, ws, true);
}

Status conv2d_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                       const Tensor& in, const Tensor& weight, const Conv2dParams& p, ConvAlgo algo, Workspace* ws) {
  ConvGeometry g;
  CS_RETURN_IF_ERROR(conv2d_geometry(in.shape(), weight.shape(), p, &g, "Conv2d backward"));
  CS_RETURN_IF_ERROR(expect_shape(grad_out, {g.N, g.OC, g.OH, g.OW}, "Conv2d backward", "grad_output"));
  if (algo == ConvAlgo::Winograd) CS_RETURN_IF_ERROR(winograd_check(g));
  for (const Tensor* t : {grad_in, grad_weight, grad_bias})
    if (t && (t == &grad_out || t == &in || t == &weight))
      return Status::error("Conv2d backward: a gradient tensor must not alias an input");
  if (grad_in) grad_in->resize(in.shape());
  if (grad_weight) grad_weight->resize(weight.shape());
  if (grad_bias) grad_bias->resize({g.OC});
  float* gi = grad_in ? grad_in->data() : nullptr;
  float* gw = grad_weight ? grad_weight->data() : nullptr;
  float* gb = grad_bias ? grad_bias->data() : nullptr;
  Workspace& w = ws ? *ws : default_workspace();
  switch (algo) {
    case ConvAlgo::Reference:
      conv2d_backward_reference(g, grad_out.data(), in.data(), weight.data(), gi, gw, gb);
      break;
    case ConvAlgo::Im2col:
    case ConvAlgo::Winograd:
      // Winograd is a forward algorithm; the gradients of the same convolution are computed with
      // im2col + GEMM (the maths is identical, only the forward's arithmetic trick differs).
      conv2d_backward_im2col(g, grad_out.data(), in.data(), weight.data(), gi, gw, gb, w);
      break;
    case ConvAlgo::Auto:
      conv2d_backward_auto(g, grad_out.data(), in.data(), weight.data(), gi, gw, gb, w);
      break;
  }
  return Status::ok();
}

}  // namespace cs
