// course_player.cpp — the guided lessons' player (course_player.h): lesson files in (fetched beside
// the page, embedded on the desktop), a step out (its state through app_set_state, its panels, its
// task checked by course_check against state()), progress in the browser, the lesson in the link.
#include "course_player.h"

#include <algorithm>
#include <cstdio>

#include "app.h"
#include "course_check.h"
#include "embedded_assets.h"
#include "imgui.h"
#include "platform_api.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

namespace {

constexpr const char* kProgressKey = "convscope.course.progress";

// A file of the lessons folder: embedded (desktop, "lessons/<name>"), else fetched beside the page.
void load_course_file(AppState& state, const std::string& name, AppFileDone done) {
  app_load_file(state, ("lessons/" + name).c_str(), [done](AppState& state, const uint8_t* bytes, size_t size, const std::string& error) {
    done(state, bytes, size, !bytes && error.empty() ? std::string(tr(S::course_err_no_lessons_build)) : error);
  });
}

void progress_load(CourseState& C) {
  if (C.progress_loaded) return;
  C.progress_loaded = true;
  json p = json::parse(platform_storage_get(kProgressKey), nullptr, false);
  if (p.is_object()) C.progress = p;
}

void progress_save(const CourseState& C) { platform_storage_set(kProgressKey, C.progress.dump()); }

void progress_note(CourseState& C) {
  if (!C.lesson) return;
  progress_load(C);
  json& L = C.progress[C.lesson->id];
  if (!L.is_object()) L = json::object();
  L["step"] = C.step;
  if (C.done) {
    json& d = L["done"];
    if (!d.is_array()) d = json::array();
    const std::string& id = C.lesson->steps[static_cast<size_t>(C.step)].id;
    if (std::find(d.begin(), d.end(), id) == d.end()) d.push_back(id);
  }
  progress_save(C);
}

// Panel ids of ConvScope.panels() -> the flag that shows them.
bool* panel_flag(AppState& s, const std::string& id) {
  if (id == "stepper") return &s.lessons.show_stepper;
  if (id == "output-size") return &s.lessons.show_output_size;
  if (id == "im2col") return &s.lessons.show_im2col;
  if (id == "draw-pad") return &s.lab.show_draw_pad;
  if (id == "prediction") return &s.lab.show_prediction;
  if (id == "activations") return &s.lab.show_activations;
  if (id == "se-weights") return &s.lab.show_se_weights;
  if (id == "training") return &s.lab.show_training;
  if (id == "blocks") return &s.blocks.show;
  if (id == "block-costs") return &s.block_costs.show;
  if (id == "ab-lab") return &s.ab_lab.show;
  return nullptr;
}
Workspace panel_workspace(const std::string& id) {
  if (id == "stepper" || id == "output-size" || id == "im2col") return Workspace::Lessons;
  if (id == "blocks" || id == "block-costs" || id == "ab-lab") return Workspace::Blocks;
  return Workspace::DigitLab;
}
const char* const kPanelIds[] = {"stepper",     "output-size", "im2col", "draw-pad", "prediction", "activations",
                                 "se-weights",  "training",    "blocks", "block-costs", "ab-lab"};

void reset_task(CourseState& C) {
  C.answer = nullptr;
  C.answer_text.clear();
  C.attempts = 0;
  C.done = false;
  C.feedback.clear();
  C.pick_mode = false;
  C.next_check_s = 0;
}

// A refusal of the step's state, naming the file, the step and the field (setState's own sentence).
std::string step_refused(const CourseState& C, const std::string& field, const std::string& why) {
  return cs::fmt(tr(S::course_err_step_field), C.source_name.c_str(), C.lesson->steps[static_cast<size_t>(C.step)].id.c_str(),
                 field.c_str(), why.c_str());
}

// The step's state, then its first `anim` animation frames, then its panels.
void apply_step(AppState& state) {
  CourseState& C = state.course;
  const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
  C.step_error.clear();
  std::string err = s.state.empty() ? "" : app_set_state(state, s.state.dump());
  if (!err.empty()) C.step_error = step_refused(C, "state", err);
  for (int a = 0; a < C.anim && err.empty(); ++a) {
    err = app_set_state(state, s.animation[static_cast<size_t>(a)].dump());
    if (!err.empty()) C.step_error = step_refused(C, "animation[" + std::to_string(a) + "]", err);
  }
  // Only the panels of the workspace the step shows: another workspace keeps its own when the
  // student goes there later.
  if (s.has_panels)
    for (const char* id : kPanelIds)
      if (bool* f = panel_flag(state, id); f && panel_workspace(id) == state.workspace)
        *f = std::find(s.panels.begin(), s.panels.end(), id) != s.panels.end();
  if (!C.step_error.empty()) app_notice(state, C.step_error, 12.0);
}

void request_file(AppState& state, const CourseIndexEntry& e) {
  CourseState& C = state.course;
  int& st = C.files[e.id].status;
  if (st == kCourseLoading || st == kCourseReady) return;
  st = kCourseLoading;
  const std::string id = e.id, file = e.file;
  load_course_file(state, file, [id, file](AppState& state, const uint8_t* bytes, size_t size, const std::string& error) {
    CourseFile& F = state.course.files[id];
    if (!bytes) {
      F.status = kCourseFailed;
      F.error = cs::fmt(tr(S::course_err_fetch), file.c_str(), error.c_str());
      return;
    }
    Result<CourseLesson> L = parse_course_lesson(bytes, size, file);
    if (L.is_ok() && L.value().id != id) L = Status::error(cs::fmt(tr(S::course_err_field), file.c_str(), "id", tr(S::course_err_id_not_index)));
    if (!L.is_ok()) {
      F.status = kCourseFailed;
      F.error = L.message();
      return;
    }
    F.lesson = std::make_shared<const CourseLesson>(std::move(L.value()));
    F.status = kCourseReady;
  });
}

const CourseIndexEntry* index_entry(const CourseState& C, const std::string& id) {
  for (const CourseIndexEntry& e : C.index.lessons)
    if (e.id == id) return &e;
  return nullptr;
}

// An open request waiting for files: opened when they are here, a notice when they failed.
void pump_want(AppState& state) {
  CourseState& C = state.course;
  if (C.want_id.empty()) return;
  course_request_index(state);
  auto fail = [&](const std::string& why) {
    app_notice(state, C.want_from_link ? cs::fmt(tr(S::notice_link_ignored), why.c_str()) : why, 12.0);
    C.want_id.clear();
  };
  if (C.index_status == kCourseFailed) return fail(C.index_error);
  if (C.index_status != kCourseReady) return;
  const CourseIndexEntry* e = index_entry(C, C.want_id);
  if (!e) return fail(cs::fmt(tr(S::course_err_no_lesson), C.want_id.c_str()));
  request_file(state, *e);
  const CourseFile& F = C.files[C.want_id];
  const int st = F.status;
  if (st == kCourseFailed) return fail(F.error);
  if (st != kCourseReady) return;
  const std::string id = C.want_id;
  C.want_id.clear();
  const std::string err = course_open(state, id, C.want_step, C.want_from_link);
  if (!err.empty()) app_notice(state, err, 12.0);
}

}  // namespace

void course_show_me(AppState& state) {
  CourseState& C = state.course;
  if (!C.lesson || C.done) return;
  const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
  if (!s.has_task || s.task.solution.is_null()) return;
  const std::string err = app_set_state(state, s.task.solution.dump());
  if (!err.empty())
    app_notice(state, C.step_error = cs::fmt(tr(S::course_err_step_field), C.source_name.c_str(), s.id.c_str(), "task.solution", err.c_str()));
  C.next_check_s = 0;
}

std::string course_language(const AppState& state) {
  switch (state.languages.shown) {
    case Language::Spanish: return "es";
    case Language::German: return "de";
    case Language::Chinese: return "zh";
    default: return "";
  }
}

std::string course_text(const AppState& state, const CourseLesson& lesson, const std::string& key) {
  if (state.language == Language::Pseudo) return pseudo_localise(lesson.text(key));
  return lesson.text(key, course_language(state));
}

json course_app_state(const AppState& state) { return json::parse(app_state_json(state), nullptr, false); }

void course_request_index(AppState& state) {
  CourseState& C = state.course;
  if (C.index_status == kCourseLoading || C.index_status == kCourseReady) return;
  C.index_status = kCourseLoading;
  load_course_file(state, "index.json", [](AppState& state, const uint8_t* bytes, size_t size, const std::string& error) {
    CourseState& C = state.course;
    if (!bytes) {
      C.index_status = kCourseFailed;
      C.index_error = cs::fmt(tr(S::course_err_fetch), "lessons/index.json", error.c_str());
      return;
    }
    Result<CourseIndex> I = parse_course_index(bytes, size, "lessons/index.json");
    if (!I.is_ok()) {
      C.index_status = kCourseFailed;
      C.index_error = I.message();
      return;
    }
    C.index = std::move(I.value());
    C.index_status = kCourseReady;
  });
}

std::string course_open(AppState& state, const std::string& id, int step, bool from_link) {
  CourseState& C = state.course;
  if (!course_id_ok(id)) return cs::fmt(tr(S::course_err_no_lesson), id.substr(0, 40).c_str());
  auto it = C.files.find(id);
  if (it == C.files.end() || !it->second.lesson) {  // fetched first: opened by pump_want when it is here
    if (C.index_status == kCourseReady && !index_entry(C, id)) return cs::fmt(tr(S::course_err_no_lesson), id.c_str());
    // (No fetch from here: `state` may be setState's copy. course_frame_begin asks for the files.)
    C.want_id = id;
    C.want_step = step;
    C.want_from_link = from_link;
    return "";
  }
  const std::shared_ptr<const CourseLesson>& lesson = it->second.lesson;
  if (step < 0 || step >= static_cast<int>(lesson->steps.size()))
    return cs::fmt(tr(S::course_err_no_step), step, id.c_str(), lesson->steps.size());
  course_play(state, lesson, true, "lessons/" + index_entry(C, id)->file, step);
  if (from_link) app_notice(state, tr(S::notice_link_opened));
  return "";
}

void course_play(AppState& state, std::shared_ptr<const CourseLesson> lesson, bool bundled, const std::string& source, int step) {
  CourseState& C = state.course;
  C.lesson = std::move(lesson);
  C.bundled = bundled;
  C.source_name = source;
  C.show_panel = true;
  C.link_data_for = nullptr;
  C.step = -1;
  course_go(state, std::clamp(step, 0, static_cast<int>(C.lesson->steps.size()) - 1));
}

void course_go(AppState& state, int step) {
  CourseState& C = state.course;
  if (!C.lesson || step < 0 || step >= static_cast<int>(C.lesson->steps.size())) return;
  C.step = step;
  C.anim = 0;
  reset_task(C);
  apply_step(state);
  progress_note(C);
}

void course_next(AppState& state) {
  CourseState& C = state.course;
  if (!C.lesson) return;
  const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
  if (C.anim < static_cast<int>(s.animation.size())) {
    const std::string err = app_set_state(state, s.animation[static_cast<size_t>(C.anim)].dump());
    ++C.anim;
    if (!err.empty()) app_notice(state, C.step_error = step_refused(C, "animation[" + std::to_string(C.anim - 1) + "]", err), 12.0);
    return;
  }
  course_go(state, std::min(C.step + 1, static_cast<int>(C.lesson->steps.size()) - 1));
}

void course_prev(AppState& state) {
  CourseState& C = state.course;
  if (!C.lesson) return;
  if (C.anim > 0) {  // back one animation frame: the step again, with one frame fewer
    --C.anim;
    apply_step(state);
    return;
  }
  course_go(state, std::max(C.step - 1, 0));
}

void course_close(AppState& state) {
  CourseState& C = state.course;
  C.lesson.reset();
  C.want_id.clear();
  C.step_error.clear();
  reset_task(C);
}

void course_answer(AppState& state, const json& answer) {
  CourseState& C = state.course;
  if (!C.lesson) return;
  const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
  if (!s.has_task || s.task.kind == "do" || C.done) return;
  C.answer = answer;
  // Checked against the state the step set up, not one the pointer changes: a cell hovered on the
  // way to the Check button would otherwise become the highlighted window the answer is compared to.
  // A pick answer is compared with the cells the step lights: the student hovers (and the stepper may
  // pin) each cell they click, which moves its highlight, so the step's own stepper state is put back.
  AppState quiet = state;
  quiet.lessons.hover = HoverTarget{};
  if (s.task.kind == "pick") {
    quiet.lessons.pinned = HoverTarget{};
    if (s.state.contains("stepper")) app_set_state(quiet, json{{"stepper", s.state["stepper"]}}.dump());
  }
  lesson_refresh(quiet.lessons);
  CourseVerdict v = course_check(s.task.check, course_app_state(quiet), answer, C.attempts);
  C.done = v.done;
  C.feedback = v.feedback;
  if (!v.done) ++C.attempts;
  progress_note(C);
}

void course_progress_reset(AppState& state) {
  state.course.progress = json::object();
  state.course.progress_loaded = true;
  progress_save(state.course);
}

namespace {

// Files asked for: an open request, and every lesson once ConvScope.lessons() wanted them all.
void pump(AppState& state) {
  CourseState& C = state.course;
  pump_want(state);
  if (C.want_all && C.index_status == kCourseReady)
    for (const CourseIndexEntry& e : C.index.lessons) request_file(state, e);
}

}  // namespace

bool course_locks(const AppState& state, const char* item_id) {
  const CourseState& C = state.course;
  if (!C.lesson) return false;
  const std::vector<std::string>& lock = C.lesson->steps[static_cast<size_t>(C.step)].lock;
  return std::find(lock.begin(), lock.end(), item_id) != lock.end();
}

void course_hold_locks(AppState& state) {
  CourseState& C = state.course;
  if (!C.lesson) return;
  StepperConfig& now = state.lessons.config;
  const StepperConfig& was = C.config_at_frame_start;
  bool held = false;
  auto hold = [&held](auto& field, const auto& before) {
    if (!(field == before)) {
      field = before;
      held = true;
    }
  };
  for (const std::string& id : C.lesson->steps[static_cast<size_t>(C.step)].lock) {
    if (id == "stepper.mode") hold(now.mode, was.mode);
    else if (id == "stepper.size") { hold(now.H, was.H); hold(now.W, was.W); }
    else if (id == "stepper.ksize") { hold(now.KH, was.KH); hold(now.KW, was.KW); }
    else if (id == "stepper.stride") hold(now.stride, was.stride);
    else if (id == "stepper.padding" || id == "output-size.same") hold(now.padding, was.padding);
    else if (id == "stepper.dilation") hold(now.dilation, was.dilation);
    else if (id == "stepper.channels") hold(now.C, was.C);
  }
  if (held) app_notice(state, tr(S::course_locked_notice));
}

void course_frame_begin(AppState& state) {
  CourseState& C = state.course;
  pump(state);
  if (!C.lesson) return;
  C.config_at_frame_start = state.lessons.config;
  const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
  // A do task: re-checked against the app's state a few times a second until it is done.
  if (s.has_task && s.task.kind == "do" && !C.done && state.time_s >= C.next_check_s) {
    C.next_check_s = state.time_s + 0.25;
    CourseVerdict v = course_check(s.task.check, course_app_state(state), nullptr, 0);
    C.feedback = v.feedback;
    if (v.done) {
      C.done = true;
      progress_note(C);
    }
  }
  ImGuiIO& io = ImGui::GetIO();
  // Presenter keys (a clicker sends PageDown/PageUp), not while a text field has the keyboard. No key
  // repeat: after a slow frame (a step that loads the digit model) ImGui would count a held key twice.
  if (!io.WantTextInput) {
    auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), /*repeat=*/false); };
    const bool right = C.panel_focused && pressed(ImGuiKey_RightArrow);
    const bool left = C.panel_focused && pressed(ImGuiKey_LeftArrow);
    if (pressed(ImGuiKey_PageDown) || right) course_next(state);
    if (pressed(ImGuiKey_PageUp) || left) course_prev(state);
  }
  if (!io.MouseClicked[0]) return;
  // Clicks on a locked control, or (pick mode) on an input cell of the stepper: the app's panels
  // never see them. The rectangles are the last frame's (what the student saw when clicking).
  auto swallow = [&io] {
    io.MouseClicked[0] = false;
    io.MouseDown[0] = false;
  };
  const ImVec2 m = io.MousePos;
  auto inside = [&](const PanelRect& r) { return m.x >= r.x && m.y >= r.y && m.x < r.x + r.width && m.y < r.y + r.height; };
  for (const std::string& id : s.lock) {
    auto it = state.item_rects.find(id);
    if (it != state.item_rects.end() && it->second.frame >= state.frame - 1 && inside(it->second.rect)) {
      swallow();
      app_notice(state, tr(S::course_locked_notice));
      return;
    }
  }
  if (!C.pick_mode) return;
  for (const auto& [id, item] : state.item_rects) {
    if (item.frame < state.frame - 1 || id.rfind("stepper.in.", 0) != 0 || !inside(item.rect)) continue;
    int r = 0, c = 0;
    if (std::sscanf(id.c_str() + 11, "%d.%d", &r, &c) != 2) continue;
    swallow();
    json cell = {r, c};
    if (!C.answer.is_array()) C.answer = json::array();
    auto found = std::find(C.answer.begin(), C.answer.end(), cell);
    if (found != C.answer.end()) C.answer.erase(found);
    else C.answer.push_back(cell);
    C.answer_text = C.answer.dump();
    return;
  }
}

bool course_loading(const AppState& state) {
  const CourseState& C = state.course;
  if (!C.want_id.empty()) return true;
  if (!C.want_all) return false;
  if (C.index_status == kCourseLoading) return true;
  for (const CourseIndexEntry& e : C.index.lessons) {
    auto it = C.files.find(e.id);
    if (it == C.files.end() || it->second.status == kCourseLoading || it->second.status == kCourseIdle) return true;
  }
  return false;
}

std::string course_lessons_json(AppState& state) {
  CourseState& C = state.course;
  C.want_all = true;
  course_request_index(state);
  pump(state);
  if (course_loading(state)) return "";
  json out = json::array();
  if (C.index_status == kCourseFailed) return json{{"error", C.index_error}}.dump();
  for (const CourseIndexEntry& e : C.index.lessons) {
    json numbers = json::array();
    for (int n : e.chapter_numbers) numbers.push_back(n);
    json o = {{"id", e.id}, {"title", C.index.title_of(e, course_language(state))}, {"file", e.file}, {"chapter_numbers", numbers}};
    const CourseFile& F = C.files[e.id];
    if (F.lesson) {
      o["title"] = course_text(state, *F.lesson, F.lesson->title);
      json ch = json::array();
      for (const CourseChapter& c : F.lesson->chapters) ch.push_back({{"id", c.id}, {"title", course_text(state, *F.lesson, c.title)}});
      o["chapters"] = ch;
      o["steps"] = F.lesson->steps.size();
    } else {
      o["error"] = F.error;
    }
    out.push_back(o);
  }
  return out.dump();
}

}  // namespace cs::app
