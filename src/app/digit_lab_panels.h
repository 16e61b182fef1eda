// digit_lab_panels.h — the digit lab's panels (one file each) and what they share: the session
// (engine side) and a few display caches. Internal to the digit-lab group.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app_state.h"
#include "imgui.h"
#include "digit_lab_model.h"

namespace cs::app {

// Display caches of the panels, rebuilt only when their source revision changes (60 fps rule).
struct LabView {
  std::vector<uint8_t> pad_rgba;
  long long pad_rgba_revision = -1;
  // The gallery's pictures: strips of 100 digits, 20 a row (one texture each, 560x140 RGBA), empty
  // until one of their cells is first shown.
  static constexpr int kAtlasStrip = 100, kAtlasColumns = 20;
  std::vector<std::vector<uint8_t>> atlas_strips;
  std::vector<float> se_field;       // the SE heatmap (10 x channels) handed to the colour-map shader
  std::vector<float> filter_field;   // convolution weights packed as a grid
  std::vector<float> ink_edges;      // outline of the input's ink: x0, y0, x1, y1 per edge, in input pixels
  long long ink_edges_revision = -1;
  std::vector<uint8_t> pad_ink_rgba;    // the pad's ink alone (white, alpha = ink): drawn over a saliency map
  long long pad_ink_revision = -1;
  std::vector<uint8_t> ink28_rgba;      // the same for a 28x28 gallery digit
  long long ink28_revision = -1;
  std::vector<uint8_t> photo_rgba;      // the opened photo as the pad shows it (grey), per input revision
  long long photo_revision = -1;
  std::vector<uint8_t> photo_ink_rgba;  // its ink alone, drawn over a saliency map
  long long photo_ink_revision = -1;
  struct Grid {                      // one recorded activation packed as small multiples
    std::vector<float> values;
    int w = 0, h = 0, cols = 0;
    float lo = 0, hi = 0;
    long long revision = -1;
  };
  std::vector<Grid> act_grids;
  // The network's parts with their parameter counts (a walk over every tensor name), per model.
  struct Part {
    std::string name;
    cs::Layer* layer = nullptr;
    long long parameters = 0;
  };
  std::vector<Part> parts;
  long long parts_model_revision = -1;  // LabSession::model_revision() the parts were read from
};

// The class whose saliency is shown: the chosen one, or the prediction (-1 when there is none).
int saliency_class(const DigitLabState& lab, const LabSession& s);
// Sets the receptive field of unit (y, x) of trace entry `layer` in the lab state (or its error).
void select_unit(DigitLabState& lab, const LabSession& s, int layer, int y, int x);

// The draw pad in two halves, so the lab's frame runs in data order (digit_lab.cpp): the window, its
// toolbar and the pointer's strokes on the canvas first (draw_pad_input: the window is left open),
// then, once the session has prepared and predicted the new ink, the pictures (canvas, saliency
// overlay, preprocessing steps, gallery) and the window's end (draw_pad_pictures; nothing when closed).
struct PadCanvas {
  bool open = false;  // the window is begun and not collapsed
  ImVec2 p0, p1;      // the canvas on screen
  float k = 1, pad_size = 0, step_cell = 0;  // pad pixels per screen pixel, sizes at this scale
  bool pointer_on_pad = false;               // hovered or drawing: the brush outline is shown
  // A narrow pane (a phone, a tablet's half) stacks the steps under the pad: their cell and the pane's width.
  bool stacked = false;
  float stack_cell = 0, avail_w = 0, steps_w = 0;
};
PadCanvas draw_pad_input(AppState& state);
void draw_pad_pictures(AppState& state, LabSession& s, LabView& v, const PadCanvas& c);
void draw_prediction_panel(AppState& state, LabSession& s, LabView& v);
void draw_activations_panel(AppState& state, LabSession& s, LabView& v);
void draw_se_weights_panel(AppState& state, LabSession& s, LabView& v);
void draw_training_panel(AppState& state, LabSession& s, LabView& v);

}  // namespace cs::app
