// fuzz_course.cpp — libFuzzer target: arbitrary bytes -> the guided lesson parser must refuse them
// with a sentence naming the file, or give a lesson whose export parses back to the same export; the
// index parser likewise; every predicate that parsed is evaluated against a small state().
#include <cstdint>
#include <cstdlib>
#include <string>

#include "app/course_check.h"
#include "app/course_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::Result<cs::app::CourseLesson> r = cs::app::parse_course_lesson(data, size, "fuzz.json");
  if (!r.is_ok()) {
    if (r.message().rfind("fuzz.json", 0) != 0) std::abort();
  } else {
    const std::string out = cs::app::course_lesson_to_json(r.value());
    cs::Result<cs::app::CourseLesson> again =
        cs::app::parse_course_lesson(reinterpret_cast<const uint8_t*>(out.data()), out.size(), "again.json");
    if (!again.is_ok() || cs::app::course_lesson_to_json(again.value()) != out) std::abort();
    static const nlohmann::json state = nlohmann::json::parse(R"({"stepper": {"output": [3, 3], "value": 2.5,
        "highlight": {"input": [[0, 0]]}, "explain": "out = 3"}})");
    for (const cs::app::CourseStep& s : r.value().steps)
      if (s.has_task) (void)cs::app::course_check(s.task.check, state, nlohmann::json(1), 1);
  }
  cs::Result<cs::app::CourseIndex> index = cs::app::parse_course_index(data, size, "index.json");
  if (!index.is_ok() && index.message().rfind("index.json", 0) != 0) std::abort();
  return 0;
}
