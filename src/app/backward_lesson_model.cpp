// backward_lesson_model.cpp — LessonState::backward kept in step with the forward result (refresh),
// the SGD step and gradient check the panel and setState trigger, and the backward parts of
// state(), setState() and the URL hash.
#include "backward_lesson_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lesson_model.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

// [SECTION] refresh and actions ----------------------------------------------------------------------

void backward_refresh(LessonState& s) {
  LessonState::Backward& B = s.backward;
  if (!B.on) return;
  if (B.serial != s.result_serial || !(B.settings == B.computed_for)) {
    B.result = compute_backward(s.config, s.data, s.result, &B.settings);
    B.computed_for = B.settings;
    B.serial = s.result_serial;
    ++B.revision;
  }
  const BackwardResult& b = B.result;
  B.step = b.valid ? std::clamp(B.step, 0, std::max(0, b.steps - 1)) : 0;
  if (!b.valid) B.playing = false;
  const int oc = std::clamp(s.out_channel, 0, std::max(0, b.OC - 1));
  if (B.current_revision != B.revision || B.current_step != B.step || B.current_oc != oc ||
      B.current_language != ui_language()) {
    B.current = backward_step(s.config, s.data, s.result, b, oc, B.step);
    B.current_revision = B.revision;
    B.current_step = B.step;
    B.current_oc = oc;
    B.current_language = ui_language();
  }
}

void backward_take_sgd(LessonState& s) {
  LessonState::Backward& B = s.backward;
  backward_refresh(s);
  B.sgd = sgd_step(s.config, &s.data, s.result, B.result, B.settings, B.lr);
  if (!B.sgd.done) return;
  s.config.kernel_preset = KernelPreset::Custom;  // the stepped kernel is the student's now
  lesson_touch(s);
  lesson_refresh(s);
}

void backward_run_check(LessonState& s) {
  LessonState::Backward& B = s.backward;
  backward_refresh(s);
  B.check = grad_check(s.config, s.data, B.result, B.settings);
  B.check_revision = B.revision;
}

bool backward_edit_grad(LessonState& s, int oc, int y, int x, float v, std::string* why) {
  LessonState::Backward& B = s.backward;
  const BackwardResult& b = B.result;
  if (!b.valid || oc < 0 || oc >= b.OC || y < 0 || y >= b.OH || x < 0 || x >= b.OW) return false;
  if (!std::isfinite(v) || std::fabs(v) > 1e6f) {
    *why = fmt(tr(S::state_values_finite), "dL/dY");
    return false;
  }
  B.settings.custom = b.grad_output.values();  // start from what is shown
  B.settings.custom[(static_cast<size_t>(oc) * b.OH + y) * b.OW + x] = v;
  B.settings.grad = GradChoice::Custom;
  lesson_refresh(s);
  return true;
}

// [SECTION] state() --------------------------------------------------------------------------------------

namespace {

// A (d0, d1, d2[, d3]) block of a tensor as nested arrays, the layout the contract names.
json nested(const float* v, const std::vector<int>& dims, size_t level = 0) {
  json a = json::array();
  size_t inner = 1;
  for (size_t i = level + 1; i < dims.size(); ++i) inner *= static_cast<size_t>(dims[i]);
  for (int i = 0; i < dims[level]; ++i) {
    if (level + 1 == dims.size()) a.push_back(v[i]);
    else a.push_back(nested(v + i * inner, dims, level + 1));
  }
  return a;
}

json chw(const Tensor& t) {  // (1, C, H, W) -> [C][H][W]
  if (t.empty()) return nullptr;
  return nested(t.data(), {t.dim(1), t.dim(2), t.dim(3)});
}

}  // namespace

void backward_json(const LessonState& s, json* st) {
  const LessonState::Backward& B = s.backward;
  const BackwardResult& b = B.result;
  (*st)["direction"] = B.on ? "backward" : "forward";
  if (!B.on) return;
  (*st)["grad_choice"] = grad_choice_name(B.settings.grad);
  (*st)["lr"] = B.lr;
  (*st)["backward_error"] = b.valid ? "" : b.error;
  const char* keys[] = {"grad_output", "grad_weight", "grad_bias", "grad_input", "backward_arithmetic", "loss",
                        "dx_views", "partial", "target", "overlap"};
  for (const char* k : keys) (*st)[k] = nullptr;
  (*st)["backward_step"] = B.step;
  (*st)["backward_steps"] = b.valid ? b.steps : 0;
  if (b.valid) {
    (*st)["grad_output"] = chw(b.grad_output);
    if (!b.target.empty()) (*st)["target"] = chw(b.target);
    (*st)["grad_input"] = chw(b.grad_input);
    (*st)["loss"] = b.loss;
    (*st)["overlap"] = nested(b.overlap.data(), {b.overlap.dim(0), b.overlap.dim(1)});
    (*st)["backward_arithmetic"] = B.current.arithmetic;
    json partial = {{"grad_input", chw(B.current.grad_input)}, {"grad_weight", nullptr}};
    if (!b.pool) {
      (*st)["grad_weight"] = nested(b.grad_weight.data(), {b.OC, b.cg, b.KH, b.KW});
      (*st)["grad_bias"] = nested(b.grad_bias.data(), {b.OC});
      if (!B.current.grad_weight.empty()) partial["grad_weight"] = nested(B.current.grad_weight.data(), {b.OC, b.cg, b.KH, b.KW});
      (*st)["dx_views"] = {{"scatter", chw(b.grad_input)}, {"rotated", chw(b.dx_rotated)}, {"col2im", chw(b.dx_col2im)},
                           {"max_diff", b.views_max_diff}, {"dy_padded", chw(b.dy_padded)},
                           {"cols_shape", {b.cols.dim(0), b.cols.dim(1)}}};
    }
    (*st)["partial"] = partial;
  }
  const SgdReport& g = B.sgd;
  (*st)["sgd"] = g.done || !g.error.empty()
                     ? json{{"done", g.done}, {"lr", g.lr}, {"loss_before", g.loss_before}, {"loss_after", g.loss_after},
                            {"error", g.error}}
                     : json(nullptr);
  const GradCheck& c = B.check;
  if (B.check_revision == B.revision && (c.done || !c.error.empty()))
    (*st)["grad_check"] = {{"max_rel_error", c.done ? json(c.max_rel_error) : json(nullptr)}, {"eps", c.eps},
                           {"worst", c.worst}, {"error", c.error}};
  else
    (*st)["grad_check"] = nullptr;
}

// [SECTION] setState() ----------------------------------------------------------------------------------

const char* const kBackwardStateKeys[] = {"direction", "grad_output", "target", "backward_step", "backward_playing",
                                          "lr",        "apply_sgd",   "grad_check", nullptr};

bool is_backward_state_key(const std::string& key) {
  for (int i = 0; kBackwardStateKeys[i]; ++i)
    if (key == kBackwardStateKeys[i]) return true;
  return false;
}

namespace {

// Numbers in any nesting ([OC][OH][OW], [OH][OW] or flat), row-major; "" or why not.
std::string flatten(const json& v, const char* path, std::vector<float>* out) {
  if (v.is_number()) {
    const double x = v.get<double>();
    if (!std::isfinite(x) || std::fabs(x) > 1e6) return fmt(tr(S::state_values_finite), path);
    out->push_back(static_cast<float>(x));
    return "";
  }
  if (!v.is_array()) return fmt(tr(S::state_only_numbers), path);
  for (const json& e : v) {
    std::string why = flatten(e, path, out);
    if (!why.empty()) return why;
  }
  return "";
}

std::string grid_of(const json& v, const char* path, size_t n, std::vector<float>* out) {
  std::vector<float> got;
  std::string why = flatten(v, path, &got);
  if (!why.empty()) return why;
  if (got.size() != n) return fmt(tr(S::state_not_array_of), path, n);
  *out = got;
  return "";
}

std::string choice_names() {
  std::string n;
  for (int i = 0; i < kGradChoiceCount; ++i) n += std::string(i ? ", " : "") + "\"" + grad_choice_name(static_cast<GradChoice>(i)) + "\"";
  return n + ", [[...]]";
}

}  // namespace

std::string backward_apply(LessonState& s, const json& j) {
  if (!j.is_object()) return "";
  LessonState::Backward& B = s.backward;
  if (j.contains("direction")) {
    const json& d = j["direction"];
    if (d == "forward") B.on = false;
    else if (d == "backward") B.on = true;
    else return fmt(tr(S::state_one_of), "stepper.direction", "\"forward\", \"backward\"");
  }
  lesson_refresh(s);  // the forward result (and its output size) the gradient belongs to
  const size_t n = s.result.valid ? static_cast<size_t>(s.result.OC) * s.result.OH * s.result.OW : 0;
  if (j.contains("grad_output")) {
    const json& g = j["grad_output"];
    GradChoice c;
    if (g.is_string() && parse_grad_choice(g.get<std::string>(), &c)) {
      B.settings.grad = c;
    } else if (g.is_array()) {
      if (n == 0) return fmt(tr(S::state_no_positions), "stepper.grad_output", s.result.error.c_str());
      std::string why = grid_of(g, "stepper.grad_output", n, &B.settings.custom);
      if (!why.empty()) return why;
      B.settings.grad = GradChoice::Custom;
    } else {
      return fmt(tr(S::state_one_of), "stepper.grad_output", choice_names().c_str());
    }
  }
  if (j.contains("target")) {
    if (n == 0) return fmt(tr(S::state_no_positions), "stepper.target", s.result.error.c_str());
    std::string why = grid_of(j["target"], "stepper.target", n, &B.settings.target);
    if (!why.empty()) return why;
  }
  if (j.contains("lr")) {
    const json& v = j["lr"];
    if (!v.is_number()) return fmt(tr(S::state_not_number), "stepper.lr");
    const double lr = v.get<double>();
    if (!(lr > 0 && lr <= 100)) return std::string("stepper.lr: ") + fmt(tr(S::bwd_lr_range), lr);
    B.lr = static_cast<float>(lr);
  }
  const bool wants = j.contains("backward_step") || j.contains("apply_sgd") || j.contains("grad_check") ||
                     j.contains("backward_playing");
  if (wants && !B.on) return fmt(tr(S::bwd_state_needs_backward), "stepper");
  lesson_refresh(s);
  if (j.contains("backward_step")) {
    const json& v = j["backward_step"];
    if (!v.is_number_integer()) return fmt(tr(S::state_not_integer), "stepper.backward_step");
    if (!B.result.valid) return fmt(tr(S::state_no_positions), "stepper.backward_step", B.result.error.c_str());
    const long long t = v.get<long long>();
    if (t < 0 || t >= B.result.steps)
      return fmt(tr(S::state_in_range_got), "stepper.backward_step", 0LL, static_cast<long long>(B.result.steps - 1), t);
    B.step = static_cast<int>(t);
  }
  if (j.contains("backward_playing")) {
    if (!j["backward_playing"].is_boolean()) return fmt(tr(S::state_not_boolean), "stepper.backward_playing");
    B.playing = j["backward_playing"].get<bool>();
  }
  for (const char* k : {"apply_sgd", "grad_check"})
    if (j.contains(k) && !j[k].is_boolean()) return fmt(tr(S::state_not_boolean), (std::string("stepper.") + k).c_str());
  if (j.value("apply_sgd", false)) backward_take_sgd(s);  // a divergence is a state shown in words, not an error
  if (j.value("grad_check", false)) backward_run_check(s);
  lesson_refresh(s);
  return "";
}

// [SECTION] URL hash -----------------------------------------------------------------------------------

namespace {

std::string floats_text(const std::vector<float>& v) {
  std::string out;
  char buf[32];
  for (size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.9g", i ? "," : "", static_cast<double>(v[i]));
    out += buf;
  }
  return out;
}

}  // namespace

std::string backward_link_fields(const LessonState& s) {
  const LessonState::Backward& B = s.backward;
  if (!B.on) return "";
  std::string out = std::string("&dir=b&grad=") + grad_choice_name(B.settings.grad);
  if (B.settings.grad == GradChoice::Custom) out += "&gv=" + floats_text(B.settings.custom);
  if (B.settings.grad == GradChoice::Target) out += "&tv=" + floats_text(B.settings.target);
  return out;
}

bool backward_link_field(const std::string& k, const std::string& v, json* st, std::string* error) {
  if (k == "dir") {
    if (v == "b") (*st)["direction"] = "backward";
    else if (v == "f") (*st)["direction"] = "forward";
    else *error = fmt(tr(S::link_not_one_of_two), "dir", "f", "b", v.substr(0, 40).c_str());
    return true;
  }
  if (k == "grad") {
    GradChoice c;
    if (parse_grad_choice(v, &c)) {
      if (!st->contains("grad_output")) (*st)["grad_output"] = v;  // gv (values) wins over the name
    } else {
      *error = fmt(tr(S::state_one_of), "grad", "ones, random, custom, target");
    }
    return true;
  }
  if (k != "gv" && k != "tv") return false;
  // Comma-separated finite numbers (at most an output's worth: 4 x 32 x 32); their count is checked by setState.
  json a = json::array();
  const char* p = v.c_str();
  while (*p) {
    char* e = nullptr;
    const float x = std::strtof(p, &e);
    if (e == p || !std::isfinite(x) || std::fabs(x) > 1e6f || a.size() >= 4096 || (*e != ',' && *e != '\0')) {
      *error = fmt(tr(S::link_not_number), k.c_str(), v.substr(0, 40).c_str());
      return true;
    }
    a.push_back(x);
    p = *e == ',' ? e + 1 : e;
  }
  (*st)[k == "gv" ? "grad_output" : "target"] = a;
  return true;
}

}  // namespace cs::app
