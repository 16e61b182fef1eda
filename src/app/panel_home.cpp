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
  if (!ImGui::Begin("Welcome to ConvScope###home", &state.show_home)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "home");
  ImGui::TextWrapped(
      "ConvScope teaches convolution by showing it: every number on screen comes from the same "
      "C++ engine that runs natively and here in WebAssembly.");
  ImGui::Separator();
  if (ImGui::Button("Try me###home-button", ImVec2(120, 0))) state.home.clicks++;
  record_item_rect(state, "home.button");
  ImGui::SameLine();
  ImGui::Text("clicked %d time%s", state.home.clicks, state.home.clicks == 1 ? "" : "s");
  ImGui::SliderFloat("value###home-slider", &state.home.demo_slider, 0.0f, 1.0f);
  record_item_rect(state, "home.slider");

  // Colour-map legends through the GPU shader (sequential for activations, diverging for weights).
  const int n = 64;
  float ramp[n];
  for (int i = 0; i < n; ++i) ramp[i] = static_cast<float>(i) / (n - 1);
  const struct {
    const char* label;
    ColorMap map;
  } maps[] = {{"viridis (activations)", ColorMap::Viridis},
              {"diverging (weights)", ColorMap::Diverging},
              {"cividis (colour-blind safe)", ColorMap::Cividis}};
  for (const auto& m : maps) {
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImVec2 p1(p0.x + 200, p0.y + ImGui::GetTextLineHeight());
    char key[48];
    std::snprintf(key, sizeof key, "legend-%d", static_cast<int>(m.map));
    platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, n, 1, ramp, 0.0f, 1.0f, m.map, p0, p1);
    ImGui::Dummy(ImVec2(206, p1.y - p0.y));
    ImGui::SameLine();
    ImGui::TextUnformatted(m.label);
  }
  ImGui::Separator();
  ImGui::TextDisabled("device pixel ratio %.2f · %s", platform_device_pixel_ratio(),
                      platform_is_browser() ? "browser (WebGL2)" : "desktop (OpenGL 3)");
  ImGui::End();
}

}  // namespace cs::app
