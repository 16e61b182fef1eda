// lesson_json_model.cpp — the lessons' state() JSON out and setState() JSON in. The configuration's
// fields go through the field table (stepper_config_model.h); what the mode makes of them (kernel,
// groups, output channels) is the resolved geometry's.
#include <algorithm>
#include <cmath>

#include "digit_bundle_model.h"
#include "lesson_model.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

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

json floats(const float* v, int n) {
  json a = json::array();
  for (int i = 0; i < n; ++i) a.push_back(v[i]);
  return a;
}

// One configuration field as state() writes it (the same shapes setState reads back).
json field_json(const StepperField& f, const StepperConfig& c) {
  const double v = f.get(c, 0);
  switch (f.type) {
    case FieldType::Int: return static_cast<int>(v);
    case FieldType::Pair: return {static_cast<int>(v), static_cast<int>(f.get(c, 1))};
    case FieldType::Bool: return v != 0;
    case FieldType::Seed: return static_cast<unsigned>(v);
    case FieldType::Bias: return static_cast<float>(v);
    case FieldType::Mode: return conv_mode_name(static_cast<ConvMode>(static_cast<int>(v)));
    case FieldType::Input: return input_preset_name(static_cast<InputPreset>(static_cast<int>(v)));
    case FieldType::Kernel: return kernel_preset_name(static_cast<KernelPreset>(static_cast<int>(v)));
  }
  return nullptr;
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
  const StepperGeometry& ms = r.geo;
  json st;
  st["visible"] = s.show_stepper;
  int nfields = 0;
  const StepperField* fields = stepper_fields(&nfields);
  for (int i = 0; i < nfields; ++i) st[fields[i].key] = field_json(fields[i], c);
  // What the mode makes of them (pointwise is 1x1, depthwise has one group per channel): the geometry's.
  st["kernel"] = {ms.KH, ms.KW};
  st["groups"] = ms.groups;
  st["out_channels"] = r.valid ? r.OC : ms.OC;
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
  const StepperGeometry& msk = r.geo;
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

// "0..9, got 12" style range refusal: one entry for every integer field.
std::string out_of(const char* path, long long lo, long long hi, long long v) {
  return fmt(tr(S::state_in_range_got), path, lo, hi, v);
}

#define CS_TRY(expr)                  \
  do {                                \
    std::string e_ = (expr);          \
    if (!e_.empty()) return e_;       \
  } while (0)

// One configuration field from setState's "stepper" object (absent: unchanged), by its table row.
// The ranges are validate_config's, checked once every field is read.
std::string read_field(LessonState& s, const json& j, const StepperField& f) {
  if (!j.contains(f.key)) return "";
  StepperConfig& c = s.config;
  const json& v = j[f.key];
  const std::string path = std::string("stepper.") + f.key;
  switch (f.type) {
    case FieldType::Int: {
      int x = 0;
      CS_TRY(get_int(j, f.key, &x));
      f.set(c, 0, x);
      return "";
    }
    case FieldType::Pair: {
      int h = 0, w = 0;
      CS_TRY(get_pair(j, f.key, &h, &w));
      f.set(c, 0, h);
      f.set(c, 1, w);
      return "";
    }
    case FieldType::Bool: {
      bool b = false;
      CS_TRY(get_bool(j, f.key, "stepper", &b));
      f.set(c, 0, b ? 1 : 0);
      return "";
    }
    case FieldType::Seed:
      if (!v.is_number_unsigned() || v.get<unsigned long long>() > 0xffffffffULL) return fmt(tr(S::state_not_seed), path.c_str());
      f.set(c, 0, static_cast<double>(v.get<unsigned long long>()));
      return "";
    case FieldType::Bias:
      if (!v.is_number()) return fmt(tr(S::state_not_number), path.c_str());
      f.set(c, 0, static_cast<float>(v.get<double>()));
      return "";
    case FieldType::Mode: {
      ConvMode m;
      if (!v.is_string() || !parse_conv_mode(v.get<std::string>(), &m))
        return fmt(tr(S::state_one_of), path.c_str(), names_of(conv_mode_name, kConvModeCount).c_str());
      f.set(c, 0, static_cast<int>(m));
      return "";
    }
    case FieldType::Kernel: {
      KernelPreset p;
      if (!v.is_string() || !parse_kernel_preset(v.get<std::string>(), &p))
        return fmt(tr(S::state_one_of), path.c_str(), names_of(kernel_preset_name, kKernelPresetCount).c_str());
      return lesson_choose_kernel(s, p);
    }
    case FieldType::Input: break;  // after validation (apply_stepper)
  }
  return "";
}

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
  CS_TRY(get_bool(j, "transposed_as_conv", "stepper", &s.transposed_as_conv));
  int nfields = 0;
  const StepperField* fields = stepper_fields(&nfields);
  for (int i = 0; i < nfields; ++i)
    if (fields[i].type != FieldType::Input) CS_TRY(read_field(s, j, fields[i]));
  CS_TRY(validate_config(c));
  // The input preset last: the digit and custom presets take their data from the new shape.
  if (j.contains("input_preset")) {
    InputPreset p;
    if (!j["input_preset"].is_string() || !parse_input_preset(j["input_preset"].get<std::string>(), &p))
      return fmt(tr(S::state_one_of), "stepper.input_preset", names_of(input_preset_name, kInputPresetCount).c_str());
    CS_TRY(lesson_choose_input(s, p));
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
      if (!lesson_target_in_range(s, h)) return fmt(tr(S::state_pin_off_grid), "stepper.pinned", y, x, k.c_str());
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

}  // namespace cs::app
