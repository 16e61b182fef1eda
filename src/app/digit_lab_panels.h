// digit_lab_panels.h — the digit lab's panels (one file each) and what they share: the session
// (engine side) and a few display caches. Internal to the digit-lab group.
#pragma once
#include <cstdint>
#include <vector>

#include "app_state.h"
#include "digit_lab_model.h"

namespace cs::app {

// Display caches of the panels, rebuilt only when their source revision changes (60 fps rule).
struct LabView {
  std::vector<uint8_t> pad_rgba;
  long long pad_rgba_revision = -1;
  std::vector<uint8_t> atlas_rgba;
  int atlas_w = 0, atlas_h = 0, atlas_columns = 40;
  std::vector<float> se_field;       // the SE heatmap (10 x channels) handed to the colour-map shader
  std::vector<float> filter_field;   // convolution weights packed as a grid
  std::vector<float> saliency;       // |d logit / d input|, 28x28
  long long saliency_revision = -1;
  int saliency_for = -1;
  struct Grid {                      // one recorded activation packed as small multiples
    std::vector<float> values;
    int w = 0, h = 0, cols = 0;
    float lo = 0, hi = 0;
    long long revision = -1;
  };
  std::vector<Grid> act_grids;
};

void draw_pad_panel(AppState& state, LabSession& s, LabView& v);
void draw_prediction_panel(AppState& state, LabSession& s, LabView& v);
void draw_activations_panel(AppState& state, LabSession& s, LabView& v);
void draw_se_weights_panel(AppState& state, LabSession& s, LabView& v);
void draw_training_panel(AppState& state, LabSession& s, LabView& v);

}  // namespace cs::app
