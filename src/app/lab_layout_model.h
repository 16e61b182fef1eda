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

// Inside the activations panel: the input and the enlarged channel (two pictures side by side) with
// the controls in a column beside the small multiples of every map; or, when that would leave the maps
// too narrow to read (a phone), stacked, the maps under the column at the panel's full width. `inner_w`:
// the panel's content width; `gap`: ImGui's item spacing; `scrollbar`: a scrollbar's width; `touch`:
// a phone or tablet, where each channel's map is a target a finger taps.
struct ActivationsLayout {
  bool stacked = false;
  float picture = 0;   // side of the input and of the enlarged channel
  float column_w = 0;  // the column's width (stacked: all of inner_w)
  float thumb = 0;     // one channel's map in the small multiples (they wrap into rows)
};
ActivationsLayout activations_layout(float inner_w, float scale, bool touch, float gap, float scrollbar);

}  // namespace cs::app
