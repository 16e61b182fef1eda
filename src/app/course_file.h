// course_file.h — guided lesson files ("convscope-lesson/1") and their menu index
// ("convscope-lessons-index/1"): bytes in, a checked CourseLesson out, or one sentence naming the
// file, the step and the field. Also writes a lesson back out (the builder's export). Pure: no ImGui.
// The format is described in README "Guided lessons"; the predicates inside `check` are checked by
// course_check.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"

namespace cs::app {

constexpr size_t kCourseFileMaxBytes = size_t(2) << 20;  // a lesson is text: 2 MB is far beyond any

struct CourseTask {
  std::string kind;  // "do", "predict" or "pick"
  std::string prompt, hint, explain;  // string keys (hint, explain may be empty)
  nlohmann::json check;               // the predicate as written in the file
  // Optional (an extension of format 1): for a do task, a setState partial that satisfies the check
  // (the lesson panel's "Show me", and how tests reach the done state). Null when not given.
  nlohmann::json solution;
};

struct CourseStep {
  std::string id;
  int chapter = 0;              // index into CourseLesson::chapters
  nlohmann::json state;         // a setState partial (object; empty object = leave the app as it is)
  bool has_panels = false;      // "panels" given: the others are hidden
  std::vector<std::string> panels;
  std::string spotlight;        // panel or item id ("" = none)
  std::vector<std::string> lock;
  std::string text;             // string key
  std::vector<nlohmann::json> animation;  // setState partials, walked by PageDown before the next step
  bool has_task = false;
  CourseTask task;
};

// Optional translations of a file's "strings": language ("es", "de", "zh") -> key -> text. A key
// without one shows in English.
using CourseTranslations = std::map<std::string, std::map<std::string, std::string>>;

struct CourseChapter {
  std::string id, title;  // title: string key
};

struct CourseLesson {
  std::string id, title;  // title: string key
  std::vector<CourseChapter> chapters;
  std::vector<CourseStep> steps;  // every chapter's steps, in order (CourseStep::chapter says whose)
  std::map<std::string, std::string> strings;  // key -> English text
  CourseTranslations translations;
  // The text of a key in `language` ("es", "de", "zh") when the file translates it, else in English
  // ("" when missing: the validator makes sure none is).
  const std::string& text(const std::string& key, const std::string& language = "") const;
};

struct CourseIndexEntry {
  std::string id, file, title;  // title: a key of the index's "strings", else shown as written
  std::vector<int> chapter_numbers;
};

struct CourseIndex {
  std::vector<CourseIndexEntry> lessons;
  std::map<std::string, std::string> strings;  // optional in the file
  CourseTranslations translations;
  std::string title_of(const CourseIndexEntry& e, const std::string& language = "") const;
};

// The languages a lesson file may translate into: those of the UI's table.
bool course_language_ok(const std::string& language);

// The lesson file's bytes (at most kCourseFileMaxBytes) -> a lesson whose every field was checked:
// format, ids, known fields only, types, string keys present, texts free of markup and control
// characters, predicates well formed. Errors read "<file>, step "<id>", field "<field>": <why>".
Result<CourseLesson> parse_course_lesson(const uint8_t* bytes, size_t size, const std::string& file_name);
Result<CourseIndex> parse_course_index(const uint8_t* bytes, size_t size, const std::string& file_name);

// The lesson as a file again (format 1; parse_course_lesson reads it back to the same lesson).
std::string course_lesson_to_json(const CourseLesson& lesson);

// "" when `text` may be shown (UTF-8 without control characters other than newline and tab, and
// without markup such as <b> or &amp;), else why not.
std::string course_text_problem(const std::string& text);
// [a-z0-9-]{1,40}
bool course_id_ok(const std::string& id);
// A list of ids as a JSON array (state(), exports).
nlohmann::json course_id_list(const std::vector<std::string>& ids);

}  // namespace cs::app
