// a11y_mirror.cpp — the screen-reader mirror (a11y_mirror.h): the guided lesson's step and each
// visible panel written out as the lines a screen reader reads, from the engine results the panels
// draw (never recomputed here: the stepper's cached result and arithmetic, the output-size formulas
// the panel also asks for, the im2col view's shapes, the network's softmax, the SE statistics); the
// mirror's buttons and answer field; Alt/F10.
#include "a11y_mirror.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ab_lab_model.h"
#include "app.h"
#include "course_check.h"
#include "course_player.h"
#include "digit_lab_model.h"
#include "imgui.h"
#include "imgui_internal.h"  // NavWindow: which window had the keys before Alt opened the menu
#include "panels.h"
#include "platform_api.h"
#include "ui_strings.h"

namespace cs::app {

namespace {

// A label without its "###id" suffix, as the panel's title bar shows it.
std::string shown(S id) {
  std::string s = tr(id);
  return s.substr(0, s.find("###"));
}

// One field of the mirror text: tabs and newlines would break its line format.
std::string field(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

struct Writer {
  std::string out;
  void section(const char* id, const std::string& title) { out += "S\t" + std::string(id) + "\t" + field(title) + "\n"; }
  void line(const std::string& text) {  // a multi-line text becomes one line per line
    size_t start = 0;
    while (start <= text.size()) {
      const size_t end = std::min(text.find('\n', start), text.size());
      if (end > start) out += "L\t" + field(text.substr(start, end - start)) + "\n";
      start = end + 1;
    }
  }
  void button(const char* id, const std::string& label) { out += "B\t" + std::string(id) + "\t" + field(label) + "\n"; }
  // A text field whose value the page sends with its button as "<id>=<value>".
  void input(const char* id, const std::string& label, const std::string& button) {
    out += "I\t" + std::string(id) + "\t" + field(label) + "\t" + field(button) + "\n";
  }
};

// [SECTION] the guided lesson --------------------------------------------------------------------------

void course_lines(const AppState& state, Writer& w) {
  const CourseState& C = state.course;
  const CourseLesson& L = *C.lesson;
  const CourseStep& s = L.steps[static_cast<size_t>(C.step)];
  w.section("course", course_text(state, L, L.title));
  w.line(course_text(state, L, L.chapters[static_cast<size_t>(s.chapter)].title) + ": " +
         cs::fmt(tr(S::course_step_of), C.step + 1, static_cast<int>(L.steps.size())));
  w.line(course_text(state, L, s.text));
  if (!C.step_error.empty()) w.line(C.step_error);
  if (s.has_task) {
    const CourseTask& T = s.task;
    w.line(course_text(state, L, T.prompt));
    if (C.done) {
      w.line(tr(S::course_done));
      if (!T.explain.empty()) w.line(course_text(state, L, T.explain));
    } else if (!C.feedback.empty() && (T.kind == "do" || C.attempts > 0)) {
      w.line(T.hint.empty() ? C.feedback : C.feedback + " " + course_text(state, L, T.hint));
    }
    if (!C.done && T.kind != "do") w.input("course.answer", course_text(state, L, T.prompt), shown(S::course_check));
    if (!C.done && !T.solution.is_null()) w.button("course.show-me", shown(S::course_show_me));
  }
  w.button("course.back", shown(S::course_back));
  w.button("course.next", shown(S::course_next));
}

// [SECTION] the lessons --------------------------------------------------------------------------------

void stepper_lines(const AppState& state, Writer& w) {
  const LessonState& L = state.lessons;
  const StepperResult& r = L.result;
  const StepperConfig& c = L.config;
  w.section("stepper", shown(S::stepper_title));
  w.line(cs::fmt(tr(S::a11y_stepper_config), c.C, c.H, c.W, c.KH, c.KW, c.stride.h, c.stride.w, c.padding.h,
                 c.padding.w, conv_mode_name(c.mode)));
  if (!r.valid) {
    w.line(cs::fmt(tr(S::stepper_no_output), r.error.c_str()));
    if (!r.explain.empty()) w.line(r.explain);
  } else {
    const Cell p = position_cell(r, c, L.position);
    if (c.mode == ConvMode::Transposed)
      w.line(cs::fmt(tr(S::stepper_stamp_of_input), L.position + 1, r.steps, p.r, p.c));
    else
      w.line(cs::fmt(tr(S::stepper_position_of_output), L.position + 1, r.steps, L.out_channel, p.r, p.c,
                     num_text(r.output.at(0, L.out_channel, p.r, p.c)).c_str()));
    // The written-out arithmetic follows the pointer in the panel; here it is the position's unless the
    // panel's pointer target is pinned (what a keyboard user can see is the position).
    if (L.arith_target.kind == HoverKind::None || L.arith_pinned) w.line(L.arithmetic);
  }
  w.button("stepper.first", tr(S::a11y_first_position));
  w.button("stepper.step-back", tr(S::a11y_step_back));
  w.button("stepper.play", L.playing ? tr(S::stepper_pause) : tr(S::stepper_play));
  w.button("stepper.step-forward", tr(S::a11y_step_forward));
  w.button("stepper.last", tr(S::a11y_last_position));
}

void output_size_lines(const AppState& state, Writer& w) {
  const StepperConfig& c = state.lessons.config;
  const StepperGeometry& ms = state.lessons.result.geo;  // the kernel size the engine result used (as the panel)
  w.section("output-size", shown(S::output_size_title));
  const AxisReport ah = axis_report("H", c.H, ms.KH, c.stride.h, c.padding.h, c.dilation.h, c.mode, c.ceil_mode);
  const AxisReport aw = axis_report("W", c.W, ms.KW, c.stride.w, c.padding.w, c.dilation.w, c.mode, c.ceil_mode);
  for (const auto* a : {&ah, &aw}) {
    const char* name = a == &ah ? "H" : "W";
    w.line(cs::fmt(tr(S::output_size_out_formula), name, a->formula.c_str()));
    if (a->valid) w.line(cs::fmt(tr(S::output_size_out_formula), name, a->substituted.c_str()));
    else w.line(cs::fmt(tr(S::output_size_out_error), name, a->substituted.empty() ? tr(S::output_size_no_output) : a->substituted.c_str()));
    if (!a->why.empty()) w.line(a->why);  // why: an impossible size, or a division that is not exact
  }
  if (state.lessons.result.valid)
    w.line(cs::fmt(tr(S::output_size_output_x_engine), state.lessons.result.OH, state.lessons.result.OW));
}

void im2col_lines(const AppState& state, Writer& w) {
  const Im2colView& v = state.lessons.im2col;
  w.section("im2col", shown(S::im2col_title));
  if (!v.valid) {
    w.line(cs::fmt("%s %s", tr(S::im2col_no_column_matrix), v.error.c_str()));
    return;
  }
  const int rows = v.patches_as_rows ? v.positions() : v.rows(), cols = v.patches_as_rows ? v.rows() : v.positions();
  w.line(cs::fmt(tr(S::a11y_im2col_shapes), v.C, v.H, v.W, rows, cols, v.OC, v.rows(), v.OC, v.OH, v.OW));
  w.line(cs::fmt(tr(S::a11y_im2col_blowup), static_cast<long long>(v.cols_bytes), static_cast<long long>(v.input_bytes), v.blowup));
  if (v.compared) w.line(cs::fmt(tr(S::a11y_im2col_compared), static_cast<double>(v.max_abs_diff)));
  else if (!v.not_compared.empty()) w.line(v.not_compared);
}

// [SECTION] the digit lab ------------------------------------------------------------------------------

void prediction_lines(const AppState& state, Writer& w) {
  const DigitLabState& lab = state.lab;
  const LabSession* s = lab.session.get();
  w.section("prediction", shown(S::prediction_title));
  if (!s || !s->has_network()) {
    w.line(s ? cs::fmt(tr(S::prediction_no_network), s->network_error().c_str()) : app_lab_assets_message(state));
    return;
  }
  const std::vector<float>& p = s->probabilities();
  const int best = s->predicted();
  if (best < 0 || p.size() < 10) {
    w.line(tr(S::prediction_draw_a_digit));
  } else {
    w.line(cs::fmt(tr(S::a11y_prediction), best, 100.0 * p[static_cast<size_t>(best)]));
    if (lab.input == LabInput::Gallery && lab.gallery_index >= 0 && s->has_digits())
      w.line(cs::fmt(tr(s->digits().test.labels[static_cast<size_t>(lab.gallery_index)] == best ? S::prediction_label_right
                                                                                                 : S::prediction_label_wrong),
                     s->digits().test.labels[static_cast<size_t>(lab.gallery_index)]));
    std::string all;
    for (int d = 0; d < 10; ++d) all += cs::fmt(tr(S::a11y_probability_item), d, 100.0 * p[static_cast<size_t>(d)]);
    w.line(cs::fmt(tr(S::a11y_probabilities), all.c_str()));
  }
  if (s->has_digits() && s->digits().test.count > 0) w.button("lab.next-digit", tr(S::a11y_next_digit));
  w.button("lab.clear", tr(S::draw_pad_clear));
}

// The SE weights of the predicted digit in words: in the block shown, the channels the digit's mean
// excitation switches on most and least (the statistics pass the panel draws).
void se_lines(const AppState& state, Writer& w) {
  const DigitLabState& lab = state.lab;
  const LabSession* s = lab.session.get();
  if (!s || !s->has_network() || s->se_blocks().empty()) return;
  w.section("se-weights", shown(S::se_weights_title));
  const SeStats& st = s->stats();
  const int b = std::clamp(lab.se_block, 0, static_cast<int>(s->se_blocks().size()) - 1);
  const int d = s->predicted();
  if (!st.complete() || b >= static_cast<int>(st.blocks.size())) {
    w.line(cs::fmt(tr(S::se_weights_measuring_the_excitations), s->stats().total));
    return;
  }
  if (d < 0) {
    w.line(tr(S::se_weights_orange_no_digit));
    return;
  }
  const int n = st.blocks[static_cast<size_t>(b)].channels;
  std::vector<int> order(static_cast<size_t>(n));
  for (int c = 0; c < n; ++c) order[static_cast<size_t>(c)] = c;
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return st.mean(b, d, x) > st.mean(b, d, y); });
  auto list = [&](int from, int step) {
    std::string out;
    for (int k = 0, i = from; k < std::min(3, n); ++k, i += step) {
      const int c = order[static_cast<size_t>(i)];
      out += cs::fmt(tr(S::a11y_se_channel_item), c, st.mean(b, d, c));
    }
    return out;
  };
  w.line(cs::fmt(tr(S::a11y_se_words), d, st.blocks[static_cast<size_t>(b)].name.c_str(), n, list(0, 1).c_str(),
                 list(n - 1, -1).c_str()));
}

// Training: where it is and how it goes (the panel's progress and loss lines), with Train / Pause.
void training_lines(const AppState& state, Writer& w) {
  const LabSession* s = state.lab.session.get();
  if (!s || !s->has_network() || !s->has_digits()) return;
  w.section("training", shown(S::training_title));
  const TrainInfo& t = s->training();
  if (s->digits().train.count == 0) {
    w.line(state.training_digits_error.empty() ? tr(S::training_loading_digits) : state.training_digits_error);
  } else {
    const int per_epoch = std::max(1, s->digits().train.count / std::max(1, t.batch_size));
    w.line(cs::fmt(tr(S::training_progress_format), t.step, state.lab.train_target_steps, double(t.step) / per_epoch));
    w.line(cs::fmt(tr(S::training_loss_accuracy_last), t.loss, 100.0f * t.accuracy, LabSession::kWindow));
  }
  w.button("training.train", t.running ? tr(S::training_pause) : t.step > 0 ? tr(S::training_resume) : tr(S::training_train));
}

// The training lab: the experiment and what to look for, each side's last step (or where it stopped)
// and its first and last layers' gradient sizes, with the transport's buttons.
void ab_lab_lines(const AppState& state, Writer& w) {
  const AbLabState& s = state.ab_lab;
  w.section("ab-lab", shown(S::ab_title));
  if (const AbLabPreset* p = find_ab_lab_preset(s.preset)) {
    w.line(tr(p->title));
    w.line(tr(p->look_for));
  }
  w.line(cs::fmt(tr(S::ab_step_counter), s.run ? s.run->steps() : 0LL, cs::PairedTraining::kMaxSteps, s.batch_size));
  if (!s.error.empty()) w.line(cs::fmt(tr(S::ab_refused), s.error.c_str()));
  for (int i = 0; i < 2; ++i) {
    const char* name = tr(i == 0 ? S::ab_side_left : S::ab_side_right);
    const cs::TrainingHistory* h = s.run ? &s.run->side(i).history() : nullptr;
    std::string text;
    if (h && h->diverged_at > 0) text = cs::fmt(tr(S::ab_diverged), h->diverged_at);
    else if (h && !h->error.empty()) text = cs::fmt(tr(S::ab_stopped), h->error.c_str());
    else if (h && !h->loss.empty())
      text = cs::fmt(tr(S::ab_now), static_cast<long long>(h->loss.size()), static_cast<double>(h->loss.back()),
                     100.0 * h->accuracy.back()) +
             "; " +
             cs::fmt(tr(S::ab_grad_now), static_cast<double>(h->grad_norm.front().back()),
                     static_cast<double>(h->grad_norm.back().back()));
    else text = tr(S::ab_not_started);
    w.line(std::string(name) + ": " + text);
  }
  if (ab_lab_same_settings(s)) w.line(tr(ab_lab_same_histories(s) ? S::ab_same_yes : S::ab_same_no));
  w.button("ab-lab.play", shown(s.running ? S::ab_pause : S::ab_play));
  w.button("ab-lab.step", shown(S::ab_one_step));
  w.button("ab-lab.reset", shown(S::ab_reset));
}

}  // namespace

// [SECTION] the mirror ---------------------------------------------------------------------------------

std::string a11y_mirror_text(const AppState& state) {
  Writer w;
  w.section("workspace", tr(S::a11y_workspace_title));
  w.line(state.workspace == Workspace::Lessons    ? shown(S::app_lessons)
         : state.workspace == Workspace::DigitLab ? shown(S::app_digit_lab)
                                                  : shown(S::app_blocks));
  if (!state.notice.empty() && state.time_s < state.notice_until_s) w.line(state.notice);
  w.line(tr(S::a11y_keys_hint));
  w.button("workspace.lessons", shown(S::app_lessons));
  w.button("workspace.digit-lab", shown(S::app_digit_lab));
  w.button("workspace.blocks", shown(S::app_blocks));
  if (state.course.lesson && state.course.show_panel) course_lines(state, w);  // the step says what to look at first
  if (state.workspace == Workspace::Lessons) {
    const LessonState& L = state.lessons;
    if (L.show_stepper) stepper_lines(state, w);
    if (L.show_output_size) output_size_lines(state, w);
    if (L.show_im2col) im2col_lines(state, w);
  } else if (state.workspace == Workspace::DigitLab) {
    if (state.lab.show_prediction) prediction_lines(state, w);
    if (state.lab.show_se_weights) se_lines(state, w);
    if (state.lab.show_training) training_lines(state, w);
  } else if (state.workspace == Workspace::Blocks) {
    if (state.ab_lab.show) ab_lab_lines(state, w);
  }
  return w.out;
}

std::string a11y_mirror_press(AppState& state, const std::string& id) {
  LessonState& L = state.lessons;
  const int n = std::max(1, L.result.steps);
  auto step_to = [&](int t) { L.position = std::clamp(t, 0, n - 1); };
  const bool lessons = state.workspace == Workspace::Lessons && L.show_stepper && L.result.valid;
  const bool course = state.course.lesson && state.course.show_panel;
  if (course && id.rfind("course.answer=", 0) == 0) course_answer(state, course_parse_answer(id.substr(14)));
  else if (course && id == "course.back") course_prev(state);
  else if (course && id == "course.next") course_next(state);
  else if (course && id == "course.show-me") course_show_me(state);
  else if (id == "workspace.lessons") state.workspace = Workspace::Lessons;
  else if (id == "workspace.blocks") state.workspace = Workspace::Blocks;
  else if (id == "workspace.digit-lab") {
    state.workspace = Workspace::DigitLab;
    app_lab_assets(state, 1);
  } else if (lessons && id == "stepper.first") step_to(0);
  else if (lessons && id == "stepper.step-back") step_to(L.position - 1);
  else if (lessons && id == "stepper.step-forward") step_to(L.position + 1);
  else if (lessons && id == "stepper.last") step_to(n - 1);
  else if (lessons && id == "stepper.play") {  // as the panel's Play: from the start when at the end
    L.playing = !L.playing;
    if (L.playing && L.position >= n - 1) L.position = 0;
    L.next_step_s = state.time_s + 1.0 / std::max(0.25f, L.speed);
  } else if (state.workspace == Workspace::DigitLab && id == "lab.clear") {
    state.lab.request_clear = true;
  } else if (state.workspace == Workspace::DigitLab && id == "lab.next-digit" && state.lab.session &&
             state.lab.session->has_digits() && state.lab.session->digits().test.count > 0) {
    state.lab.request_gallery = (std::max(-1, state.lab.gallery_index) + 1) % state.lab.session->digits().test.count;
  } else if (state.workspace == Workspace::Blocks && id == "ab-lab.play") {
    state.ab_lab.running = !state.ab_lab.running;
  } else if (state.workspace == Workspace::Blocks && id == "ab-lab.step") {
    ab_lab_request_one_step(state.ab_lab);
  } else if (state.workspace == Workspace::Blocks && id == "ab-lab.reset") {
    ab_lab_forget_run(state.ab_lab);
  } else if (state.workspace == Workspace::DigitLab && id == "training.train" && state.lab.session) {
    // As the panel's button: Train / Resume, or Pause while running; the page's training digits are
    // fetched first when they are not there yet (the Train press then starts it when they arrive).
    if (!app_training_digits(state, 1)) return "";
    state.lab.request_train = state.lab.session->training().running ? -1 : 1;
  } else {
    return cs::fmt(tr(S::a11y_no_such_button), id.c_str());
  }
  state.a11y.built_s = -1;  // the effect is read out at once, not at the next quarter second
  return "";
}

bool a11y_wants_tab(const AppState& state) {
  const LessonState& L = state.lessons;
  if (ImGui::GetCurrentContext() && ImGui::GetIO().WantTextInput) return true;
  if (state.workspace != Workspace::Lessons || !L.show_stepper) return false;
  return L.stepper_keys_to_controls || (L.stepper_focused && !state.a11y.stepper_released);
}

bool a11y_take_menu_request(AppState& state) {
  A11yState& A = state.a11y;
  const bool r = A.menu_request;
  A.menu_request = false;
  // The window that had the keys (the stepper, say) gets them back when the menu closes.
  const ImGuiWindow* had = ImGui::GetCurrentContext()->NavWindow;
  if (r && had && !(had->RootWindow->Flags & ImGuiWindowFlags_MenuBar) && std::strcmp(had->RootWindow->Name, "##MainMenuBar") != 0)
    A.focus_after_menu = had->RootWindow->Name;
  return r;
}

void a11y_frame(AppState& state) {
  A11yState& A = state.a11y;
  const ImGuiIO& io = ImGui::GetIO();
  // Alt pressed and released with no other key in between, or F10: the menu bar, as desktop apps do.
  int down = 0;
  for (bool k : io.KeysDown) down += k ? 1 : 0;
  if (io.KeyAlt && !A.alt_down) A.alt_alone = true;
  if (io.KeyAlt && (down > 1 || io.KeyCtrl || io.KeyShift || ImGui::IsAnyMouseDown())) A.alt_alone = false;
  if (!io.KeyAlt && A.alt_down && A.alt_alone) A.menu_request = true;
  A.alt_down = io.KeyAlt;
  if (platform_function_key_pressed(10)) A.menu_request = true;
  if (!A.focus_after_menu.empty() && !A.menu_request && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
    ImGui::SetWindowFocus(A.focus_after_menu.c_str());  // the menu closed (Esc, or an item chosen)
    A.focus_after_menu.clear();
  }
  // Tab out of the stepper: its keys take Tab (to its controls) until Esc, pressed while the stepper
  // has its own keys, releases it; the next Tab then leaves the canvas. Leaving the stepper resets it.
  const LessonState& L = state.lessons;
  if (!L.stepper_focused || L.stepper_keys_to_controls) A.stepper_released = false;
  else if (!A.keys_were_with_controls && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
    A.stepper_released = true;
  A.keys_were_with_controls = L.stepper_keys_to_controls;
  // The mirror: rebuilt 4 times a second at most (a screen reader reads changes, not frames).
  if (A.built_s >= 0 && state.time_s - A.built_s < 0.25) return;
  A.built_s = state.time_s;
  std::string text = a11y_mirror_text(state);
  if (text == A.text) return;
  A.text = std::move(text);
  ++A.revision;
  platform_a11y_publish(A.text);
}

}  // namespace cs::app
