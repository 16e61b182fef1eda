// ab_lab_strings.h — the side-by-side training lab's part of the UI string table (ui_strings.h
// includes it in CS_UI_STRINGS).
#pragma once

// clang-format off
#define CS_AB_LAB_UI_STRINGS(X) \
  /* [side-by-side training lab (panel_ab_lab.cpp)] */ \
  X(ab_title, "Train two networks###ab-lab") \
  X(ab_menu, "Train two networks") \
  X(ab_intro, "Two small networks learn the same handwritten digits, in the same order, from the same random start. Only the settings you give each side differ, so every difference between their curves comes from those settings. A step shows each network one batch of digits and then changes its weights once.") \
  X(ab_preset, "Experiment") \
  X(ab_preset_custom, "Your own settings") \
  X(ab_preset_residual, "20 plain layers vs 20 with residual connections") \
  X(ab_preset_residual_look, "Look at the gradient strips. In the plain network the gradient that reaches the first layers is about a billion times smaller than at the top (dark rows): those layers hardly change and the loss stays near 2.30, a guess among 10 digits. The residual network adds each layer's input back to its output, which gives the gradient a short path to every layer: every row stays bright and the loss falls.") \
  X(ab_preset_batchnorm, "BatchNorm off vs on, learning rate 0.5") \
  X(ab_preset_batchnorm_look, "Plain SGD with a large learning rate. Without BatchNorm the network stalls near 2.30 and its ReLUs die (the zeros column climbs towards 100 percent). BatchNorm rescales every channel of every batch to mean 0 and variance 1, so the same learning rate trains: the loss on the right falls within a hundred steps.") \
  X(ab_preset_init, "Weights started too small vs too large") \
  X(ab_preset_init_look, "Left: every weight 0.3 times PyTorch's default. The signal shrinks at every layer, the gradient at the first layer is almost zero, nothing learns. Right: 4 times. The first loss is huge, the first update pushes every ReLU to its zero side (zeros: 100 percent) and the gradient becomes exactly 0. Training works when the signal keeps about the same size from layer to layer.") \
  X(ab_preset_same, "The same settings on both sides") \
  X(ab_preset_same_look, "Both sides have the same settings, the same starting weights and the same batches, so every number they produce is equal, bit for bit. This is what makes the other experiments fair: a difference can only come from the settings.") \
  X(ab_side_left, "A (left)") \
  X(ab_side_right, "B (right)") \
  X(ab_play, "Play") \
  X(ab_pause, "Pause") \
  X(ab_one_step, "One step") \
  X(ab_reset, "Start again") \
  X(ab_speed, "speed") \
  X(ab_speed_max, "as fast as it can") \
  X(ab_speed_n, "%d steps a second") \
  X(ab_step_counter, "Step %lld (a run stops at %lld). Batch: %d digits.") \
  X(ab_settings, "Settings of %s") \
  X(ab_depth, "conv layers") \
  X(ab_width, "channels") \
  X(ab_batch_norm, "BatchNorm") \
  X(ab_residual, "residual connections") \
  X(ab_se, "Squeeze-Excite") \
  X(ab_activation, "activation") \
  X(ab_init_scale, "init scale") \
  X(ab_learning_rate, "learning rate") \
  X(ab_optimizer, "optimizer") \
  X(ab_opt_sgd, "SGD") \
  X(ab_opt_momentum, "SGD with momentum 0.9") \
  X(ab_opt_adam, "Adam") \
  X(ab_now, "step %lld: loss %.3f, %.0f%% of the batch right") \
  X(ab_not_started, "not started: press Play or One step") \
  X(ab_diverged, "diverged at step %lld: the loss, a gradient or a weight is no longer a finite number, so this side stopped. The other side goes on.") \
  X(ab_stopped, "stopped: %s") \
  X(ab_loss_title, "Loss (cross-entropy; 2.30 is a guess among 10 digits)") \
  X(ab_axis_steps, "%lld steps") \
  X(ab_accuracy_title, "Share of each batch classified right") \
  X(ab_grad_title, "Gradient size, layer by layer. The gradient says how much the loss changes when a layer's weights change; a layer whose gradient is tiny cannot learn. Rows: conv layers, the input's at the top. Columns: steps. Colour: log10 of the size, dark 1e-12 or less, bright 1 or more.") \
  X(ab_grad_cell, "conv layer %d (%s), step %lld: gradient size %.2e") \
  X(ab_grad_cells, "conv layer %d (%s), steps %lld-%lld: mean gradient size %.2e") \
  X(ab_differ, "A and B differ only in: %s. Everything else, the starting weights and the batches are the same.") \
  X(ab_grad_now, "first layer %.1e, last layer %.1e") \
  X(ab_act_title, "What each conv layer outputs at the last step") \
  X(ab_col_layer, "layer") \
  X(ab_col_mean, "mean") \
  X(ab_col_std, "spread (std)") \
  X(ab_col_zeros, "zeros") \
  X(ab_same_yes, "Same settings on both sides: the two runs are equal bit for bit (loss, accuracy and every gradient, checked at every step).") \
  X(ab_same_no, "Same settings on both sides, yet the runs differ. Please report this: the lab should be deterministic.") \
  X(ab_digits_loading, "Fetching the training digits...") \
  X(ab_digits_failed, "The training digits could not be loaded: %s") \
  X(ab_refused, "The engine refused these settings: %s")
// clang-format on
