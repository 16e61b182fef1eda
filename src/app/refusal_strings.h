// refusal_strings.h — the sentences that refuse a value, as part of the UI string table (ui_strings.h
// includes it in CS_UI_STRINGS): why a link in the address bar was ignored, why a digits.bin could
// not be read, why the lab could not run, and why setState or a link refused a field.
#pragma once

// clang-format off
#define CS_REFUSAL_UI_STRINGS(X) \
  /* [why a link in the address bar was ignored (url_state_model.cpp); the link's keys and values */ \
  /*  ("in", "ws", "lessons", "output:") are passed in: they are the link's words, not prose] */ \
  X(link_not_integer, "%s must be an integer, got \"%s\"") \
  X(link_out_of_range, "%s must be in %lld..%lld, got %lld") \
  X(link_not_pair, "%s must be <height>x<width>, got \"%s\"") \
  X(link_not_number, "%s must be a number, got \"%s\"") \
  X(link_number_too_large, "%s must be within +-%g, got %s") \
  X(link_too_many_values, "%s has more than %zu values") \
  X(link_not_bool, "%s must be 0 or 1, got \"%s\"") \
  X(link_empty, "the link is empty") \
  X(link_too_long, "the link is %zu characters long; a lesson link is at most %zu") \
  X(link_broken_escape, "the link has a broken %s-escape") \
  X(link_bad_character, "the link contains a character a lesson link never has (code %d)") \
  X(link_not_lesson_link, "this is not a ConvScope lesson link (it must start with #lesson=)") \
  X(link_part_without_value, "the link has a part without key=value: \"%s\"") \
  X(link_key_twice, "the link sets \"%s\" twice") \
  X(link_wrong_version, "the link is version \"%s\"; this ConvScope reads version %d") \
  X(link_not_one_of_two, "%s must be %s or %s, got \"%s\"") \
  X(link_not_mode, "%s \"%s\" is not a lesson mode") \
  X(link_not_input_preset, "%s \"%s\" is not an input preset a link can name") \
  X(link_not_kernel_preset, "%s \"%s\" is not a kernel preset a link can name") \
  X(link_speed_range, "%s must be in %g..%g, got %s") \
  X(link_not_pin, "%s must be %s, %s or %s and a cell, got \"%s\"") \
  X(link_unknown_field, "the link has an unknown field \"%s\"") \
  X(link_both_fields, "the link has both %s and %s") \
  X(link_value_count, "%s has %zu values; the input %dx%dx%d needs %zu") \
  /* [digit lab session errors shown in panels (digit_lab_model.cpp), CSV export errors (csv_export_model.cpp), */ \
  /*  training digits notices (app.cpp)] */ \
  X(lab_err_no_factory, "no network factory") \
  X(lab_err_factory_nothing, "the network factory returned nothing") \
  X(lab_err_no_network_for_weights, "no network to load weights into") \
  X(lab_err_no_shipped_weights, "this build has no shipped DigitNet weights") \
  X(lab_err_se_no_block, "SE block %d does not exist (%zu blocks)") \
  X(lab_err_se_no_channel, "SE block %d has %zu channels, got channel %d") \
  X(lab_err_no_input, "no input to explain") \
  X(lab_err_no_network, "no network") \
  X(lab_err_diverged, "training stopped at step %lld: the loss is no longer a finite number (the weights blew up). Lower the learning rate and reset the network.") \
  X(lab_err_training_digits_later, "the training digits are not loaded yet") \
  X(lab_err_no_training_digits, "no bundled training digits") \
  X(csv_err_no_block, "SE block %d does not exist (the network has %zu)") \
  X(csv_err_not_ready, "the SE statistics are not ready yet (%d of %d digits done)") \
  X(csv_err_empty_activation, "this activation is empty") \
  X(notice_no_bundled_digits, "this build has no bundled digits") \
  X(notice_training_digits_failed, "Could not load the training digits (%s): %s. Press Train to try again.") \
  X(notice_empty_answer, "empty answer") \
  X(notice_no_training_set, "the file holds no training set") \
  /* [why a digits.bin could not be read (engine/data/digit_bundle parse_digit_bundle; the English is the engine's), shown in a notice] */ \
  X(digits_err_index_past_end, "digits.bin: set '%s' source index %d runs past its %zu index bytes") \
  X(digits_err_index_not_32bit, "digits.bin: set '%s' source index %d does not fit 32 bits") \
  X(digits_err_index_repeats, "digits.bin: set '%s' source index %d repeats the previous one") \
  X(digits_err_index_exceeds_32bit, "digits.bin: set '%s' source index %d exceeds 32 bits") \
  X(digits_err_index_bytes, "digits.bin: set '%s' has %zu index bytes, the indices use %zu") \
  X(digits_err_set_truncated, "digits.bin: set %d header truncated at byte %zu") \
  X(digits_err_set_count, "digits.bin: set '%s' count %u: expected 1..%d within the %zu bytes left") \
  X(digits_err_set_sizes, "digits.bin: set '%s' index_bytes %u and payload_bytes %u do not fit the %zu bytes left") \
  X(digits_err_label, "digits.bin: set '%s' label %u at %u is not 0..9") \
  X(digits_err_pixels, "digits.bin: set '%s' pixel data %s: %zu of %u payload bytes decode %u digits") \
  X(digits_err_pixels_end_early, "ends early") \
  X(digits_err_pixels_left_over, "has bytes left over") \
  X(digits_err_too_small, "digits.bin: %zu bytes, too small for the 24-byte header") \
  X(digits_err_magic, "digits.bin: magic is not \"%s\"") \
  X(digits_err_version, "digits.bin: version %u, this build reads 2") \
  X(digits_err_side, "digits.bin: digits are %ux%u, expected 28x28") \
  X(digits_err_set_count_total, "digits.bin: set_count %u, expected 1 or 2 (t10k, train)") \
  X(digits_err_bits, "digits.bin: %u bits per pixel, this build reads %d") \
  X(digits_err_set_name, "digits.bin: set %d is named '%s', expected 't10k' or 'train'") \
  X(digits_err_set_twice, "digits.bin: set '%s' appears twice") \
  X(digits_err_trailing, "digits.bin: %zu trailing bytes after the sets") \
  /* [why setState (JavaScript) or a link that parses refused a lesson value (lesson_model.cpp, stepper_model.cpp */ \
  /*  validate_config): the JSON path ("stepper.step"), the field's names ("standard", "rows") and the bad value */ \
  /*  are passed in as data, the same in every language; the JS caller gets the same (UI-language) text] */ \
  X(state_not_integer, "%s must be an integer") \
  X(state_out_of_range_value, "%s is out of range: %lld") \
  X(state_out_of_range, "%s is out of range") \
  X(state_not_pair, "%s must be [height, width] or one integer") \
  X(state_not_boolean, "%s must be a boolean") \
  X(state_not_number, "%s must be a number") \
  X(state_not_object, "%s must be an object") \
  X(state_not_array_of, "%s must be an array of %zu numbers") \
  X(state_only_numbers, "%s must hold only numbers") \
  X(state_values_finite, "%s values must be finite and within +-1e6") \
  X(state_no_field, "%s has no field \"%s\"") \
  X(state_one_of, "%s must be one of %s") \
  X(state_learned_needs_weights, "%s \"%s\" needs DigitNet's weights, which this build does not have") \
  X(state_not_seed, "%s must be a non-negative 32-bit integer") \
  X(state_digit_needs_digits, "%s \"%s\" needs the bundled MNIST digits, which this build does not have") \
  X(state_image_needs_image, "%s \"%s\" needs an image: drop a PNG or JPEG on the page first") \
  X(state_needs_digits, "%s needs the bundled MNIST digits") \
  X(state_in_range, "%s must be in %d..%d") \
  X(state_in_range_got, "%s must be in %lld..%lld, got %lld") \
  X(state_no_positions, "%s: this configuration has no output positions (%s)") \
  X(state_position_outside, "%s [%d, %d] is outside the %dx%d grid of positions") \
  X(state_speed_range, "%s must be in %g..%g steps per second, got %g") \
  X(state_not_pin, "%s must be null or {%s: %s, %s: [row, col]}") \
  X(state_one_of_three, "%s must be %s, %s or %s") \
  X(state_pin_off_grid, "%s cell [%d, %d] is not on the %s grid") \
  X(state_layer_count, "%s must be an array of %d..%d layers") \
  X(state_entries_objects, "%s entries must be objects") \
  X(state_orientation, "%s must be %s (C*K*K x positions) or %s (positions x C*K*K)") \
  X(state_bias_range, "%s must be finite and in -%g..%g, got %g") \
  X(state_input_height, "input height") \
  X(state_input_width, "input width") \
  X(state_kernel_height, "kernel height") \
  X(state_kernel_width, "kernel width") \
  /* [the same for the app's and the digit lab's setState fields (app_hook.cpp app_set_state, digit_lab.cpp */ \
  /*  digit_lab_set_state): only ConvScope.setState reaches these (and a notice, for a partial that waited */ \
  /*  for the digit model)] */ \
  X(api_expects_object, "%s expects a JSON object") \
  X(api_one_of_two, "%s must be %s or %s") \
  X(api_one_of_two_got, "%s must be %s or %s, got %s") \
  X(api_one_of_three_got, "%s must be %s, %s or %s, got %s") \
  X(api_visible_panel, "%s must name a visible panel") \
  X(api_recorded_layer, "%s must be a recorded layer's index or name") \
  X(api_export_csv_shape, "%s must be {%s: block} or {%s: layer index or name}") \
  X(api_positive_integer, "%s must be a positive integer") \
  X(api_saliency_class, "%s must be an integer in -1..9 (-1: the predicted class), got %s") \
  X(api_activations_shape, "%s must be {%s: trace name, %s: integer}") \
  X(api_lab_not_started, "%s: the lab has not started") \
  X(api_no_spatial_activation, "%s: no spatial activation named '%s' in the trace") \
  X(api_override_shape, "%s must be {%s, %s, %s (number or null)}") \
  X(api_number_or_null, "%s must be a number or null") \
  X(api_se_budget, "%s must be in %d..%d (0: the frame's leftover), got %d")
// clang-format on
