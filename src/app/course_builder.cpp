// course_builder.cpp — a teacher's lesson, built in the page: the current view becomes a step (the
// same setState partial a link to it would carry), its text and locks are edited, steps reordered or
// deleted, and the lesson exported as a file or a link. The lesson being built is kept in the
// browser's storage until it is discarded; a refused import never touches it.
#include <algorithm>

#include "app.h"
#include "course_player.h"
#include "imgui.h"
#include "platform_api.h"
#include "ui_strings.h"
#include "url_state_model.h"

namespace cs::app {

using nlohmann::json;

namespace {

constexpr const char* kDraftKey = "convscope.course.draft";

CourseLesson empty_lesson() {
  CourseLesson L;
  L.id = "my-lesson";
  L.title = "title";
  L.strings["title"] = tr(S::course_builder_default_title);
  L.chapters.push_back({"main", "title"});
  return L;
}

// A step id not used yet in the lesson ("step-1", "step-2", ...).
std::string fresh_step_id(const CourseLesson& L) {
  for (int n = 1;; ++n) {
    const std::string id = "step-" + std::to_string(n);
    if (std::none_of(L.steps.begin(), L.steps.end(), [&](const CourseStep& s) { return s.id == id; })) return id;
  }
}

}  // namespace

void course_builder_load(AppState& state) {
  CourseBuilder& B = state.course.builder;
  if (B.loaded) return;
  B.loaded = true;
  B.lesson = empty_lesson();
  const std::string text = platform_storage_get(kDraftKey);
  if (text.empty()) return;
  Result<CourseLesson> L = parse_course_lesson(reinterpret_cast<const uint8_t*>(text.data()), text.size(), tr(S::course_builder_draft));
  if (L.is_ok()) B.lesson = std::move(L.value());
  else app_notice(state, L.message(), 12.0);  // kept in storage as it is: a newer page may read it
}

void course_builder_save(AppState& state) {
  CourseBuilder& B = state.course.builder;
  platform_storage_set(kDraftKey, B.lesson.steps.empty() ? "" : course_lesson_to_json(B.lesson));
  B.dirty = false;
}

void course_builder_add_view(AppState& state) {
  course_builder_load(state);
  CourseBuilder& B = state.course.builder;
  CourseLesson& L = B.lesson;
  if (L.steps.size() >= 200) return app_notice(state, tr(S::course_builder_full));
  // The view as the link would carry it: every writable field of the instruments (and the lab's).
  const bool lab = state.workspace == Workspace::DigitLab;
  const std::string hash = lesson_link_encode(state.lessons, lab ? "digit-lab" : "lessons") + (lab ? lab_link_fields(state.lab) : "");
  LessonLinkParse p = lesson_link_decode(hash);
  CourseStep s;
  s.id = fresh_step_id(L);
  s.state = p.ok ? p.partial : json::object();
  s.has_panels = true;
  for (const auto& [id, r] : state.panel_rects)
    if (id == "stepper" || id == "output-size" || id == "im2col" || id == "draw-pad" || id == "prediction" ||
        id == "activations" || id == "se-weights" || id == "training")
      s.panels.push_back(id);
  s.text = s.id + ".text";
  L.strings[s.text] = tr(S::course_builder_default_text);
  s.chapter = 0;
  const int at = B.selected >= 0 && B.selected < static_cast<int>(L.steps.size()) ? B.selected + 1 : static_cast<int>(L.steps.size());
  L.steps.insert(L.steps.begin() + at, std::move(s));
  B.selected = at;
  B.text_edit.clear();  // typed from empty; the default text stands until then
  course_builder_save(state);
}

std::string course_builder_export_file(AppState& state) {
  CourseBuilder& B = state.course.builder;
  if (B.lesson.steps.empty()) return tr(S::course_builder_empty);
  const std::string text = course_lesson_to_json(B.lesson);
  return platform_save_file((B.lesson.id + ".json").c_str(), reinterpret_cast<const uint8_t*>(text.data()), text.size(), "application/json");
}

std::string course_builder_export_link(AppState& state) {
  CourseBuilder& B = state.course.builder;
  if (B.lesson.steps.empty()) return B.link = tr(S::course_builder_empty);
  const std::string data = course_base64url(course_lesson_to_json(B.lesson));
  if (data.size() > kCourseLinkMaxChars)
    return B.link = cs::fmt(tr(S::course_builder_link_too_long), data.size() / 1024, kCourseLinkMaxChars / 1024);
  B.link = platform_page_url() + "#cfile=" + data + "&cstep=0";
  ImGui::SetClipboardText(B.link.c_str());
  return tr(S::course_builder_link_copied);
}

void course_builder_discard(AppState& state) {
  CourseBuilder& B = state.course.builder;
  B.lesson = empty_lesson();
  B.selected = -1;
  B.text_edit.clear();
  B.link.clear();
  course_builder_save(state);
}

}  // namespace cs::app
