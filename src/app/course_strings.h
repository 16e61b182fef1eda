// course_strings.h — the guided lessons' part of the UI string table (ui_strings.h includes it in
// CS_UI_STRINGS): menus, buttons, feedback and the sentences that refuse a lesson file. The lessons'
// own words are in the lesson files, not here.
#pragma once

// clang-format off
#define CS_COURSE_UI_STRINGS(X) \
  /* [Course menu and lesson panel (panel_course.cpp)] */ \
  X(course_menu, "Course") \
  X(course_loading, "Loading the lessons\u2026") \
  X(course_tasks_done, "(%d done)") \
  X(course_open_file, "Open a lesson file...") \
  X(course_show_panel, "Show the lesson panel") \
  X(course_builder_menu, "Lesson builder") \
  X(course_qr_menu, "QR code of this step") \
  X(course_blank_menu, "Blank the screen") \
  X(course_blank_key, "B") \
  X(course_clip_menu, "Record the animation as a video clip") \
  X(course_reset_progress, "Reset my progress") \
  X(course_step_of, "Step %d of %d") \
  X(course_frame_of, "(animation %d/%d: PageDown)") \
  X(course_back, "< Back") \
  X(course_next, "Next >") \
  X(course_keys_hint, "PageDown / PageUp, B: blank") \
  X(course_check, "Check") \
  X(course_done, "Done: well seen.") \
  X(course_attempts, "attempts: %d") \
  X(course_pick_mode, "Pick cells on the stepper's input") \
  X(course_pick_clear, "Clear") \
  X(course_locked_notice, "This control is locked in this step of the lesson.") \
  X(course_qr_title, "Open this step on your phone###course-qr") \
  X(course_qr_no_lesson, "Open a lesson first: the code links to its current step.") \
  X(course_link_too_long, "This lesson is too long to travel in a link or a QR code; share its file instead.") \
  X(course_link_source, "the link") \
  X(course_clip_recording, "Recording %.0f s of the page as %s\u2026") \
  X(course_clip_unsupported, "This browser cannot record the page as a video (no MediaRecorder).") \
  X(course_clip_browser_only, "Video clips are recorded in the browser; on the desktop use File > Export panel as PNG.") \
  X(course_imported, "Opened the lesson %s: %s") \
  X(course_import_refused, "Could not open the lesson (%s); nothing was changed.") \
  /* [the lesson builder (panel_course_builder.cpp, course_builder.cpp)] */ \
  X(course_builder_title, "Lesson builder###course-builder") \
  X(course_builder_add, "Add the current view as a step") \
  X(course_builder_play, "Play") \
  X(course_builder_up, "Up") \
  X(course_builder_down, "Down") \
  X(course_builder_delete, "Delete") \
  X(course_builder_edit_open, "Edit the open lesson") \
  X(course_builder_text, "What to look at in this step (2-3 sentences):") \
  X(course_builder_text_refused, "Not kept: %s") \
  X(course_builder_locks, "Lock controls in this step") \
  X(course_builder_panels, "%zu panels shown in this step (as they were when it was added)") \
  X(course_builder_export_file, "Export as a file") \
  X(course_builder_export_link, "Copy as a link") \
  X(course_builder_discard, "Discard") \
  X(course_builder_empty, "No steps yet: set up the panels, then add the view as a step.") \
  X(course_builder_full, "A lesson holds at most 200 steps.") \
  X(course_builder_default_title, "My lesson") \
  X(course_builder_default_text, "Describe what to look at here and what it means.") \
  X(course_builder_draft, "the lesson being built") \
  X(course_builder_link_copied, "Copied the lesson's link (it is also shown in the builder)") \
  X(course_builder_link_too_long, "This lesson is %zu KB as a link; a link holds at most %zu KB: export it as a file instead.") \
  /* [lesson files refused (course_file.cpp, course_player.cpp, course_api.cpp)] */ \
  X(course_err_field, "%s, field \"%s\": %s") \
  X(course_err_step_field, "%s, step \"%s\", field \"%s\": %s") \
  X(course_err_empty, "%s is empty") \
  X(course_err_too_large, "%s is %.1f MB; a lesson file holds at most 2 MB") \
  X(course_err_not_json, "%s is not a JSON object (malformed JSON)") \
  X(course_err_format, "must be \"convscope-lesson/1\" (or \"convscope-lessons-index/1\" for the index)") \
  X(course_err_unknown_field, "unknown field") \
  X(course_err_missing, "missing") \
  X(course_err_not_string, "must be a string") \
  X(course_err_not_object, "must be an object") \
  X(course_err_not_object_list, "must be a list of objects") \
  X(course_err_not_string_list, "must be a list of ids") \
  X(course_err_not_int_list, "must be a list of chapter numbers") \
  X(course_err_no_string, "\"%s\" is not a key of \"strings\"") \
  X(course_err_language, "is not a language with a translation here (es, de or zh)") \
  X(course_err_bad_id, "must be 1 to 40 of a-z, 0-9 and -") \
  X(course_err_bad_key, "a key must have 1 to 120 characters") \
  X(course_err_duplicate_id, "this id is used twice") \
  X(course_err_chapters, "must be a list of 1 to 100 chapters") \
  X(course_err_steps, "must be a list of 1 to 200 steps") \
  X(course_err_task_kind, "must be \"do\", \"predict\" or \"pick\"") \
  X(course_err_text_long, "a text holds at most 4000 characters") \
  X(course_err_control_char, "holds a control character (code %d)") \
  X(course_err_markup, "holds markup (a tag or an entity); lesson texts are plain text") \
  X(course_err_bad_file_name, "must be \"<lesson id>.json\"") \
  X(course_err_fetch, "Could not load %s: %s") \
  X(course_err_no_lessons_build, "this build has no lesson files") \
  X(course_err_id_not_index, "differs from the id the index gives") \
  X(course_err_no_lesson, "there is no lesson \"%s\"") \
  X(course_err_no_step, "there is no step %d in the lesson %s (it has %zu)") \
  X(course_err_none_open, "no lesson is open") \
  X(course_err_no_question, "this step asks no question to answer") \
  X(course_err_solution, "must be a setState object, and only a do task has one") \
  X(course_show_me, "Show me") \
  X(course_err_link_step, "the step \"%s\" is not a number") \
  X(course_err_link_file, "the lesson in the link (%zu characters) is damaged or too long") \
  /* [predicates (course_check.cpp)] */ \
  X(course_check_not_predicate, "is not a predicate (path with equals, op, in or equals_path; all, any, not; answer)") \
  X(course_check_bad_path, "needs a path such as \"stepper.output\"") \
  X(course_check_bad_op, "op must be <, <=, >, >= or !=") \
  X(course_check_too_deep, "is nested too deeply") \
  X(course_check_answer_in_do, "a do task checks the app's state, not an answer") \
  X(course_check_no_answer, "a predict or pick task must check the answer") \
  X(course_fb_nothing, "nothing") \
  X(course_fb_not_yet, "Not yet.") \
  X(course_fb_no_answer, "Type your answer, then Check.") \
  X(course_fb_answer_wrong, "%s is not it.") \
  X(course_fb_too_high, "%s is too high.") \
  X(course_fb_too_low, "%s is too low.") \
  X(course_fb_pick_wrong, "%zu cells picked: %zu missing, %zu too many.") \
  X(course_fb_engine_value, "The engine's value at %s is %s.") \
  X(course_fb_engine_says, "The engine: %s") \
  X(course_fb_state_wrong, "%s is %s now; the goal: %s.") \
  X(course_fb_goal_equals, "equal to %s") \
  X(course_fb_goal_in, "one of %s") \
  X(course_fb_goal_factor, "%g x %s = %g")
// clang-format on
