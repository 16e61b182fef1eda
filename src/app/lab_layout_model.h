// lab_layout_model.h — where the digit lab's five panels go for a given window size: a left column
// (draw pad over prediction) and a right area (activations over SE weights | training). Pure maths,
// tested for no overlap and for fitting in the window at 1280x800 and 1920x1080.
#pragma once

namespace cs::app {

struct LabRect {
  float x = 0, y = 0, w = 0, h = 0;
};

struct LabLayout {
  LabRect draw_pad, prediction, activations, se_weights, training;
};

// display: ImGui's display size in logical pixels; top: height of the main menu bar; scale: the
// presentation scale (x1, x1.5, x2): the left column's and the pad's pixel limits grow with it, within
// the window (the panels scroll what no longer fits).
LabLayout lab_layout(float display_w, float display_h, float top, float scale = 1.0f);

bool lab_rects_overlap(const LabRect& a, const LabRect& b);

}  // namespace cs::app
