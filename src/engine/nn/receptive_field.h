// receptive_field.h — which input pixels can one unit see? The box on the model input read by unit
// (y, x) of a traced activation, following the spatial path back through every convolution and pool
// with its kernel, stride, padding and dilation via conv_geometry's conv_input_index (the engine's own
// index formula, so the highlight cannot drift from the arithmetic). Each step keeps the bounding box
// of the input positions actually read (padding taps are dropped), so stride and dilation are exact
// per layer; with dilation the composed box may be a little larger than the true support.
// Layers that mix every position — a Squeeze-and-Excitation block (its channel scales come from a mean
// over the whole map) or a global pool — are reported in `global_via`: the unit then also depends on
// the whole input, weakly, through those scales; `box` is the spatial part of its field.
// Needs the shapes of a forward pass (each container's recorded outputs): run one first.
#pragma once
#include <string>

#include "../status.h"
#include "model.h"

namespace cs {

struct RfBox {
  int y0 = 0, x0 = 0, y1 = -1, x1 = -1;  // inclusive; y0 > y1 means empty (the unit reads only padding)
  bool empty() const { return y0 > y1 || x0 > x1; }
  bool contains(int y, int x) const { return y >= y0 && y <= y1 && x >= x0 && x <= x1; }
  bool operator==(const RfBox& o) const { return y0 == o.y0 && x0 == o.x0 && y1 == o.y1 && x1 == o.x1; }
};

struct ReceptiveField {
  std::string name;        // the point the box belongs to (after the fall-back below)
  int y = 0, x = 0;        // the unit
  RfBox box;               // on the model input
  std::string global_via;  // first layer on the path (from the input) that mixes all positions, "" if none
};

// Span [lo, hi] of input positions in [0, in_size) read by outputs out0..out1 of a convolution or pool
// along one axis (lo > hi when all of them fall in the padding).
struct RfSpan {
  int lo = 0, hi = -1;
};
RfSpan conv_input_span(int out0, int out1, int kernel, int stride, int pad, int dilation, int in_size);

// `name` is a Trace name ("input", "stem.act", "block2.depthwise.conv", "head"); a name inside a layer
// that is not a container ("block1.se.scale", "block2.residual") falls back to its longest prefix that
// is a layer output. Errors name the point and the unit when they do not exist.
Result<ReceptiveField> receptive_field(const Model& model, const std::string& name, int y, int x);

}  // namespace cs
