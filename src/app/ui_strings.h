// ui_strings.h — every user-visible string of the app's panels, menus, help overlay, notices and
// tooltips, in one table looked up by a named id (S::...), so the app can be translated. English is
// the table below; a pseudo-localised table ("[Ŝţéƥ]" style, Latin-1 accents the bundled font has)
// is made from it at run time to prove that no string bypasses the table. Pure: no ImGui.
//
// Rules for entries: printf placeholders stay in the text (a translation keeps them, in order: a
// unit test checks it); widgets whose label comes from here use tr_label(), which appends a stable
// "###<id name>" so ImGui IDs (window positions in imgui.ini, the tests' item names, keyboard
// focus) never depend on the language; an entry that already ends in "###id" keeps its own id.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "a11y_strings.h"
#include "ab_lab_strings.h"
#include "backward_strings.h"
#include "blocks_strings.h"
#include "block_costs_strings.h"
#include "course_strings.h"
#include "refusal_strings.h"
#include "touch_strings.h"

namespace cs::app {

// clang-format off
#define CS_UI_STRINGS(X) \
  /* [menus, help, frame metrics, notices (app.cpp)] */ \
  X(help_title, "Keyboard shortcuts###help") \
  X(app_export_se_weights, "Export SE weights as CSV") \
  X(app_export_activation_as, "Export activation as CSV") \
  X(app_present, "Present") \
  X(app_dark_theme, "Dark theme") \
  X(app_light_theme, "Light theme") \
  X(app_high_contrast, "High contrast") \
  X(app_colour_blind_safe, "Colour-blind-safe colours (cividis)") \
  X(app_fullscreen, "Fullscreen") \
  X(app_file, "File") \
  X(app_open_image_or, "Open image or weights...") \
  X(app_open_image_or_weights, "Open image or weights (path):") \
  X(app_or_drop_a, "or drop a file on the window") \
  X(app_export_panel_as, "Export panel as PNG") \
  X(app_lessons, "Lessons") \
  X(app_digit_lab, "Digit lab") \
  X(app_view, "View") \
  X(app_frame_metrics, "Frame metrics") \
  X(app_help, "Help") \
  X(app_welcome, "Welcome") \
  X(app_keyboard_shortcuts, "Keyboard shortcuts") \
  X(menu_help_shortcut_key, "F1") \
  X(menu_zoom_out, "A-") \
  X(menu_zoom_in, "A+") \
  X(metrics_title, "Frame metrics###metrics") \
  X(app_fps_ms_frame, "%.1f fps (%.2f ms/frame)") \
  X(app_frame_cpu_time, "frame CPU time: p50 %.2f ms, p95 %.2f ms, max %.2f ms") \
  X(app_display_x_framebuffer, "display %.0f x %.0f, framebuffer scale %.1f") \
  /* [digit lab: View menu (digit_lab.cpp)] */ \
  X(lab_draw_a_digit, "Draw a digit") \
  X(lab_prediction, "Prediction") \
  X(lab_activations, "Activations") \
  X(lab_se_weights, "SE weights") \
  X(lab_training, "Training") \
  X(lab_reset_layout, "Reset layout") \
  X(lab_loading_model, "Loading the digit model\u2026") \
  X(lab_assets_failed, "Could not load the digit model (%s): %s. Press Retry to try again.") \
  X(lab_retry, "Retry") \
  /* [lessons: View menu (lessons.cpp)] */ \
  X(lessons_kernel_stepper, "Kernel stepper") \
  X(lessons_output_size, "Output size") \
  X(lessons_im2col, "im2col") \
  /* [activations panel (panel_activations.cpp)] */ \
  X(activations_tip_click_its_receptive, "(%d, %d) = %.4f\nclick: its receptive field on the input") \
  X(activations_tip_input_saliency, "(%d, %d) input %.2f, %s %.4g") \
  X(activations_tip_grad_cam, "Grad-CAM") \
  X(activations_tip_gradient, "|gradient|") \
  X(activations_tip_input_value, "(%d, %d) input %.2f") \
  X(activations_off, "off") \
  X(activations_tip_saliency_off_the, "Saliency off: the input as the network sees it.") \
  X(activations_grad_cam, "Grad-CAM") \
  X(activations_tip_grad_cam_the, "Grad-CAM: the last convolutional stage's maps weighted by how much the class score\ngrows with each (mean gradient), summed, negatives dropped, resized to 28x28.") \
  X(activations_gradient, "gradient") \
  X(activations_tip_input_gradient_d, "Input gradient: |d score / d pixel| from the backward pass:\nthe pixels whose change moves the class score most.") \
  X(activations_class, "class") \
  X(activations_class_evidence_at, "class %d evidence at '%s' (%dx%d), %.1f ms") \
  X(activations_d_logit_d, "|d logit %d / d pixel|, %.1f ms") \
  X(activations_convolution, "convolution") \
  X(activations_weight_parameters, "%s  weight %s, %lld parameters") \
  X(activations_rows_output_channels, "rows: output channels%s, columns: input channels%s; blue -%.3f .. white 0 .. red +%.3f") \
  X(activations_first_32, " (first 32)") \
  X(activations_first_16, " (first 16)") \
  X(activations_title, "Inside the network###activations") \
  X(activations_no_network, "No network: %s") \
  X(activations_input_gradient, "|input gradient|") \
  X(activations_input_28x28, "input 28x28") \
  X(activations_layer_channel, "%s ch %d") \
  X(activations_click_a_channel, "Click a channel on the right to enlarge it, then a unit to see which input pixels it reads.") \
  X(activations_choose_a_channel_below, "Choose a channel below to enlarge it, then a unit to see which input pixels it reads.") \
  X(activations_unit_reads_input, "unit (%d, %d) reads input rows %d..%d, columns %d..%d (%dx%d)") \
  X(activations_and_through_s, "and, through %s's channel scales (a mean over the whole map), weakly every pixel") \
  X(activations_digitnet_parameters, "DigitNet: %lld parameters") \
  X(activations_show_filters, "show filters") \
  X(activations_draw_a_digit, "Draw a digit or pick one from the gallery.") \
  X(activations_tip_channel, "%s channel %d") \
  /* [draw_pad panel (panel_draw_pad.cpp)] */ \
  X(draw_pad_mnist_test_digit, "MNIST test digit:") \
  X(draw_pad_already_28x28, "already 28x28") \
  X(draw_pad_box_x_at, "box %dx%d at (%d,%d)") \
  X(draw_pad_shift_ms, "shift (%+d, %+d)  %.2f ms") \
  X(draw_pad_gallery_unavailable, "Gallery unavailable: %s") \
  X(draw_pad_gallery_mnist_test, "Gallery: %d MNIST test digits, click one to classify it") \
  X(draw_pad_tip_test_digit_mnist, "test digit #%d (MNIST t10k #%u), label %d") \
  X(draw_pad_title, "Draw a digit###draw-pad") \
  X(draw_pad_undo, "Undo") \
  X(draw_pad_clear, "Clear") \
  X(draw_pad_brush, "brush") \
  X(draw_pad_brush_format, "%.0f px") \
  X(draw_pad_tip_draw_with_the, "Draw with the mouse, a pen or a finger. Ctrl+Z undoes, Delete clears.\nThe network sees the 28x28 on the right, made as MNIST's digits were.") \
  /* [home panel (panel_home.cpp)] */ \
  X(home_title, "Welcome to ConvScope###home") \
  X(home_convscope_teaches_convolution, "ConvScope teaches convolution by showing it: every number on screen comes from the same C++ engine that runs natively and here in WebAssembly.") \
  X(home_try_me, "Try me###home-button") \
  X(home_clicked_time, "clicked %d time%s") \
  X(home_plural_s, "s") \
  X(home_value, "value###home-slider") \
  X(home_device_pixel_ratio, "device pixel ratio %.2f · %s") \
  X(home_browser_webgl2, "browser (WebGL2)") \
  X(home_desktop_opengl_3, "desktop (OpenGL 3)") \
  /* [im2col panel (panel_im2col.cpp)] */ \
  X(im2col_patches_as_columns, "patches as columns (C*K*K x Ho*Wo: torch unfold, Caffe)") \
  X(im2col_patches_as_rows, "patches as rows (Ho*Wo x C*K*K: TinyTorch)") \
  X(im2col_no_column_matrix, "No column matrix:") \
  X(im2col_column_matrix_x, "%s (%d, %d, %d) -> column matrix %d x %d") \
  X(im2col_zero_inserted_input, "zero-inserted input") \
  X(im2col_input, "input") \
  X(im2col_bytes_vs_bytes, "%lld bytes vs %lld bytes of input: x%.2f") \
  X(im2col_gemm_x_x, "GEMM (%d x %d) x (%d x %d) -> (%d, %d, %d); max |GEMM - conv2d| = %.2g") \
  X(im2col_pooling_each_column, "pooling: each column is reduced by %s instead of a GEMM") \
  X(im2col_max, "max") \
  X(im2col_mean, "mean") \
  X(im2col_backward_col2im_adds, "Backward: col2im adds every column back onto the patch it came from (a scatter-add, the adjoint of im2col). A pixel copied into k columns receives k gradient contributions:") \
  X(im2col_no_column_matrix_2, "no column matrix") \
  X(im2col_winograd_f_2x2, "Winograd F(2x2,3x3) at output [%d..%d, %d..%d] (channel 0, filter 0): Y = A^T [(G g G^T) * (B^T d B)] A. 16 multiplications instead of 36 (4 outputs x 9 taps).") \
  X(im2col_max_winograd_direct, "max |Winograd - direct| = %.2g") \
  X(im2col_page_or_program, "page or program") \
  X(im2col_size, "size") \
  X(im2col_size_format, "%d") \
  X(im2col_measure, "Measure") \
  X(im2col_title, "im2col###im2col") \
  X(im2col_column_matrix, "Column matrix") \
  X(im2col_col2im, "col2im") \
  X(im2col_winograd, "Winograd") \
  X(im2col_timing, "Timing") \
  /* the tabs' labels on a phone-wide panel */ \
  X(im2col_tab_matrix, "Matrix") \
  X(im2col_tab_timing, "Timing") \
  /* [output_size panel (panel_output_size.cpp)] */ \
  X(output_size_height_format, "H %d") \
  X(output_size_width_format, "W %d") \
  X(output_size_out_formula, "%s_out = %s") \
  X(output_size_out_error, "%s_out: %s") \
  X(output_size_no_output, "no output") \
  X(output_size_h_and_w, "H and W apart") \
  X(output_size_mode, "mode: %s") \
  X(output_size_ceil_mode, "ceil_mode") \
  X(output_size_output_x_engine, "output: %d x %d  (engine)") \
  X(output_size_no_same_padding, "no \"same\" padding: it needs stride 1 and an even D(K-1)") \
  X(output_size_input_red_never, "input: red = never read by any window") \
  X(output_size_the_stepper_s, "The stepper's kernel, stride, padding and dilation on a %dx%d input, with these channel counts:") \
  X(output_size_in_ch, "in ch") \
  X(output_size_out_ch, "out ch") \
  X(output_size_groups, "groups") \
  X(output_size_batch, "batch") \
  X(output_size_layer, "layer") \
  X(output_size_params_bias, "params (+bias)") \
  X(output_size_params_no_bias, "params (no bias)") \
  X(output_size_macs, "MACs") \
  X(output_size_output_bytes, "output bytes") \
  X(output_size_separable_bytes_include, "separable bytes include the depthwise intermediate; 1 MAC = 1 multiply + 1 add") \
  X(output_size_col_kernel, "k") \
  X(output_size_col_stride, "s") \
  X(output_size_col_dilation, "d") \
  X(output_size_col_padding, "p") \
  X(output_size_rf_jump, "RF / jump") \
  X(output_size_pool, "pool") \
  X(output_size_conv, "conv") \
  X(output_size_remove_layer, "x") \
  X(output_size_conv_3x3, "+ conv 3x3") \
  X(output_size_pool_2x2_s2, "+ pool 2x2 s2") \
  X(output_size_the_same_layer, "The same layer in PyTorch, with the input and output shapes ConvScope's engine computed:") \
  X(output_size_copy_as_pytorch, "Copy as PyTorch") \
  X(output_size_title, "Output size###output-size") \
  X(output_size_formula, "Formula") \
  X(output_size_cost, "Cost") \
  X(output_size_receptive_field, "Receptive field") \
  X(output_size_pytorch, "PyTorch") \
  /* [prediction panel (panel_prediction.cpp)] */ \
  X(prediction_title, "Prediction###prediction") \
  X(prediction_no_network, "No network: %s") \
  X(prediction_tip_one_forward_pass, "One forward pass of DigitNet on one 28x28 digit (batch 1), timed around the\nengine call in this app. Preprocessing of the drawing: %.2f ms.") \
  X(prediction_computing, "computing...") \
  X(prediction_draw_a_digit, "Draw a digit or pick one from the gallery.") \
  X(prediction_percent_sure, "%.1f%% sure") \
  X(prediction_label_right, "label %d: right") \
  X(prediction_label_wrong, "label %d: wrong") \
  X(prediction_from_the_opened, "from the opened photo") \
  X(prediction_from_your_drawing, "from your drawing") \
  /* [se_weights panel (panel_se_weights.cpp)] */ \
  X(se_weights_channel, "%s channel %d") \
  X(se_weights_digit_mean_sd, "digit %d: mean %.3f  sd %.3f") \
  X(se_weights_activation_map_x, "activation map (%dx%d) for the current input, %.2f..%.2f") \
  X(se_weights_overridden_excitation_set, "overridden: excitation set to %.2f") \
  X(se_weights_click_switch_off, "click: switch off / on") \
  X(se_weights_title, "SE weights per digit###se-weights") \
  X(se_weights_this_network_has, "This network has no SE blocks.") \
  X(se_weights_se_block, "SE block") \
  X(se_weights_sort_by_variance, "sort by variance") \
  X(se_weights_measuring_the_excitations, "Measuring the excitations on %d bundled test digits...") \
  X(se_weights_mean_excitation_per, "mean excitation per digit over %d test digits (%s); test accuracy %.1f%%%s") \
  X(se_weights_current_weights, "current weights") \
  X(se_weights_updating, "updating") \
  X(se_weights_columns_by_variance, "; columns by variance") \
  X(se_weights_orange_this_input, "orange: this input's excitation; band: mean +- sd of digit %d") \
  X(se_weights_release_all, "release all") \
  /* [stepper panel (panel_stepper.cpp)] */ \
  X(stepper_channels, "channels") \
  X(stepper_out_ch, "out ch") \
  X(stepper_groups, "groups") \
  X(stepper_ceil_mode, "ceil_mode") \
  X(stepper_bias, "bias") \
  X(stepper_new_random, "new random") \
  X(stepper_digit, "digit") \
  X(stepper_as_zero_insertion, "as zero-insertion + conv") \
  X(stepper_pause, "Pause") \
  X(stepper_play, "Play") \
  X(stepper_timeline_format, "step %d") \
  X(stepper_speed, "speed") \
  X(stepper_speed_format, "%.1f/s") \
  X(stepper_pinned_a_padding, "pinned: a padding cell (always %s)") \
  X(stepper_minus_infinity, "-inf") \
  X(stepper_pinned_output_click, "pinned output [%d,%d]: click it again to unpin") \
  X(stepper_hover_a_cell, "hover a cell to trace it; click to pin (and edit inputs/weights)") \
  X(stepper_no_output, "No output: %s") \
  X(stepper_stamp_of_input, "stamp %d of %d: input cell [%d,%d]") \
  X(stepper_position_of_output, "position %d of %d: output[%d][%d,%d] = %s") \
  X(stepper_multiplies_depthwise_pointwise, "multiplies: depthwise %lld + pointwise %lld = %lld vs standard %lld") \
  X(stepper_convtranspose2d_vs_zero, "ConvTranspose2d vs zero-insertion + padding + conv with the flipped kernel: max |diff| = %.2g") \
  X(stepper_title, "Kernel stepper###stepper") \
  /* [training panel (panel_training.cpp)] */ \
  X(training_title, "Train it live###training") \
  X(training_resume, "Resume") \
  X(training_train, "Train") \
  X(training_pause, "Pause") \
  X(training_from_scratch, "From scratch") \
  X(training_tip_fresh_random_weights, "Fresh random weights, then train (the shipped weights stay in the app).") \
  X(training_reset_to_shipped, "Reset to shipped") \
  X(training_learning_rate, "learning rate") \
  X(training_budget, "budget") \
  X(training_budget_format, "%d ms") \
  X(training_tip_training_time_per, "Training time per frame: the page keeps drawing in between.") \
  X(training_loss_accuracy_last, "loss %.4f   accuracy %.1f%% (last %d batches)") \
  X(training_ms_of_training, "%.1f ms of training in the last frame; %d digits, batch %d, Adam") \
  X(training_loss, "loss") \
  X(training_accuracy, "accuracy") \
  X(training_train_runs_digitnet, "Train runs DigitNet's backward pass and Adam on %d bundled MNIST training digits, a few steps per frame. Watch the SE heatmap and the filters change as it learns.") \
  /* [menus, help, frame metrics, notices (app.cpp)] */ \
  X(notice_open_too_large, "Could not open %s: %zu MiB is larger than the 64 MiB limit; nothing was changed.") \
  X(notice_open_empty, "Could not open %s: the file is empty; nothing was changed.") \
  X(notice_open_failed, "Could not open %s: %s; nothing was changed.") \
  X(notice_opened_image, "Opened %s (%dx%d)") \
  X(notice_not_image_or_weights, "%s is not a PNG, JPEG or BMP image nor a .safetensors weights file; nothing was changed.") \
  X(help_privacy, "Privacy: this page talks to no server but the one it came from (its Content-Security-Policy forbids every other), sends nothing about you, and keeps nothing in your browser but its own files, cached so it works offline, and your settings (the language you chose).") \
  X(help_keys_f1, "F1") \
  X(help_what_f1, "show or hide this help") \
  X(help_keys_tab, "Tab / Shift+Tab") \
  X(help_what_tab, "next / previous number field: type a value, Enter") \
  X(help_keys_space, "Space / Enter") \
  X(help_what_space, "press the focused button") \
  X(help_keys_ctrl_tab, "Ctrl+Tab") \
  X(help_what_ctrl_tab, "switch between panels (hold Ctrl, Tab again for the next)") \
  X(help_keys_arrows, "Arrows (in a panel)") \
  X(help_what_arrows, "move between its widgets; Space activates, arrows change a slider, Esc ends") \
  X(help_keys_stepper_tab, "Tab (stepper)") \
  X(help_what_stepper_tab, "to its controls: arrows move between the drop-downs and sliders, Space opens a drop-down") \
  X(help_keys_stepper_esc, "Esc (stepper controls)") \
  X(help_what_stepper_esc, "back to stepping with the keys below") \
  X(help_keys_stepper_space, "Space (stepper)") \
  X(help_what_stepper_space, "play / pause the kernel animation") \
  X(help_keys_stepper_left_right, "Left / Right (stepper)") \
  X(help_what_stepper_left_right, "step back / forward") \
  X(help_keys_stepper_up_down, "Up / Down (stepper)") \
  X(help_what_stepper_up_down, "one output row back / forward") \
  X(help_keys_stepper_home_end, "Home / End (stepper)") \
  X(help_what_stepper_home_end, "first / last position") \
  X(help_keys_pad_undo, "Ctrl+Z (draw pad)") \
  X(help_what_pad_undo, "undo the last stroke") \
  X(help_keys_pad_clear, "Delete (draw pad)") \
  X(help_what_pad_clear, "clear the drawing") \
  X(help_keys_zoom, "Ctrl + / Ctrl -") \
  X(help_what_zoom, "browser zoom (left to the browser)") \
  X(help_keys_f11, "F11") \
  X(help_what_f11, "browser fullscreen (or Present > Fullscreen)") \
  X(notice_link_opened, "Opened the lesson from the link") \
  X(notice_link_ignored, "The link in the address bar was ignored (%s); the lesson was left as it was.") \
  X(notice_export_failed, "Could not export %s: %s") \
  X(notice_export_se_no_network, "Could not export SE weights: the network is not loaded") \
  X(notice_export_se_no_block, "Could not export SE weights: block %d does not exist (the network has %zu)") \
  X(notice_export_activation_no_network, "Could not export an activation: the network is not loaded") \
  /* [the platform's save and open notices (platform_web.cpp, platform_desktop.cpp); a save that fails says notice_export_failed] */ \
  X(notice_saved_download, "Saved %s (download)") \
  X(notice_saved_file, "Saved %s") \
  X(notice_save_incomplete, "not every byte could be written") \
  X(notice_export_off_screen, "Nothing to export: %s is off screen.") \
  X(notice_export_activation_no_layer, "Could not export an activation: layer %d is not recorded (draw or pick a digit first; %zu layers)") \
  X(app_export_se_block_item, "%s (%d channels x 10 digits)") \
  X(app_size_x1, "Size x1") \
  X(app_size_x1_5, "Size x1.5 (projector)") \
  X(app_size_x2, "Size x2 (large hall)") \
  X(app_language, "Language") \
  X(app_language_english, "English") \
  X(app_language_pseudo, "Pseudo-localised (translation test)") \
  X(app_language_spanish, "Español") \
  X(app_language_german, "Deutsch") \
  X(app_language_chinese, "Chinese (Simplified)") \
  X(api_language_names, "%s must be \"english\", \"spanish\", \"german\", \"chinese\" or \"pseudo\", got %s") \
  X(app_language_loading, "Loading the language file %s\u2026") \
  X(app_language_failed, "Could not load the language file %s: %s. The page stays in %s.") \
  X(app_language_incomplete, "The language file %s has %d problems (English shown for those): %s") \
  /* [digit lab: View menu (digit_lab.cpp)] */ \
  X(notice_digits_unreadable, "Bundled digits unreadable: %s") \
  X(notice_digitnet_error, "DigitNet: %s") \
  /* [stepper panel (panel_stepper.cpp)] */ \
  X(stepper_mode, "mode") \
  X(stepper_input, "input") \
  X(stepper_kernel_preset, "kernel") \
  X(stepper_size, "size") \
  X(stepper_kernel_size, "kernel") \
  X(stepper_stride, "stride") \
  X(stepper_padding, "pad") \
  X(stepper_dilation, "dilation") \
  /* [activations panel (panel_activations.cpp)] */ \
  X(activations_class_predicted_format, "predicted (%d)") \
  X(activations_class_format, "class %d") \
  /* [draw_pad panel (panel_draw_pad.cpp)] */ \
  X(draw_pad_gallery_digit_label, "test digit #%d, label %d") \
  X(draw_pad_draw_to_replace, "draw to replace it") \
  X(draw_pad_hint, "draw a digit 0-9 here") \
  X(draw_pad_step_input, "the input") \
  X(draw_pad_step_tip_input, "Gallery digits are MNIST's own: no preprocessing.") \
  X(draw_pad_step_ink, "1 ink box") \
  X(draw_pad_step_tip_ink, "1. Ink found and normalised (paper 0, ink 1), specks removed;\n   orange: the ink's bounding box.") \
  X(draw_pad_step_fit20, "2 in 20x20") \
  X(draw_pad_step_tip_fit20, "2. The box fitted into 20x20 keeping its aspect ratio\n   (area resampling, as MNIST was made).") \
  X(draw_pad_step_centre, "3 centre") \
  X(draw_pad_step_tip_centre, "3. The 20x20 centred in 28x28: its centre of mass (orange) is moved\n   to MNIST's (14, 14) (blue ring) by an integer shift.") \
  X(draw_pad_step_digit, "4 28x28") \
  X(draw_pad_step_tip_digit, "4. What DigitNet sees: 28x28, ink 1 on 0.") \
  /* [im2col panel (panel_im2col.cpp)] */ \
  X(im2col_caption_patches_as_rows, "patches as rows") \
  X(im2col_caption_column_matrix, "column matrix") \
  X(im2col_caption_output_transposed, "= output^T") \
  X(im2col_caption_output, "= output") \
  X(im2col_winograd_d_tile, "d (4x4 tile)") \
  X(im2col_winograd_m, "M = U * V (16 mults)") \
  X(im2col_winograd_direct, "direct (36 mults)") \
  X(im2col_winograd_engine, "engine Winograd conv") \
  /* [home panel (panel_home.cpp)] */ \
  X(home_legend_viridis, "viridis (activations)") \
  X(home_legend_diverging, "diverging (weights)") \
  X(home_legend_cividis, "cividis (colour-blind safe)") \
  /* [output_size panel (panel_output_size.cpp)] */ \
  X(output_size_slider_input, "input") \
  X(output_size_slider_kernel, "kernel") \
  X(output_size_slider_padding, "padding") \
  X(output_size_slider_stride, "stride") \
  X(output_size_slider_dilation, "dilation") \
  X(output_size_use_same_padding, "Use \"same\" padding (%d, %d)") \
  X(notice_copied_pytorch, "Copied the PyTorch line") \
  /* [prediction panel (panel_prediction.cpp)] */ \
  X(prediction_inference_ms, "inference %.2f ms") \
  /* [se_weights panel (panel_se_weights.cpp)] */ \
  X(se_weights_block_item, "%s (%d channels)") \
  X(se_weights_clamp_channel, "clamp channel %d") \
  /* [stepper panel (panel_stepper.cpp)] */ \
  X(stepper_caption_zero_inserted, "zero-inserted + padded input ch%d (%dx%d)") \
  X(stepper_caption_input_small, "input (small) ch%d %dx%d") \
  X(stepper_caption_input, "input ch%d %dx%d%s") \
  X(stepper_caption_plus_padding, " + padding") \
  X(stepper_caption_output_large, "output (large) ch%d %dx%d, %d/%d stamps") \
  X(stepper_pinned_input, "input[ch%d][%d,%d] (pinned; click again to unpin)") \
  X(stepper_pinned_weight, "weight[%d][%d][%d,%d] (pinned; click again to unpin)") \
  X(stepper_caption_depthwise_out, "depthwise out") \
  X(stepper_caption_flip, "flip ") \
  /* [training panel (panel_training.cpp)] */ \
  X(training_progress_format, "step %lld / %d  (epoch %.2f)") \
  /* [stepper panel (panel_stepper.cpp)] */ \
  X(stepper_caption_output, "output") \
  /* [training panel (panel_training.cpp)] */ \
  X(training_loading_digits, "Loading the training digits\u2026") \
  /* [stepper panel (panel_stepper.cpp)] */ \
  X(stepper_mode_standard, "Standard") \
  X(stepper_mode_grouped, "Grouped") \
  X(stepper_mode_depthwise, "Depthwise") \
  X(stepper_mode_pointwise, "Pointwise 1x1") \
  X(stepper_mode_separable, "Depthwise-separable") \
  X(stepper_mode_transposed, "Transposed: input (small) -> output (large)") \
  X(stepper_mode_maxpool, "Max pooling") \
  X(stepper_mode_avgpool, "Average pooling") \
  X(stepper_input_classic, "classic") \
  X(stepper_input_random, "random") \
  X(stepper_input_counting, "counting") \
  X(stepper_input_digit, "digit") \
  X(stepper_input_image, "image") \
  X(stepper_input_custom, "custom") \
  X(stepper_kernel_identity, "identity") \
  X(stepper_kernel_box, "box") \
  X(stepper_kernel_gaussian, "gaussian") \
  X(stepper_kernel_sharpen, "sharpen") \
  X(stepper_kernel_sobel_x, "sobel-x") \
  X(stepper_kernel_sobel_y, "sobel-y") \
  X(stepper_kernel_laplacian, "laplacian") \
  X(stepper_kernel_cross, "cross") \
  X(stepper_kernel_random, "random") \
  X(stepper_kernel_custom, "custom") \
  X(stepper_kernel_learned, "learned") \
  /* [text built by the model layer: stepper notes, explanations and arithmetic (stepper_model.cpp)] */ \
  X(model_note_fixed3_cropped, "%s is a 3x3 kernel: cropped into %dx%d with zeros") \
  X(model_note_fixed3_centred, "%s is a 3x3 kernel: centred into %dx%d with zeros") \
  X(model_note_no_centre, "a %dx%d kernel has no centre: the 1 sits just below-right of it") \
  X(model_note_learned_cropped, "the learned filters are %dx%d: cropped into %dx%d") \
  X(model_note_learned_centred, "the learned filters are %dx%d: centred into %dx%d") \
  X(model_kernel_sharpen, "Sharpen") \
  X(model_kernel_sobel_x, "Sobel x") \
  X(model_kernel_sobel_y, "Sobel y") \
  X(model_kernel_laplacian, "Laplacian") \
  X(model_kernel_identity, "Identity") \
  X(model_explain_stride0, "A stride of 0 never moves the kernel: there would be no next position, so the output size is undefined.") \
  X(model_explain_dilation0, "A dilation of 0 would put every kernel tap on the same pixel; dilation 1 is the ordinary dense kernel.") \
  X(model_explain_groups, "Grouped convolution splits the %d input channels and the output channels into %d equal groups; both counts must be multiples of the number of groups.") \
  X(model_explain_too_large, "The kernel does not fit inside the padded input at any position, so there is no output at all. Add padding, or use a smaller kernel or dilation.") \
  X(model_explain_pool_padding, "Pooling padding may be at most half the kernel: otherwise a window could lie entirely in the padding.") \
  X(model_explain_transposed_padding, "In a transposed convolution padding removes rows and columns from the border of the stamped result; with this much padding nothing (or less than nothing) is left. Use less padding.") \
  X(model_arith_stamps, "in[%d][%d,%d] = %s stamps %s x kernel[%d][%d] onto output") \
  X(model_arith_all_cropped, ": every stamped cell falls in the cropped border") \
  X(model_arith_rows_cols, " rows %d..%d, cols %d..%d:") \
  X(model_arith_after_stamps, "output[%d] after %d of %d stamps:") \
  X(model_arith_channel, "ch%d: ") \
  X(model_arith_sum, "sum: ") \
  X(model_arith_bias, " + bias ") \
  X(model_arith_pointwise, "pointwise (1x1 across channels) -> out[%d]: ") \
  /* [output size explanations (output_size_model.cpp)] */ \
  X(model_why_transposed_stride0, "A stride of 0 would stamp every input cell onto the same place: there is no output size.") \
  X(model_why_transposed_dilation0, "A dilation of 0 would put every kernel tap on the same output cell.") \
  X(model_why_transposed_cropped, "Padding %d crops more than the %lld stamped cells: nothing is left.") \
  X(model_why_division_by_0, " = division by 0") \
  X(model_why_stride0, "A stride of 0 never moves the kernel: the division by the stride has no answer, so there is no output size.") \
  X(model_why_dilation0, "A dilation of 0 would put every tap of the kernel on the same pixel; the smallest dilation is 1.") \
  X(model_why_fits_nowhere_rows, "The kernel spans %lld rows (dilated) but the padded input has only %lld: it fits nowhere, so there is no output.") \
  X(model_why_fits_nowhere_columns, "The kernel spans %lld columns (dilated) but the padded input has only %lld: it fits nowhere, so there is no output.") \
  X(model_why_floor_rows, "%lld / %d is not exact: the last window covers input rows %lld..%lld, one more step of %d would run past the padded input, so floor() drops it") \
  X(model_why_floor_columns, "%lld / %d is not exact: the last window covers input columns %lld..%lld, one more step of %d would run past the padded input, so floor() drops it") \
  X(model_why_never_read_row, " and 1 input row is never read.") \
  X(model_why_never_read_rows, " and %zu input rows are never read.") \
  X(model_why_never_read_column, " and 1 input column is never read.") \
  X(model_why_never_read_columns, " and %zu input columns are never read.") \
  X(model_why_only_padding, " (only padding is lost).") \
  X(model_why_ceil, "%lld / %d is not exact: ceil_mode keeps a last, partial window that hangs over the border.") \
  X(model_why_gaps_rows, "Stride %d and dilation %d skip %zu input rows: the dilation gaps are never filled by a later window.") \
  X(model_cost_not_divisible, "%d input and %d output channels are not both divisible by %d groups") \
  X(model_why_gaps_columns, "Stride %d and dilation %d skip %zu input columns: the dilation gaps are never filled by a later window.") \
  /* [im2col / Winograd explanations (im2col_model.cpp)] */ \
  X(model_im2col_ceil_mismatch, "im2col gives %d positions but the output has %dx%d (ceil_mode keeps a partial window im2col does not make)") \
  X(model_winograd_not_conv, "Winograd applies to ordinary convolutions (not pooling or transposed mode).") \
  X(model_winograd_needs_3x3, "Winograd F(2x2,3x3) needs a 3x3 kernel, stride 1 and dilation 1 (now %dx%d, stride %dx%d, dilation %dx%d).") \
  X(model_winograd_too_small, "A Winograd tile makes a 2x2 output block; this output is smaller than 2x2.") \
  X(model_winograd_refused, "the engine refused the tile convolution") \
  /* [draw pad: why there is no digit (draw_pad_model.cpp, from the engine's digit_input reasons)] */ \
  X(model_no_ink_empty, "no ink: the image is empty") \
  X(model_no_ink_contrast, "no ink: nothing stands out from the background (contrast %.3f < %.3f)") \
  X(model_no_ink_noise, "no ink: no ink pixels after noise removal") \
  X(model_no_ink_vanished, "no ink: the ink vanished when fitted into 20x20") \
  X(model_no_ink_other, "no ink: %s") \
  /* [captions drawn by panels (panel_stepper.cpp, panel_im2col.cpp)] */ \
  X(caption_channel, "ch%d") \
  X(caption_weight_channel, "%s%d ch%d") \
  X(caption_weight_prefix, "w") \
  X(caption_depthwise_out_channel, "%s ch%d %dx%d") \
  X(caption_ms, "%.3f ms") \
  CS_REFUSAL_UI_STRINGS(X) /* refusals: links, digits.bin, setState (refusal_strings.h) */ \
  /* [SE weights panel (panel_se_weights.cpp): the legend before any digit is predicted] */ \
  X(se_weights_orange_no_digit, "no digit yet: draw or pick one to see its excitation here") \
  /* [stepper panel (panel_stepper.cpp): captions of the extra column] */ \
  X(stepper_caption_pointwise_out, "pointwise out ch%d") \
  X(stepper_caption_overlap, "overlap count (stamps per cell)") \
  /* [training digits notice (app.cpp)] */ \
  /* [digit lab: opened weights, the photo on the pad, the empty pad, the SE pass while training */ \
  /*  (digit_lab.cpp, panel_prediction.cpp, panel_draw_pad.cpp, panel_se_weights.cpp)] */ \
  X(notice_weights_loaded, "Loaded weights %s: DigitNet predicts with them now.") \
  X(notice_weights_refused, "Kept the current weights: %s cannot be DigitNet's weights (%s).") \
  X(notice_weights_waiting, "Weights %s will be loaded as soon as the digit model has arrived.") \
  X(prediction_weights_shipped, "Weights: shipped (%s)") \
  X(prediction_weights_file, "Weights: %s (opened)") \
  X(prediction_weights_scratch, "Weights: a random start") \
  X(prediction_weights_trained, ", then %lld training steps") \
  X(prediction_use_shipped, "Use the shipped weights") \
  X(prediction_weights_refused, "Refused, weights kept: %s") \
  X(prediction_tip_open_weights, "File > Open (or drop a .safetensors file on the page) to try your own DigitNet weights.") \
  X(draw_pad_greeting, "draw a digit here") \
  X(link_not_one_of_three, "%s must be %s, %s or %s, got \"%s\"") \
  X(draw_pad_photo_label, "photo %s, %d x %d") \
  X(se_weights_live_sample, "While training: measured on a sample of %d of the %d test digits, to keep up with the weights.") \
  /* [teacher view: stepper arithmetic and multiply counts, im2col zoom and timing, runnable PyTorch */ \
  /*  (panel_stepper.cpp, panel_im2col.cpp, panel_output_size.cpp, im2col_model.cpp, output_size_model.cpp)] */ \
  X(stepper_output_hovered, "under the pointer: output[%d][%d,%d] = %s") \
  X(stepper_output_pinned, "pinned: output[%d][%d,%d] = %s (click it again to unpin)") \
  X(stepper_stamp_hovered, "under the pointer: the stamp of input cell [%d,%d]") \
  X(stepper_stamp_pinned, "pinned: the stamp of input cell [%d,%d]") \
  X(stepper_multiplies_for, "multiplies for %d -> %d channels, kernel %dx%d, output %dx%d:") \
  X(stepper_multiplies_standard, "standard") \
  X(stepper_multiplies_grouped, "grouped (g=%d)") \
  X(stepper_multiplies_depthwise, "depthwise") \
  X(stepper_multiplies_pointwise, "pointwise 1x1") \
  X(stepper_multiplies_not_divisible, "n/a (groups must divide the channels)") \
  X(model_im2col_not_compared, "not compared: the GEMM gives %zu values, conv2d %zu") \
  X(im2col_gemm_not_compared, "GEMM (%d x %d) x (%d x %d) -> (%d, %d, %d); %s") \
  X(im2col_click_to_zoom, "click a matrix to enlarge it; click again to go back") \
  X(im2col_zoomed, "%s (%d x %d), enlarged: click it to go back") \
  X(im2col_caption_weights, "W") \
  X(im2col_caption_weights_t, "W^T") \
  X(im2col_caption_copies_channel, "ch%d: copies of each pixel") \
  X(im2col_col2im_hover, "hover a pixel: how many columns hold a copy of it") \
  X(im2col_col2im_pixel, "pixel [%d][%d,%d] is copied into %d columns: col2im adds %d gradient contributions back onto it") \
  X(im2col_timing_shape, "input (1, %d, %d, %d) * weight (%d, %d, %d, %d) -> output (1, %d, %d, %d), stride %dx%d, padding %dx%d, dilation %dx%d, groups %d") \
  X(im2col_timing_live, "The stepper's convolution at the size you choose, timed live in this %s (best of the last %d runs each):") \
  X(im2col_timing_no_conv, "Timing needs an ordinary convolution (not pooling or transposed mode): %s") \
  X(im2col_timing_invalid, "This configuration has no output at this size: %s") \
  X(output_size_copy_runnable, "Copy runnable PyTorch (weights, input, output)") \
  X(output_size_runnable_caption, "A script that rebuilds this lesson's numbers in PyTorch and prints the output shown in the stepper:") \
  X(notice_copied_pytorch_script, "Copied the PyTorch script") \
  X(cost_row_depthwise_alone, "depthwise alone") \
  X(cost_row_pointwise_alone, "pointwise 1x1 alone") \
  CS_COURSE_UI_STRINGS(X) /* guided lessons (course_strings.h) */ \
  CS_BACKWARD_UI_STRINGS(X) /* the stepper's backward direction (backward_strings.h) */ \
  CS_TOUCH_UI_STRINGS(X) /* phones and tablets (touch_strings.h) */ \
  CS_A11Y_UI_STRINGS(X) /* screen-reader mirror, languages (a11y_strings.h) */ \
  CS_BLOCKS_UI_STRINGS(X) /* the blocks workspace and its blocks panel (blocks_strings.h) */ \
  CS_BLOCK_COSTS_UI_STRINGS(X) /* the block-costs panel (block_costs_strings.h) */ \
  CS_AB_LAB_UI_STRINGS(X) /* two networks trained side by side (ab_lab_strings.h) */ \
  /* end */
// clang-format on

enum class S : int {
#define CS_UI_STRING_ID(id, english) id,
  CS_UI_STRINGS(CS_UI_STRING_ID)
#undef CS_UI_STRING_ID
};

#define CS_UI_STRING_ONE(id, english) +1
constexpr int kUiStringCount = 0 CS_UI_STRINGS(CS_UI_STRING_ONE);
#undef CS_UI_STRING_ONE

// English is compiled in; the pseudo table is made from it; the real translations are files
// (lang-<code>.json beside the page, made from assets/lang/<code>.tsv) fetched when chosen and installed with
// install_ui_translation. Until then a translated language answers in English.
enum class Language : int { English = 0, Pseudo = 1, Spanish = 2, German = 3, Chinese = 4 };
constexpr int kLanguageCount = 5;
const char* language_name(Language lang);  // "english", "pseudo", "spanish", "german", "chinese" (state(), setState)
const char* language_code(Language lang);  // "en", "pseudo", "es", "de", "zh-Hans": BCP 47 (the page's lang)
const char* language_file(Language lang);  // "lang-es.json", ... (beside the page); "" for English and pseudo
bool parse_language(std::string_view name, Language* out);      // false for an unknown name
bool ui_language_installed(Language lang);  // English and pseudo always; the others once installed

// Installs a translation from its file's JSON text ({"<id name>": "text", ...}). An id that is
// missing, empty, not a string or whose printf placeholders differ from English's keeps the English
// text and is named in `problems` (the file's other strings are used); an unknown id is named too.
// Returns "" or why the file is unusable as a whole (not a JSON object), installing nothing then.
std::string install_ui_translation(Language lang, std::string_view json_text, std::vector<std::string>* problems);
// The printf conversions of a string in order ("%d", "%.1f", "%%"): a translation keeps them.
std::vector<std::string> printf_placeholders(std::string_view s);

// The language tr()/tr_label() answer in; app_frame sets it from AppState::language every frame.
void set_ui_language(Language lang);
Language ui_language();

const char* tr(S id);        // the string in the current language (printf formats included)
const char* tr_label(S id);  // the same + "###<stable id>": for a widget label (an ImGui ID)
const char* ui_string(Language lang, S id);
const char* ui_string_name(S id);  // "stepper_play": the id's name, also the stable ImGui ID

// The pseudo-localised form of an English string: letters accented within Latin-1 (the font
// subset's range), wrapped in [ ], with printf placeholders, "\n" and a "###id" suffix unchanged.
std::string pseudo_localise(std::string_view english);

}  // namespace cs::app
