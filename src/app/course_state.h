// course_state.h — what the guided lessons (course_*.cpp, panel_course.cpp) remember between frames:
// the lesson files fetched, the lesson open and its step, the task's answer and feedback, the
// presenter's switches, the progress kept in the browser and the lesson being built.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "course_file.h"
#include "stepper_config_model.h"

namespace cs::app {

// A lesson file (or the index) on its way: 0 not asked, 1 fetching, 2 failed, 3 here.
enum CourseLoad : int { kCourseIdle = 0, kCourseLoading = 1, kCourseFailed = 2, kCourseReady = 3 };

// A bundled lesson file: fetched (or embedded), checked, kept.
struct CourseFile {
  int status = kCourseIdle;
  std::string error;
  std::shared_ptr<const CourseLesson> lesson;
};

struct CourseBuilder {
  bool open = false;           // the builder's window
  CourseLesson lesson;         // the lesson being built (kept in the browser until discarded)
  int selected = -1;           // the step whose text is edited
  std::string text_edit;       // that step's text, as typed
  std::string link;            // the last "Copy link" result (or its refusal)
  bool loaded = false;         // read back from the browser's storage once
  bool dirty = false;          // changed since last saved to storage
};

struct CourseState {
  // [files] the index and the lessons fetched (bundled lessons only; imported ones live in `lesson`)
  int index_status = kCourseIdle;
  std::string index_error;
  CourseIndex index;
  std::map<std::string, CourseFile> files;  // by lesson id
  bool want_all = false;  // ConvScope.lessons() asked for every lesson's steps

  // [player] the lesson on screen
  std::shared_ptr<const CourseLesson> lesson;
  bool bundled = false;       // listed in index.json: a link names it; else the link carries the file
  std::string source_name;    // the file it came from (for error sentences)
  int step = 0;
  int anim = 0;               // animation sub-steps applied in this step (PageDown walks them)
  std::string step_error;     // the step's state, refused by the app (names file, step and field)
  bool show_panel = true;
  bool panel_focused = false;  // the lesson panel had the keyboard in the last frame (Left/Right step)
  // The task of the step: the answer as typed, the last checked answer, attempts, verdict.
  std::string answer_text;
  nlohmann::json answer;  // null until answered
  int attempts = 0;
  bool done = false;
  std::string feedback;
  bool pick_mode = false;  // clicks on the stepper's input cells build the answer list
  double next_check_s = 0;  // a do task is re-checked a few times a second
  StepperConfig config_at_frame_start;  // what the step's locked stepper fields are held to this frame

  // [open request] a step asked for (menu, link, setState) before its file has arrived
  std::string want_id;
  int want_step = 0;
  bool want_from_link = false;

  // [presenter]
  bool blank = false;
  bool show_qr = false;
  std::string clip_status;  // the last clip export's notice
  double clip_until_s = 0;  // recording: the animation is walked until then
  double clip_next_s = 0;   // when the clip's next animation frame is applied
  std::string qr_link, qr_error;  // what the QR code shows (or why there is none)
  int qr_modules = 0;             // its size in modules (0: none drawn)
  std::vector<uint8_t> qr_bits;   // qrcodegen's encoded symbol for qr_link
  // The lesson panel is placed away from the spotlight when the step changes (then it may be moved).
  int placed_step = -1;
  const CourseLesson* placed_lesson = nullptr;
  float placed_width = 0, placed_height = 0;  // a new size (scale, window, text) places it again too
  float panel_height = 0;  // its height in the last frame (it sizes itself to the step's text)

  // [progress] {"<lesson id>": {"done": ["<step id>", ...], "step": n}}, in the browser's storage
  nlohmann::json progress = nlohmann::json::object();
  bool progress_loaded = false;

  // [link] the encoded file of an imported lesson (carried in the link), made once per lesson
  std::string link_data;
  const CourseLesson* link_data_for = nullptr;

  CourseBuilder builder;
};

}  // namespace cs::app
