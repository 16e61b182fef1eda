// item_hover.cpp — a mouse's hover and click or a finger's long press and tap, for ImGui's last item
// (see the header).
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
  ImGui::SetTooltip("%s", buf);
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
