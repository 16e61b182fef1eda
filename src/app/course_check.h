// course_check.h — the guided lessons' predicates: data ({"path": ..., "equals": ...}, all/any/not,
// {"answer": ...}) checked against ConvScope.state()'s JSON and the student's answer, with feedback
// built from the engine's own numbers in that JSON. Pure: no ImGui, no AppState.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace cs::app {

// The value at a dot path with [i] indices ("stepper.output_values[5]", "output_size.rf.size") or
// null when the path leads nowhere.
const nlohmann::json* course_path(const nlohmann::json& root, const std::string& path);

// "" when `pred` is a well-formed predicate, else why not (naming the bad part). `kind` is the task's
// kind: "answer" predicates belong to predict and pick tasks, state predicates to do tasks.
std::string course_predicate_problem(const nlohmann::json& pred, const std::string& kind);

struct CourseVerdict {
  bool done = false;
  std::string feedback;  // why not yet, in the UI language, with the values at the paths
};

// Checks `pred` against `state` (state() JSON). `answer` is the student's answer (null: none yet).
// `attempts` (wrong answers so far) decides how much the feedback tells: the direction first, the
// engine's value from the second wrong answer on.
CourseVerdict course_check(const nlohmann::json& pred, const nlohmann::json& state, const nlohmann::json& answer,
                           int attempts);

// A typed answer: a number ("25", "-0.5"), a list of numbers or of [r, c] cells ("[[0,1],[1,1]]",
// "0 1; 1 1"), yes/no, or a word. Returns null for empty text.
nlohmann::json course_parse_answer(const std::string& text);

}  // namespace cs::app
