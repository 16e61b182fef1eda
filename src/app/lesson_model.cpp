// lesson_model.cpp — keeps the lessons' cached engine results in step with their configuration
// (lesson_refresh: the geometry resolved once per change, then the engine), the pictures behind the
// digit and image presets, and the panels' default layout. state()/setState(): lesson_json_model.cpp.
#include "lesson_model.h"

#include <algorithm>
#include <cmath>

#include "digit_bundle_model.h"
#include "engine/data/image.h"
#include "pytorch_code_model.h"

namespace cs::app {

using nlohmann::json;

// [SECTION] refresh ------------------------------------------------------------------------------------

namespace {

bool input_inputs_differ(const StepperConfig& a, const StepperConfig& b) {
  return a.H != b.H || a.W != b.W || a.C != b.C || a.input_preset != b.input_preset || a.seed != b.seed;
}

// The raw picture resampled (engine resize_area) to the configured (C, H, W).
std::vector<float> resampled_picture(const LessonState& s) {
  const StepperConfig& c = s.config;
  std::vector<float> out;
  if (s.raw_w <= 0 || s.raw_h <= 0 || s.raw_planes.empty()) return out;
  out.reserve(static_cast<size_t>(c.C) * c.H * c.W);
  for (int ch = 0; ch < c.C; ++ch) {
    const std::vector<float>& src =
        c.C == 1 ? s.raw_grey : s.raw_planes[static_cast<size_t>(ch) % s.raw_planes.size()];
    GreyImage g;
    g.width = s.raw_w;
    g.height = s.raw_h;
    g.pixels = src;
    GreyImage r = resize_area(g, c.W, c.H);
    // Two decimals: the arithmetic stays readable on a projector.
    for (float v : r.pixels) out.push_back(std::round(v * 100.0f) / 100.0f);
  }
  return out;
}

// Custom input after a size change: keep the overlapping numbers, zero the rest.
std::vector<float> resized_custom(const std::vector<float>& old, const StepperConfig& was, const StepperConfig& now) {
  std::vector<float> out(static_cast<size_t>(now.C) * now.H * now.W, 0.0f);
  if (old.size() != static_cast<size_t>(was.C) * was.H * was.W) return out;
  for (int ch = 0; ch < std::min(was.C, now.C); ++ch)
    for (int y = 0; y < std::min(was.H, now.H); ++y)
      for (int x = 0; x < std::min(was.W, now.W); ++x)
        out[(static_cast<size_t>(ch) * now.H + y) * now.W + x] = old[(static_cast<size_t>(ch) * was.H + y) * was.W + x];
  return out;
}

}  // namespace

bool lesson_target_in_range(const LessonState& s, const HoverTarget& h) {
  const StepperResult& r = s.result;
  if (!r.valid) return false;
  const StepperGeometry& ms = r.geo;
  const StepperConfig& c = s.config;
  switch (h.kind) {
    case HoverKind::None: return true;
    case HoverKind::Output: return h.cell.r >= 0 && h.cell.r < r.OH && h.cell.c >= 0 && h.cell.c < r.OW;
    case HoverKind::Kernel: return h.cell.r >= 0 && h.cell.r < ms.KH && h.cell.c >= 0 && h.cell.c < ms.KW;
    case HoverKind::Input: {
      const int ph = c.mode == ConvMode::Transposed ? 0 : c.padding.h, pw = c.mode == ConvMode::Transposed ? 0 : c.padding.w;
      return h.cell.r >= -ph && h.cell.r < c.H + ph && h.cell.c >= -pw && h.cell.c < c.W + pw;
    }
  }
  return false;
}

void lesson_refresh(LessonState& s) {
  StepperConfig& c = s.config;
  const bool first = !s.have_cache;
  const bool input_changed = first || input_inputs_differ(c, s.cached_config);
  const bool data_changed = s.data_version != s.cached_version;
  // The texts built here (kernel note, explanations, arithmetic) are in the UI language: rebuilt on a switch.
  if (first || c != s.cached_config || data_changed || s.text_language != ui_language()) {
    s.text_language = ui_language();
    if (input_changed || data_changed) {
      std::vector<float> source;
      if (c.input_preset == InputPreset::Digit || c.input_preset == InputPreset::Image) {
        if (s.raw_kind == c.input_preset) source = resampled_picture(s);
      } else if (c.input_preset == InputPreset::Custom) {
        source = s.source.size() == static_cast<size_t>(c.C) * c.H * c.W
                     ? s.source
                     : resized_custom(s.source.empty() ? s.data.input : s.source, s.cached_config, c);
        s.source = source;
      }
      s.data.input = make_input(c, source);
    }
    s.kernel_note.clear();
    const StepperGeometry geo = resolve_geometry(c);  // the one resolution per change; panels read result.geo
    make_weights(c, geo, s.learned, &s.data, &s.kernel_note);
    s.result = compute_stepper(c, geo, s.data);
    s.pytorch = pytorch_line(c, s.result);
    s.pytorch_script = pytorch_script(c, s.data, s.result);
    s.im2col = compute_im2col_view(c, s.data, s.result, s.patches_as_rows);
    s.cached_config = c;
    s.cached_version = s.data_version;
    s.cached_rows = s.patches_as_rows;
    s.have_cache = true;
    ++s.result_serial;
  } else if (s.cached_rows != s.patches_as_rows) {
    s.im2col = compute_im2col_view(c, s.data, s.result, s.patches_as_rows);
    s.cached_rows = s.patches_as_rows;
  }
  const StepperResult& r = s.result;
  s.position = r.valid ? std::clamp(s.position, 0, std::max(0, r.steps - 1)) : 0;
  s.out_channel = std::clamp(s.out_channel, 0, std::max(0, r.OC - 1));
  if (!r.valid) s.playing = false;
  if (!lesson_target_in_range(s, s.pinned)) s.pinned = HoverTarget{};
  if (!lesson_target_in_range(s, s.hover)) s.hover = HoverTarget{};
  const HoverTarget& h = s.hover.kind != HoverKind::None ? s.hover : s.pinned;
  s.highlights = highlights_for(c, r, h, s.position, s.out_channel);
  // The arithmetic follows the output cell under the pointer, else the pinned one, else the animation
  // (transposed mode: the input cell whose stamp is written out).
  const HoverKind follows = c.mode == ConvMode::Transposed ? HoverKind::Input : HoverKind::Output;
  const bool zero_view = c.mode == ConvMode::Transposed && s.transposed_as_conv;
  HoverTarget at;
  if (!zero_view && s.hover.kind == follows) at = s.hover;
  else if (!zero_view && s.pinned.kind == follows) at = s.pinned;
  const bool pinned = at.kind != HoverKind::None && s.hover.kind != follows;
  const int arith_oc = at.kind == HoverKind::Output ? std::clamp(at.channel, 0, std::max(0, r.OC - 1)) : s.out_channel;
  if (s.arith_serial != s.result_serial || s.arith_position != s.position || s.arith_oc != s.out_channel ||
      !(s.arith_target == at) || s.arith_pinned != pinned) {
    s.arithmetic = at.kind == HoverKind::None ? arithmetic_text(c, s.data, r, s.out_channel, s.position)
                                              : arithmetic_text_at(c, s.data, r, arith_oc, at.cell);
    s.arith_target = at;
    s.arith_pinned = pinned;
    s.arith_channel = arith_oc;
    s.arith_cell = at.kind == HoverKind::None ? position_cell(r, c, s.position) : at.cell;
  }
  if (s.arith_serial != s.result_serial || s.arith_position != s.position || s.arith_oc != s.out_channel) {
    s.transposed_partial = c.mode == ConvMode::Transposed ? transposed_partial(c, s.data, r, s.position + 1) : Tensor();
    s.winograd = winograd_tile_at(c, s.data, r, s.position);
    s.arith_serial = s.result_serial;
    s.arith_position = s.position;
    s.arith_oc = s.out_channel;
  }
}

void lesson_set_picture(LessonState& s, InputPreset kind, std::vector<std::vector<float>> planes, int w, int h) {
  if (planes.empty() || w <= 0 || h <= 0) return;
  s.raw_w = w;
  s.raw_h = h;
  s.raw_kind = kind;
  if (planes.size() >= 3) {
    // BT.601 luma for the one-channel view, as the engine's to_grey.
    s.raw_grey.assign(static_cast<size_t>(w) * h, 0.0f);
    for (size_t i = 0; i < s.raw_grey.size(); ++i)
      s.raw_grey[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
  } else {
    s.raw_grey = planes[0];
  }
  s.raw_planes = std::move(planes);
  s.config.input_preset = kind;
  lesson_touch(s);
}

bool lesson_use_digit(LessonState& s, int index) {
  if (!s.digits || s.digits->test.count <= 0) return false;
  const DigitSet& set = s.digits->test;
  index = ((index % set.count) + set.count) % set.count;
  const uint8_t* px = set.image(index);
  std::vector<float> plane(kDigitPixels);
  for (int i = 0; i < kDigitPixels; ++i) plane[static_cast<size_t>(i)] = px[i] / 255.0f;
  s.digit_index = index;
  lesson_set_picture(s, InputPreset::Digit, {plane}, kDigitSide, kDigitSide);
  return true;
}

std::string lesson_choose_input(LessonState& s, InputPreset p) {
  if (p == InputPreset::Digit && (!s.digits || s.digits->test.count <= 0))
    return fmt(tr(S::state_digit_needs_digits), "stepper.input_preset", "digit");
  if (p == InputPreset::Image && s.raw_kind != InputPreset::Image)
    return fmt(tr(S::state_image_needs_image), "stepper.input_preset", "image");
  if (p == InputPreset::Digit && s.raw_kind != InputPreset::Digit) lesson_use_digit(s, s.digit_index);
  if (p == InputPreset::Custom && s.config.input_preset != InputPreset::Custom) s.source = s.data.input;
  s.config.input_preset = p;
  return "";
}

std::string lesson_choose_kernel(LessonState& s, KernelPreset p) {
  if (p == KernelPreset::Learned && s.learned.empty())
    return fmt(tr(S::state_learned_needs_weights), "stepper.kernel_preset", "learned");
  s.config.kernel_preset = p;
  return "";
}

// [SECTION] layout ------------------------------------------------------------------------------------

LessonLayout lesson_layout(float w, float h, float top) {
  const float m = 6.0f;  // gap between windows and to the edges
  LessonLayout l;
  const float avail_h = std::max(100.0f, h - top - 2 * m);
  // The stepper gets ~58% of the width: its grids are the ones a class reads from afar.
  const float left_w = std::floor(std::max(200.0f, (w - 3 * m) * 0.58f));
  const float right_w = std::max(150.0f, w - 3 * m - left_w);
  l.stepper = {m, top + m, left_w, avail_h};
  const float top_h = std::floor((avail_h - m) * 0.5f);
  l.output_size = {2 * m + left_w, top + m, right_w, top_h};
  l.im2col = {2 * m + left_w, top + 2 * m + top_h, right_w, avail_h - m - top_h};
  return l;
}

bool lesson_rects_overlap(const LessonRect& a, const LessonRect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

}  // namespace cs::app
