// ab_lab_model.h — the side-by-side training lab without ImGui: the presets that reproduce the
// course's claims, the transport (how much training a frame runs at the chosen speed, a step target),
// and the lab's part of state() and setState(). The training itself is the engine's PairedTraining.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ab_lab_state.h"
#include "ui_strings.h"

namespace cs::app {

// An engine preset (cs::paired_training_presets: the settings) with the words the lab shows for it.
struct AbLabPreset {
  const char* id;  // "plain-vs-residual", as setState({ab_lab: {preset}}) names it
  S title;         // the menu's words
  S look_for;      // what the student should see, and why
  const cs::PairedPreset* settings;
};
const std::vector<AbLabPreset>& ab_lab_presets();
const AbLabPreset* find_ab_lab_preset(const std::string& id);

// Settings from a preset (the run restarts). Error words for an unknown id, else "".
std::string ab_lab_apply_preset(AbLabState& s, const std::string& id);
// The settings changed: the next step starts a fresh run (new weights, the batches from the start).
void ab_lab_forget_run(AbLabState& s);
// Builds the engine's run from the settings if there is none. Error words (also in s.error) or "".
std::string ab_lab_ensure_run(AbLabState& s);
// One frame's training: pieces of work inside s.budget_ms, no more steps than `speed` allows over
// `dt_s` seconds, none past stop_at. Pauses at the target, at kMaxSteps, when both sides stopped.
// Returns the steps completed.
int ab_lab_tick(AbLabState& s, const cs::DigitSet& train, double dt_s, const std::function<double()>& clock_ms);
// The transport's "One step": runs until one more step is done (over as many frames as it takes).
void ab_lab_request_one_step(AbLabState& s);

bool ab_lab_same_settings(const AbLabState& s);
// The settings in which the two sides differ, as the panel names them (S::ab_depth, ...).
std::vector<S> ab_lab_differences(const AbLabState& s);
// Both sides' recorded numbers (loss, accuracy, gradient norms) are equal bit for bit.
bool ab_lab_same_histories(const AbLabState& s);

const char* activation_id(cs::Activation a);  // "relu", "gelu", "silu", "sigmoid"

void ab_lab_state_json(const AbLabState& s, nlohmann::json& out);  // state().ab_lab
// setState({ab_lab: {left: {...}, right: {...}, preset, run, steps, seed, batch_size, micro_batch,
// speed, budget_ms}}): error words (nothing applied) or "".
std::string ab_lab_apply_json(AbLabState& s, const nlohmann::json& partial);

}  // namespace cs::app
