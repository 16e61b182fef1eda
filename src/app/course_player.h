// course_player.h — the guided lessons in the app: fetching the lesson files, opening a step (its
// state applied through app_set_state, panels shown or hidden), checking its task, the progress kept
// in the browser, the lesson's part of the URL hash, state().lesson and setState({lesson}).
// Drawing (menu, lesson panel, spotlight, presenter, builder window) is panel_course.cpp's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "app_state.h"

namespace cs::app {

// [frame] before the panels: files that arrived, presenter keys, clicks on locked controls or (in
// pick mode) on the stepper's input cells. After them: the lesson's windows and overlays.
void course_frame_begin(AppState& state);
void course_frame_end(AppState& state);   // panel_course.cpp
// True when the open step locks the control `item_id` ("stepper.padding"): drawn disabled, so neither
// a click nor the keyboard changes it.
bool course_locks(const AppState& state, const char* item_id);
// After the panels: a locked stepper setting changed during this frame (by another panel showing the
// same geometry, say) goes back to what it was, with the locked notice. setState between frames (the
// lesson's own steps, links, tests) is not held.
void course_hold_locks(AppState& state);
void course_menu(AppState& state);        // panel_course.cpp: the "Course" menu of the menu bar

// [player]
void course_request_index(AppState& state);
// Opens step `step` of the lesson `id` (fetching its file first when needed; a failure becomes a
// notice). Returns "" or the reason it cannot (unknown lesson, step out of range).
std::string course_open(AppState& state, const std::string& id, int step, bool from_link);
// Opens a lesson that is not in the index (an imported file, a link carrying the file).
void course_play(AppState& state, std::shared_ptr<const CourseLesson> lesson, bool bundled, const std::string& source, int step);
void course_go(AppState& state, int step);  // a step of the open lesson, its state applied
void course_next(AppState& state);          // PageDown: the step's next animation frame, else the next step
void course_prev(AppState& state);
void course_close(AppState& state);
void course_answer(AppState& state, const nlohmann::json& answer);  // a predict/pick answer
// A do task's "Show me": applies the task's own solution (a refused one becomes the step's error).
void course_show_me(AppState& state);
void course_progress_reset(AppState& state);
// Records the step's animation (or the stepper playing) as a WebM clip (panel_course.cpp).
void course_record_clip(AppState& state);
// The text of a lesson string key in the UI language (the pseudo language derived from English).
std::string course_text(const AppState& state, const CourseLesson& lesson, const std::string& key);
// The lesson files' code of the language the UI shows ("es", "de", "zh"; "" for English).
std::string course_language(const AppState& state);
// The current state() as JSON (what the predicates read).
nlohmann::json course_app_state(const AppState& state);

// [files] a dropped or opened file that is a lesson ({"format": "convscope-lesson/1", ...}): played,
// or refused with a notice that names the file, step and field (the lesson being built is kept).
bool course_is_lesson_file(const uint8_t* bytes, size_t size);
void course_import(AppState& state, const std::string& name, const uint8_t* bytes, size_t size);

// [link] "course=<id>&cstep=<n>" (or "cfile=<the file, base64url>&cstep=<n>" for a lesson that is not
// bundled), appended to the hash app.cpp writes. course_link_take removes these fields from a hash,
// opens what they name, and returns the rest (the lesson link of the instruments, or "").
std::string course_link_fields(AppState& state);
std::string course_link_take(AppState& state, const std::string& hash);
// The step's own link (the page's address + "#course=...&cstep=..."), for the QR code; `err` says
// why there is none (too long for a link).
std::string course_step_link(AppState& state, std::string* err);
constexpr size_t kCourseLinkMaxChars = 32768;  // a lesson carried in a link: about 24 KB of file

// [hook] state().lesson/.course/.presenter; setState({lesson}), ({presenter}); ConvScope.lessons():
// the list, or "" while the files are still on their way (fetched by this call).
void course_state_json(const AppState& state, nlohmann::json& out);
std::string course_set_state(AppState& next, const nlohmann::json& partial);
std::string course_lessons_json(AppState& state);
bool course_loading(const AppState& state);  // an open request waits for its file

// [builder] course_builder.cpp
void course_builder_load(AppState& state);   // the lesson being built, from the browser's storage
void course_builder_save(AppState& state);
void course_builder_add_view(AppState& state);  // the current view as a new step
std::string course_builder_export_file(AppState& state);
std::string course_builder_export_link(AppState& state);
void course_builder_discard(AppState& state);
void draw_course_builder(AppState& state);  // panel_course_builder.cpp

// base64url without padding (links carry lesson files)
std::string course_base64url(const std::string& bytes);
bool course_unbase64url(const std::string& text, std::string* out);

}  // namespace cs::app
