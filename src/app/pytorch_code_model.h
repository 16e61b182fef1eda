// pytorch_code_model.h — "Copy as PyTorch": the lesson's configuration as the one PyTorch line that
// builds the same layer, with the input and output shapes (from the engine's result) as a comment.
#pragma once
#include <string>

#include "stepper_model.h"

namespace cs::app {

// The layer expression alone, e.g. "nn.Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0),
// dilation=(1, 1), groups=1, bias=False)"; ConvTranspose2d / MaxPool2d / AvgPool2d for those modes and
// nn.Sequential(depthwise, pointwise) for separable. A non-zero lesson bias becomes bias=True.
std::string pytorch_layer(const StepperConfig& c, const StepperGeometry& g);
inline std::string pytorch_layer(const StepperConfig& c) { return pytorch_layer(c, resolve_geometry(c)); }

// One line to paste into Python: the expression, then "  # input (1, C, H, W) -> output (1, OC, OH, OW)"
// with the output shape the engine computed (r), or "-> error: <the engine's words>" when the
// configuration is impossible (PyTorch raises too). A bias value other than 1 adds its fill.
std::string pytorch_line(const StepperConfig& c, const StepperResult& r);

// The output shape the engine computed as PyTorch prints a tuple: "(1, 2, 3, 3)"; "" when invalid.
std::string pytorch_output_shape(const StepperConfig& c, const StepperResult& r);

// A whole script that reproduces the lesson's numbers: the layer, its weights (and bias) and the input
// as tensors with the values on screen, the output PyTorch computes printed, and the largest difference
// from ConvScope's engine output printed after it (separable: the pointwise stage's output). Only the
// layer line when the configuration is impossible.
std::string pytorch_script(const StepperConfig& c, const StepperData& d, const StepperResult& r);

}  // namespace cs::app
