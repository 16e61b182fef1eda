// app_state.h — everything the UI remembers between frames, in one struct the panels view.
// No function-static UI state anywhere: it lives here, so the test hook can read and set it.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "colormap.h"
#include "device_layout_model.h"
#include "engine/data/image.h"

#include "course_state.h"
#include "a11y_mirror.h"
#include "ab_lab_state.h"
#include "block_costs_panel_state.h"
#include "blocks_panel_state.h"
#include "digit_lab_state.h"
#include "languages.h"
#include "lesson_state.h"
#include "ui_strings.h"

namespace cs::app {

// A panel's rectangle in CSS pixels (= ImGui's logical coordinates), for the JS test hook.
struct PanelRect {
  float x = 0, y = 0, width = 0, height = 0;
};

struct HomeState {
  int clicks = 0;          // the "Try me" button: a visible effect of a real click
  float demo_slider = 0.5f;
};

// Files opened by the user (dropped on the page/window or chosen with Open...), already checked:
// panels take what they understand by watching the serial numbers change.
struct Inbox {
  long long image_serial = 0;
  cs::Image image;              // decoded by the engine's image reader (PNG/JPEG/BMP, <= 4096x4096)
  std::string image_name;
  long long weights_serial = 0;
  std::vector<uint8_t> weights; // a .safetensors file's bytes (the digit lab validates and loads them)
  std::string weights_name;
};

// Where one frame's CPU time went, measured by the platform: the parts outside app_frame, and the
// texture work the panels hand the platform from inside it.
struct FramePhases {
  float input_ms = 0;      // SDL's events and the canvas following the browser window
  float new_frame_ms = 0;  // the SDL backend's NewFrame, the font atlas check, ImGui::NewFrame
  float upload_ms = 0;     // inside app_frame: textures and scalar fields (quantise, compare, upload)
  float render_ms = 0;     // ImGui::Render (the draw lists' final pass)
  float signature_ms = 0;  // the unchanged-frame check (the draw data against the last drawn frame)
  float gl_ms = 0;         // glClear and the draw data's GL calls (0 when the frame was not drawn)
  bool drawn = false;      // false: the same pixels as the last drawn frame, left on screen
};

// CPU time of whole frames (input + app + ImGui render + GL submission), measured by the platform,
// over the frames of the current workspace (the window restarts when the workspace changes).
struct FrameStats {
  static constexpr int kWindow = 600;  // the last ~10 s at 60 fps
  float samples_ms[kWindow] = {};
  // The same frames split: inside app_frame (panels and the engine work they drive) and outside it
  // (input events, ImGui's NewFrame and Render, GL submission: what the app cannot see from inside).
  float app_ms[kWindow] = {}, outside_ms[kWindow] = {};
  FramePhases phases[kWindow] = {};
  int count = 0, next = 0;
  float p50_ms = 0, p95_ms = 0, max_ms = 0;
  float app_p95_ms = 0, outside_p95_ms = 0;
  // The slowest 5% of the window's frames (those at or above p95): what they are made of (the median
  // of each part over them).
  struct Split {
    int frames = 0, drawn = 0;
    float total_ms = 0, app_ms = 0;  // app_ms includes phases.upload_ms
    FramePhases phases;
  };
  Split slow, all;  // `all`: the same over every frame of the window, to compare with
  float last_app_ms = 0;  // app_frame of the frame in progress (set when it returns)
  // The largest outside part of the last 8 frames: what the digit lab keeps free of the budget (the
  // median let 1 frame in 10 overshoot 4 ms while the SE pass ran: measured at 1920x1080).
  float recent_outside_ms() const;
};

// The digit lab's data: the bundled test digits (digits.bin) and DigitNet's weights
// (digitnet.safetensors). The desktop embeds them; the page keeps them out of its first load and
// fetches them on first need (app_lab_assets in app_services.h): the lab opens, a lesson picks a digit or the
// learned kernels, a link or setState asks for one of those.
struct AppState;

struct LabAssets {
  enum Status : int { Idle = 0, Loading = 1, Failed = 2, Ready = 3 };
  Status status = Idle;
  bool digits_done = false, weights_done = false;  // arrived (or the build has none: nothing to wait for)
  std::shared_ptr<const std::vector<uint8_t>> weights;  // digitnet.safetensors's bytes (null: none)
  std::string error;             // why the last fetch failed (shown with a Retry)
  long long revision = 0;        // +1 each time they arrive (the lessons and the lab take them then)
  // setState partials that need them, applied when they arrive; `from_link`: a link in the address
  // bar's (its refusal then reads as the link's, notice_link_ignored, as when nothing had to wait).
  struct Deferred {
    std::string partial;
    bool from_link = false;
  };
  std::vector<Deferred> deferred;
  // Called once both files are there (set by app_init: the workspaces take them, then `deferred` is
  // applied). A pointer, so the loader (app_assets.cpp) needs nothing from the rooms above it.
  void (*on_ready)(AppState& state) = nullptr;
};

enum class Workspace : int { Lessons = 0, DigitLab = 1, Blocks = 2 };
enum class Theme : int { Dark = 0, Light = 1, HighContrast = 2 };

struct AppState {
  // The app's own state (app_init). setState applies a partial to a copy and keeps the copy only if
  // every field was good; a fetch started while the copy was built answers this one (app_fetch_file).
  AppState* live = nullptr;
  long long frame = 0;
  double time_s = 0;
  float ui_scale = 1.0f;                  // presentation scale (x1, x1.5, x2): fonts and cells
  Theme theme = Theme::Dark;
  ColorMap sequential_map = ColorMap::Viridis;  // activations; Cividis for colour-blind-safe mode
  float applied_ui_scale = 0.0f;          // what the ImGui style was last built for
  Theme applied_theme = Theme::Dark;
  bool show_help = false;                 // keyboard-shortcut overlay (F1)
  bool reduced_motion = false;            // the browser asks for less motion: no autoplay, maps <= 3/s
  Language language = Language::English;  // of every string on screen (ui_strings.h; View > Language)
  Workspace workspace = Workspace::Lessons;  // top-level switch in the menu bar
  bool show_home = false;                    // welcome panel (Help menu)
  bool show_metrics = false;
  FrameStats perf;
  Workspace perf_workspace = Workspace::Lessons;  // the workspace `perf` measures
  std::string notice;                     // a message shown in the status bar (errors in words)
  double notice_until_s = 0;
  std::map<std::string, PanelRect> panel_rects;  // filled each frame by visible panels
  // Named widgets (buttons, grid cells) for tests, through set_item_rect. Kept between frames so the
  // thousands of grid-cell names are not re-allocated every frame: an entry is current when its
  // frame is this one; older ones are stale (not reported) and purged now and then.
  struct ItemRect {
    PanelRect rect;
    long long frame = -1;
  };
  std::map<std::string, ItemRect, std::less<>> item_rects;
  HomeState home;
  Inbox inbox;
  // The bundled MNIST digits (digits.bin), parsed once when they arrive (app_lab_assets) and shared
  // by the lessons' digit preset and the digit lab.
  std::shared_ptr<const DigitBundle> bundled_digits;
  std::string bundled_digits_error;
  LabAssets lab_assets;
  // The page's training digits (app_training_digits): 0 not asked yet, 1 fetching, 2 failed; the
  // Train request to replay when they arrive.
  int training_digits_fetch = 0;
  int training_digits_request = 0;
  std::string training_digits_error;
  std::string desktop_open_path;          // desktop: the path typed in File > Open
  LessonState lessons;   // lessons.cpp and panel_*.cpp of the convolution lessons
  DigitLabState lab;     // digit_lab.cpp and the digit-lab panels
  CourseState course;    // the guided lessons (course_*.cpp, panel_course*.cpp)
  BlocksPanelState blocks;  // the blocks workspace: panel_blocks.cpp
  BlockCostsPanelState block_costs;  // ... and panel_block_costs.cpp
  AbLabState ab_lab;                 // ... and panel_ab_lab.cpp (two networks trained side by side)
  // Its default layout, placed once (again for a new presentation scale, or a tablet turned desktop).
  struct BlocksWorkspaceLayout {
    bool done = false, touch = false;
    float scale = 0;
  } blocks_layout;
  // Phones and tablets (touch_ui.cpp): the layout chosen from the viewport each frame and the screen
  // it was chosen for, the style built for it, and the panel shown in each workspace's tab pane.
  struct Device {
    DeviceLayout layout = DeviceLayout::Desktop;
    CanvasInfo canvas;
    DeviceLayout applied_style = DeviceLayout::Desktop;
    std::string lab_tab = "draw-pad", lessons_tab = "stepper";  // phone: the main panel first
    std::string lab_side_tab = "prediction", lessons_side_tab = "output-size";  // tablet's second pane
    std::string blocks_tab = "blocks", blocks_side_tab = "block-costs";
    // The last photo taken or opened through the page's photo path: its size as shot (upright) and
    // its EXIF orientation, before the browser reduced it.
    int photo_width = 0, photo_height = 0, photo_orientation = 1;
  } device;
  A11yState a11y;        // a11y_mirror.cpp: the screen-reader mirror, Alt/F10, Tab out of the canvas
  LanguageLoads languages;  // languages.cpp: the chosen language's file (and font) and the one shown
};

}  // namespace cs::app
