// im2col_model.h — the im2col view's model (no ImGui): the engine's column matrix in either
// orientation, the weight matrix, the GEMM product, matrix-cell <-> input-pixel maps, col2im overlap
// counts, one Winograd F(2x2,3x3) tile, and a small timing meter of the three conv algorithms.
#pragma once
#include <string>
#include <vector>

#include "engine/ops/conv_geometry.h"
#include "engine/tensor.h"
#include "stepper_model.h"

namespace cs::app {

struct Im2colView {
  bool valid = false;
  std::string error;
  bool patches_as_rows = false;  // false: (C*KH*KW, OH*OW) as torch unfold / Caffe; true: transposed (TinyTorch)
  bool gemm = true;              // false for pooling (each column is reduced by max / mean instead)
  int C = 0, H = 0, W = 0, KH = 0, KW = 0, OH = 0, OW = 0, OC = 0;  // of the matrix's own image
  Tensor image;     // (C, H, W) the image im2col reads (the zero-inserted input for transposed mode)
  Tensor cols;      // engine im2col: (rows, cols) in the chosen orientation
  Tensor weights;   // (OC, C*KH*KW); grouped convolutions are block-diagonal (zeros across groups)
  Tensor product;   // (OC, OH*OW) = weights x cols by the engine's gemm (+ bias), reshaped (OC, OH, OW)
  // product vs the stepper's conv2d_forward output; only when the two have the same number of values
  // (compared), else not_compared says why.
  bool compared = false;
  float max_abs_diff = 0;
  std::string not_compared;
  long long cols_bytes = 0, input_bytes = 0;
  double blowup = 0;  // cols_bytes / input_bytes
  Tensor overlap;     // (C, H, W) col2im of an all-ones matrix: how many copies of each pixel
  int rows() const { return C * KH * KW; }
  int positions() const { return OH * OW; }
};

Im2colView compute_im2col_view(const StepperConfig& c, const StepperData& d, const StepperResult& r,
                               bool patches_as_rows);

// Matrix entry (row, col) in the patches-as-columns layout -> (channel, y, x) of the image it copies
// (y/x may lie in the padding: then it is a 0 the engine wrote, not a copy).
struct PixelRef {
  int ch = 0, y = 0, x = 0;
  bool padding = false;
};
PixelRef pixel_of_entry(const Im2colView& v, const StepperConfig& c, int row, int col);
// Every matrix entry (row, col) (patches-as-columns layout) holding a copy of pixel (ch, y, x).
std::vector<Cell> entries_of_pixel(const Im2colView& v, const StepperConfig& c, int ch, int y, int x);
// The matrix column (patches as columns) of the stepper's position t (for transposed: output cells its stamp feeds).
std::vector<int> columns_of_position(const Im2colView& v, const StepperConfig& c, const StepperResult& r, int t);

// [SECTION] Winograd ------------------------------------------------------------------------------

struct WinogradTile {
  bool ok = false;
  std::string why;     // when 3x3 / stride 1 / dilation 1 does not hold
  int out_r = 0, out_c = 0;  // top-left output cell of the 2x2 tile (channel 0 -> output channel 0)
  float d[16] = {}, g[9] = {}, v[16] = {}, u[16] = {}, m[16] = {}, y[4] = {};
  float direct[4] = {};      // the same 2x2 from the engine's reference convolution of the tile
  float conv_winograd[4] = {};  // the same 2x2 from conv2d_forward(..., ConvAlgo::Winograd) on the whole input
  float max_abs_diff = 0;
};
WinogradTile winograd_tile_at(const StepperConfig& c, const StepperData& d, const StepperResult& r, int t);

// [SECTION] timing meter --------------------------------------------------------------------------

struct AlgoTiming {
  std::string name;
  double ms = 0;  // best of the repetitions
  bool ok = false;
  std::string why;
};
// Times conv2d_forward on (1, C, S, S) * (OC, C, 3, 3), stride 1, pad 1, by Reference, Im2col, Winograd.
std::vector<AlgoTiming> time_conv_algorithms(int C, int S, int OC, int reps);

// The stepper's convolution (its channels, kernel, stride, padding, dilation and groups) on a size x size
// input, timed live: one engine run per call of timing_meter_step, the algorithms in turn, each row the
// best of its last kRecent runs. Pooling and transposed mode are not timed (error says why).
struct TimingMeter {
  static constexpr int kRecent = 5;
  bool ok = false;
  std::string error;  // why there is nothing to time
  std::string label;  // "input (1, 3, 64, 64) * weight (4, 3, 3, 3) -> output (1, 4, 62, 62), stride ..."
  Shape in_shape, w_shape, out_shape;
  Conv2dParams params;
  Tensor in, w, out;
  std::vector<AlgoTiming> rows;               // Reference, Im2col, Winograd
  std::vector<std::vector<double>> recent;    // per row: the last kRecent times (ms)
  int next = 0;                               // the row timed by the next step
  long long runs = 0;
};
TimingMeter timing_meter(const StepperConfig& c, const StepperGeometry& g, int size);
inline TimingMeter timing_meter(const StepperConfig& c, int size) { return timing_meter(c, resolve_geometry(c), size); }
void timing_meter_step(TimingMeter& m);

}  // namespace cs::app
