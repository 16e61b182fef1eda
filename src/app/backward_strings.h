// backward_strings.h — the kernel stepper's backward direction's part of the UI string table
// (ui_strings.h includes it in CS_UI_STRINGS): the switch, the gradient choices, the stepped arithmetic,
// the three views of dL/dX, the SGD step and the gradient check.
#pragma once

// clang-format off
#define CS_BACKWARD_UI_STRINGS(X) \
  /* [kernel stepper, backward direction (backward_stepper_model.cpp, panel_backward.cpp)] */ \
  X(stepper_count_include_pad, "count_include_pad") \
  X(bwd_state_needs_backward, "%s.direction must be \"backward\" for backward_step, backward_playing, apply_sgd and grad_check") \
  X(bwd_direction_forward, "Forward") \
  X(bwd_direction_backward, "Backward") \
  X(bwd_grad_label, "dL/dY") \
  X(bwd_choice_ones, "ones: L = sum(Y)") \
  X(bwd_choice_random, "random integers g: L = sum(g*Y)") \
  X(bwd_choice_custom, "edited cells g: L = sum(g*Y)") \
  X(bwd_choice_target, "squared error to a target T: L = sum((Y-T)^2)") \
  X(bwd_lr, "learning rate") \
  X(bwd_apply_sgd, "Apply SGD step") \
  X(bwd_grad_check, "Gradient check") \
  X(bwd_loss_dot, "loss L = sum(dL/dY * Y) = %s") \
  X(bwd_loss_mse, "loss L = sum((Y - T)^2) = %s, so dL/dY = 2(Y - T)") \
  X(bwd_sgd_report, "SGD step with lr %g: kernel -= lr * dL/dW. Loss %s -> %s: %s") \
  X(bwd_sgd_lower, "it went down") \
  X(bwd_sgd_higher, "it went up: this learning rate overshoots") \
  X(bwd_check_report, "Gradient check: every dL/dW entry against (L(w+eps) - L(w-eps)) / 2eps with eps = %g: largest relative error %.2e") \
  X(bwd_cap_input, "x[%d]") \
  X(bwd_cap_dy, "dL/dY[%d]") \
  X(bwd_cap_dw, "dL/dW[%d][%d] so far") \
  X(bwd_cap_dx, "dL/dX[%d] so far") \
  X(bwd_cap_overlap, "taps per input cell") \
  X(bwd_views_title, "dL/dX three ways, equal (largest difference %g): the scatter | the full convolution of dL/dY, zero-inserted for the stride and padded, with the kernel rotated 180 degrees | col2im(W^T . dL/dY)") \
  X(bwd_view_scatter, "scatter[%d]") \
  X(bwd_view_padded, "dL/dY[%d] padded") \
  X(bwd_view_rotated, "W[%d][%d] rotated") \
  X(bwd_view_full, "full conv[%d]") \
  X(bwd_view_cols, "W^T.dL/dY %dx%d") \
  X(bwd_view_col2im, "col2im[%d]") \
  X(bwd_transposed_sentence, "The backward pass of a conv is a transposed conv with the same kernel: dL/dX = ConvTranspose2d(dL/dY, W), the same stamps as the transposed mode.") \
  X(bwd_edit_dy, "dL/dY[%d][%d,%d] (edit)") \
  X(bwd_no_transposed, "The backward view covers convolutions and pooling. A transposed convolution's input gradient is an ordinary convolution of dL/dY: the forward pass of the standard mode.") \
  X(bwd_no_forward, "No backward pass: the forward pass has no output (%s)") \
  X(bwd_arith_step, "step %d of %d: dL/dY[%d][%d,%d] = %s") \
  X(bwd_arith_dw, "dL/dW[%d] += input window x %s:") \
  X(bwd_arith_dx, "dL/dX += kernel x %s, scattered onto the input window:") \
  X(bwd_arith_dropped, " (%d taps fall in the padding: dropped)") \
  X(bwd_arith_db, "dL/db[%d] += %s, so far %s") \
  X(bwd_arith_pool_none, "this window saw only padding: its gradient goes nowhere") \
  X(bwd_arith_max, "max pooling: the window's largest input x[%d][%d,%d] = %s takes all of it (ties: the first, as PyTorch)") \
  X(bwd_arith_avg, "average pooling: each cell the window averaged gets dL/dY / %d") \
  X(bwd_arith_so_far, "dX[%d][%d,%d] so far = %s") \
  X(bwd_needs_weights, "Pooling has no weights: the SGD step and the gradient check need a convolution mode.") \
  X(bwd_lr_range, "The learning rate must be a number above 0 and at most 100, got %g") \
  X(bwd_diverged, "Diverged: this step would make the weights or the loss overflow (the learning rate is too large). The last good kernel is kept.") \
  /* end */
// clang-format on
