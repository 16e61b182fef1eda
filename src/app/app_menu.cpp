// app_menu.cpp — the main menu bar: File (open, export PNG/CSV), the two workspaces, View (the
// workspace's panels, metrics, language), Present (scale, theme, colours, fullscreen), Help, the
// zoom buttons and the notice line. A workspace adds its View entries through *_menu_items.
#include <cstdio>

#include "a11y_mirror.h"
#include "app_rooms.h"
#include "course_player.h"
#include "imgui.h"
#include "languages.h"
#include "panels.h"
#include "platform_api.h"
#include "touch_ui.h"

namespace cs::app {

namespace {

void draw_present_menu(AppState& state) {
  if (!ImGui::BeginMenu(tr_label(S::app_present))) return;
  const float scales[] = {1.0f, 1.5f, 2.0f};
  const S labels[] = {S::app_size_x1, S::app_size_x1_5, S::app_size_x2};
  for (int i = 0; i < 3; ++i)
    if (ImGui::MenuItem(tr_label(labels[i]), nullptr, state.ui_scale == scales[i])) state.ui_scale = scales[i];
  ImGui::Separator();
  if (ImGui::MenuItem(tr_label(S::app_dark_theme), nullptr, state.theme == Theme::Dark)) state.theme = Theme::Dark;
  if (ImGui::MenuItem(tr_label(S::app_light_theme), nullptr, state.theme == Theme::Light)) state.theme = Theme::Light;
  if (ImGui::MenuItem(tr_label(S::app_high_contrast), nullptr, state.theme == Theme::HighContrast)) state.theme = Theme::HighContrast;
  ImGui::Separator();
  bool cvd = state.sequential_map == ColorMap::Cividis;
  if (ImGui::MenuItem(tr_label(S::app_colour_blind_safe), nullptr, &cvd))
    state.sequential_map = cvd ? ColorMap::Cividis : ColorMap::Viridis;
  ImGui::Separator();
  if (ImGui::MenuItem(tr_label(S::app_fullscreen))) platform_toggle_fullscreen();
  ImGui::EndMenu();
}

// File > Export panel as PNG: a panel's title in the UI language (the table entry whose stable ImGui ID
// is the panel's: "Kernel stepper###stepper"), keeping the panel id as the item's ID.
std::string export_panel_label(const std::string& id) {
  const std::string suffix = "###" + id;
  for (int i = 0; i < kUiStringCount; ++i) {
    const std::string en = ui_string(Language::English, static_cast<S>(i));
    if (en.size() > suffix.size() && en.compare(en.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const std::string shown = tr(static_cast<S>(i));
      return shown.substr(0, shown.find("###")) + suffix;
    }
  }
  return id;
}

void draw_file_menu(AppState& state) {
  const bool file_menu = ImGui::BeginMenu(tr_label(S::app_file));
  record_item_rect(state, "menu.file");
  if (file_menu) {
    if (platform_is_browser()) {
      if (ImGui::MenuItem(tr_label(S::app_open_image_or))) platform_open_file_dialog();
      record_item_rect(state, "menu.file.open");
    } else {
      ImGui::TextUnformatted(tr(S::app_open_image_or_weights));
      char buf[512];
      std::snprintf(buf, sizeof buf, "%s", state.desktop_open_path.c_str());
      if (ImGui::InputText("##open-path", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) {
        state.desktop_open_path = buf;
        platform_open_path(state.desktop_open_path.c_str());
      } else {
        state.desktop_open_path = buf;
      }
    }
    ImGui::TextDisabled("%s", tr(S::app_or_drop_a));
    ImGui::Separator();
    if (ImGui::BeginMenu(tr_label(S::app_export_panel_as))) {
      for (const auto& [id, r] : state.panel_rects) {
        if (ImGui::MenuItem(export_panel_label(id).c_str())) {
          std::string name = "convscope-" + id + ".png";
          platform_request_png(name.c_str(), r.x, r.y, r.width, r.height);
        }
        record_item_rect(state, ("menu.export-png." + id).c_str());
      }
      ImGui::EndMenu();
    }
    csv_menu_items(state);
    ImGui::EndMenu();
  }
}

// The three workspaces (convolution lessons, the digit lab, the blocks), and the guided lessons' Course menu.
void draw_workspace_items(AppState& state) {
  if (ImGui::MenuItem(tr_label(S::app_lessons), nullptr, state.workspace == Workspace::Lessons)) state.workspace = Workspace::Lessons;
  record_item_rect(state, "menu.lessons");
  // A phone's bar is 390 px: a language's long name for the lab has a short one there.
  const bool phone = state.device.layout == DeviceLayout::Phone;
  if (ImGui::MenuItem(tr_label(phone ? S::touch_digit_lab_short : S::app_digit_lab), nullptr, state.workspace == Workspace::DigitLab)) state.workspace = Workspace::DigitLab;
  record_item_rect(state, "menu.digit-lab");
  if (ImGui::MenuItem(tr_label(S::app_blocks), nullptr, state.workspace == Workspace::Blocks)) state.workspace = Workspace::Blocks;
  record_item_rect(state, "menu.blocks");
  course_menu(state);
}

void draw_other_menus(AppState& state) {
  const bool view_open = ImGui::BeginMenu(tr_label(S::app_view));
  record_item_rect(state, "menu.view");
  if (view_open) {
    if (state.workspace == Workspace::Lessons) lesson_menu_items(state);
    else if (state.workspace == Workspace::DigitLab) digit_lab_menu_items(state);
    else blocks_workspace_menu_items(state);
    ImGui::Separator();
    ImGui::MenuItem(tr_label(S::app_frame_metrics), nullptr, &state.show_metrics);
    const bool language_open = ImGui::BeginMenu(tr_label(S::app_language));
    record_item_rect(state, "menu.language");
    if (language_open) {
      language_menu_items(state);  // the real languages (the pseudo one is for tests: setState)
      ImGui::EndMenu();
    }
    ImGui::EndMenu();
  }
  draw_present_menu(state);
  if (ImGui::BeginMenu(tr_label(S::app_help))) {
    ImGui::MenuItem(tr_label(S::app_welcome), nullptr, &state.show_home);
    ImGui::MenuItem(tr_label(S::app_keyboard_shortcuts), tr(S::menu_help_shortcut_key), &state.show_help);
    ImGui::EndMenu();
  }
  // Large, always-visible buttons: presentation scale and fullscreen without opening a menu.
  // (Full-height buttons where fingers tap: a small button is only the text's height.)
  auto bar_button = [&state](const char* label) { return touch_layout_active(state) ? ImGui::Button(label) : ImGui::SmallButton(label); };
  if (bar_button(tr_label(S::menu_zoom_out))) state.ui_scale = state.ui_scale > 1.75f ? 1.5f : 1.0f;
  record_item_rect(state, "menu.zoom-out");
  if (bar_button(tr_label(S::menu_zoom_in))) state.ui_scale = state.ui_scale < 1.25f ? 1.5f : 2.0f;
  record_item_rect(state, "menu.zoom-in");
  if (bar_button(tr_label(S::app_fullscreen))) platform_toggle_fullscreen();
}

}  // namespace

void draw_menu(AppState& state) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (a11y_take_menu_request(state)) ImGui::OpenPopup(tr_label(S::app_file));  // Alt or F10 (a11y_mirror.h)
  if (state.device.layout == DeviceLayout::Phone) {
    // A phone's bar holds one Menu with the rest (which would run off it), first, so that no
    // language's longer names push it off the screen, then the workspaces.
    const bool open = ImGui::BeginMenu(tr_label(S::touch_menu));
    record_item_rect(state, "menu.menu");
    if (open) {
      draw_file_menu(state);
      draw_other_menus(state);
      ImGui::EndMenu();
    }
    draw_workspace_items(state);
  } else {
    draw_file_menu(state);
    draw_workspace_items(state);
    draw_other_menus(state);
  }
  if (!touch_layout_active(state) && !state.notice.empty() && state.time_s < state.notice_until_s) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", state.notice.c_str());
  }
  ImGui::EndMainMenuBar();
}

}  // namespace cs::app
