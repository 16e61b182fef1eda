// app_hook.cpp — the browser test hook's JSON bridge: state() gathers the app's fields and each
// workspace's part; setState() checks a partial on a copy of the state and applies it whole or not at
// all (a partial needing the digit model waits for it). A new top-level key goes in both functions.
#include <nlohmann/json.hpp>

#include "a11y_mirror.h"
#include "languages.h"
#include "app.h"
#include "a11y_mirror.h"
#include "app_rooms.h"
#include "course_player.h"
#include "languages.h"
#include "touch_ui.h"
#include "digit_lab_model.h"
#include "panels.h"
#include "platform_api.h"
#include "touch_ui.h"

namespace cs::app {

using nlohmann::json;

namespace {

const char* theme_name(Theme t) {
  return t == Theme::Light ? "light" : t == Theme::HighContrast ? "high-contrast" : "dark";
}

// Parts of a setState partial that read the bundled digits or DigitNet's weights: the lessons' digit
// input or learned kernels, the lab's gallery input, activations, training and SE overrides.
bool needs_lab_assets(const json& j) {
  if (j.contains("stepper") && j["stepper"].is_object()) {
    const json& st = j["stepper"];
    if (st.contains("digit_index") || (st.contains("input_preset") && st["input_preset"] == "digit") ||
        (st.contains("kernel_preset") && st["kernel_preset"] == "learned"))
      return true;
  }
  if (j.contains("se") && j["se"].is_object() && j["se"].contains("override")) return true;
  return j.contains("input") || j.contains("activations") || j.contains("training");
}

}  // namespace

std::string app_state_json(const AppState& state) {
  json j;
  j["frame"] = state.frame;
  j["ui_scale"] = state.ui_scale;
  j["theme"] = theme_name(state.theme);
  j["colormap"] = state.sequential_map == ColorMap::Cividis ? "cividis" : "viridis";
  j["help"] = state.show_help;
  j["reduced_motion"] = state.reduced_motion;
  j["language"] = language_name(state.language);
  // A few strings as drawn (the menu bar's, the stepper's Play), so a test sees the language on screen.
  j["ui_sample"] = {{"menu_file", ui_string(state.languages.shown, S::app_file)},
                    {"stepper_play", ui_string(state.languages.shown, S::stepper_play)}};
  languages_state_json(state, j);
  j["a11y"] = {{"revision", state.a11y.revision}, {"tab_leaves_canvas", !a11y_wants_tab(state)},
               {"stepper_released", state.a11y.stepper_released}, {"stepper_focused", state.lessons.stepper_focused}};
  j["perf"] = {{"frames", state.perf.count}, {"p50_ms", state.perf.p50_ms}, {"p95_ms", state.perf.p95_ms},
               {"max_ms", state.perf.max_ms}, {"app_p95_ms", state.perf.app_p95_ms},
               {"outside_p95_ms", state.perf.outside_p95_ms}};
  for (const FrameStats::Split* sp : {&state.perf.slow, &state.perf.all}) {
    const FramePhases& q = sp->phases;
    json& o = j["perf"][sp == &state.perf.slow ? "slow" : "all"];
    o["frames"] = sp->frames;
    o["drawn"] = sp->drawn;
    // A table, not one initializer list: the page's code stays smaller (each nested list is code).
    const std::pair<const char*, float> parts[] = {
        {"total_ms", sp->total_ms}, {"app_ms", sp->app_ms}, {"input_ms", q.input_ms},
        {"new_frame_ms", q.new_frame_ms}, {"upload_ms", q.upload_ms}, {"render_ms", q.render_ms},
        {"signature_ms", q.signature_ms}, {"gl_ms", q.gl_ms}};
    for (const auto& [name, ms] : parts) o[name] = ms;
  }
  j["workspace"] = workspace_name(state.workspace);
  j["notice"] = state.time_s < state.notice_until_s ? state.notice : "";
  j["home"] = {{"visible", state.show_home}, {"clicks", state.home.clicks}, {"slider", state.home.demo_slider}};
  j["inbox"] = {{"image", {{"serial", state.inbox.image_serial}, {"name", state.inbox.image_name},
                           {"width", state.inbox.image.width}, {"height", state.inbox.image.height},
                           {"channels", state.inbox.image.channels}}},
                {"weights", {{"serial", state.inbox.weights_serial}, {"name", state.inbox.weights_name},
                             {"bytes", state.inbox.weights.size()}}}};
  // The digit model (bundled digits + DigitNet's weights): "ready" once both are there (the page
  // fetches them on first need), with the failed fetch's message; partials waiting for it.
  const char* statuses[] = {"idle", "loading", "failed", "ready"};
  j["lab_assets"] = {{"status", statuses[state.lab_assets.status]}, {"error", state.lab_assets.error},
                     {"deferred", state.lab_assets.deferred.size()}, {"revision", state.lab_assets.revision}};
  lesson_state_json(state, j);
  digit_lab_state_json(state, j);
  blocks_workspace_state_json(state, j);
  touch_state_json(state, j);
  course_state_json(state, j);  // last: a do task is checked against everything above
  return j.dump();
}


std::string app_set_state(AppState& state, const std::string& partial_json) {
  json j = json::parse(partial_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return cs::fmt(tr(S::api_expects_object), "setState");
  // A partial that needs the digit model while it is on its way (the page fetches it on first need)
  // waits for it: the fetch starts (or is retried) and the whole partial is applied when it arrives
  // (web/hook.js's setState waits for that; an error then becomes a notice).
  if (needs_lab_assets(j) && app_lab_assets(state, 2) == LabAssets::Loading) {
    state.lab_assets.deferred.push_back({partial_json, false});
    return "";
  }
  AppState next = state;  // apply to a copy: a bad field leaves the state untouched
  if (j.contains("workspace")) {
    const json& w = j["workspace"];
    if (w == "lessons") next.workspace = Workspace::Lessons;
    else if (w == "digit-lab") next.workspace = Workspace::DigitLab;
    else if (w == "blocks") next.workspace = Workspace::Blocks;
    else return cs::fmt(tr(S::state_one_of_three), "workspace", "\"lessons\"", "\"digit-lab\"", "\"blocks\"");
  }
  if (j.contains("ui_scale")) {
    const json& v = j["ui_scale"];
    if (!v.is_number() || !(v.get<double>() == 1.0 || v.get<double>() == 1.5 || v.get<double>() == 2.0))
      return cs::fmt(tr(S::state_one_of_three), "ui_scale", "1", "1.5", "2");
    next.ui_scale = v.get<float>();
  }
  if (j.contains("theme")) {
    const json& v = j["theme"];
    if (v == "dark") next.theme = Theme::Dark;
    else if (v == "light") next.theme = Theme::Light;
    else if (v == "high-contrast") next.theme = Theme::HighContrast;
    else return cs::fmt(tr(S::state_one_of_three), "theme", "\"dark\"", "\"light\"", "\"high-contrast\"");
  }
  if (j.contains("colormap")) {
    const json& v = j["colormap"];
    if (v == "viridis") next.sequential_map = ColorMap::Viridis;
    else if (v == "cividis") next.sequential_map = ColorMap::Cividis;
    else return cs::fmt(tr(S::api_one_of_two), "colormap", "\"viridis\"", "\"cividis\"");
  }
  if (j.contains("language")) {
    const json& v = j["language"];
    if (!v.is_string() || !parse_language(v.get<std::string>(), &next.language))
      return cs::fmt(tr(S::api_language_names), "language", v.dump().c_str());
  }
  if (j.contains("reduced_motion")) {  // the page sets it from prefers-reduced-motion (web/a11y.js)
    if (!j["reduced_motion"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "reduced_motion");
    next.reduced_motion = j["reduced_motion"].get<bool>();
  }
  if (j.contains("help")) {
    if (!j["help"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "help");
    next.show_help = j["help"].get<bool>();
  }
  if (j.contains("export_png")) {  // {export_png: "panel-id"}: the File > Export menu, for tests
    const json& v = j["export_png"];
    if (!v.is_string() || !state.panel_rects.count(v.get<std::string>()))
      return cs::fmt(tr(S::api_visible_panel), "export_png");
    const PanelRect& r = state.panel_rects.at(v.get<std::string>());
    std::string name = "convscope-" + v.get<std::string>() + ".png";
    platform_request_png(name.c_str(), r.x, r.y, r.width, r.height);
  }
  if (j.contains("export_csv")) {  // {export_csv: {se: block} | {activation: layer index or name}}: File menu
    const json& v = j["export_csv"];
    std::string done;
    if (v.is_object() && v.size() == 1 && v.contains("se") && v["se"].is_number_integer()) {
      done = export_se_csv(state, v["se"].get<int>());
    } else if (v.is_object() && v.size() == 1 && v.contains("activation")) {
      const json& a = v["activation"];
      int layer = -2;
      if (a.is_number_integer()) layer = a.get<int>();
      else if (a.is_string() && state.lab.session)
        for (size_t i = 0; i < state.lab.session->trace().size(); ++i)
          if (state.lab.session->trace().name(i) == a.get<std::string>()) layer = static_cast<int>(i);
      if (layer == -2) return cs::fmt(tr(S::api_recorded_layer), "export_csv.activation");
      done = export_activation_csv(state, layer);
    } else {
      return cs::fmt(tr(S::api_export_csv_shape), "export_csv", "se", "activation");
    }
    // Refused: the export's own "Could not export ..." or the platform's failed save, which says
    // notice_export_failed too (in the UI language: these sentences share its start).
    const std::string failed = tr(S::notice_export_failed), refused = failed.substr(0, failed.find(" %s"));
    if (done.rfind(refused, 0) == 0) return done;
    app_notice(state, done);
    next.notice = state.notice;
    next.notice_until_s = state.notice_until_s;
  }
  if (j.contains("home")) {
    const json& h = j["home"];
    if (!h.is_object()) return cs::fmt(tr(S::state_not_object), "home");
    if (h.contains("visible")) {
      if (!h["visible"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "home.visible");
      next.show_home = h["visible"].get<bool>();
    }
    if (h.contains("clicks")) {
      if (!h["clicks"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "home.clicks");
      next.home.clicks = h["clicks"].get<int>();
    }
  }
  std::string err = lesson_set_state(next, j);
  if (err.empty()) err = digit_lab_set_state(next, j);
  if (err.empty()) err = blocks_workspace_set_state(next, j);
  if (err.empty()) err = course_set_state(next, j);
  if (!err.empty()) return err;
  state = next;
  // The lab needs its digits and weights: ask for them now rather than on its first frame.
  if (state.workspace == Workspace::DigitLab) app_lab_assets(state, 1);
  return "";
}

}  // namespace cs::app
