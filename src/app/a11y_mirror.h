// a11y_mirror.h — the screen-reader mirror of the canvas: each visible panel's title and what it
// shows as text lines, plus buttons that operate it. Built from the same engine results the panels
// draw (LessonState's cached result, LabSession's softmax and SE statistics) and handed to the page
// (#cs-a11y, web/a11y.js) only when the text changed; the desktop ignores it. Also the keyboard's
// way out of the canvas (whether the app wants Tab) and the menu bar's keyboard entry (Alt, F10).
#pragma once
#include <string>

namespace cs::app {

struct AppState;

struct A11yState {
  std::string text;          // the mirror as last published
  long long revision = 0;    // +1 each time it changed
  double built_s = -1;       // when it was last rebuilt (-1: at the next frame)
  bool alt_down = false, alt_alone = false;  // Alt held, with no other key or click so far
  bool menu_request = false;                 // open the File menu in the next menu bar
  std::string focus_after_menu;              // the window to give the keys back to when it closes
  bool stepper_released = false;             // Esc in the stepper: the next Tab leaves the canvas
  bool keys_were_with_controls = false;      // the stepper's key owner in the last frame
};

// The mirror as lines: "S\t<id>\t<title>" opens a section, "L\t<text>" is a line of it,
// "B\t<id>\t<label>" a button in it, "I\t<id>\t<label>\t<button label>" a text field with its button
// (pressed as "<id>=<the text>": a lesson's answer). Tabs and newlines inside texts become spaces.
std::string a11y_mirror_text(const AppState& state);

// A mirror button pressed: the same change as the panel's button with that name ("stepper.play";
// "course.answer=12" checks the answer 12, as the lesson panel's Check).
// Returns "" or why nothing happened (an unknown or unavailable button), in words.
std::string a11y_mirror_press(AppState& state, const std::string& id);

// Once a frame, after the panels: rebuilds the text at most 4 times a second and publishes it when it
// changed; notices Alt (pressed and released alone) and F10, which open the menu bar's File menu.
void a11y_frame(AppState& state);

// True when the app itself uses Tab now (a text field, the stepper's keys or its controls): the page
// then leaves Tab to the canvas, otherwise Tab moves the browser's focus out of it.
bool a11y_wants_tab(const AppState& state);

// Asked by the menu bar before its File menu: open it now (Alt or F10 was pressed).
bool a11y_take_menu_request(AppState& state);

}  // namespace cs::app
