// backward_stepper_model.h — the kernel stepper's backward direction (no ImGui). In: the stepper's
// configuration, data and forward result, and a choice of upstream gradient dL/dY. Out: the engine's
// gradients (conv2d_backward, max/avg pool backward), the stepped accumulation (partial sums by the
// engine, products written out), the three equal views of dL/dX (scatter, full convolution with the
// rotated kernel, col2im(W^T . dL/dY)), one SGD step with the loss before and after, and a
// finite-difference gradient check. Every number comes from an engine call; this file arranges them.
#pragma once
#include <string>
#include <vector>

#include "stepper_model.h"

namespace cs::app {

// Where dL/dY comes from. Ones/Random/Custom: the loss is L = sum(g * Y), whose gradient is g
// (y.backward(g) in PyTorch). Target: L = sum((Y - T)^2), gradient 2(Y - T), which an SGD step with a
// small learning rate lowers and a large one overshoots.
enum class GradChoice : int { Ones, Random, Custom, Target };
constexpr int kGradChoiceCount = 4;
const char* grad_choice_name(GradChoice g);  // "ones", "random", "custom", "target" (state JSON, link)
bool parse_grad_choice(const std::string& name, GradChoice* out);

struct BackwardSettings {
  GradChoice grad = GradChoice::Ones;
  std::vector<float> custom;  // (OC, OH, OW): the edited dL/dY (Custom); resized with the output
  std::vector<float> target;  // (OC, OH, OW): the target output T (Target); zeros until edited
  bool operator==(const BackwardSettings& o) const {
    return grad == o.grad && custom == o.custom && target == o.target;
  }
};

// Does the mode have a backward view here? Convolutions (standard, grouped, depthwise, pointwise and
// separable's depthwise stage) and both poolings do; "" when yes, else the sentence that says why not.
std::string backward_unsupported(const StepperConfig& c);

struct BackwardResult {
  bool valid = false;
  std::string error;  // in words when !valid (the mode, a forward that has no output, a bad gradient)
  bool pool = false;  // pooling: only grad_input exists
  int OC = 0, OH = 0, OW = 0, cg = 1, groups = 1, KH = 1, KW = 1;
  Conv2dParams conv;   // the forward pass's stride, padding, dilation, groups (StepperResult::geo)
  Tensor grad_output;  // (1, OC, OH, OW) dL/dY
  Tensor target;       // (1, OC, OH, OW) Target choice only
  double loss = 0;     // the loss the gradient belongs to (engine dot_loss / mse_sum)
  Tensor grad_weight;  // (OC, C/groups, KH, KW)  conv only
  Tensor grad_bias;    // (OC)                    conv only
  Tensor grad_input;   // (1, C, H, W): the scatter view (conv2d_backward / pool backward)
  // The same dL/dX two more ways (conv only):
  Tensor dy_padded;    // (1, OC, H + D(KH-1), W + D(KW-1)): dL/dY zero-inserted for stride and padded
  Tensor w_rotated;    // (C, OC/groups, KH, KW): the kernel rotated 180 degrees, in/out channels swapped
  Tensor dx_rotated;   // conv2d_forward(dy_padded, w_rotated, dilation, groups)
  Tensor cols;         // (C*KH*KW, OH*OW) = W^T . dL/dY (engine gemm, per group)
  Tensor dx_col2im;    // col2im(cols) (engine)
  float views_max_diff = 0;  // largest |difference| between the three views
  Tensor overlap;      // (H, W): how many (output cell, tap) pairs scatter onto each input cell
  int steps = 0;       // output cells visited (OH*OW); each step visits one cell in every channel
};

// The upstream gradient for a choice: ones, seeded random integers in -2..2, the custom grid, or
// 2(Y - T) for the target. `settings` custom/target are resized to the output (kept where they fit).
BackwardResult compute_backward(const StepperConfig& c, const StepperData& d, const StepperResult& r,
                                BackwardSettings* settings);

// The accumulation after the first `step`+1 output cells (row-major): the engine's backward of
// dL/dY masked to those cells, and the products of step `step` written out for output channel `oc`.
struct BackwardStep {
  Tensor grad_weight;  // partial, conv only
  Tensor grad_input;   // partial
  std::string arithmetic;
};
BackwardStep backward_step(const StepperConfig& c, const StepperData& d, const StepperResult& r,
                           const BackwardResult& b, int oc, int step);

// One SGD step on the kernel: w -= lr * dW through the engine's SGD. Refused (weights untouched,
// `error` in words) when lr is not a positive finite number or the weights or the loss would no
// longer be finite or exceed 1e6 in size (diverged).
struct SgdReport {
  bool done = false;
  float lr = 0;
  double loss_before = 0, loss_after = 0;
  std::string error;
};
SgdReport sgd_step(const StepperConfig& c, StepperData* d, const StepperResult& r, const BackwardResult& b,
                   const BackwardSettings& settings, float lr);

// Central differences (L(w+eps) - L(w-eps)) / 2eps of the loss for every weight, by engine forward
// passes; the largest |dW - fd| / max(|dW|, |fd|, 1e-2) (below 1e-2 an absolute error: a gradient near
// 0 has no relative scale). Conv only.
struct GradCheck {
  bool done = false;
  float eps = 0.125f;  // the loss is at most quadratic in w, so the central difference is exact but for rounding
  double max_rel_error = 0;
  int worst = -1;      // flat index into grad_weight of the largest error
  std::vector<float> numeric;  // (OC, C/groups, KH, KW)
  std::string error;
};
GradCheck grad_check(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                     const BackwardSettings& settings);

// The loss of the current kernel (engine forward + the choice's loss); false when it cannot be computed.
bool backward_loss(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                   const BackwardSettings& settings, double* loss);

}  // namespace cs::app
