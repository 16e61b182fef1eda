// app_rooms.h — the app's rooms above the workspaces, as app_frame() and each other call them: the
// menu bar (app_menu.cpp), the overlays (app_help.cpp), the lesson link (app_link.cpp) and the CSV
// exports (app_csv.cpp). state()/setState() are app.h's (app_hook.cpp).
#pragma once
#include <string>

#include "app_services.h"
#include "app_state.h"

namespace cs::app {

// [SECTION] app_menu.cpp: File, the workspaces, View, Present, Help, zoom buttons, the notice line.
void draw_menu(AppState& state);

// [SECTION] app_help.cpp: the shortcuts overlay (F1) and the frame-metrics window.
void draw_help(AppState& state);
void draw_metrics(AppState& state);

// [SECTION] app_link.cpp: the lesson link in the address bar.
// Frame 1: opens the page's link; later, twice a second: a link edited by hand is opened and the lesson
// on screen is written back once still.
void sync_link(AppState& state);
// What a link did, in the status line: opened, or refused with the reason (err: setState's answer).
void link_notice(AppState& state, const std::string& err);
const char* workspace_name(Workspace w);  // "lessons", "digit-lab", "blocks"

// [SECTION] app_csv.cpp: the digit lab's CSV exports. Each returns the notice to show (saved, or why not).
std::string export_se_csv(AppState& state, int block);
std::string export_activation_csv(AppState& state, int layer);
void csv_menu_items(AppState& state);  // File > Export SE weights / activation as CSV

}  // namespace cs::app
