// app_help.cpp — the two overlay windows: the keyboard shortcuts and privacy note (F1, Help menu),
// and the frame metrics (View > Frame metrics).
#include "app_rooms.h"
#include "imgui.h"
#include "platform_api.h"

namespace cs::app {

namespace {


// Shortcuts shown in the help overlay (F1). Panels add their own lines to their tooltips.
const struct {
  S keys, what;
} kShortcuts[] = {
    {S::help_keys_f1, S::help_what_f1},
    {S::help_keys_tab, S::help_what_tab},
    {S::help_keys_space, S::help_what_space},
    {S::help_keys_ctrl_tab, S::help_what_ctrl_tab},
    {S::help_keys_arrows, S::help_what_arrows},
    {S::help_keys_stepper_tab, S::help_what_stepper_tab},
    {S::help_keys_stepper_esc, S::help_what_stepper_esc},
    {S::help_keys_stepper_space, S::help_what_stepper_space},
    {S::help_keys_stepper_left_right, S::help_what_stepper_left_right},
    {S::help_keys_stepper_up_down, S::help_what_stepper_up_down},
    {S::help_keys_stepper_home_end, S::help_what_stepper_home_end},
    {S::help_keys_pad_undo, S::help_what_pad_undo},
    {S::help_keys_pad_clear, S::help_what_pad_clear},
    {S::help_keys_zoom, S::help_what_zoom},
    {S::help_keys_f11, S::help_what_f11},
    {S::help_keys_menu, S::help_what_menu},    // the menu bar and the way out of the canvas (a11y_mirror.h)
    {S::help_keys_leave, S::help_what_leave},
};


}  // namespace

void draw_help(AppState& state) {
  if (platform_function_key_pressed(1)) state.show_help = !state.show_help;
  if (!state.show_help) return;
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::Begin(tr_label(S::help_title), &state.show_help, ImGuiWindowFlags_AlwaysAutoResize)) {
    record_panel_rect(state, "help");
    if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
      for (const auto& s : kShortcuts) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr(s.keys));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr(s.what));
      }
      ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
    ImGui::TextUnformatted(tr(S::help_privacy));
    ImGui::PopTextWrapPos();
    record_item_rect(state, "help.privacy");
  }
  ImGui::End();
}

void draw_metrics(AppState& state) {
  if (!state.show_metrics) return;
  ImGui::SetNextWindowPos(ImVec2(500, 40), ImGuiCond_FirstUseEver);
  if (ImGui::Begin(tr_label(S::metrics_title), &state.show_metrics, ImGuiWindowFlags_AlwaysAutoResize)) {
    record_panel_rect(state, "metrics");
    ImGuiIO& io = ImGui::GetIO();
    ImGui::Text(tr(S::app_fps_ms_frame), io.Framerate, 1000.0f / (io.Framerate > 0 ? io.Framerate : 1));
    ImGui::Text(tr(S::app_frame_cpu_time), state.perf.p50_ms, state.perf.p95_ms,
                state.perf.max_ms);
    ImGui::Text(tr(S::app_display_x_framebuffer), io.DisplaySize.x, io.DisplaySize.y,
                io.DisplayFramebufferScale.x);
  }
  ImGui::End();
}

}  // namespace cs::app
