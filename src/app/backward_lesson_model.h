// backward_lesson_model.h — the stepper's backward direction inside the lessons (no ImGui): keeps
// LessonState::backward in step with the forward result, and its parts of state(), setState() and the
// URL hash. The numbers are backward_stepper_model's (the engine's); this file only wires them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "lesson_state.h"

namespace cs::app {

// Recomputes the backward result when the forward result or the dL/dY choice changed, and the
// partial sums and arithmetic when the step changed. Called at the end of lesson_refresh.
void backward_refresh(LessonState& s);

// One SGD step with L.backward.lr: the kernel becomes a custom one when it is taken; a refusal
// (diverged, bad learning rate) is kept in backward.sgd.error and the kernel stays.
void backward_take_sgd(LessonState& s);
void backward_run_check(LessonState& s);

// The dL/dY cell (oc, y, x) set to v: the choice becomes "custom" starting from the gradient shown.
// Refused (false, `why` in words) when v is not finite or beyond +-1e6.
bool backward_edit_grad(LessonState& s, int oc, int y, int x, float v, std::string* why);

// state().stepper's backward fields, added to `st`.
void backward_json(const LessonState& s, nlohmann::json* st);
// setState's backward fields of the "stepper" object (after the configuration): direction,
// grad_output ("ones"|"random"|"custom"|"target"|numbers), target, backward_step, lr, apply_sgd,
// grad_check. "" when applied, else the reason.
std::string backward_apply(LessonState& s, const nlohmann::json& j);
extern const char* const kBackwardStateKeys[];  // those keys (null-terminated), for setState's list
bool is_backward_state_key(const std::string& key);

// The URL hash: "&dir=b&grad=<choice>" (+ gv/tv values for custom/target) when backward is on.
std::string backward_link_fields(const LessonState& s);
// A link key of the backward view into setState's "stepper" object; false when `k` is not one.
bool backward_link_field(const std::string& k, const std::string& v, nlohmann::json* st, std::string* error);

}  // namespace cs::app
