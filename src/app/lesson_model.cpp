// lesson_model.cpp — keeps the lessons' cached engine results in step with their configuration
// (lesson_refresh), and turns LessonState into state() JSON and setState() JSON back into it.
#include "lesson_model.h"

#include <algorithm>
#include <cmath>

#include "digit_bundle_model.h"
#include "engine/data/image.h"
#include "pytorch_code_model.h"
#include "ui_strings.h"

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

bool target_in_range(const LessonState& s, const HoverTarget& h) {
  const StepperResult& r = s.result;
  if (!r.valid) return false;
  ModeShape ms = mode_shape(s.config);
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

}  // namespace

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
    make_weights(c, s.learned, &s.data, &s.kernel_note);
    s.result = compute_stepper(c, s.data);
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
  if (!target_in_range(s, s.pinned)) s.pinned = HoverTarget{};
  if (!target_in_range(s, s.hover)) s.hover = HoverTarget{};
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

// [SECTION] state() -------------------------------------------------------------------------------------

namespace {

json cells_json(const std::vector<Cell>& cells) {
  json a = json::array();
  for (const Cell& c : cells) a.push_back({c.r, c.c});
  return a;
}

const char* hover_kind_name(HoverKind k) {
  switch (k) {
    case HoverKind::Output: return "output";
    case HoverKind::Input: return "input";
    case HoverKind::Kernel: return "kernel";
    case HoverKind::None: break;
  }
  return "none";
}

json target_json(const HoverTarget& h) {
  if (h.kind == HoverKind::None) return nullptr;
  return {{"kind", hover_kind_name(h.kind)}, {"cell", {h.cell.r, h.cell.c}}, {"channel", h.channel}};
}

json pair(Size2 s) { return {s.h, s.w}; }

json floats(const float* v, int n) {
  json a = json::array();
  for (int i = 0; i < n; ++i) a.push_back(v[i]);
  return a;
}

json axis_json(const AxisReport& a) {
  return {{"valid", a.valid},       {"out", a.out},           {"formula", a.formula},
          {"substituted", a.substituted}, {"why", a.why}, {"uncovered", a.uncovered},
          {"same_padding", a.same_padding}};
}

}  // namespace

json lesson_json(const LessonState& s) {
  const StepperConfig& c = s.config;
  const StepperResult& r = s.result;
  ModeShape ms = mode_shape(c);
  json st;
  st["visible"] = s.show_stepper;
  st["input"] = {c.H, c.W};
  st["channels"] = c.C;
  st["kernel"] = {ms.KH, ms.KW};
  st["stride"] = pair(c.stride);
  st["padding"] = pair(c.padding);
  st["dilation"] = pair(c.dilation);
  st["groups"] = c.mode == ConvMode::Grouped ? c.groups : ms.groups;
  st["out_channels"] = r.valid ? r.OC : ms.OC;
  st["mode"] = conv_mode_name(c.mode);
  st["ceil_mode"] = c.ceil_mode;
  st["input_preset"] = input_preset_name(c.input_preset);
  st["kernel_preset"] = kernel_preset_name(c.kernel_preset);
  st["seed"] = c.seed;
  st["bias"] = c.bias;
  st["kernel_note"] = s.kernel_note;
  if (r.valid) {
    st["output"] = {r.OH, r.OW};
    st["error"] = "";
  } else {
    st["output"] = nullptr;
    st["error"] = r.error;
  }
  st["explain"] = r.explain;
  Cell p = position_cell(r, c, s.position);
  st["position"] = {p.r, p.c};
  st["step"] = s.position;
  st["steps"] = r.valid ? r.steps : 0;
  st["playing"] = s.playing;
  st["speed"] = s.speed;
  st["out_channel"] = s.out_channel;
  st["arithmetic"] = s.arithmetic;
  st["cell_px"] = s.grid_cell_px;
  // Which cell the arithmetic is written for: the animation's, the hovered or the pinned one.
  st["arithmetic_for"] = {{"source", s.arith_target.kind == HoverKind::None ? "animation" : s.arith_pinned ? "pinned" : "hover"},
                          {"cell", {s.arith_cell.r, s.arith_cell.c}}, {"channel", s.arith_channel}};
  st["value"] = r.valid && c.mode != ConvMode::Transposed ? json(r.output.at(0, s.out_channel, p.r, p.c)) : json(nullptr);
  const int positions = r.valid ? r.cols_cols : 0;
  st["cols_shape"] = s.patches_as_rows ? json{positions, r.valid ? r.cols_rows : 0} : json{r.valid ? r.cols_rows : 0, positions};
  st["highlight"] = {{"input", cells_json(s.highlights.input)},
                     {"output", cells_json(s.highlights.output)},
                     {"kernel", cells_json(s.highlights.kernel)},
                     {"input_channels", s.highlights.input_channels}};
  st["hover"] = target_json(s.hover);
  st["pinned"] = target_json(s.pinned);
  st["transposed_as_conv"] = s.transposed_as_conv;
  st["pytorch"] = s.pytorch;
  st["pytorch_copies"] = s.pytorch_copies;
  st["pytorch_script"] = s.pytorch_script;
  st["pytorch_script_copies"] = s.pytorch_script_copies;
  // The output the grids show, (OC, OH, OW) flattened; separable also its pointwise stage.
  if (r.valid && !r.output.empty()) st["output_values"] = floats(r.output.data(), static_cast<int>(r.output.numel()));
  if (r.valid && !r.pointwise_output.empty())
    st["pointwise_values"] = floats(r.pointwise_output.data(), static_cast<int>(r.pointwise_output.numel()));
  if (c.mode == ConvMode::Transposed && r.valid) {
    st["zero_inserted"] = {r.zero_inserted.dim(2), r.zero_inserted.dim(3)};
    st["transposed_diff"] = r.transposed_diff;
    json ov = json::array();
    for (int y = 0; y < r.OH; ++y) ov.push_back(floats(r.overlap.data() + static_cast<size_t>(y) * r.OW, r.OW));
    st["overlap"] = ov;
  }
  if (c.mode == ConvMode::Separable && r.valid)
    st["macs"] = {{"depthwise", r.macs_stage1}, {"pointwise", r.macs_stage2}, {"standard", r.macs_standard}};
  if (r.valid && !mode_is_pool(c.mode) && c.mode != ConvMode::Transposed) {
    const auto& m = r.multiplies;
    st["multiplies"] = {{"in_channels", m.in_channels}, {"out_channels", m.out_channels}, {"groups", m.groups},
                        {"standard", m.standard}, {"grouped", m.grouped >= 0 ? json(m.grouped) : json(nullptr)},
                        {"depthwise", m.depthwise}, {"pointwise", m.pointwise}};
  }
  st["digit_index"] = s.digit_index;
  // Available: there, or to be fetched when chosen (the page's digit model comes on first need).
  st["digits_available"] = (s.digits && s.digits->test.count > 0) || s.assets_on_demand;
  st["learned_available"] = !s.learned.empty() || s.assets_on_demand;
  st["digits_loaded"] = s.digits && s.digits->test.count > 0;
  st["image_name"] = s.image_name;

  json os;
  os["visible"] = s.show_output_size;
  os["split"] = s.split_hw;
  os["tab"] = kOutputSizeTabs[std::clamp(s.output_size_tab, 0, 3)];
  ModeShape msk = mode_shape(c);
  os["H"] = axis_json(axis_report("H", c.H, msk.KH, c.stride.h, c.padding.h, c.dilation.h, c.mode, c.ceil_mode));
  os["W"] = axis_json(axis_report("W", c.W, msk.KW, c.stride.w, c.padding.w, c.dilation.w, c.mode, c.ceil_mode));
  json cost = json::array();
  for (const CostRow& row : cost_table(c, s.cost))
    cost.push_back({{"name", row.name}, {"valid", row.valid}, {"why", row.why}, {"params", row.params},
                    {"params_no_bias", row.params_no_bias}, {"macs", row.macs}, {"output_bytes", row.output_bytes}});
  os["cost"] = cost;
  os["cost_inputs"] = {{"in_channels", s.cost.in_channels}, {"out_channels", s.cost.out_channels},
                       {"groups", s.cost.groups}, {"batch", s.cost.batch}};
  std::string rf_error;
  json rf = json::array();
  for (const RfRow& row : rf_rows(s.rf_layers, &rf_error))
    rf.push_back({{"label", row.label}, {"size", row.size}, {"jump", row.jump}, {"start", row.start}});
  os["rf"] = rf;
  os["rf_error"] = rf_error;

  const Im2colView& v = s.im2col;
  json im;
  im["visible"] = s.show_im2col;
  im["tab"] = kIm2colTabs[std::clamp(s.im2col_tab, 0, 3)];
  im["orientation"] = s.patches_as_rows ? "rows" : "columns";
  static const char* const kZoom[] = {"none", "columns", "weights", "output"};
  im["zoom"] = kZoom[std::clamp(s.im2col_zoom, 0, 3)];
  im["valid"] = v.valid;
  im["error"] = v.error;
  if (v.valid) {
    im["shape"] = v.cols.shape();
    im["image_shape"] = {v.C, v.H, v.W};
    im["gemm"] = v.gemm;
    if (v.gemm) {
      im["weights_shape"] = v.weights.shape();
      im["product_shape"] = {v.OC, v.OH, v.OW};
      im["max_abs_diff"] = v.compared ? json(v.max_abs_diff) : json(nullptr);
    }
    im["cols_bytes"] = v.cols_bytes;
    im["input_bytes"] = v.input_bytes;
    im["blowup"] = v.blowup;
    im["highlight_positions"] = columns_of_position(v, c, r, s.position);
    json ov = json::array();
    if (!v.overlap.empty())
      for (int y = 0; y < v.H; ++y) ov.push_back(floats(v.overlap.data() + static_cast<size_t>(y) * v.W, v.W));
    im["overlap"] = ov;
  }
  const Im2colHover& hv = s.im2col_hover;
  if (hv.kind == 1 && v.valid) {
    PixelRef px = pixel_of_entry(v, c, hv.a, hv.b);
    im["hover"] = {{"kind", "entry"}, {"entry", {hv.a, hv.b}},
                   {"pixel", {px.ch, px.y, px.x}}, {"padding", px.padding}};
  } else if (hv.kind == 2 && v.valid) {
    json e = json::array();
    for (const Cell& q : entries_of_pixel(v, c, hv.ch, hv.a, hv.b)) e.push_back({q.r, q.c});
    im["hover"] = {{"kind", "pixel"}, {"pixel", {hv.ch, hv.a, hv.b}}, {"entries", e}};
  } else {
    im["hover"] = nullptr;
  }
  const WinogradTile& w = s.winograd;
  im["winograd"] = {{"ok", w.ok}, {"why", w.why}, {"tile", {w.out_r, w.out_c}}, {"y", floats(w.y, 4)},
                    {"direct", floats(w.direct, 4)}, {"engine", floats(w.conv_winograd, 4)},
                    {"max_abs_diff", w.max_abs_diff}, {"multiplications", {{"winograd", 16}, {"direct", 36}}}};
  json t = json::array();
  for (const AlgoTiming& a : s.timing.rows) t.push_back({{"name", a.name}, {"ms", a.ms}, {"ok", a.ok}, {"why", a.why}});
  im["timings"] = t;
  im["timing"] = {{"size", s.timing_size}, {"label", s.timing.label}, {"error", s.timing.error}, {"runs", s.timing.runs},
                  {"input_shape", s.timing.ok ? json(s.timing.in_shape) : json(nullptr)},
                  {"output_shape", s.timing.ok ? json(s.timing.out_shape) : json(nullptr)}};
  if (v.valid && v.gemm) im["compared"] = v.compared;
  return {{"stepper", st}, {"output_size", os}, {"im2col", im}};
}

// [SECTION] setState() ------------------------------------------------------------------------------------
// Its refusals name JSON paths ("stepper.step must be in 0..8, got 9"). They reach the JavaScript caller
// of ConvScope.setState and, for a link that parses but asks for a value this lesson cannot take, the
// "link was ignored" notice; both get the same text in the UI language (English unless switched): the
// sentence comes from the string table, the path, the field's names and the bad value are data.

namespace {

std::string get_int(const json& j, const char* key, int* out) {
  if (!j.contains(key)) return "";
  const std::string path = std::string("stepper.") + key;
  if (!j[key].is_number_integer()) return fmt(tr(S::state_not_integer), path.c_str());
  long long v = j[key].get<long long>();
  if (v < -1000000 || v > 1000000) return fmt(tr(S::state_out_of_range_value), path.c_str(), v);
  *out = static_cast<int>(v);
  return "";
}

// [h, w] or a single integer for both.
std::string get_pair(const json& j, const char* key, int* h, int* w) {
  if (!j.contains(key)) return "";
  const json& v = j[key];
  const std::string path = std::string("stepper.") + key;
  if (v.is_number_integer()) {
    long long x = v.get<long long>();
    if (x < -1000000 || x > 1000000) return fmt(tr(S::state_out_of_range), path.c_str());
    *h = *w = static_cast<int>(x);
    return "";
  }
  if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || !v[1].is_number_integer())
    return fmt(tr(S::state_not_pair), path.c_str());
  long long a = v[0].get<long long>(), b = v[1].get<long long>();
  if (a < -1000000 || a > 1000000 || b < -1000000 || b > 1000000) return fmt(tr(S::state_out_of_range), path.c_str());
  *h = static_cast<int>(a);
  *w = static_cast<int>(b);
  return "";
}

std::string get_bool(const json& j, const char* key, const char* where, bool* out) {
  if (!j.contains(key)) return "";
  if (!j[key].is_boolean()) return fmt(tr(S::state_not_boolean), (std::string(where) + "." + key).c_str());
  *out = j[key].get<bool>();
  return "";
}

std::string get_floats(const json& j, const char* key, size_t want, std::vector<float>* out) {
  const json& v = j[key];
  const std::string path = std::string("stepper.") + key;
  if (!v.is_array() || v.size() != want) return fmt(tr(S::state_not_array_of), path.c_str(), want);
  out->clear();
  for (const json& x : v) {
    if (!x.is_number()) return fmt(tr(S::state_only_numbers), path.c_str());
    double d = x.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > 1e6) return fmt(tr(S::state_values_finite), path.c_str());
    out->push_back(static_cast<float>(d));
  }
  return "";
}

// "standard, grouped, ...": the names a field takes (the state's words, from the model's own list).
template <class E>
std::string names_of(const char* (*name)(E), int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += (i ? ", " : "") + std::string(name(static_cast<E>(i)));
  return out;
}

// {"tab": "cost"}: which tab a panel opens on its next frame (the names of `tabs`, in order).
std::string get_tab(const json& j, const char* path, const char* const (&tabs)[4], int* request) {
  if (!j.contains("tab")) return "";
  for (int i = 0; i < 4; ++i)
    if (j["tab"] == tabs[i]) {
      *request = i;
      return "";
    }
  std::string names;
  for (const char* t : tabs) names += (names.empty() ? "" : ", ") + std::string(t);
  return fmt(tr(S::state_one_of), path, names.c_str());
}

// "0..9, got 12" style range refusal: one entry for every integer field.
std::string out_of(const char* path, long long lo, long long hi, long long v) {
  return fmt(tr(S::state_in_range_got), path, lo, hi, v);
}

#define CS_TRY(expr)                  \
  do {                                \
    std::string e_ = (expr);          \
    if (!e_.empty()) return e_;       \
  } while (0)

std::string apply_stepper(LessonState& s, const json& j) {
  if (!j.is_object()) return fmt(tr(S::state_not_object), "stepper");
  static const char* const known[] = {"visible", "input", "channels", "kernel", "stride", "padding", "dilation",
                                      "groups", "out_channels", "mode", "ceil_mode", "input_preset",
                                      "kernel_preset", "seed", "bias", "position", "step", "playing", "speed",
                                      "out_channel", "pinned", "transposed_as_conv", "digit_index",
                                      "input_values", "kernel_values"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return it.key() == k; }) == std::end(known))
      return fmt(tr(S::state_no_field), "stepper", it.key().c_str());
  StepperConfig& c = s.config;
  CS_TRY(get_bool(j, "visible", "stepper", &s.show_stepper));
  CS_TRY(get_pair(j, "input", &c.H, &c.W));
  CS_TRY(get_int(j, "channels", &c.C));
  CS_TRY(get_pair(j, "kernel", &c.KH, &c.KW));
  CS_TRY(get_pair(j, "stride", &c.stride.h, &c.stride.w));
  CS_TRY(get_pair(j, "padding", &c.padding.h, &c.padding.w));
  CS_TRY(get_pair(j, "dilation", &c.dilation.h, &c.dilation.w));
  CS_TRY(get_int(j, "groups", &c.groups));
  CS_TRY(get_int(j, "out_channels", &c.out_channels));
  CS_TRY(get_bool(j, "ceil_mode", "stepper", &c.ceil_mode));
  CS_TRY(get_bool(j, "transposed_as_conv", "stepper", &s.transposed_as_conv));
  if (j.contains("mode")) {
    if (!j["mode"].is_string() || !parse_conv_mode(j["mode"].get<std::string>(), &c.mode))
      return fmt(tr(S::state_one_of), "stepper.mode", names_of(conv_mode_name, kConvModeCount).c_str());
  }
  if (j.contains("kernel_preset")) {
    if (!j["kernel_preset"].is_string() || !parse_kernel_preset(j["kernel_preset"].get<std::string>(), &c.kernel_preset))
      return fmt(tr(S::state_one_of), "stepper.kernel_preset", names_of(kernel_preset_name, kKernelPresetCount).c_str());
    if (c.kernel_preset == KernelPreset::Learned && s.learned.empty())
      return fmt(tr(S::state_learned_needs_weights), "stepper.kernel_preset", "learned");
  }
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned() || j["seed"].get<unsigned long long>() > 0xffffffffULL)
      return fmt(tr(S::state_not_seed), "stepper.seed");
    c.seed = static_cast<unsigned>(j["seed"].get<unsigned long long>());
  }
  if (j.contains("bias")) {
    if (!j["bias"].is_number()) return fmt(tr(S::state_not_number), "stepper.bias");
    c.bias = static_cast<float>(j["bias"].get<double>());
  }
  CS_TRY(validate_config(c));
  if (j.contains("input_preset")) {
    InputPreset p;
    if (!j["input_preset"].is_string() || !parse_input_preset(j["input_preset"].get<std::string>(), &p))
      return fmt(tr(S::state_one_of), "stepper.input_preset", names_of(input_preset_name, kInputPresetCount).c_str());
    if (p == InputPreset::Digit) {
      if (!s.digits || s.digits->test.count <= 0) return fmt(tr(S::state_digit_needs_digits), "stepper.input_preset", "digit");
      if (s.raw_kind != InputPreset::Digit) lesson_use_digit(s, s.digit_index);
    }
    if (p == InputPreset::Image && s.raw_kind != InputPreset::Image)
      return fmt(tr(S::state_image_needs_image), "stepper.input_preset", "image");
    if (p == InputPreset::Custom && c.input_preset != InputPreset::Custom) s.source = s.data.input;
    c.input_preset = p;
  }
  if (j.contains("digit_index")) {
    if (!j["digit_index"].is_number_integer()) return fmt(tr(S::state_not_integer), "stepper.digit_index");
    if (!s.digits || s.digits->test.count <= 0) return fmt(tr(S::state_needs_digits), "stepper.digit_index");
    long long k = j["digit_index"].get<long long>();
    if (k < 0 || k >= s.digits->test.count) return fmt(tr(S::state_in_range), "stepper.digit_index", 0, s.digits->test.count - 1);
    lesson_use_digit(s, static_cast<int>(k));
  }
  if (j.contains("input_values")) {
    std::vector<float> v;
    CS_TRY(get_floats(j, "input_values", static_cast<size_t>(c.C) * c.H * c.W, &v));
    s.source = v;
    c.input_preset = InputPreset::Custom;
    lesson_touch(s);
  }
  lesson_refresh(s);  // the new geometry decides what positions and cells exist
  if (j.contains("kernel_values")) {
    std::vector<float> v;
    CS_TRY(get_floats(j, "kernel_values", s.data.weight.size(), &v));
    s.data.weight = v;
    c.kernel_preset = KernelPreset::Custom;
    lesson_touch(s);
    lesson_refresh(s);
  }
  const StepperResult& r = s.result;
  if (j.contains("out_channel")) {
    int oc = 0;
    CS_TRY(get_int(j, "out_channel", &oc));
    if (oc < 0 || oc >= r.OC) return out_of("stepper.out_channel", 0, r.OC - 1, oc);
    s.out_channel = oc;
  }
  if (j.contains("step") || j.contains("position")) {
    if (!r.valid) return fmt(tr(S::state_no_positions), "stepper.position", r.error.c_str());
    if (j.contains("step")) {
      int t = 0;
      CS_TRY(get_int(j, "step", &t));
      if (t < 0 || t >= r.steps) return out_of("stepper.step", 0, r.steps - 1, t);
      s.position = t;
    }
    if (j.contains("position")) {
      int y = 0, x = 0;
      CS_TRY(get_pair(j, "position", &y, &x));
      const int gh = c.mode == ConvMode::Transposed ? c.H : r.OH, gw = c.mode == ConvMode::Transposed ? c.W : r.OW;
      if (y < 0 || y >= gh || x < 0 || x >= gw) return fmt(tr(S::state_position_outside), "stepper.position", y, x, gh, gw);
      s.position = y * gw + x;
    }
  }
  CS_TRY(get_bool(j, "playing", "stepper", &s.playing));
  if (j.contains("speed")) {
    if (!j["speed"].is_number()) return fmt(tr(S::state_not_number), "stepper.speed");
    double v = j["speed"].get<double>();
    if (!(v >= 0.25 && v <= 30)) return fmt(tr(S::state_speed_range), "stepper.speed", 0.25, 30.0, v);
    s.speed = static_cast<float>(v);
  }
  if (j.contains("pinned")) {
    const json& p = j["pinned"];
    if (p.is_null()) {
      s.pinned = HoverTarget{};
    } else {
      if (!p.is_object() || !p.contains("kind") || !p["kind"].is_string() || !p.contains("cell"))
        return fmt(tr(S::state_not_pin), "stepper.pinned", "kind", "\"output\"|\"input\"|\"kernel\"", "cell");
      HoverTarget h;
      std::string k = p["kind"].get<std::string>();
      if (k == "output") h.kind = HoverKind::Output;
      else if (k == "input") h.kind = HoverKind::Input;
      else if (k == "kernel") h.kind = HoverKind::Kernel;
      else return fmt(tr(S::state_one_of_three), "stepper.pinned.kind", "\"output\"", "\"input\"", "\"kernel\"");
      int y = 0, x = 0;
      CS_TRY(get_pair(p, "cell", &y, &x));
      h.cell = Cell{y, x};
      if (!target_in_range(s, h)) return fmt(tr(S::state_pin_off_grid), "stepper.pinned", y, x, k.c_str());
      s.pinned = h;
    }
  }
  lesson_refresh(s);
  return "";
}

std::string apply_output_size(LessonState& s, const json& j) {
  if (!j.is_object()) return fmt(tr(S::state_not_object), "output_size");
  CS_TRY(get_bool(j, "visible", "output_size", &s.show_output_size));
  CS_TRY(get_bool(j, "split", "output_size", &s.split_hw));
  CS_TRY(get_tab(j, "output_size.tab", kOutputSizeTabs, &s.output_size_tab_request));
  if (j.contains("cost")) {
    const json& c = j["cost"];
    if (!c.is_object()) return fmt(tr(S::state_not_object), "output_size.cost");
    CostInputs ci = s.cost;
    struct F {
      const char* key;
      int* dst;
      int lo, hi;
    } fields[] = {{"in_channels", &ci.in_channels, 1, 4096}, {"out_channels", &ci.out_channels, 1, 4096},
                  {"groups", &ci.groups, 1, 4096}, {"batch", &ci.batch, 1, 1024}};
    for (const F& f : fields) {
      if (!c.contains(f.key)) continue;
      const std::string path = std::string("output_size.cost.") + f.key;
      if (!c[f.key].is_number_integer()) return fmt(tr(S::state_not_integer), path.c_str());
      long long v = c[f.key].get<long long>();
      if (v < f.lo || v > f.hi) return out_of(path.c_str(), f.lo, f.hi, v);
      *f.dst = static_cast<int>(v);
    }
    s.cost = ci;
  }
  if (j.contains("rf_layers")) {
    const json& a = j["rf_layers"];
    if (!a.is_array() || a.empty() || a.size() > 12) return fmt(tr(S::state_layer_count), "output_size.rf_layers", 1, 12);
    std::vector<RfStackLayer> layers;
    for (const json& l : a) {
      if (!l.is_object()) return fmt(tr(S::state_entries_objects), "output_size.rf_layers");
      RfStackLayer x;
      if (l.contains("pool")) {
        if (!l["pool"].is_boolean()) return fmt(tr(S::state_not_boolean), "output_size.rf_layers[].pool");
        x.pool = l["pool"].get<bool>();
      }
      struct F {
        const char* key;
        int* dst;
        int lo, hi;
      } fields[] = {{"kernel", &x.kernel, 1, 15}, {"stride", &x.stride, 1, 8}, {"dilation", &x.dilation, 1, 8},
                    {"padding", &x.padding, 0, 8}};
      for (const F& f : fields) {
        if (!l.contains(f.key)) continue;
        const std::string path = std::string("output_size.rf_layers[].") + f.key;
        if (!l[f.key].is_number_integer()) return fmt(tr(S::state_not_integer), path.c_str());
        long long v = l[f.key].get<long long>();
        if (v < f.lo || v > f.hi) return out_of(path.c_str(), f.lo, f.hi, v);
        *f.dst = static_cast<int>(v);
      }
      layers.push_back(x);
    }
    s.rf_layers = layers;
  }
  return "";
}

std::string apply_im2col(LessonState& s, const json& j) {
  if (!j.is_object()) return fmt(tr(S::state_not_object), "im2col");
  CS_TRY(get_bool(j, "visible", "im2col", &s.show_im2col));
  CS_TRY(get_tab(j, "im2col.tab", kIm2colTabs, &s.im2col_tab_request));
  if (j.contains("orientation")) {
    const json& o = j["orientation"];
    if (o == "rows") s.patches_as_rows = true;
    else if (o == "columns") s.patches_as_rows = false;
    else return fmt(tr(S::state_orientation), "im2col.orientation", "\"columns\"", "\"rows\"");
  }
  lesson_refresh(s);
  return "";
}

}  // namespace

std::string lesson_apply(LessonState& s, const json& partial) {
  if (partial.contains("stepper")) CS_TRY(apply_stepper(s, partial["stepper"]));
  if (partial.contains("output_size")) CS_TRY(apply_output_size(s, partial["output_size"]));
  if (partial.contains("im2col")) CS_TRY(apply_im2col(s, partial["im2col"]));
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
