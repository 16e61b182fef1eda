// digit_lab.cpp — the digit lab as a group: one frame reads like the data flow (requests -> input ->
// engine -> panels), plus the View-menu entries and the lab's parts of state() and setState().
#include <algorithm>
#include <cmath>

#include "app_services.h"
#include "digit_lab_panels.h"
#include "imgui.h"
#include "lab_layout_model.h"
#include "panels.h"
#include "platform_api.h"

// DigitNet comes from the engine (src/engine/nn/digitnet.h); without it the lab still draws,
// preprocesses and shows the gallery, and says in words that there is no network.
#if __has_include("engine/nn/digitnet.h")
#include "engine/nn/digitnet.h"
#define CS_HAVE_DIGITNET 1
#else
#define CS_HAVE_DIGITNET 0
#endif

namespace cs::app {

using nlohmann::json;

namespace {

LabSession::ModelFactory digitnet_factory() {
#if CS_HAVE_DIGITNET
  return [](uint32_t seed) { return make_digitnet_model(seed); };
#else
  return nullptr;
#endif
}

// Weights the user opened (state.inbox), once per file: loaded into the network through the engine's
// checks, or refused with the reason; either way the notice says what happened. Training pauses: the
// opened weights are what the student wants to look at.
void take_weights(AppState& state, LabSession& s) {
  DigitLabState& lab = state.lab;
  const Inbox& in = state.inbox;
  if (in.weights_serial == lab.weights_serial || !s.has_network()) return;
  lab.weights_serial = in.weights_serial;
  s.pause_training();
  const cs::Status st = s.load_weights(in.weights.data(), in.weights.size(), in.weights_name);
  lab.weights_refused = st ? "" : st.message();
  if (st) app_notice(state, cs::fmt(tr(S::notice_weights_loaded), in.weights_name.c_str()), 8.0);
  else app_notice(state, cs::fmt(tr(S::notice_weights_refused), in.weights_name.c_str(), st.message().c_str()), 12.0);
}

// The bundled digits and DigitNet (with the shipped weights) into the session, once they are there
// (app_lab_assets); until then the session draws and preprocesses without them.
void take_assets(AppState& state, LabSession& s) {
  if (state.lab_assets.status != LabAssets::Ready) {
    s.use_digits(nullptr, app_lab_assets_message(state));
    return;
  }
  s.use_digits(app_bundled_digits(state), state.bundled_digits_error);
  const auto& w = state.lab_assets.weights;
  cs::Status st = s.init_network(digitnet_factory(), w ? w->data() : nullptr, w ? w->size() : 0);
  if (!st) app_notice(state, cs::fmt(tr(S::notice_digitnet_error), st.message().c_str()));
  take_weights(state, s);  // a file opened while the model was on its way
}

LabSession& session_of(AppState& state) {
  DigitLabState& lab = state.lab;
  if (!lab.session) {
    app_lab_assets(state, 1);  // the page fetches them now (first need), the desktop has them
    lab.session = std::make_shared<LabSession>();
    take_assets(state, *lab.session);
  }
  if (!lab.view) lab.view = std::make_shared<LabView>();
  return *lab.session;
}

// Requests recorded by setState (or buttons) are applied here, once per frame.
void apply_requests(AppState& state, LabSession& s) {
  DigitLabState& lab = state.lab;
  if (lab.request_clear) {
    lab.request_clear = false;
    lab.pad.clear();
    lab.input = LabInput::Drawing;
  }
  if (lab.request_gallery >= 0) {
    if (s.use_gallery(lab.request_gallery)) {
      lab.input = LabInput::Gallery;
      lab.gallery_index = lab.request_gallery;
    }
    lab.request_gallery = -1;
  }
  if (lab.request_reset_weights) {
    lab.request_reset_weights = false;
    s.pause_training();
    cs::Status st = s.reset_to_shipped();
    if (!st) app_notice(state, st.message());
    else lab.weights_refused.clear();
  }
  if (lab.request_train == 2) {
    cs::Status st = s.reinitialise(static_cast<uint32_t>(state.frame));
    if (!st) app_notice(state, st.message());
    s.start_training();
  } else if (lab.request_train == 1) {
    s.start_training();
  } else if (lab.request_train == -1) {
    s.pause_training();
  }
  lab.request_train = 0;
  for (const SeOverrideRequest& r : lab.request_overrides) {
    cs::Status st = s.set_se_override(r.block, r.channel, r.value);
    if (!st) app_notice(state, st.message());
  }
  lab.request_overrides.clear();
  // A photo dropped on the page (or opened) becomes the input, through the same preprocessing.
  if (state.inbox.image_serial != lab.photo_serial) {
    lab.photo_serial = state.inbox.image_serial;
    if (state.inbox.image.width > 0) {
      s.use_photo(cs::to_grey(state.inbox.image));
      lab.input = LabInput::Photo;
    }
  }
}

// Until the digit model is there, a panel that needs it is its own window (same title, id and place)
// saying so; after a failed fetch, with a Retry that asks again.
void draw_waiting_panel(AppState& state, S title, bool* open, const char* id) {
  if (!ImGui::Begin(tr_label(title), open)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, id);
  ImGui::TextWrapped("%s", app_lab_assets_message(state).c_str());
  if (state.lab_assets.status == LabAssets::Failed) {
    if (ImGui::Button(tr_label(S::lab_retry))) app_lab_assets(state, 2);
    record_item_rect(state, (std::string(id) + ".retry").c_str());
  }
  ImGui::End();
}

void place(const LabRect& r) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
}

}  // namespace

void draw_digit_lab_panels(AppState& state) {
  LabSession& s = session_of(state);
  LabView& v = *state.lab.view;
  DigitLabState& lab = state.lab;
  apply_requests(state, s);
  if (lab.input == LabInput::Drawing) s.use_drawing(lab.pad);
  // Engine work, each bounded per frame: training first (most of its budget; the SE pass gets the
  // rest, below), then the prediction (batch 1, only when something changed); the SE statistics run
  // after the panels.
  const TrainingSplit split = split_training_budget(lab.train_budget_ms);
  s.step_training(split.train_ms);
  if (s.training().running && s.training().step >= lab.train_target_steps && s.training().step > 0 &&
      lab.train_stop_at_target)
    s.pause_training();
  // Reduced motion (the page's prefers-reduced-motion): while training changes the weights every frame,
  // the prediction and its maps follow at most 3 times a second instead of flickering at the frame rate.
  if (!state.reduced_motion || !s.training().running || state.time_s - lab.maps_refreshed_s >= 1.0 / 3.0) {
    if (s.update_prediction()) lab.maps_refreshed_s = state.time_s;
  }
  // Saliency only when shown, and only when the prediction or the class changed (cached in the session).
  if (lab.saliency_mode != 0 && s.predicted() >= 0) s.update_saliency(saliency_class(lab, s));

  // Default layout once (ImGuiCond_Always on that first frame only, so the user may move them after).
  const bool first = !lab.layout_done || lab.layout_scale != state.ui_scale;  // and again for a new presentation scale
  const LabLayout layout = lab_layout(ImGui::GetIO().DisplaySize.x, ImGui::GetIO().DisplaySize.y,
                                      ImGui::GetFrameHeight(), state.ui_scale);
  lab.layout_done = true;
  lab.layout_scale = state.ui_scale;
  if (lab.show_draw_pad) {
    if (first) place(layout.draw_pad);
    draw_pad_panel(state, s, v);
  }
  const bool waiting = state.lab_assets.status != LabAssets::Ready;  // the draw pad works meanwhile
  if (waiting && lab.show_draw_pad) {  // its gallery line follows the fetch (loading, then why it failed)
    const std::string why = app_lab_assets_message(state);
    if (why != s.digits_error()) s.use_digits(nullptr, why);
  }
  if (lab.show_prediction) {
    if (first) place(layout.prediction);
    if (waiting) draw_waiting_panel(state, S::prediction_title, &lab.show_prediction, "prediction");
    else draw_prediction_panel(state, s, v);
  }
  if (lab.show_activations) {
    if (first) place(layout.activations);
    if (waiting) draw_waiting_panel(state, S::activations_title, &lab.show_activations, "activations");
    else draw_activations_panel(state, s, v);
  }
  if (lab.show_se_weights) {
    if (first) place(layout.se_weights);
    if (waiting) draw_waiting_panel(state, S::se_weights_title, &lab.show_se_weights, "se-weights");
    else draw_se_weights_panel(state, s, v);
  }
  if (lab.show_training) {
    if (first) place(layout.training);
    if (waiting) draw_waiting_panel(state, S::training_title, &lab.show_training, "training");
    else draw_training_panel(state, s, v);
  }
  // The SE statistics are a background pass over the bundled test digits (1000 forward passes after
  // every change of the weights, ~0.7 ms each in wasm: ~700 ms of CPU). It runs between frames, in
  // time the browser has nothing else to do (~10 ms of every 16.7 ms frame at 60 fps: ~1-2 s for the
  // pass), so a frame does none of it (4 ms per frame with every panel open; filling each frame's
  // leftover as well put the lab's p95 at 3.9-5.5 ms). Frames take slices only where there is no idle
  // service, or it has run no digit for a while (se_frame_plan). While training runs, its frames are
  // long anyway: the pass takes its share of the training budget (split_training_budget, at least a
  // digit a frame) over a sample of the digits, and the idle time between frames too, so the heatmap
  // follows the learning. The session is looked up again when an idle slice runs (it may have been
  // replaced by then). The panels show the pass's progress from the frame before.
  const bool between_frames = lab.se_between_frames;
  if (s.se_idle().digits != lab.se_idle_digits_seen || !s.se_pass_running()) lab.se_frames_without_idle = 0;
  else ++lab.se_frames_without_idle;
  lab.se_idle_digits_seen = s.se_idle().digits;
  SeFrameInputs in;
  in.idle_service = between_frames && lab.se_idle_service;
  in.frames_without_idle_progress = lab.se_frames_without_idle;
  in.spent_ms = (platform_time_seconds() - state.time_s) * 1000.0;
  in.outside_ms = state.perf.recent_outside_ms();
  SeFramePlan plan = se_frame_plan(in);
  if (s.training().running) plan = {true, split.se_ms, 0};
  if (lab.se_budget_ms > 0) plan = {true, double(lab.se_budget_ms), kSeMaxIdleFrames};  // asked for (tests)
  if (plan.run) s.step_se_stats(plan.budget_ms, s.training().running ? 2 : 10, plan.max_idle_calls);
  if (between_frames && s.se_pass_running())
    lab.se_idle_service = platform_run_when_idle([st = &state](double budget_ms) {
      if (st->lab.session) st->lab.session->step_se_stats_idle(budget_ms);
    });
}

void digit_lab_assets_arrived(AppState& state) {
  if (state.lab.session) take_assets(state, *state.lab.session);
}

void digit_lab_weights_arrived(AppState& state) {
  LabSession& s = session_of(state);
  if (s.has_network()) return take_weights(state, s);
  if (state.lab_assets.status == LabAssets::Ready)  // the build has no network to load them into
    return app_notice(state, cs::fmt(tr(S::notice_weights_refused), state.inbox.weights_name.c_str(), s.network_error().c_str()), 12.0);
  app_notice(state, cs::fmt(tr(S::notice_weights_waiting), state.inbox.weights_name.c_str()));
}

void digit_lab_menu_items(AppState& state) {
  ImGui::MenuItem(tr_label(S::lab_draw_a_digit), nullptr, &state.lab.show_draw_pad);
  ImGui::MenuItem(tr_label(S::lab_prediction), nullptr, &state.lab.show_prediction);
  ImGui::MenuItem(tr_label(S::lab_activations), nullptr, &state.lab.show_activations);
  ImGui::MenuItem(tr_label(S::lab_se_weights), nullptr, &state.lab.show_se_weights);
  ImGui::MenuItem(tr_label(S::lab_training), nullptr, &state.lab.show_training);
  if (ImGui::MenuItem(tr_label(S::lab_reset_layout))) state.lab.layout_done = false;
}

void digit_lab_state_json(const AppState& state, nlohmann::json& out) {
  const DigitLabState& lab = state.lab;
  const LabSession* s = lab.session.get();
  json input = {{"mode", lab.input == LabInput::Drawing ? "drawing" : lab.input == LabInput::Gallery ? "gallery" : "photo"},
                {"gallery", lab.input == LabInput::Gallery ? lab.gallery_index : -1},
                {"has_ink", s && s->has_input()},
                {"revision", s ? s->input_revision() : 0}};
  if (s && lab.input == LabInput::Gallery && lab.gallery_index >= 0)
    input["label"] = s->digits().test.labels[lab.gallery_index];
  out["input"] = input;
  json draw = {{"strokes", lab.pad.strokes().size()}, {"can_undo", lab.pad.can_undo()},
               {"empty", lab.pad.empty()}, {"brush", lab.brush_radius}};
  if (s && !s->input_is_mnist()) {
    const cs::DigitSteps& st = s->steps();
    draw["steps"] = {{"has_ink", st.has_ink}, {"box", {st.box_x, st.box_y, st.box_w, st.box_h}},
                     {"com", {st.com_x, st.com_y}}, {"shift", {st.shift_x, st.shift_y}},
                     {"message", st.message}, {"ms", s->prepare_ms()},
                     {"message_shown", pad_status_text(lab.input == LabInput::Drawing && lab.pad.empty(), st.message)}};
  }
  // What the pad shows: the drawing, the gallery digit or the photo (which the network reads).
  draw["shows"] = lab.input == LabInput::Drawing ? "drawing" : lab.input == LabInput::Gallery ? "gallery" : "photo";
  if (s && s->photo_preview().width > 0)
    draw["photo"] = {{"width", s->photo_preview().width}, {"height", s->photo_preview().height}};
  out["draw"] = draw;
  out["gallery"] = {{"count", s && s->has_digits() ? s->digits().test.count : 0},
                    {"train_count", s && s->has_digits() ? s->digits().train.count : 0}};
  if (!s || !s->has_network()) {
    out["prediction"] = nullptr;
    out["network"] = {{"ok", false}, {"error", s ? s->network_error() : "not started"}};
    return;
  }
  const char* sources[] = {"shipped", "file", "scratch"};
  out["network"] = {{"ok", true}, {"parameters", s->parameter_count()}, {"weights_revision", s->weights_revision()},
                    {"shipped_weights", s->has_shipped_weights()},
                    {"weights", {{"source", sources[static_cast<int>(s->weights_source())]}, {"name", s->weights_name()},
                                 {"steps_since", s->steps_since_weights()}, {"refused", lab.weights_refused}}}};
  if (s->predicted() >= 0)
    out["prediction"] = {{"class", s->predicted()}, {"probabilities", s->probabilities()},
                         {"ms", s->inference_ms()}, {"input_revision", s->input_revision()},
                         {"revision", s->prediction_revision()}};
  else
    out["prediction"] = nullptr;
  // SE: the last complete pass over the bundled test digits (per_digit empty until the first one).
  const SeStats& st = s->stats();
  json blocks = json::array();
  for (size_t b = 0; b < s->se_blocks().size(); ++b) {
    const int C = s->se_blocks()[b].se->channels();
    json per_digit = json::array();
    if (st.complete() && b < st.blocks.size())
      for (int d = 0; d < 10; ++d) {
        std::vector<float> row(C);
        for (int c = 0; c < C; ++c) row[c] = st.mean(static_cast<int>(b), d, c);
        per_digit.push_back(row);
      }
    std::vector<float> overrides(C);
    json ov = json::object();
    for (int c = 0; c < C; ++c) {
      const float o = s->se_override(static_cast<int>(b), c);
      if (!std::isnan(o)) ov[std::to_string(c)] = o;
    }
    blocks.push_back({{"name", s->se_blocks()[b].name}, {"channels", C}, {"per_digit", per_digit},
                      {"current", s->current_excitation(static_cast<int>(b))}, {"overrides", ov}});
  }
  out["se"] = {{"blocks", blocks}, {"complete", st.complete()}, {"digits", st.total},
               {"accuracy", st.total ? double(st.correct) / st.total : 0.0},
               {"current_weights", st.complete() && st.weights_revision == s->weights_revision()},
               {"pending_done", s->pending().done}, {"forward_ms", st.forward_ms}, {"pass_ms", st.wall_ms},
               {"step", {{"ms", s->last_se_step().ms}, {"digits", s->last_se_step().digits},
                         {"batches", s->last_se_step().batches}, {"idle_calls", s->last_se_step().idle_calls},
                         {"ms_per_digit", s->last_se_step().ms_per_digit}}},
               {"idle", {{"ms", s->se_idle().ms}, {"digits", s->se_idle().digits}, {"slices", s->se_idle().slices},
                         {"empty_slices", s->se_idle().empty_slices}}},
               {"budget_ms", lab.se_budget_ms}, {"between_frames", lab.se_between_frames},
               {"sampled", st.sampled()}, {"pending_total", s->pending().total}, {"passes", s->se_passes()}};
  // Saliency as shown (the 28x28 map row-major: Grad-CAM resized, or |input gradient|).
  const char* modes[] = {"off", "grad-cam", "input-gradient"};
  json sal = {{"mode", modes[std::clamp(lab.saliency_mode, 0, 2)]}, {"class", lab.saliency_class},
              {"runs", s->saliency_runs()}};
  if (lab.saliency_mode != 0 && s->has_saliency() && s->saliency().cls == saliency_class(lab, *s)) {
    const cs::SaliencyMaps& m = s->saliency();
    const ShownSaliency shown = shown_saliency_map(*s, lab.saliency_mode);
    sal["explained"] = m.cls;
    sal["cam_layer"] = m.cam_layer;
    sal["map"] = std::vector<float>(shown.map, shown.map + kDigitPixels);
    sal["max"] = shown.max;
    sal["ms"] = s->saliency_ms();
    sal["input_revision"] = s->input_revision();
    sal["input"] = s->input28();  // the 28x28 the maps explain (ink 1 on 0), to re-run them elsewhere
    if (lab.pad_saliency_shown)  // where the map lies on the pad (CSS px)
      sal["on_pad"] = {lab.pad_saliency_rect[0], lab.pad_saliency_rect[1], lab.pad_saliency_rect[2], lab.pad_saliency_rect[3]};
  } else if (lab.saliency_mode != 0) {
    sal["error"] = s->saliency_error();
  }
  out["saliency"] = sal;
  // The enlarged channel and the clicked unit's receptive field on the input.
  const cs::Trace& trace = s->trace();
  if (lab.act_channel >= 0 && lab.act_layer >= 0 && lab.act_layer < static_cast<int>(trace.size()) &&
      trace.tensor(static_cast<size_t>(lab.act_layer)).rank() == 4) {
    const cs::Tensor& t = trace.tensor(static_cast<size_t>(lab.act_layer));
    out["activations"] = {{"layer", trace.name(static_cast<size_t>(lab.act_layer))}, {"channel", lab.act_channel},
                          {"h", t.dim(2)}, {"w", t.dim(3)}};
  } else {
    out["activations"] = {{"layer", nullptr}};
  }
  if (lab.act_unit_y >= 0 && (lab.rf_valid || !lab.rf_error.empty())) {
    json rf = {{"layer", lab.rf_name}, {"channel", lab.act_channel}, {"y", lab.act_unit_y}, {"x", lab.act_unit_x}};
    if (lab.rf_valid) {
      rf["box"] = {lab.rf_box[0], lab.rf_box[1], lab.rf_box[2], lab.rf_box[3]};
      rf["global_via"] = lab.rf_global_via;
    } else {
      rf["error"] = lab.rf_error;
    }
    out["receptive_field"] = rf;
  } else {
    out["receptive_field"] = nullptr;
  }
  const TrainInfo& t = s->training();
  out["training"] = {{"running", t.running}, {"step", t.step}, {"loss", t.loss}, {"accuracy", t.accuracy},
                     {"last_slice_ms", t.last_slice_ms}, {"error", t.error}, {"budget_ms", lab.train_budget_ms}};
}

std::string digit_lab_set_state(AppState& next, const nlohmann::json& partial) {
  DigitLabState& lab = next.lab;
  if (partial.contains("input")) {
    const json& in = partial["input"];
    if (!in.is_object()) return cs::fmt(tr(S::state_not_object), "input");
    if (in.contains("gallery")) {
      if (!in["gallery"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "input.gallery");
      const int g = in["gallery"].get<int>();
      // The bundled digits, not the lab's session: a link opens the lab and picks its digit at once.
      const int count = next.bundled_digits ? next.bundled_digits->test.count : 0;
      if (g < 0 || g >= count)
        return cs::fmt(tr(S::state_in_range_got), "input.gallery", 0LL, count - 1LL, static_cast<long long>(g));
      lab.request_gallery = g;
    }
  }
  if (partial.contains("draw")) {
    const json& d = partial["draw"];
    if (!d.is_object()) return cs::fmt(tr(S::state_not_object), "draw");
    if (d.contains("clear")) {
      if (!d["clear"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "draw.clear");
      if (d["clear"].get<bool>()) lab.request_clear = true;
    }
    if (d.contains("brush")) {
      if (!d["brush"].is_number()) return cs::fmt(tr(S::state_not_number), "draw.brush");
      const float b = d["brush"].get<float>();
      if (!(b >= 4.0f && b <= 24.0f)) return cs::fmt(tr(S::state_in_range), "draw.brush", 4, 24);
      lab.brush_radius = b;
    }
  }
  if (partial.contains("training")) {
    const json& t = partial["training"];
    if (!t.is_object()) return cs::fmt(tr(S::state_not_object), "training");
    if (t.contains("running")) {
      if (!t["running"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "training.running");
      lab.request_train = t["running"].get<bool>() ? 1 : -1;
    }
    if (t.contains("from_scratch")) {
      if (!t["from_scratch"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "training.from_scratch");
      if (t["from_scratch"].get<bool>()) lab.request_train = 2;
    }
    if (t.contains("reset")) {
      if (!t["reset"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "training.reset");
      lab.request_reset_weights = t["reset"].get<bool>();
    }
    if (t.contains("budget_ms")) {
      if (!t["budget_ms"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "training.budget_ms");
      const int ms = t["budget_ms"].get<int>();
      if (ms < 1 || ms > 14) return cs::fmt(tr(S::state_in_range_got), "training.budget_ms", 1LL, 14LL, static_cast<long long>(ms));
      lab.train_budget_ms = ms;
    }
    if (t.contains("stop_at")) {
      if (!t["stop_at"].is_number_integer() || t["stop_at"].get<int>() < 1) return cs::fmt(tr(S::api_positive_integer), "training.stop_at");
      lab.train_target_steps = t["stop_at"].get<int>();
    }
  }
  if (partial.contains("saliency")) {
    const json& e = partial["saliency"];
    if (!e.is_object()) return cs::fmt(tr(S::state_not_object), "saliency");
    if (e.contains("mode")) {
      const json& m = e["mode"];
      if (m == "off") lab.saliency_mode = 0;
      else if (m == "grad-cam") lab.saliency_mode = 1;
      else if (m == "input-gradient") lab.saliency_mode = 2;
      else return cs::fmt(tr(S::api_one_of_three_got), "saliency.mode", "\"off\"", "\"grad-cam\"", "\"input-gradient\"", m.dump().c_str());
    }
    if (e.contains("class")) {
      if (!e["class"].is_number_integer() || e["class"].get<int>() < -1 || e["class"].get<int>() > 9)
        return cs::fmt(tr(S::api_saliency_class), "saliency.class", e["class"].dump().c_str());
      lab.saliency_class = e["class"].get<int>();
    }
  }
  if (partial.contains("activations")) {
    const json& a = partial["activations"];
    if (!a.is_object() || !a.contains("layer") || !a["layer"].is_string())
      return cs::fmt(tr(S::api_activations_shape), "activations", "layer", "channel");
    const LabSession* s = lab.session.get();
    if (!s) return cs::fmt(tr(S::api_lab_not_started), "activations");
    const std::string name = a["layer"].get<std::string>();
    int index = -1;
    for (size_t i = 0; i < s->trace().size(); ++i)
      if (s->trace().name(i) == name && s->trace().tensor(i).rank() == 4) index = static_cast<int>(i);
    if (index < 0) return cs::fmt(tr(S::api_no_spatial_activation), "activations.layer", name.c_str());
    const int C = s->trace().tensor(static_cast<size_t>(index)).dim(1);
    if (a.contains("channel") && !a["channel"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "activations.channel");
    const int c = a.contains("channel") ? a["channel"].get<int>() : 0;
    if (c < 0 || c >= C) return cs::fmt(tr(S::state_in_range_got), "activations.channel", 0LL, C - 1LL, static_cast<long long>(c));
    if (lab.act_layer != index) select_unit(lab, *s, index, -1, -1);
    lab.act_layer = index;
    lab.act_channel = c;
  }
  if (partial.contains("se")) {
    const json& e = partial["se"];
    if (!e.is_object()) return cs::fmt(tr(S::state_not_object), "se");
    if (e.contains("override")) {
      const json& o = e["override"];
      if (!o.is_object() || !o.contains("block") || !o.contains("channel") || !o["block"].is_number_integer() ||
          !o["channel"].is_number_integer())
        return cs::fmt(tr(S::api_override_shape), "se.override", "block", "channel", "value");
      if (o.contains("value") && !o["value"].is_null() && !o["value"].is_number()) return cs::fmt(tr(S::api_number_or_null), "se.override.value");
      lab.request_overrides.push_back({o["block"].get<int>(), o["channel"].get<int>(),
                                       o.contains("value") && o["value"].is_number() ? o["value"].get<float>() : NAN});
    }
    if (e.contains("budget_ms")) {
      if (!e["budget_ms"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "se.budget_ms");
      const int ms = e["budget_ms"].get<int>();
      if (ms < 0 || ms > 100) return cs::fmt(tr(S::api_se_budget), "se.budget_ms", 0, 100, ms);
      lab.se_budget_ms = ms;
    }
    if (e.contains("between_frames")) {
      if (!e["between_frames"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "se.between_frames");
      lab.se_between_frames = e["between_frames"].get<bool>();
    }
    if (e.contains("block")) {
      if (!e["block"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "se.block");
      lab.se_block = e["block"].get<int>();
    }
  }
  return "";
}

}  // namespace cs::app
