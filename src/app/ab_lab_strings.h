// ab_lab_strings.h — the A/B training lab's part of the UI string table (ui_strings.h includes it in
// CS_UI_STRINGS).
#pragma once

// clang-format off
#define CS_AB_LAB_UI_STRINGS(X) \
  /* [A/B training lab (panel_ab_lab.cpp)] */ \
  X(ab_lab_title, "A/B training lab###ab-lab") \
  X(ab_lab_menu, "A/B training lab") \
  X(ab_lab_intro, "Two networks learn from the same digits in the same order, one step each at a time: any difference between their curves comes from their settings.") \
  /* end */
// clang-format on
