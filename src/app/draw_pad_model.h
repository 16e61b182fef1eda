// draw_pad_model.h — the digit lab's drawing pad without a GPU: strokes in canvas pixels, a marker
// brush rasterised with anti-aliased edges onto a grey canvas (ink 255 on 0), undo and clear.
// Points in -> canvas bytes out (which engine/data/digit_input turns into MNIST's 28x28).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cs::app {

struct PadPoint {
  float x = 0, y = 0;  // canvas pixels, (0,0) = top-left corner of the top-left pixel
};

struct Stroke {
  float radius = 10.0f;
  std::vector<PadPoint> points;
};

// Draws the capsule around segment a-b (a disc when a == b) into `canvas` (side x side bytes):
// coverage = clamp(radius + 0.5 - distance(pixel centre, segment), 0, 1), combined with max().
// max() rather than alpha blending is what makes it feel like a felt marker: crossing or
// retracing a line never darkens it and the edge stays one pixel soft. Returns true if a pixel changed.
bool rasterise_segment(std::vector<uint8_t>& canvas, int side, PadPoint a, PadPoint b, float radius);

class DrawPad {
 public:
  static constexpr int kDefaultSide = 280;  // 10x MNIST's 28: fine enough for a smooth stroke
  static constexpr int kMaxUndo = 64;

  explicit DrawPad(int side = kDefaultSide);

  // A stroke: begin (puts a dot), extend for each pointer move, end on release. Points closer
  // than kMinStep to the previous one are skipped (a resting finger must not re-rasterise).
  void begin_stroke(PadPoint p, float radius);
  void extend_stroke(PadPoint p);
  void end_stroke();
  bool drawing() const { return drawing_; }

  // Undo removes the last action (a stroke or a clear); the canvas is redrawn from the strokes.
  bool undo();
  void clear();  // undoable; a no-op on an empty pad
  bool can_undo() const { return !history_.empty(); }

  bool empty() const { return strokes_.empty(); }
  int side() const { return side_; }
  const std::vector<uint8_t>& pixels() const { return canvas_; }
  const std::vector<Stroke>& strokes() const { return strokes_; }
  // Bumped whenever the canvas changes: consumers (preprocessing, prediction) compare it.
  long long revision() const { return revision_; }

  static constexpr float kMinStep = 0.75f;

 private:
  void redraw();
  void push_history();

  int side_;
  std::vector<uint8_t> canvas_;
  std::vector<Stroke> strokes_;
  std::vector<std::vector<Stroke>> history_;  // stroke lists before each action, newest last
  bool drawing_ = false;
  long long revision_ = 0;
};

// The draw pad's "no ink" line in the UI language, from the engine's reason (engine/data/digit_input:
// "no ink: <why>", English, also what state() and the CLI report). Each reason the engine gives has its
// own table entry (numbers kept); an unknown one is shown as the engine wrote it after a translated "no ink".
std::string no_ink_text(const std::string& engine_message);

// What the pad's step column says when the network has no input: an empty drawing is not an error
// (the engine's "nothing stands out from the background" would greet every student with a contrast
// figure), so it invites them to draw; ink the engine could not use gets its reason (no_ink_text).
std::string pad_status_text(bool drawing_empty, const std::string& engine_message);

// A picture of width x height laid on the square pad of `side` (CSS px) as large as it fits, keeping
// its aspect ratio, centred: its rectangle relative to the pad's corner and the picture pixels per
// CSS px (to place a map over the picture's own coordinates). Zero-sized pictures give a zero rect.
struct PadFit {
  float x = 0, y = 0, w = 0, h = 0;
  float pixels_per_px = 0;
};
PadFit fit_on_pad(int width, int height, float side);

}  // namespace cs::app
