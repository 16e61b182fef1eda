// a11y_strings.h — the screen-reader mirror's and the languages' part of the UI string table
// (ui_strings.h includes it in CS_UI_STRINGS).
#pragma once

// clang-format off
#define CS_A11Y_UI_STRINGS(X) \
  /* [screen-reader mirror and keyboard (a11y_mirror.cpp)] */ \
  X(a11y_workspace_title, "ConvScope") \
  X(a11y_keys_hint, "Keys: Alt or F10 opens the menu bar; Tab leaves the drawing area (in the kernel stepper press Esc first); Ctrl+Tab moves between panels; F1 lists every key.") \
  X(a11y_stepper_config, "input %d x %d x %d, kernel %d x %d, stride %d x %d, padding %d x %d, mode %s") \
  X(a11y_first_position, "First position") \
  X(a11y_step_back, "Step back") \
  X(a11y_step_forward, "Step forward") \
  X(a11y_last_position, "Last position") \
  X(a11y_im2col_shapes, "input %d x %d x %d; column matrix %d x %d; weights %d x %d; output %d x %d x %d") \
  X(a11y_im2col_blowup, "the column matrix takes %lld bytes for %lld bytes of input (%.1f times)") \
  X(a11y_im2col_compared, "GEMM and conv2d agree: largest difference %.3g") \
  X(a11y_prediction, "The network reads a %d, %.1f%% sure.") \
  X(a11y_probabilities, "Probabilities: %s") \
  X(a11y_probability_item, "%d: %.1f%%; ") \
  X(a11y_next_digit, "Next test digit") \
  X(a11y_se_channel_item, "channel %d (%.2f) ") \
  X(a11y_se_words, "For the digit %d, block %s (%d channels) switches on most: %s; least: %s") \
  X(a11y_no_such_button, "No button \"%s\" on screen now") \
  X(help_keys_menu, "Alt / F10") \
  X(help_what_menu, "open the menu bar: arrows move, Enter picks, Esc closes") \
  X(help_keys_leave, "Tab (Esc, Tab in the stepper)") \
  X(help_what_leave, "leave the drawing area for the page's text and buttons; Shift+Tab comes back") \
  /* end */
// clang-format on
