// pytorch_code_model.cpp — StepperConfig -> the PyTorch line that builds the same layer. Shapes come
// from the engine's StepperResult; this file only spells them in PyTorch's words.
#include "pytorch_code_model.h"

#include <cstddef>

#include "engine/status.h"

namespace cs::app {

namespace {

std::string pair_text(int h, int w) { return fmt("(%d, %d)", h, w); }
std::string pair_text(Size2 s) { return pair_text(s.h, s.w); }

// The geometry arguments every convolution takes, in PyTorch's keyword order.
std::string conv_args(int in, int out, int kh, int kw, Size2 stride, Size2 padding,
                      Size2 dilation, int groups, bool bias) {
  return fmt("%d, %d, kernel_size=%s, stride=%s, padding=%s, dilation=%s, groups=%d, bias=%s", in, out,
             pair_text(kh, kw).c_str(), pair_text(stride).c_str(), pair_text(padding).c_str(),
             pair_text(dilation).c_str(), groups, bias ? "True" : "False");
}

}  // namespace

std::string pytorch_layer(const StepperConfig& c, const StepperGeometry& ms) {
  const bool bias = c.bias != 0.0f;
  switch (c.mode) {
    case ConvMode::Standard:
    case ConvMode::Grouped:
    case ConvMode::Depthwise:
    case ConvMode::Pointwise:
      // Pointwise is a 1x1 kernel with the configured stride, padding and dilation (as the engine runs it).
      return "nn.Conv2d(" + conv_args(c.C, ms.OC, ms.KH, ms.KW, c.stride, c.padding, c.dilation, ms.groups, bias) + ")";
    case ConvMode::Separable:
      // The stepper animates the depthwise stage (with the bias); the pointwise stage has none.
      return "nn.Sequential(nn.Conv2d(" +
             conv_args(c.C, c.C, ms.KH, ms.KW, c.stride, c.padding, c.dilation, c.C, bias) + "), nn.Conv2d(" +
             conv_args(c.C, c.out_channels, 1, 1, Size2{1, 1}, Size2{0, 0}, Size2{1, 1}, 1, false) + "))";
    case ConvMode::Transposed:
      return fmt("nn.ConvTranspose2d(%d, %d, kernel_size=%s, stride=%s, padding=%s, output_padding=(0, 0), groups=1, "
                 "bias=%s, dilation=%s)",
                 c.C, ms.OC, pair_text(ms.KH, ms.KW).c_str(), pair_text(c.stride).c_str(),
                 pair_text(c.padding).c_str(), bias ? "True" : "False", pair_text(c.dilation).c_str());
    case ConvMode::MaxPool:
      return fmt("nn.MaxPool2d(kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=%s)",
                 pair_text(c.KH, c.KW).c_str(), pair_text(c.stride).c_str(), pair_text(c.padding).c_str(),
                 pair_text(c.dilation).c_str(), c.ceil_mode ? "True" : "False");
    case ConvMode::AvgPool:
      // The engine's AvgPool2d counts padded cells in the divisor, as PyTorch's default does.
      return fmt("nn.AvgPool2d(kernel_size=%s, stride=%s, padding=%s, ceil_mode=%s, count_include_pad=True)",
                 pair_text(c.KH, c.KW).c_str(), pair_text(c.stride).c_str(), pair_text(c.padding).c_str(),
                 c.ceil_mode ? "True" : "False");
  }
  return "";
}

std::string pytorch_output_shape(const StepperConfig& c, const StepperResult& r) {
  if (!r.valid) return "";
  // Separable: the stepper's result is the depthwise stage; the layer's output is the pointwise one.
  const int oc = c.mode == ConvMode::Separable ? c.out_channels : r.OC;
  return fmt("(1, %d, %d, %d)", oc, r.OH, r.OW);
}

std::string pytorch_line(const StepperConfig& c, const StepperResult& r) {
  std::string line = pytorch_layer(c, r.geo) + fmt("  # input (1, %d, %d, %d) -> ", c.C, c.H, c.W);
  if (r.valid) line += "output " + pytorch_output_shape(c, r);
  else line += "error: " + r.error;
  // PyTorch initialises the bias randomly; the lesson adds the same number to every output channel.
  if (r.valid && c.bias != 0.0f && !mode_is_pool(c.mode)) line += "; bias filled with " + num_text(c.bias);
  return line;
}

namespace {

// Values as a Python list, 9 significant digits (float32 round-trips), 12 to a line.
std::string float_list(const float* v, size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += i % 12 == 0 ? ",\n    " : ", ";
    out += fmt("%.9g", static_cast<double>(v[i]));
  }
  return out + "]";
}

std::string tensor_text(const float* v, size_t n, const std::string& shape) {
  return "torch.tensor(" + float_list(v, n) + ", dtype=torch.float32).reshape" + shape;
}

std::string shape_text(int a, int b, int c, int d) { return fmt("(%d, %d, %d, %d)", a, b, c, d); }

}  // namespace

std::string pytorch_script(const StepperConfig& c, const StepperData& d, const StepperResult& r) {
  const std::string line = pytorch_line(c, r);
  if (!r.valid) return line + "\n";
  const StepperGeometry& ms = r.geo;
  const bool pool = mode_is_pool(c.mode), bias = c.bias != 0.0f && !pool;
  const int cg = ms.in_per_group;
  std::string s = "import torch\nfrom torch import nn\n\n";
  s += "torch.set_printoptions(precision=4, sci_mode=False, linewidth=120)\n";
  s += "layer = " + line + "\n";
  s += "with torch.no_grad():\n";
  const size_t kk = static_cast<size_t>(ms.KH) * ms.KW;
  switch (c.mode) {
    case ConvMode::Standard:
    case ConvMode::Grouped:
    case ConvMode::Depthwise:
    case ConvMode::Pointwise:
      s += "    layer.weight.copy_(" + tensor_text(d.weight.data(), static_cast<size_t>(ms.OC) * cg * kk, shape_text(ms.OC, cg, ms.KH, ms.KW)) + ")\n";
      if (bias) s += "    layer.bias.fill_(" + fmt("%.9g", static_cast<double>(c.bias)) + ")\n";
      break;
    case ConvMode::Separable:
      s += "    layer[0].weight.copy_(" + tensor_text(d.weight.data(), static_cast<size_t>(c.C) * kk, shape_text(c.C, 1, ms.KH, ms.KW)) + ")\n";
      if (bias) s += "    layer[0].bias.fill_(" + fmt("%.9g", static_cast<double>(c.bias)) + ")\n";
      s += "    layer[1].weight.copy_(" + tensor_text(d.weight2.data(), static_cast<size_t>(c.out_channels) * c.C, shape_text(c.out_channels, c.C, 1, 1)) + ")\n";
      break;
    case ConvMode::Transposed:
      // ConvScope keeps the kernel as (out, in, KH, KW); ConvTranspose2d's weight is (in, out, KH, KW).
      s += "    layer.weight.copy_(" + tensor_text(d.weight.data(), static_cast<size_t>(ms.OC) * c.C * kk, shape_text(ms.OC, c.C, ms.KH, ms.KW)) + ".transpose(0, 1))\n";
      if (bias) s += "    layer.bias.fill_(" + fmt("%.9g", static_cast<double>(c.bias)) + ")\n";
      break;
    case ConvMode::MaxPool:
    case ConvMode::AvgPool: break;
  }
  s += "    x = " + tensor_text(d.input.data(), static_cast<size_t>(c.C) * c.H * c.W, shape_text(1, c.C, c.H, c.W)) + "\n";
  s += "    y = layer(x)\n";
  s += "print(y)\n";
  const Tensor& shown = c.mode == ConvMode::Separable ? r.pointwise_output : r.output;
  if (!shown.empty()) {
    const Shape& sh = shown.shape();
    s += "convscope = " + tensor_text(shown.data(), shown.numel(), shape_text(sh[0], sh[1], sh[2], sh[3])) + "\n";
    s += "print(\"max |torch - ConvScope| =\", (y - convscope).abs().max().item())\n";
  }
  return s;
}

}  // namespace cs::app
