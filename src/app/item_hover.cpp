// item_hover.cpp — a mouse's hover and click or a finger's long press and tap, for ImGui's last item
// (see the header); a finger's tooltips go above it, wrapped to the screen.
#include "item_hover.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>

#include "touch_ui.h"

namespace cs::app {

namespace {
// The tooltip the frame showed (for state()); the frame is the only writer, like the press itself.
struct ShownTooltip {
  int frame = -1;
  std::string text;
  long long finger_frames = 0;
  int counted_frame = -1;
};
ShownTooltip g_tooltip;
// A finger hides what lies under and below it: the tooltip goes above the finger, wrapped to the
// screen's width and kept on it (ImGui's own places it below and to the right, unwrapped).
void finger_tooltip(const char* text) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec2 screen = ImGui::GetIO().DisplaySize, m = ImGui::GetIO().MousePos;
  const float margin = 4.0f, finger = 3.0f * ImGui::GetFontSize();
  const float wrap = std::max(64.0f, std::min(ImGui::CalcTextSize(text).x, screen.x - 2 * (margin + st.WindowPadding.x)));
  const ImVec2 t = ImGui::CalcTextSize(text, nullptr, false, wrap);
  const ImVec2 size(t.x + 2 * st.WindowPadding.x, t.y + 2 * st.WindowPadding.y);
  float y = m.y - finger - size.y;
  if (y < margin) y = m.y + finger;  // no room above: below, clear of the fingertip
  const float x = std::clamp(m.x - size.x * 0.5f, margin, std::max(margin, screen.x - size.x - margin));
  ImGui::SetNextWindowPos(ImVec2(x, std::min(y, std::max(margin, screen.y - size.y - margin))));
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace

PointerOnItem item_pointer() {
  // A tap counts where the item can be seen: its rectangle inside the window's clip rectangle.
  const ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImVec2 m = ImGui::GetIO().MousePos;
  return pointer_on_item(touch_press(), ImGui::IsItemHovered(), ImGui::IsItemClicked(ImGuiMouseButton_Left), m.x, m.y,
                         std::max(a.x, lo.x), std::max(a.y, lo.y), std::min(b.x, hi.x), std::min(b.y, hi.y));
}

void item_tooltip(const char* fmt, ...) {
  if (!item_hover_shows()) return;
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  if (touch_press_finger(touch_press())) finger_tooltip(buf);
  else ImGui::SetTooltip("%s", buf);
  g_tooltip.frame = ImGui::GetFrameCount();
  g_tooltip.text = buf;
  if (touch_press_finger(touch_press()) && g_tooltip.counted_frame != g_tooltip.frame) {
    g_tooltip.counted_frame = g_tooltip.frame;
    ++g_tooltip.finger_frames;
  }
}

void item_hover_state_json(nlohmann::json& out) {
  nlohmann::json& t = out["touch"];
  if (g_tooltip.frame == ImGui::GetFrameCount()) t["tooltip"] = g_tooltip.text;
  else t["tooltip"] = nullptr;
  t["finger_tooltips"] = g_tooltip.finger_frames;
}

}  // namespace cs::app
