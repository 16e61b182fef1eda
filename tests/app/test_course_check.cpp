// test_course_check.cpp — the guided lessons' predicates against a state() JSON: paths, every form,
// tolerance, answers (numbers, yes/no, cells as sets), feedback quoting the engine's values, and
// hostile predicates and paths that must neither crash nor pass.
#include <doctest/doctest.h>

#include <string>

#include "app/course_check.h"

using namespace cs::app;
using nlohmann::json;

namespace {

const json kState = json::parse(R"({
  "stepper": {"output": [3, 3], "input": [5, 5], "value": 25.0, "output_values": [1, 2.5, -3],
              "explain": "out = floor((5 + 2*0 - 3) / 1) + 1 = 3",
              "highlight": {"input": [[0, 0], [0, 1], [1, 0], [1, 1]]},
              "multiplies": {"standard": 400, "depthwise": 100}},
  "workspace": "lessons"
})");

CourseVerdict check(const json& pred, const json& answer = nullptr, int attempts = 0) {
  return course_check(pred, kState, answer, attempts);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("course check: paths") {
  REQUIRE(course_path(kState, "stepper.output_values[1]"));
  CHECK(*course_path(kState, "stepper.output_values[1]") == 2.5);
  CHECK(*course_path(kState, "stepper.highlight.input[3][1]") == 1);
  CHECK(course_path(kState, "stepper.output_values[9]") == nullptr);
  CHECK(course_path(kState, "stepper..value") == nullptr);
  CHECK(course_path(kState, "stepper.output_values[-1]") == nullptr);
  CHECK(course_path(kState, "stepper.output_values[99999999999999999999]") == nullptr);
  CHECK(course_path(kState, "stepper[0]") == nullptr);
  CHECK(course_path(kState, "") == nullptr);
}

TEST_CASE("course check: state predicates, with feedback from the state's values") {
  CHECK(check({{"path", "stepper.output"}, {"equals", {3, 3}}}).done);
  CourseVerdict v = check({{"path", "stepper.output"}, {"equals", {2, 2}}});
  CHECK_FALSE(v.done);
  CHECK(has(v.feedback, "stepper.output is [3,3] now"));
  CHECK(has(v.feedback, "[2,2]"));
  CHECK(has(v.feedback, "floor((5 + 2*0 - 3) / 1) + 1"));  // the engine's own formula
  CHECK(check({{"path", "stepper.value"}, {"op", ">="}, {"value", 25}}).done);
  CHECK_FALSE(check({{"path", "stepper.value"}, {"op", "<"}, {"value", 25}}).done);
  CHECK(check({{"path", "workspace"}, {"in", {"digit-lab", "lessons"}}}).done);
  CHECK(check({{"path", "stepper.output"}, {"equals_path", "stepper.output"}}).done);
  CHECK_FALSE(check({{"path", "stepper.output"}, {"equals_path", "stepper.input"}}).done);
  CHECK(check({{"path", "stepper.multiplies.depthwise"}, {"equals_path", "stepper.multiplies.standard"}, {"factor", 0.25}}).done);
  CHECK(check({{"path", "stepper.value"}, {"equals", 25.001}, {"tol", 0.01}}).done);
  CHECK_FALSE(check({{"path", "stepper.value"}, {"equals", 25.01}}).done);
  CHECK(check({{"path", "stepper.value"}, {"equals", 25.0000001}}).done);  // 1e-4 relative
  CHECK(check({{"all", {{{"path", "workspace"}, {"equals", "lessons"}}, {{"path", "stepper.value"}, {"equals", 25}}}}}).done);
  CHECK_FALSE(check({{"all", {{{"path", "workspace"}, {"equals", "lessons"}}, {{"path", "stepper.value"}, {"equals", 2}}}}}).done);
  CHECK(check({{"any", {{{"path", "workspace"}, {"equals", "x"}}, {{"path", "stepper.value"}, {"equals", 25}}}}}).done);
  CHECK(check({{"not", {{"path", "workspace"}, {"equals", "x"}}}}).done);
  v = check({{"path", "stepper.missing"}, {"equals", 1}});
  CHECK_FALSE(v.done);
  CHECK(has(v.feedback, "nothing"));
}

TEST_CASE("course check: answers are compared with the engine's value, never a number in the file") {
  const json pred = {{"answer", {{"equals_path", "stepper.value"}}}};
  CHECK(check(pred, 25).done);
  CHECK(check(pred, 25.00001).done);
  CourseVerdict v = check(pred, 27, 0);
  CHECK_FALSE(v.done);
  CHECK(has(v.feedback, "27 is too high"));
  CHECK_FALSE(has(v.feedback, "25"));  // the first wrong answer does not give it away
  v = check(pred, 20, 1);
  CHECK(has(v.feedback, "too low"));
  CHECK(has(v.feedback, "The engine's value at stepper.value is 25"));
  CHECK_FALSE(check(pred, nullptr).done);
  CHECK_FALSE(check(pred, "twenty-five").done);
  CHECK(check({{"answer", {{"equals", false}}}}, false).done);
  CHECK_FALSE(check({{"answer", {{"equals", false}}}}, true).done);
}

TEST_CASE("course check: pick answers are sets of cells") {
  const json pred = {{"answer", {{"same_set_as_path", "stepper.highlight.input"}}}};
  CHECK(check(pred, json::parse("[[1,1],[0,0],[1,0],[0,1]]")).done);
  CourseVerdict v = check(pred, json::parse("[[0,0],[0,1],[2,2]]"));
  CHECK_FALSE(v.done);
  CHECK(has(v.feedback, "3 cells picked: 2 missing, 1 too many"));
  CHECK_FALSE(check(pred, 4).done);
}

TEST_CASE("course check: hostile predicates never pass") {
  CHECK_FALSE(check(json::array()).done);
  CHECK_FALSE(check({{"path", 5}, {"equals", 1}}).done);
  CHECK_FALSE(check({{"all", 3}}).done);
  CHECK_FALSE(check({{"path", "stepper.value"}, {"op", "=="}, {"value", 25}}).done);
  CHECK_FALSE(course_predicate_problem({{"path", "a"}, {"equals", 1}, {"extra", 2}}, "do").empty());
  CHECK_FALSE(course_predicate_problem({{"answer", {{"equals_path", "a"}, {"equals", 1}}}}, "predict").empty());
  CHECK(course_predicate_problem({{"path", "a"}, {"equals", 1}}, "do").empty());
}

TEST_CASE("course check: typed answers") {
  CHECK(course_parse_answer(" 25 ") == 25);
  CHECK(course_parse_answer("-0.5") == -0.5);
  CHECK(course_parse_answer("[[0,1],[1,1]]") == json::parse("[[0,1],[1,1]]"));
  CHECK(course_parse_answer("0 1; 1 1") == json::parse("[[0,1],[1,1]]"));
  CHECK(course_parse_answer("Yes") == true);
  CHECK(course_parse_answer("no") == false);
  CHECK(course_parse_answer("   ").is_null());
  CHECK(course_parse_answer("Seven") == "seven");
}
