// touch_ui.cpp — phones and tablets (see touch_ui.h): layout choice, the touch style, the tab bar
// and panes, wrapped notices, and the photo path from the page's camera into the inbox.
#include "touch_ui.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "app.h"
#include "engine/data/image_probe.h"
#include "item_hover.h"
#include "panels.h"
#include "platform_api.h"
#include "ui_strings.h"

namespace cs::app {

namespace {
TouchPress g_press;  // one pointer, one press: the app's frame is the only writer
}  // namespace

void touch_begin_frame(AppState& state) {
  AppState::Device& d = state.device;
  d.canvas = platform_canvas_info();
  d.layout = choose_device_layout(static_cast<float>(d.canvas.css_width), static_cast<float>(d.canvas.css_height));
  const ImVec2 m = ImGui::GetIO().MousePos;  // the finger's place (the backend moves the mouse to it)
  touch_press_step(g_press, platform_finger_down(), m.x, m.y, state.time_s);
}

const TouchPress& touch_press() { return g_press; }

bool touch_layout_active(const AppState& state) { return state.device.layout != DeviceLayout::Desktop; }

void touch_adjust_style(const AppState& state, ImGuiStyle& style) {
  if (!touch_layout_active(state)) return;
  // Frame height = font (16 px) + 2 x 7 = 30 px: buttons, checkboxes, sliders and the menu bar are
  // tappable (WCAG 2.2 asks 24x24 CSS px); scrollbars wide enough to grab with a thumb.
  const float u = state.ui_scale;
  style.FramePadding = ImVec2(10 * u, 7 * u);
  style.ItemSpacing = ImVec2(10 * u, 8 * u);
  style.ItemInnerSpacing = ImVec2(8 * u, 6 * u);
  style.ScrollbarSize = 22 * u;
  style.GrabMinSize = 24 * u;
  style.WindowPadding = ImVec2(8 * u, 8 * u);
  style.TouchExtraPadding = ImVec2(2 * u, 2 * u);
}

namespace {

std::string title_text(S title) {
  std::string t = tr(title);
  const size_t hash = t.find("###");
  return hash == std::string::npos ? t : t.substr(0, hash);
}

}  // namespace

TouchPanes touch_tabs(AppState& state, const TouchPanels& P) {
  TouchPanes out;
  const AppState::Device& d = state.device;
  const ImGuiIO& io = ImGui::GetIO();
  const float top = ImGui::GetFrameHeight();
  const bool phone = d.layout == DeviceLayout::Phone;
  // The tabs: every panel on a phone, the panels beside the main one on a tablet.
  const int first = phone ? 0 : 1, n = std::max(0, P.count - first);
  std::string& current = phone ? *P.phone_tab : *P.side_tab;
  bool known = false;
  for (int i = first; i < P.count; ++i) known = known || current == P.ids[i];
  if (!known && n > 0) current = P.ids[first];
  // Measure the buttons, wrap them into the pane's width, then lay out again with that height.
  const ImGuiStyle& st = ImGui::GetStyle();
  TouchLayout l = touch_layout(d.layout, io.DisplaySize.x, io.DisplaySize.y, top, 0.0f);
  const float row_h = std::max(40.0f * state.ui_scale, ImGui::GetFrameHeight() + 8.0f);
  std::vector<std::string> labels(n);
  std::vector<float> widths(n), xs(n), ys(n);
  const float inner_w = l.tabs.w - 2 * st.WindowPadding.x;
  for (int i = 0; i < n; ++i) {
    labels[i] = title_text(P.titles[first + i]);
    widths[i] = std::min(inner_w, ImGui::CalcTextSize(labels[i].c_str()).x + 2 * st.FramePadding.x + 8.0f);
  }
  const float rows_h = wrap_tabs(widths.data(), n, inner_w, row_h, st.ItemSpacing.x * 0.5f, xs.data(), ys.data());
  l = touch_layout(d.layout, io.DisplaySize.x, io.DisplaySize.y, top, rows_h + 2 * st.WindowPadding.y);
  out.layout = l;
  ImGui::SetNextWindowPos(ImVec2(l.tabs.x, l.tabs.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(l.tabs.w, l.tabs.h), ImGuiCond_Always);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  if (ImGui::Begin(tr_label(S::touch_tabs_title), nullptr, flags)) {
    record_panel_rect(state, "touch-tabs");
    const ImVec2 o = ImGui::GetCursorScreenPos();
    for (int i = 0; i < n; ++i) {
      const char* id = P.ids[first + i];
      const bool selected = current == id;
      ImGui::SetCursorScreenPos(ImVec2(o.x + xs[i], o.y + ys[i]));
      if (selected) ImGui::PushStyleColor(ImGuiCol_Button, st.Colors[ImGuiCol_ButtonActive]);
      const std::string label = labels[i] + "##tab-" + id;
      if (ImGui::Button(label.c_str(), ImVec2(widths[i], row_h))) current = id;
      if (selected) ImGui::PopStyleColor();
      record_item_rect(state, (std::string("tab.") + id).c_str());
    }
  }
  ImGui::End();
  out.shown_side = current;
  out.shown_main = phone ? current : std::string(P.ids[0]);
  return out;
}

bool touch_place(const TouchPanes& panes, const char* id, bool* shown) {
  const bool main = panes.shown_main == id, side = panes.shown_side == id;
  if (!main && !side) return false;
  *shown = true;
  const TouchRect& r = main ? panes.layout.main : panes.layout.side;
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
  return true;
}

void touch_draw_notice(AppState& state) {
  if (!touch_layout_active(state) || state.notice.empty() || state.time_s >= state.notice_until_s) return;
  const ImGuiIO& io = ImGui::GetIO();
  const float m = 8.0f, w = io.DisplaySize.x - 2 * m;
  ImGui::SetNextWindowPos(ImVec2(m, io.DisplaySize.y - m), ImGuiCond_Always, ImVec2(0.0f, 1.0f));
  ImGui::SetNextWindowSize(ImVec2(w, 0.0f), ImGuiCond_Always);
  ImGui::SetNextWindowBgAlpha(0.92f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoNav |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize |
                                 ImGuiWindowFlags_NoFocusOnAppearing;
  if (ImGui::Begin("##touch-notice", nullptr, flags)) {
    ImGui::PushTextWrapPos(w - ImGui::GetStyle().WindowPadding.x);
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", state.notice.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
}

bool app_photo_probe(AppState& state, const std::string& name, const uint8_t* bytes, size_t size, int* width, int* height) {
  Result<ImageProbe> p = probe_image(bytes, size, name);
  if (!p.is_ok()) {
    app_notice(state, cs::fmt(tr(S::notice_open_failed), name.c_str(), p.message().c_str()), 12.0);
    return false;
  }
  const int w = p->upright_width(), h = p->upright_height();
  const double k = std::min(1.0, static_cast<double>(kPhotoDecodeSide) / std::max(w, h));
  *width = std::max(1, static_cast<int>(std::lround(w * k)));
  *height = std::max(1, static_cast<int>(std::lround(h * k)));
  state.device.photo_width = w;
  state.device.photo_height = h;
  state.device.photo_orientation = p->orientation;
  return true;
}

void app_photo_pixels(AppState& state, const std::string& name, const uint8_t* rgba, int width, int height) {
  if (!rgba || width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide)
    return app_photo_failed(state, name, cs::fmt("%dx%d pixels", width, height));
  cs::Image img;
  img.width = width;
  img.height = height;
  img.channels = 4;
  img.pixels.assign(rgba, rgba + static_cast<size_t>(width) * height * 4);
  state.inbox.image = std::move(img);
  state.inbox.image_name = name;
  state.inbox.image_serial++;
  app_notice(state, cs::fmt(tr(S::notice_photo_reduced), name.c_str(), state.device.photo_width,
                            state.device.photo_height, width, height));
}

void app_photo_failed(AppState& state, const std::string& name, const std::string& why) {
  app_notice(state, cs::fmt(tr(S::notice_photo_undecodable), name.c_str(), why.c_str()), 12.0);
}

void touch_state_json(const AppState& state, nlohmann::json& out) {
  // Assignments, not nested initializer lists: each of those is code in the page's first load.
  const AppState::Device& d = state.device;
  const bool phone = d.layout == DeviceLayout::Phone;
  nlohmann::json& l = out["layout"];
  l["name"] = device_layout_name(d.layout);
  l["width"] = d.canvas.css_width;
  l["height"] = d.canvas.css_height;
  l["dpr"] = d.canvas.dpr;
  l["canvas"][0] = d.canvas.canvas_width;
  l["canvas"][1] = d.canvas.canvas_height;
  l["lab_tab"] = phone ? d.lab_tab : d.lab_side_tab;
  l["lessons_tab"] = phone ? d.lessons_tab : d.lessons_side_tab;
  nlohmann::json& p = out["photo"];
  p["width"] = d.photo_width;
  p["height"] = d.photo_height;
  p["orientation"] = d.photo_orientation;
  out["touch"]["press"] = touch_press_name(g_press);
  item_hover_state_json(out);
}

}  // namespace cs::app
