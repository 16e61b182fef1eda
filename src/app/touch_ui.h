// touch_ui.h — phones and tablets: the layout chosen from the screen each frame, the style for
// fingers (targets of at least 24x24 CSS px), the tab bar and panes the workspaces place their panels
// in, notices that wrap instead of running off a narrow menu bar, and the photo path (the page's
// camera or a big photo: probed by the engine, reduced by the browser, then an ordinary image).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "app_state.h"
#include "imgui.h"
#include "touch_press_model.h"

namespace cs::app {

// Frame start: reads the screen from the platform and picks desktop / tablet / phone.
void touch_begin_frame(AppState& state);
bool touch_layout_active(const AppState& state);  // tablet or phone
// This frame's finger press (stepped in touch_begin_frame): Idle whenever the pointer is a mouse.
// Hover-only help on a finger waits for touch_press_long; a click on a finger is press.tapped.
const TouchPress& touch_press();
// The ImGui style for the layout: bigger frames, spacing and scrollbars where fingers tap.
void touch_adjust_style(const AppState& state, ImGuiStyle& style);

// One workspace's panels in the touch layout: ids and titles (the titles' "###id" part is dropped
// for the tab's label); ids[0] is the main panel.
struct TouchPanels {
  const char* const* ids;
  const S* titles;
  int count;
  std::string* phone_tab;  // the panel shown on a phone
  std::string* side_tab;   // the panel in a tablet's second pane
};
struct TouchPanes {
  TouchLayout layout;
  std::string shown_main, shown_side;  // one pane (phone): both the same
};
// Draws the tab bar (the taps change the shown panel) and returns where the panels go.
TouchPanes touch_tabs(AppState& state, const TouchPanels& panels);
// Before a panel's Begin: true when it is shown in the touch layout (placed in its pane, opened if
// its window was closed: the tabs are how panels come and go here).
bool touch_place(const TouchPanes& panes, const char* id, bool* shown);

// Notices on a narrow screen: a wrapped line over the bottom of the screen (takes no input).
void touch_draw_notice(AppState& state);

// The photo path. probe: the engine reads the file's headers (size, EXIF orientation, whole or not);
// false with a notice saying why it is refused; else the size the browser should decode it to
// (upright, longer side at most kPhotoDecodeSide). pixels: the decoded, upright RGBA photo.
constexpr int kPhotoDecodeSide = 1600;
bool app_photo_probe(AppState& state, const std::string& name, const uint8_t* bytes, size_t size, int* width, int* height);
void app_photo_pixels(AppState& state, const std::string& name, const uint8_t* rgba, int width, int height);
void app_photo_failed(AppState& state, const std::string& name, const std::string& why);

// state().layout, state().photo, state().touch.press ("idle" | "pressing" | "long" | "moved").
void touch_state_json(const AppState& state, nlohmann::json& out);

}  // namespace cs::app
