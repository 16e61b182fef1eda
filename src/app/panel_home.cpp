// panel_home.cpp — the welcome panel: what ConvScope is, the colour maps, and a button whose click
// count the browser tests read back (proof that real mouse events reach ImGui).
#include <cstdio>

#include "colormap.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"

namespace cs::app {

void draw_home_panel(AppState& state) {
  ImGui::SetNextWindowPos(ImVec2(20, 40), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(460, 330), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin(tr_label(S::home_title), &state.show_home)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "home");
  ImGui::TextWrapped(
      "%s", tr(S::home_convscope_teaches_convolution));
  ImGui::Separator();
  if (ImGui::Button(tr_label(S::home_try_me), ImVec2(120, 0))) state.home.clicks++;
  record_item_rect(state, "home.button");
  ImGui::SameLine();
  ImGui::Text(tr(S::home_clicked_time), state.home.clicks, state.home.clicks == 1 ? "" : tr(S::home_plural_s));
  ImGui::SliderFloat(tr_label(S::home_value), &state.home.demo_slider, 0.0f, 1.0f);
  record_item_rect(state, "home.slider");

  // Colour-map legends through the GPU shader (sequential for activations, diverging for weights).
  const int n = 64;
  float ramp[n];
  for (int i = 0; i < n; ++i) ramp[i] = static_cast<float>(i) / (n - 1);
  const struct {
    S label;
    ColorMap map;
  } maps[] = {{S::home_legend_viridis, ColorMap::Viridis},
              {S::home_legend_diverging, ColorMap::Diverging},
              {S::home_legend_cividis, ColorMap::Cividis}};
  for (const auto& m : maps) {
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImVec2 p1(p0.x + 200, p0.y + ImGui::GetTextLineHeight());
    char key[48];
    std::snprintf(key, sizeof key, "legend-%d", static_cast<int>(m.map));
    platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, n, 1, ramp, 0.0f, 1.0f, m.map, p0, p1);
    ImGui::Dummy(ImVec2(206, p1.y - p0.y));
    ImGui::SameLine();
    ImGui::TextUnformatted(tr(m.label));
  }
  ImGui::Separator();
  ImGui::TextDisabled(tr(S::home_device_pixel_ratio), platform_device_pixel_ratio(),
                      platform_is_browser() ? tr(S::home_browser_webgl2) : tr(S::home_desktop_opengl_3));
  ImGui::End();
}

}  // namespace cs::app
