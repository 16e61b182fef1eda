// app.cpp — app_frame(), the frame as a diagram: style -> link -> menu -> the workspace's panels
// (lessons, or the digit lab: input -> engine -> trace -> panels) -> overlays; plus what enters the
// app between frames (an opened file) and what happens when the lab's data arrive. The rooms:
// app_menu, app_help, app_link, app_csv (app_rooms.h); app_hook (state()/setState()) and
// frame_stats (app.h); app_assets, app_notice and item_registry (app_services.h: what the
// workspaces may call, below them).
#include "app.h"

#include <cstring>

#include "a11y_mirror.h"
#include "app_rooms.h"
#include "course_player.h"
#include "languages.h"
#include "engine/data/image.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"
#include "touch_ui.h"

namespace cs::app {

void app_open_file(AppState& state, const std::string& name, const uint8_t* bytes, size_t size) {
  constexpr size_t kMaxFileBytes = size_t(64) << 20;
  if (!bytes || size == 0) return app_notice(state, cs::fmt(tr(S::notice_open_empty), name.c_str()));
  if (size > kMaxFileBytes) return app_notice(state, cs::fmt(tr(S::notice_open_too_large), name.c_str(), size >> 20));
  auto starts = [&](const char* magic, size_t n) { return size >= n && std::memcmp(bytes, magic, n) == 0; };
  bool png = starts("\x89PNG\r\n\x1a\n", 8), jpeg = starts("\xff\xd8\xff", 3), bmp = starts("BM", 2);
  if (png || jpeg || bmp) {
    cs::Result<cs::Image> image = cs::decode_image(bytes, size, name);
    if (!image.is_ok()) return app_notice(state, cs::fmt(tr(S::notice_open_failed), name.c_str(), image.message().c_str()));
    state.inbox.image = std::move(image.value());
    state.inbox.image_name = name;
    state.inbox.image_serial++;
    return app_notice(state, cs::fmt(tr(S::notice_opened_image), name.c_str(), state.inbox.image.width, state.inbox.image.height));
  }
  // A guided lesson file (JSON): played, or refused naming the file, step and field.
  if (course_is_lesson_file(bytes, size)) return course_import(state, name, bytes, size);
  // safetensors: 8-byte little-endian header length, then a JSON object.
  if (size >= 10 && bytes[8] == '{') {
    state.inbox.weights.assign(bytes, bytes + size);
    state.inbox.weights_name = name;
    state.inbox.weights_serial++;
    return digit_lab_weights_arrived(state);
  }
  app_notice(state, cs::fmt(tr(S::notice_not_image_or_weights), name.c_str()));
}

namespace {

// Rebuilds the ImGui style from scratch when the presentation scale or theme changes, so sizes
// scale crisply (fonts are rebuilt at the new size by the platform) and never accumulate rounding.
void apply_style_if_needed(AppState& state) {
  if (state.applied_ui_scale == state.ui_scale && state.applied_theme == state.theme &&
      state.device.applied_style == state.device.layout)
    return;
  ImGuiStyle style;
  switch (state.theme) {
    case Theme::Dark: ImGui::StyleColorsDark(&style); break;
    case Theme::Light: ImGui::StyleColorsLight(&style); break;
    case Theme::HighContrast: {
      ImGui::StyleColorsDark(&style);
      ImVec4* c = style.Colors;
      c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
      c[ImGuiCol_WindowBg] = c[ImGuiCol_ChildBg] = c[ImGuiCol_PopupBg] = ImVec4(0, 0, 0, 1);
      c[ImGuiCol_Border] = ImVec4(1, 1, 1, 1);
      c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgCollapsed] = ImVec4(0.1f, 0.1f, 0.1f, 1);
      c[ImGuiCol_TitleBgActive] = ImVec4(0.0f, 0.25f, 0.6f, 1);
      c[ImGuiCol_FrameBg] = ImVec4(0.12f, 0.12f, 0.12f, 1);
      c[ImGuiCol_Button] = ImVec4(0.0f, 0.3f, 0.7f, 1);
      c[ImGuiCol_ButtonHovered] = c[ImGuiCol_HeaderHovered] = ImVec4(0.0f, 0.45f, 0.95f, 1);
      c[ImGuiCol_ButtonActive] = c[ImGuiCol_HeaderActive] = ImVec4(0.0f, 0.6f, 1.0f, 1);
      c[ImGuiCol_CheckMark] = c[ImGuiCol_SliderGrabActive] = ImVec4(1.0f, 0.85f, 0.0f, 1);
      c[ImGuiCol_SliderGrab] = ImVec4(1, 1, 1, 1);
      c[ImGuiCol_MenuBarBg] = ImVec4(0, 0, 0, 1);
      style.WindowBorderSize = style.FrameBorderSize = 1.5f;
      break;
    }
  }
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.ScaleAllSizes(state.ui_scale);
  touch_adjust_style(state, style);
  state.device.applied_style = state.device.layout;
  ImGui::GetStyle() = style;
  state.applied_ui_scale = state.ui_scale;
  state.applied_theme = state.theme;
}

// Both lab files are there (app_assets.cpp): the lessons and the lab take them, then the setState
// partials that waited for them are applied (their errors become notices: nobody waits for an
// answer any more).
void lab_assets_ready(AppState& state) {
  lesson_assets_arrived(state);
  digit_lab_assets_arrived(state);
  LabAssets& A = state.lab_assets;
  std::vector<LabAssets::Deferred> deferred;
  deferred.swap(A.deferred);
  for (const LabAssets::Deferred& d : deferred) {
    const std::string err = app_set_state(state, d.partial);
    if (d.from_link) link_notice(state, err);
    else if (!err.empty()) app_notice(state, err);
  }
}

}  // namespace

void app_init(AppState& state) {
  state.live = &state;
  state.applied_ui_scale = 0.0f;
  state.lab_assets.on_ready = lab_assets_ready;
}

void app_frame(AppState& state) {
  state.frame++;
  state.time_s = platform_time_seconds();
  if (state.frame % 600 == 0)  // stale item names (a gallery scrolled past, grids of another size)
    for (auto it = state.item_rects.begin(); it != state.item_rects.end();)
      it = it->second.frame < state.frame - 60 ? state.item_rects.erase(it) : std::next(it);
  languages_frame(state);  // tr() answers in the chosen language for this frame, once its file is here
  touch_begin_frame(state);  // desktop, tablet or phone, from the screen's size
  apply_style_if_needed(state);
  if (state.lessons.link_started) sync_link(state);  // (frame 1 waits until the lessons are set up below)
  course_frame_begin(state);  // guided lesson: files arrived, presenter keys, locked or picked clicks
  draw_menu(state);  // its File > Export panel as PNG lists the panels of the last frame...
  state.panel_rects.clear();  // ...which then record themselves again
  if (state.show_home) draw_home_panel(state);
  if (state.workspace == Workspace::Lessons) draw_lesson_panels(state);
  else if (state.workspace == Workspace::DigitLab) draw_digit_lab_panels(state);
  else draw_blocks_workspace(state);
  draw_metrics(state);
  draw_help(state);
  touch_draw_notice(state);
  course_hold_locks(state);  // a locked setting changed by a panel this frame goes back
  course_frame_end(state);  // the lesson panel and its overlays, above every panel
  a11y_frame(state);  // the screen-reader mirror of what was drawn; Alt/F10 for the next menu bar
  if (!state.lessons.link_started) sync_link(state);  // frame 1: open the link in the address bar
  state.perf.last_app_ms = static_cast<float>((platform_time_seconds() - state.time_s) * 1000.0);
}

}  // namespace cs::app
