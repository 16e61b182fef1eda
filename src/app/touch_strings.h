// touch_strings.h — the phone and tablet layouts' part of the UI string table (ui_strings.h includes
// it in CS_UI_STRINGS): the phone's Menu, the photo button and the photo's preprocessing steps.
#pragma once

// clang-format off
#define CS_TOUCH_UI_STRINGS(X) \
  /* [phones and tablets: touch layouts, the camera (touch_ui.cpp, panel_draw_pad.cpp)] */ \
  X(touch_menu, "Menu") \
  X(touch_digit_lab_short, "Digit lab") \
  X(touch_take_photo, "Take a photo") \
  X(touch_take_photo_tip, "Photograph a digit written on paper: the photo goes through the same steps as a drawing.") \
  X(touch_tabs_title, "Panels###touch-tabs") \
  X(draw_pad_step_grey, "photo in grey") \
  X(draw_pad_step_tip_grey, "The photo in grey, reduced to at most 512 pixels a side.") \
  X(draw_pad_step_sheet, "sheet found") \
  X(draw_pad_step_no_sheet, "no sheet") \
  X(draw_pad_step_tip_sheet, "A sheet of paper found on a darker or lighter table: only the sheet is used\n(the table is painted over with the sheet's paper). \"no sheet\": the whole photo is used.") \
  X(draw_pad_step_polarity, "polarity") \
  X(draw_pad_step_tip_polarity, "Ink made bright on dark, as MNIST stores digits (dark ink on light paper is inverted).") \
  X(notice_photo_reduced, "Opened %s: a %dx%d photo, reduced to %dx%d") \
  X(notice_photo_undecodable, "Could not open %s: the browser could not decode it (%s); nothing was changed.") \
  /* end */
// clang-format on
