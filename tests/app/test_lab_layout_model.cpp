// test_lab_layout_model.cpp — the digit lab's panels never overlap and fit the window.
#include <doctest/doctest.h>

#include <initializer_list>
#include <utility>

#include "app/lab_layout_model.h"

using namespace cs::app;

TEST_CASE("digit lab layout: no overlap, inside the window, below the menu bar") {
  // Not a structured binding: clang 14 (Emscripten) cannot capture one in doctest's CAPTURE lambda.
  for (const auto& size : {std::pair<float, float>{1280, 800}, {1920, 1080}, {1440, 900}}) {
    const float w = size.first, h = size.second;
    CAPTURE(w);
    CAPTURE(h);
    LabLayout l = lab_layout(w, h, 19.0f);
    const LabRect all[] = {l.draw_pad, l.prediction, l.activations, l.se_weights, l.training};
    for (int i = 0; i < 5; ++i) {
      CAPTURE(i);
      CHECK(all[i].x >= 0);
      CHECK(all[i].y >= 19.0f);
      CHECK(all[i].x + all[i].w <= w);
      CHECK(all[i].y + all[i].h <= h);
      CHECK(all[i].w >= 300);
      CHECK(all[i].h >= 200);
      for (int j = i + 1; j < 5; ++j) CHECK_FALSE(lab_rects_overlap(all[i], all[j]));
    }
    // The drawing pad (280 px) and its preprocessing column must fit side by side.
    CHECK(l.draw_pad.w >= 450);
    // Bigger windows give the activations more room.
    if (w == 1920) CHECK(l.activations.w > lab_layout(1280, 800, 19).activations.w);
  }
}

TEST_CASE("digit lab layout at projector scale: bigger left column, still inside the window, no overlap") {
  for (const auto& size : {std::pair<float, float>{1280, 800}, {1920, 1080}}) {
    for (float scale : {1.5f, 2.0f}) {
      const float w = size.first, h = size.second;
      CAPTURE(w);
      CAPTURE(h);
      CAPTURE(scale);
      const LabLayout l = lab_layout(w, h, 19.0f * scale, scale);
      const LabRect all[] = {l.draw_pad, l.prediction, l.activations, l.se_weights, l.training};
      for (int i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(all[i].x >= 0);
        CHECK(all[i].y >= 19.0f * scale);
        CHECK(all[i].x + all[i].w <= w);
        CHECK(all[i].y + all[i].h <= h);
        CHECK(all[i].h >= 140);
        for (int j = i + 1; j < 5; ++j) CHECK_FALSE(lab_rects_overlap(all[i], all[j]));
      }
      CHECK(l.draw_pad.w > lab_layout(w, h, 19.0f).draw_pad.w);
    }
  }
}

TEST_CASE("digit lab layout in a small window (200% browser zoom of 1920x1080, a small laptop): all on screen") {
  for (const auto& size : {std::pair<float, float>{960, 540}, {1024, 768}, {640, 400}}) {
    const float w = size.first, h = size.second;
    CAPTURE(w);
    CAPTURE(h);
    for (float scale : {1.0f, 2.0f}) {
      LabLayout l = lab_layout(w, h, 19.0f, scale);
      const LabRect all[] = {l.draw_pad, l.prediction, l.activations, l.se_weights, l.training};
      for (int i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(all[i].x >= 0);
        CHECK(all[i].y >= 19.0f);
        CHECK(all[i].x + all[i].w <= w);
        CHECK(all[i].y + all[i].h <= h);
        CHECK(all[i].w > 0);
        CHECK(all[i].h > 0);
        for (int j = i + 1; j < 5; ++j) CHECK_FALSE(lab_rects_overlap(all[i], all[j]));
      }
    }
  }
}

TEST_CASE("overlap test is strict about shared edges") {
  CHECK_FALSE(lab_rects_overlap({0, 0, 10, 10}, {10, 0, 10, 10}));
  CHECK(lab_rects_overlap({0, 0, 10, 10}, {9, 9, 10, 10}));
}

TEST_CASE("activations panel: maps beside the column on a desktop, stacked at full width on a phone") {
  // The desktop lab at 1280x800: the panel is about 800 px wide; nothing changes there.
  ActivationsLayout d = activations_layout(790, 1.0f, false, 8, 14);
  CHECK_FALSE(d.stacked);
  CHECK(d.picture == doctest::Approx(136));
  CHECK(d.thumb == doctest::Approx(30));
  CHECK(790 - d.column_w >= 220);
  // A tablet's side pane (about 750 px): still side by side, thumbs for a finger.
  ActivationsLayout t = activations_layout(744, 1.0f, true, 10, 22);
  CHECK_FALSE(t.stacked);
  CHECK(t.thumb >= 40);
  // A phone at 390 CSS px (the pane's inner width about 360): stacked, the pictures share the width,
  // the maps are finger-sized and at least four fit a row.
  ActivationsLayout p = activations_layout(360, 1.0f, true, 10, 22);
  CHECK(p.stacked);
  CHECK(p.column_w == doctest::Approx(360));
  CHECK(2 * p.picture + 10 <= 360);
  CHECK(p.picture >= 160);
  CHECK(p.thumb >= 40);
  CHECK(4 * (p.thumb + 2) <= 360);
  // Very narrow: the maps shrink to keep four a row, never under 24 px.
  ActivationsLayout n = activations_layout(100, 1.0f, true, 10, 22);
  CHECK(n.stacked);
  CHECK(n.thumb >= 24);
}
