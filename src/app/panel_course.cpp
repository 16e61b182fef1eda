// panel_course.cpp — what the guided lessons draw: the Course menu, the lesson panel (step, text,
// task, answer, feedback, Back/Next), the presenter's QR code and blank screen, the lesson builder's
// window, and the overlays on top of every panel (the spotlight's dimming, locked controls).
#include <algorithm>
#include <cstring>

#include <qrcodegen.h>

#include "app.h"
#include "course_check.h"
#include "course_player.h"
#include "imgui.h"
#include "imgui_internal.h"  // BringWindowToDisplayFront: the lesson stays above the panels it talks about
#include "panels.h"
#include "platform_api.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

namespace {

bool rect_of(const AppState& state, const std::string& id, PanelRect* r) {
  auto p = state.panel_rects.find(id);
  if (p != state.panel_rects.end()) return *r = p->second, true;
  auto it = state.item_rects.find(id);
  if (it != state.item_rects.end() && it->second.frame == state.frame) return *r = it->second.rect, true;
  return false;
}

bool overlaps(const PanelRect& a, const PanelRect& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// Dims the whole display but the given rectangles: the display cut along their edges into cells,
// each cell outside all of them filled (at most 11x11 cells for five rectangles).
void dim_except(ImDrawList* dl, ImVec2 size, const PanelRect* keep, int n_keep, ImU32 colour) {
  float xs[2 + 2 * 6] = {0, size.x}, ys[2 + 2 * 6] = {0, size.y};
  int n = 2;
  for (int k = 0; k < n_keep && k < 6; ++k, n += 2) {
    xs[n] = keep[k].x, xs[n + 1] = keep[k].x + keep[k].width;
    ys[n] = keep[k].y, ys[n + 1] = keep[k].y + keep[k].height;
  }
  std::sort(xs, xs + n);
  std::sort(ys, ys + n);
  for (int i = 0; i + 1 < n; ++i)
    for (int j = 0; j + 1 < n; ++j) {
      const float x0 = std::max(0.0f, xs[i]), x1 = std::min(size.x, xs[i + 1]);
      const float y0 = std::max(0.0f, ys[j]), y1 = std::min(size.y, ys[j + 1]);
      if (x1 <= x0 || y1 <= y0) continue;
      const float cx = (x0 + x1) * 0.5f, cy = (y0 + y1) * 0.5f;
      bool kept = false;
      for (int k = 0; k < n_keep; ++k)
        kept = kept || (cx >= keep[k].x && cx < keep[k].x + keep[k].width && cy >= keep[k].y && cy < keep[k].y + keep[k].height);
      if (!kept) dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), colour);
    }
}

void draw_task(AppState& state, const CourseLesson& L, const CourseStep& s) {
  CourseState& C = state.course;
  const CourseTask& T = s.task;
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.82f, 0.3f, 1.0f));
  ImGui::TextWrapped("%s", course_text(state, L, T.prompt).c_str());
  ImGui::PopStyleColor();
  record_item_rect(state, "course.prompt");
  if (T.kind != "do" && !C.done) {
    if (T.kind == "pick") {
      if (ImGui::Checkbox(tr_label(S::course_pick_mode), &C.pick_mode)) {}
      record_item_rect(state, "course.pick");
      ImGui::SameLine();
      if (ImGui::Button(tr_label(S::course_pick_clear))) {
        C.answer = json::array();
        C.answer_text = "[]";
      }
      record_item_rect(state, "course.pick-clear");
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s", C.answer_text.c_str());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    const bool enter = ImGui::InputText("##course-answer", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue);
    C.answer_text = buf;
    record_item_rect(state, "course.answer");
    ImGui::SameLine();
    const bool check = ImGui::Button(tr_label(S::course_check));
    record_item_rect(state, "course.check");
    if (enter || check) course_answer(state, course_parse_answer(C.answer_text));
  }
  if (C.done) {
    ImGui::TextColored(ImVec4(0.4f, 0.95f, 0.5f, 1.0f), "%s", tr(S::course_done));
    record_item_rect(state, "course.done");
    if (!T.explain.empty()) ImGui::TextWrapped("%s", course_text(state, L, T.explain).c_str());
  } else if (!C.feedback.empty() && (T.kind == "do" || C.attempts > 0)) {
    std::string fb = C.feedback;
    if (!T.hint.empty()) fb += " " + course_text(state, L, T.hint);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.6f, 0.5f, 1.0f));
    ImGui::TextWrapped("%s", fb.c_str());
    ImGui::PopStyleColor();
    record_item_rect(state, "course.feedback");
    if (C.attempts > 0) ImGui::TextDisabled(tr(S::course_attempts), C.attempts);
  }
  if (!C.done && !T.solution.is_null()) {  // a do task the lesson can demonstrate
    if (ImGui::SmallButton(tr_label(S::course_show_me))) course_show_me(state);
    record_item_rect(state, "course.show-me");
  }
}

void draw_lesson_panel(AppState& state) {
  CourseState& C = state.course;
  const CourseLesson& L = *C.lesson;
  const CourseStep& s = L.steps[static_cast<size_t>(C.step)];
  ImGuiIO& io = ImGui::GetIO();
  const float w = std::min(io.DisplaySize.x * 0.36f, ImGui::GetFontSize() * 30.0f);
  // Placed where the spotlight is not (a corner away from it), again on each new step.
  PanelRect spot;
  const bool has_spot = !s.spotlight.empty() && rect_of(state, s.spotlight, &spot);
  const float top = ImGui::GetFrameHeight() + 8, h = std::max(io.DisplaySize.y * 0.45f, C.panel_height);
  const ImVec2 corners[] = {{io.DisplaySize.x - w - 8, top}, {io.DisplaySize.x - w - 8, io.DisplaySize.y - h - 8}, {8, io.DisplaySize.y - h - 8}, {8, top}};
  ImVec2 pos = corners[0];
  for (const ImVec2& c : corners)
    if (!has_spot || !overlaps(PanelRect{c.x, c.y, w, h}, spot)) {
      pos = c;
      break;
    }
  const bool moved = C.placed_step != C.step || C.placed_lesson != C.lesson.get() || C.placed_width != w || C.placed_height != h;
  C.placed_step = C.step;
  C.placed_lesson = C.lesson.get();
  C.placed_width = w;
  C.placed_height = h;
  ImGui::SetNextWindowPos(pos, moved ? ImGuiCond_Always : ImGuiCond_Appearing);
  ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, io.DisplaySize.y * 0.8f));
  const std::string title = course_text(state, L, L.title) + "###course";
  if (ImGui::Begin(title.c_str(), &C.show_panel, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    // Its height is known only now (it sizes itself to the text): kept on the screen.
    const ImVec2 at = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    const ImVec2 fit(std::clamp(at.x, 0.0f, std::max(0.0f, io.DisplaySize.x - size.x)), std::clamp(at.y, top, std::max(top, io.DisplaySize.y - size.y)));
    if (fit.x != at.x || fit.y != at.y) ImGui::SetWindowPos(fit);
    C.panel_height = size.y;
    record_panel_rect(state, "course");
    // Above every panel (a panel shown by this step would otherwise appear over it), without taking
    // the keyboard from the panel the student is using.
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    C.panel_focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
    ImGui::TextDisabled("%s", course_text(state, L, L.chapters[static_cast<size_t>(s.chapter)].title).c_str());
    ImGui::Text(tr(S::course_step_of), C.step + 1, static_cast<int>(L.steps.size()));
    if (!s.animation.empty()) {
      ImGui::SameLine();
      ImGui::TextDisabled(tr(S::course_frame_of), C.anim, static_cast<int>(s.animation.size()));
    }
    ImGui::ProgressBar(static_cast<float>(C.step + 1) / static_cast<float>(L.steps.size()), ImVec2(-1, 4), "");
    ImGui::SetWindowFontScale(1.15f);  // the lesson's own words, readable from the back of a room
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(course_text(state, L, s.text).c_str());
    ImGui::PopTextWrapPos();
    record_item_rect(state, "course.text");
    ImGui::SetWindowFontScale(1.0f);
    if (!C.step_error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", C.step_error.c_str());
    if (s.has_task) draw_task(state, L, s);
    ImGui::Separator();
    ImGui::BeginDisabled(C.step == 0 && C.anim == 0);
    if (ImGui::Button(tr_label(S::course_back))) course_prev(state);
    ImGui::EndDisabled();
    record_item_rect(state, "course.back");
    ImGui::SameLine();
    const bool last = C.step + 1 >= static_cast<int>(L.steps.size()) && C.anim >= static_cast<int>(s.animation.size());
    ImGui::BeginDisabled(last);
    if (ImGui::Button(tr_label(S::course_next))) course_next(state);
    ImGui::EndDisabled();
    record_item_rect(state, "course.next");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr(S::course_keys_hint));
  }
  ImGui::End();
  if (!C.show_panel) course_close(state);
}

// The QR code of the step's link, large, on white (phones read dark modules on a light quiet zone).
void draw_qr(AppState& state) {
  CourseState& C = state.course;
  std::string err;
  const std::string link = course_step_link(state, &err);
  if (link != C.qr_link || C.qr_bits.empty()) {
    C.qr_link = link;
    C.qr_error = err;
    C.qr_modules = 0;
    C.qr_bits.assign(qrcodegen_BUFFER_LEN_MAX, 0);
    std::vector<uint8_t> temp(qrcodegen_BUFFER_LEN_MAX);
    if (link.empty()) {
      if (C.qr_error.empty()) C.qr_error = tr(S::course_qr_no_lesson);
    } else if (link.size() > 2000 || !qrcodegen_encodeText(link.c_str(), temp.data(), C.qr_bits.data(), qrcodegen_Ecc_LOW,
                                                          qrcodegen_VERSION_MIN, qrcodegen_VERSION_MAX, qrcodegen_Mask_AUTO, true)) {
      C.qr_error = tr(S::course_link_too_long);
    } else {
      C.qr_modules = qrcodegen_getSize(C.qr_bits.data());
    }
  }
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::Begin(tr_label(S::course_qr_title), &C.show_qr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    record_panel_rect(state, "course-qr");
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    if (C.qr_modules > 0) {
      const int n = C.qr_modules + 8;  // 4 modules of quiet zone on each side
      const float side = std::max(160.0f, std::min(io.DisplaySize.x, io.DisplaySize.y) * 0.6f);
      const float m = std::floor(side / static_cast<float>(n));
      const ImVec2 p = ImGui::GetCursorScreenPos();
      ImDrawList* dl = ImGui::GetWindowDrawList();
      dl->AddRectFilled(p, ImVec2(p.x + n * m, p.y + n * m), IM_COL32_WHITE);
      for (int y = 0; y < C.qr_modules; ++y)
        for (int x = 0; x < C.qr_modules; ++x)
          if (qrcodegen_getModule(C.qr_bits.data(), x, y))
            dl->AddRectFilled(ImVec2(p.x + (x + 4) * m, p.y + (y + 4) * m), ImVec2(p.x + (x + 5) * m, p.y + (y + 5) * m), IM_COL32_BLACK);
      ImGui::Dummy(ImVec2(n * m, n * m));
      record_item_rect(state, "course.qr");
      ImGui::PushTextWrapPos(n * m);
      ImGui::TextDisabled("%s", C.qr_link.c_str());
      ImGui::PopTextWrapPos();
    } else {
      ImGui::TextUnformatted(C.qr_error.c_str());
    }
  }
  ImGui::End();
}

// The clip being recorded: the step's animation walked one frame a second (or the stepper playing).
void walk_clip(AppState& state) {
  CourseState& C = state.course;
  if (state.time_s >= C.clip_until_s || state.time_s < C.clip_next_s || !C.lesson) return;
  C.clip_next_s = state.time_s + 1.0;
  course_next(state);
}

}  // namespace

void course_record_clip(AppState& state) {
  CourseState& C = state.course;
  const int frames = C.lesson ? static_cast<int>(C.lesson->steps[static_cast<size_t>(C.step)].animation.size()) : 0;
  const double seconds = std::clamp(frames + 2.0, 4.0, 20.0);
  const std::string name = C.lesson ? "convscope-" + C.lesson->id + "-" + std::to_string(C.step + 1) + ".webm" : "convscope-stepper.webm";
  const std::string err = platform_record_clip(name.c_str(), seconds);
  if (!err.empty()) return app_notice(state, C.clip_status = err);
  C.clip_status = cs::fmt(tr(S::course_clip_recording), seconds, name.c_str());
  app_notice(state, C.clip_status, seconds);
  if (frames > 0) {
    course_go(state, C.step);  // from the step's first frame
    C.clip_until_s = state.time_s + seconds - 1.0;
    C.clip_next_s = state.time_s + 1.0;
  } else {
    state.lessons.position = 0;  // the stepper from its first window position, playing
    state.lessons.playing = true;
  }
}

void course_menu(AppState& state) {
  CourseState& C = state.course;
  const bool open = ImGui::BeginMenu(tr_label(S::course_menu));
  record_item_rect(state, "menu.course");
  if (!open) return;
  course_request_index(state);
  if (C.index_status == kCourseLoading) ImGui::TextDisabled("%s", tr(S::course_loading));
  if (C.index_status == kCourseFailed) ImGui::TextWrapped("%s", C.index_error.c_str());
  for (const CourseIndexEntry& e : C.index.lessons) {
    std::string label = C.index.title_of(e, course_language(state));
    const json* p = C.progress.contains(e.id) ? &C.progress[e.id] : nullptr;
    if (p && p->contains("done") && (*p)["done"].is_array() && !(*p)["done"].empty())
      label += "  " + cs::fmt(tr(S::course_tasks_done), static_cast<int>((*p)["done"].size()));
    label += "###course-" + e.id;
    if (ImGui::MenuItem(label.c_str(), nullptr, C.lesson && C.lesson->id == e.id)) {
      int step = 0;
      if (p && p->contains("step") && (*p)["step"].is_number_integer()) step = (*p)["step"].get<int>();
      const std::string err = course_open(state, e.id, std::max(0, step), false);
      if (!err.empty()) app_notice(state, err);
    }
    record_item_rect(state, ("menu.course." + e.id).c_str());
  }
  ImGui::Separator();
  if (platform_is_browser() && ImGui::MenuItem(tr_label(S::course_open_file))) platform_open_file_dialog();
  ImGui::MenuItem(tr_label(S::course_show_panel), nullptr, &C.show_panel, C.lesson != nullptr);
  if (ImGui::MenuItem(tr_label(S::course_builder_menu), nullptr, C.builder.open)) {
    C.builder.open = !C.builder.open;
    course_builder_load(state);
  }
  record_item_rect(state, "menu.course.builder");
  ImGui::Separator();
  ImGui::MenuItem(tr_label(S::course_qr_menu), nullptr, &C.show_qr);
  record_item_rect(state, "menu.course.qr");
  ImGui::MenuItem(tr_label(S::course_blank_menu), tr(S::course_blank_key), &C.blank);
  if (ImGui::MenuItem(tr_label(S::course_clip_menu))) course_record_clip(state);
  record_item_rect(state, "menu.course.clip");
  ImGui::Separator();
  if (ImGui::MenuItem(tr_label(S::course_reset_progress))) course_progress_reset(state);
  record_item_rect(state, "menu.course.reset");
  ImGui::EndMenu();
}

void course_frame_end(AppState& state) {
  CourseState& C = state.course;
  ImGuiIO& io = ImGui::GetIO();
  // B blanks the screen and brings it back (a presenter's "black screen" key), not while typing.
  if (!io.WantTextInput)
    for (int i = 0; i < io.InputQueueCharacters.Size; ++i)
      if (io.InputQueueCharacters[i] == 'b' || io.InputQueueCharacters[i] == 'B') C.blank = !C.blank;
  walk_clip(state);
  if (C.lesson && C.show_panel && !C.blank) draw_lesson_panel(state);
  if (C.show_qr && !C.blank) draw_qr(state);
  if (C.builder.open && !C.blank) draw_course_builder(state);
  ImDrawList* fg = ImGui::GetForegroundDrawList();
  if (C.blank) {
    fg->AddRectFilled(ImVec2(0, 0), io.DisplaySize, IM_COL32(0, 0, 0, 255));
    return;
  }
  if (!C.lesson) return;
  const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
  PanelRect spot;
  if (!s.spotlight.empty() && rect_of(state, s.spotlight, &spot)) {
    PanelRect keep[5] = {spot, PanelRect{0, 0, io.DisplaySize.x, ImGui::GetFrameHeight()}};  // (the menu bar stays usable)
    int n = 2;
    for (const char* id : {"course", "course-qr", "course-builder"})
      if (rect_of(state, id, &keep[n])) ++n;
    dim_except(fg, io.DisplaySize, keep, n, IM_COL32(0, 0, 0, 150));
    const float t = 3.0f * state.ui_scale;
    fg->AddRect(ImVec2(spot.x - t, spot.y - t), ImVec2(spot.x + spot.width + t, spot.y + spot.height + t), IM_COL32(255, 210, 60, 255), 4.0f, 0, t);
  }
  for (const std::string& id : s.lock) {  // locked controls: greyed over, clicks refused (course_frame_begin)
    PanelRect r;
    if (!rect_of(state, id, &r)) continue;
    fg->AddRectFilled(ImVec2(r.x, r.y), ImVec2(r.x + r.width, r.y + r.height), IM_COL32(90, 90, 90, 150));
    fg->AddLine(ImVec2(r.x, r.y + r.height), ImVec2(r.x + r.width, r.y), IM_COL32(200, 200, 200, 180), 1.5f);
  }
}

}  // namespace cs::app
