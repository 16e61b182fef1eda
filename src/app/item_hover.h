// item_hover.h — whether ImGui's last item shows what a hover shows (its tooltip, its trace) and
// whether it was clicked, the same for a mouse and a finger: the mouse as ImGui has it; a finger shows
// the hover only while a long press rests on the item and clicks with a tap (touch_press_model.h).
// Panels call these instead of ImGui::IsItemHovered / IsItemClicked wherever a hover shows something.
#pragma once
#include <nlohmann/json.hpp>

#include "imgui.h"
#include "touch_press_model.h"

namespace cs::app {

PointerOnItem item_pointer();  // about ImGui's last item, this frame
inline bool item_hover_shows() { return item_pointer().shows; }
inline bool item_clicked() { return item_pointer().clicked; }
// The last item's tooltip, shown when item_hover_shows() (and remembered for state()).
void item_tooltip(const char* fmt, ...) IM_FMTARGS(1);

// state().touch.tooltip: the tooltip shown in the last frame (null: none); state().touch.finger_tooltips:
// how many frames so far showed one to a finger (a tap must not add any).
void item_hover_state_json(nlohmann::json& out);

}  // namespace cs::app
