// panel_course_builder.cpp — the lesson builder's window: the steps of the lesson being built (select,
// move, delete), the selected step's text, shown panels and locked controls, and the exports. The
// logic (what a step holds, storage, the file and the link) is course_builder.cpp's.
#include <algorithm>

#include "app.h"
#include "course_player.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"
#include "ui_strings.h"

namespace cs::app {

namespace {

// Controls a step may lock: the stepper's settings (items() names them so).
const char* const kLockable[] = {"stepper.mode", "stepper.input-preset", "stepper.kernel-preset", "stepper.size",
                                 "stepper.ksize", "stepper.stride", "stepper.padding", "stepper.dilation", "stepper.channels"};

void edit_step(AppState& state, CourseStep& s) {
  CourseBuilder& B = state.course.builder;
  CourseLesson& L = B.lesson;
  ImGui::TextUnformatted(tr(S::course_builder_text));
  if (B.text_edit.empty()) ImGui::TextDisabled("%s", L.text(s.text).c_str());  // what stands until typed
  char buf[4001];
  std::snprintf(buf, sizeof buf, "%s", B.text_edit.c_str());
  if (ImGui::InputTextMultiline("##builder-text", buf, sizeof buf, ImVec2(-1, ImGui::GetTextLineHeight() * 5))) {
    B.text_edit = buf;
    // Kept only when it could be shown: no markup, no control characters.
    const std::string why = course_text_problem(B.text_edit);
    if (why.empty() && !B.text_edit.empty()) {
      L.strings[s.text] = B.text_edit;
      for (auto& lang : L.translations) lang.second.erase(s.text);  // they translated the old text
      course_builder_save(state);
    }
  }
  record_item_rect(state, "builder.text");
  const std::string why = course_text_problem(B.text_edit);
  if (!why.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), tr(S::course_builder_text_refused), why.c_str());
  ImGui::TextUnformatted(tr(S::course_builder_locks));
  {
    int n = 0;
    for (const char* id : kLockable) {
      if (n++ % 3) ImGui::SameLine(ImGui::GetFontSize() * (1 + 12 * ((n - 1) % 3)));
      bool on = std::find(s.lock.begin(), s.lock.end(), id) != s.lock.end();
      if (ImGui::Checkbox(id, &on)) {
        if (on) s.lock.push_back(id);
        else s.lock.erase(std::remove(s.lock.begin(), s.lock.end(), id), s.lock.end());
        course_builder_save(state);
      }
      record_item_rect(state, (std::string("builder.lock.") + id).c_str());
    }
  }
  ImGui::TextDisabled(tr(S::course_builder_panels), s.panels.size());
}

}  // namespace

void draw_course_builder(AppState& state) {
  CourseState& C = state.course;
  CourseBuilder& B = C.builder;
  course_builder_load(state);
  CourseLesson& L = B.lesson;
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.3f, io.DisplaySize.y * 0.15f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 30, ImGui::GetFontSize() * 32), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin(tr_label(S::course_builder_title), &B.open)) return ImGui::End();
  record_panel_rect(state, "course-builder");
  if (ImGui::Button(tr_label(S::course_builder_add))) course_builder_add_view(state);
  record_item_rect(state, "builder.add");
  ImGui::SameLine();
  ImGui::BeginDisabled(L.steps.empty());
  if (ImGui::Button(tr_label(S::course_builder_play)))
    course_play(state, std::make_shared<const CourseLesson>(L), false, tr(S::course_builder_draft), std::max(0, B.selected));
  record_item_rect(state, "builder.play");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!C.lesson);
  if (ImGui::Button(tr_label(S::course_builder_edit_open))) {  // the open lesson, to change it
    L = *C.lesson;
    B.selected = L.steps.empty() ? -1 : 0;
    B.text_edit = B.selected >= 0 ? L.text(L.steps[0].text) : "";
    course_builder_save(state);
  }
  record_item_rect(state, "builder.edit-open");
  ImGui::EndDisabled();
  ImGui::Separator();
  // The steps: select one to edit; move it up or down; delete it.
  int move = 0, remove = -1;
  for (int i = 0; i < static_cast<int>(L.steps.size()); ++i) {
    ImGui::PushID(i);
    const std::string& text = L.text(L.steps[static_cast<size_t>(i)].text);
    const std::string label = std::to_string(i + 1) + ". " + text.substr(0, 48) + (text.size() > 48 ? "..." : "");
    if (ImGui::Selectable(label.c_str(), B.selected == i, 0, ImVec2(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 9, 0))) {
      B.selected = i;
      B.text_edit = text;
    }
    record_item_rect(state, ("builder.step." + std::to_string(i)).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(tr_label(S::course_builder_up)) && i > 0) B.selected = i, move = -1;
    record_item_rect(state, ("builder.up." + std::to_string(i)).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(tr_label(S::course_builder_down)) && i + 1 < static_cast<int>(L.steps.size())) B.selected = i, move = 1;
    record_item_rect(state, ("builder.down." + std::to_string(i)).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(tr_label(S::course_builder_delete))) remove = i;
    record_item_rect(state, ("builder.delete." + std::to_string(i)).c_str());
    ImGui::PopID();
  }
  if (move) {
    std::swap(L.steps[static_cast<size_t>(B.selected)], L.steps[static_cast<size_t>(B.selected + move)]);
    B.selected += move;
    course_builder_save(state);
  }
  if (remove >= 0) {
    L.strings.erase(L.steps[static_cast<size_t>(remove)].text);
    L.steps.erase(L.steps.begin() + remove);
    B.selected = std::min(B.selected, static_cast<int>(L.steps.size()) - 1);
    B.text_edit = B.selected >= 0 ? L.text(L.steps[static_cast<size_t>(B.selected)].text) : "";
    course_builder_save(state);
  }
  if (L.steps.empty()) ImGui::TextDisabled("%s", tr(S::course_builder_empty));
  if (B.selected >= 0 && B.selected < static_cast<int>(L.steps.size())) {
    ImGui::Separator();
    edit_step(state, L.steps[static_cast<size_t>(B.selected)]);
  }
  ImGui::Separator();
  ImGui::BeginDisabled(L.steps.empty());
  if (ImGui::Button(tr_label(S::course_builder_export_file))) app_notice(state, course_builder_export_file(state));
  record_item_rect(state, "builder.export-file");
  ImGui::SameLine();
  if (ImGui::Button(tr_label(S::course_builder_export_link))) app_notice(state, course_builder_export_link(state));
  record_item_rect(state, "builder.export-link");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(tr_label(S::course_builder_discard))) course_builder_discard(state);
  record_item_rect(state, "builder.discard");
  if (!B.link.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s", B.link.substr(0, 300).c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
}

}  // namespace cs::app
