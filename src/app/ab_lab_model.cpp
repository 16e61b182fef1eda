// ab_lab_model.cpp — the side-by-side training lab's presets, transport and state()/setState().
#include "ab_lab_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cs::app {

namespace {

bool parse_activation(const std::string& id, cs::Activation* out) {
  for (cs::Activation a : {cs::Activation::ReLU, cs::Activation::GELU, cs::Activation::SiLU, cs::Activation::Sigmoid})
    if (id == activation_id(a)) {
      *out = a;
      return true;
    }
  return false;
}

nlohmann::json side_config_json(const cs::TrainingSideConfig& c) {
  return {{"depth", c.net.depth},
          {"width", c.net.width},
          {"batch_norm", c.net.batch_norm},
          {"residual", c.net.residual},
          {"se", c.net.squeeze_excite},
          {"activation", activation_id(c.net.activation)},
          {"init_scale", c.net.init_scale},
          {"learning_rate", c.learning_rate},
          {"optimizer", cs::optimizer_kind_name(c.optimizer)}};
}

nlohmann::json side_json(const cs::TrainingSideConfig& c, const cs::TrainingSide* run) {
  nlohmann::json j = {{"config", side_config_json(c)}};
  nlohmann::json grad = nlohmann::json::object(), act = nlohmann::json::object();
  if (run) {
    const cs::TrainingHistory& h = run->history();
    j["loss"] = h.loss;
    j["accuracy"] = h.accuracy;
    for (size_t i = 0; i < h.layer_names.size(); ++i) {
      grad[h.layer_names[i]] = h.grad_norm[i];
      act[h.layer_names[i]] = {{"mean", h.activation[i].mean},
                               {"std", h.activation[i].std},
                               {"zero_fraction", h.activation[i].zero_fraction}};
    }
    j["layers"] = h.layer_names;
    j["diverged_at"] = h.diverged_at;
    j["error"] = h.error;
  } else {
    j["loss"] = j["accuracy"] = j["layers"] = nlohmann::json::array();
    j["diverged_at"] = 0;
    j["error"] = "";
  }
  j["grad_norm"] = grad;
  j["activation"] = act;
  return j;
}

// One side's fields from setState, onto `c`. Error words or "".
std::string apply_side_json(cs::TrainingSideConfig& c, const nlohmann::json& j, const char* name) {
  const std::string where = std::string("ab_lab.") + name;
  if (!j.is_object()) return cs::fmt(tr(S::state_not_object), where.c_str());
  static const char* kKnown[] = {"depth", "width", "batch_norm", "residual", "se", "activation", "init_scale",
                                 "learning_rate", "optimizer"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return it.key() == k; }))
      return cs::fmt(tr(S::state_no_field), where.c_str(), it.key().c_str());
  for (const char* key : {"depth", "width"}) {
    if (!j.contains(key)) continue;
    const std::string field = where + "." + key;
    if (!j[key].is_number_integer()) return cs::fmt(tr(S::state_not_integer), field.c_str());
    const long long v = j[key].get<long long>();
    const long long hi = std::strcmp(key, "depth") == 0 ? cs::kCnnMaxDepth : cs::kCnnMaxWidth;
    const long long lo = std::strcmp(key, "depth") == 0 ? cs::kCnnMinDepth : 1;
    if (v < lo || v > hi) return cs::fmt(tr(S::state_in_range_got), field.c_str(), lo, hi, v);
    (std::strcmp(key, "depth") == 0 ? c.net.depth : c.net.width) = static_cast<int>(v);
  }
  struct Flag {
    const char* key;
    bool* value;
  };
  for (const Flag& f : {Flag{"batch_norm", &c.net.batch_norm}, Flag{"residual", &c.net.residual},
                        Flag{"se", &c.net.squeeze_excite}}) {
    if (!j.contains(f.key)) continue;
    if (!j[f.key].is_boolean()) return cs::fmt(tr(S::state_not_boolean), (where + "." + f.key).c_str());
    *f.value = j[f.key].get<bool>();
  }
  if (j.contains("activation")) {
    const std::string v = j["activation"].is_string() ? j["activation"].get<std::string>() : "";
    if (!parse_activation(v, &c.net.activation))
      return cs::fmt(tr(S::state_one_of), (where + ".activation").c_str(), "relu, gelu, silu, sigmoid");
  }
  if (j.contains("optimizer")) {
    const std::string v = j["optimizer"].is_string() ? j["optimizer"].get<std::string>() : "";
    if (!cs::parse_optimizer_kind(v, &c.optimizer))
      return cs::fmt(tr(S::state_one_of), (where + ".optimizer").c_str(), "sgd, momentum, adam");
  }
  struct Real {
    const char* key;
    float* value;
  };
  for (const Real& f : {Real{"init_scale", &c.net.init_scale}, Real{"learning_rate", &c.learning_rate}}) {
    if (!j.contains(f.key)) continue;
    if (!j[f.key].is_number()) return cs::fmt(tr(S::state_not_number), (where + "." + f.key).c_str());
    *f.value = j[f.key].get<float>();
  }
  const cs::Status ok = cs::validate_training_side(c);
  if (!ok) return where + ": " + ok.message();
  return "";
}

}  // namespace

const char* activation_id(cs::Activation a) {
  switch (a) {
    case cs::Activation::GELU: return "gelu";
    case cs::Activation::SiLU: return "silu";
    case cs::Activation::Sigmoid: return "sigmoid";
    default: return "relu";
  }
}

const std::vector<AbLabPreset>& ab_lab_presets() {
  struct Words {
    const char* id;
    S title, look_for;
  };
  static const Words kWords[] = {
      {"plain-vs-residual", S::ab_preset_residual, S::ab_preset_residual_look},
      {"batchnorm", S::ab_preset_batchnorm, S::ab_preset_batchnorm_look},
      {"init", S::ab_preset_init, S::ab_preset_init_look},
      {"same", S::ab_preset_same, S::ab_preset_same_look},
  };
  static const std::vector<AbLabPreset> presets = [] {
    std::vector<AbLabPreset> out;
    for (const Words& w : kWords)
      if (const cs::PairedPreset* p = cs::find_paired_preset(w.id)) out.push_back({w.id, w.title, w.look_for, p});
    return out;
  }();
  return presets;
}

const cs::TrainingSideConfig& ab_lab_opening_side(int which) {
  const cs::PairedPreset& p = *ab_lab_presets().front().settings;
  return which == 0 ? p.left : p.right;
}
const char* ab_lab_opening_preset() { return ab_lab_presets().front().id; }

const AbLabPreset* find_ab_lab_preset(const std::string& id) {
  for (const AbLabPreset& p : ab_lab_presets())
    if (id == p.id) return &p;
  return nullptr;
}

std::string ab_lab_apply_preset(AbLabState& s, const std::string& id) {
  const AbLabPreset* p = find_ab_lab_preset(id);
  if (!p) {
    std::string list;
    for (const AbLabPreset& q : ab_lab_presets()) list += std::string(list.empty() ? "" : ", ") + q.id;
    return cs::fmt(tr(S::state_one_of), "ab_lab.preset", list.c_str());
  }
  s.left = p->settings->left;
  s.right = p->settings->right;
  s.preset = p->id;
  ab_lab_forget_run(s);
  return "";
}

void ab_lab_forget_run(AbLabState& s) {
  s.run.reset();
  s.error.clear();
  s.step_credit = 0;
}

std::string ab_lab_ensure_run(AbLabState& s) {
  if (s.run) return "";
  auto run = std::make_shared<cs::PairedTraining>();
  const cs::Status st = run->configure(s.left, s.right, s.seed, s.batch_size, s.micro_batch);
  if (!st) {
    s.error = st.message();
    s.running = false;
    return s.error;
  }
  s.run = std::move(run);
  s.error.clear();
  return "";
}

int ab_lab_tick(AbLabState& s, const cs::DigitSet& train, double dt_s, const std::function<double()>& clock_ms) {
  if (!s.running) return 0;
  if (!ab_lab_ensure_run(s).empty()) return 0;
  cs::PairedTraining& run = *s.run;
  // At a chosen speed, steps are owed as time passes (at most a second's worth, so a stalled tab
  // does not come back to a burst).
  if (s.speed > 0) s.step_credit = std::min(s.step_credit + s.speed * std::max(0.0, dt_s), std::max(1.0, 1.0 * s.speed));
  const long long start = run.steps();
  const double t0 = clock_ms();
  const cs::Status st = cs::run_pieces_within(
      s.budget_ms, clock_ms,
      [&]() {
        bool stepped = false;
        CS_RETURN_IF_ERROR(run.run_piece(train, &stepped));
        if (stepped && s.speed > 0) s.step_credit -= 1;
        return cs::Status::ok();
      },
      nullptr,
      [&]() {
        if (run.finished()) return false;
        if (s.stop_at > 0 && run.steps() >= s.stop_at) return false;
        return s.speed == 0 || s.step_credit >= 1.0;
      });
  s.last_slice_ms = clock_ms() - t0;
  if (!st) {
    s.error = st.message();
    s.running = false;
  }
  if (run.finished() || (s.stop_at > 0 && run.steps() >= s.stop_at)) {
    s.running = false;
    s.stop_at = 0;
  }
  return static_cast<int>(run.steps() - start);
}

void ab_lab_request_one_step(AbLabState& s) {
  s.stop_at = (s.run ? s.run->steps() : 0) + 1;
  s.running = true;
  s.step_credit = std::max(s.step_credit, 1.0);
}

bool ab_lab_same_settings(const AbLabState& s) { return s.left == s.right; }

std::vector<S> ab_lab_differences(const AbLabState& s) {
  const cs::CnnConfig &a = s.left.net, &b = s.right.net;
  std::vector<S> out;
  if (a.depth != b.depth) out.push_back(S::ab_depth);
  if (a.width != b.width) out.push_back(S::ab_width);
  if (a.batch_norm != b.batch_norm) out.push_back(S::ab_batch_norm);
  if (a.residual != b.residual) out.push_back(S::ab_residual);
  if (a.squeeze_excite != b.squeeze_excite) out.push_back(S::ab_se);
  if (a.activation != b.activation) out.push_back(S::ab_activation);
  if (a.init_scale != b.init_scale) out.push_back(S::ab_init_scale);
  if (s.left.learning_rate != s.right.learning_rate) out.push_back(S::ab_learning_rate);
  if (s.left.optimizer != s.right.optimizer) out.push_back(S::ab_optimizer);
  return out;
}

bool ab_lab_same_histories(const AbLabState& s) {
  return !s.run || cs::same_history(s.run->side(0).history(), s.run->side(1).history());
}

void ab_lab_state_json(const AbLabState& s, nlohmann::json& out) {
  nlohmann::json presets = nlohmann::json::array();
  for (const AbLabPreset& p : ab_lab_presets()) presets.push_back(p.id);
  const cs::TrainingSide* left = s.run ? &s.run->side(0) : nullptr;
  const cs::TrainingSide* right = s.run ? &s.run->side(1) : nullptr;
  out["ab_lab"] = {{"visible", s.show},
                   {"step", s.run ? s.run->steps() : 0},
                   {"running", s.running},
                   {"preset", s.preset},
                   {"presets", presets},
                   {"seed", s.seed},
                   {"batch_size", s.batch_size},
                   {"micro_batch", s.micro_batch},
                   {"micro_batch_used", s.run ? s.run->micro_batch() : 0},
                   {"speed", s.speed},
                   {"budget_ms", s.budget_ms},
                   {"stop_at", s.stop_at},
                   {"max_steps", cs::PairedTraining::kMaxSteps},
                   {"last_slice_ms", s.last_slice_ms},
                   {"same_settings", ab_lab_same_settings(s)},
                   {"same_histories", ab_lab_same_histories(s)},
                   {"error", s.error},
                   {"left", side_json(s.left, left)},
                   {"right", side_json(s.right, right)}};
}

std::string ab_lab_apply_json(AbLabState& s, const nlohmann::json& j) {
  if (!j.is_object()) return cs::fmt(tr(S::state_not_object), "ab_lab");
  static const char* kKnown[] = {"visible", "left",        "right", "preset", "run",      "steps",
                                 "seed",    "batch_size", "micro_batch", "speed", "budget_ms", "reset"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return it.key() == k; }))
      return cs::fmt(tr(S::state_no_field), "ab_lab", it.key().c_str());
  AbLabState next = s;
  bool settings_changed = false;
  if (j.contains("preset")) {
    const std::string id = j["preset"].is_string() ? j["preset"].get<std::string>() : "?";
    const std::string e = ab_lab_apply_preset(next, id);
    if (!e.empty()) return e;
    settings_changed = true;
  }
  for (const char* name : {"left", "right"}) {
    if (!j.contains(name)) continue;
    const std::string e = apply_side_json(std::strcmp(name, "left") == 0 ? next.left : next.right, j[name], name);
    if (!e.empty()) return e;
    next.preset.clear();
    settings_changed = true;
  }
  struct IntField {
    const char* key;
    long long lo, hi;
  };
  for (const IntField& f : {IntField{"seed", 0, 0xffffffffLL}, IntField{"batch_size", 1, 256},
                            IntField{"micro_batch", 1, 256}, IntField{"speed", 0, 1000},
                            IntField{"steps", 0, cs::PairedTraining::kMaxSteps}, IntField{"budget_ms", 1, 100}}) {
    if (!j.contains(f.key)) continue;
    const std::string field = std::string("ab_lab.") + f.key;
    if (!j[f.key].is_number_integer()) return cs::fmt(tr(S::state_not_integer), field.c_str());
    const long long v = j[f.key].get<long long>();
    if (v < f.lo || v > f.hi) return cs::fmt(tr(S::state_in_range_got), field.c_str(), f.lo, f.hi, v);
  }
  if (j.contains("seed")) next.seed = static_cast<uint32_t>(j["seed"].get<long long>());
  if (j.contains("batch_size")) next.batch_size = j["batch_size"].get<int>();
  if (j.contains("micro_batch")) next.micro_batch = j["micro_batch"].get<int>();
  if (next.micro_batch > next.batch_size)
    return cs::fmt(tr(S::state_in_range_got), "ab_lab.micro_batch", 1LL, static_cast<long long>(next.batch_size),
                   static_cast<long long>(next.micro_batch));
  settings_changed |= j.contains("seed") || j.contains("batch_size") || j.contains("micro_batch");
  if (j.contains("speed")) next.speed = j["speed"].get<int>();
  if (j.contains("budget_ms")) next.budget_ms = j["budget_ms"].get<int>();
  for (const char* key : {"run", "visible", "reset"})
    if (j.contains(key) && !j[key].is_boolean()) return cs::fmt(tr(S::state_not_boolean), (std::string("ab_lab.") + key).c_str());
  if (j.contains("visible")) next.show = j["visible"].get<bool>();
  if (settings_changed || (j.contains("reset") && j["reset"].get<bool>())) ab_lab_forget_run(next);
  if (j.contains("run")) next.running = j["run"].get<bool>();
  if (j.contains("steps")) {
    const long long n = j["steps"].get<long long>();
    const long long done = next.run ? next.run->steps() : 0;
    next.stop_at = n > 0 ? done + n : 0;
    if (n > 0) next.running = true;
  }
  s = std::move(next);
  return "";
}

}  // namespace cs::app
