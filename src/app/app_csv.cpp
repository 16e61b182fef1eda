// app_csv.cpp — the digit lab's CSV exports (an SE block's weights, a recorded activation): the File
// menu's entries and the functions setState's export_csv calls; the text comes from csv_export_model.
#include "app_rooms.h"
#include "csv_export_model.h"
#include "digit_lab_model.h"
#include "imgui.h"
#include "platform_api.h"

namespace cs::app {

namespace {

std::string save_csv(const std::string& name, const cs::Result<std::string>& csv) {
  if (!csv.is_ok()) return cs::fmt(tr(S::notice_export_failed), name.c_str(), csv.message().c_str());
  const std::string& text = csv.value();
  return platform_save_file(name.c_str(), reinterpret_cast<const uint8_t*>(text.data()), text.size(), "text/csv");
}


}  // namespace

std::string export_se_csv(AppState& state, int block) {
  LabSession* s = state.lab.session.get();
  if (!s || !s->has_network()) return tr(S::notice_export_se_no_network);
  if (block < 0 || block >= static_cast<int>(s->se_blocks().size()))
    return cs::fmt(tr(S::notice_export_se_no_block), block, s->se_blocks().size());
  return save_csv(csv_file_name("se", s->se_blocks()[static_cast<size_t>(block)].name), se_weights_csv(s->stats(), block));
}

std::string export_activation_csv(AppState& state, int layer) {
  LabSession* s = state.lab.session.get();
  if (!s || !s->has_network()) return tr(S::notice_export_activation_no_network);
  const cs::Trace& trace = s->trace();
  if (layer < 0 || layer >= static_cast<int>(trace.size()))
    return cs::fmt(tr(S::notice_export_activation_no_layer), layer, trace.size());
  return save_csv(csv_file_name("activation", trace.name(static_cast<size_t>(layer))),
                  activation_csv(trace.tensor(static_cast<size_t>(layer))));
}

void csv_menu_items(AppState& state) {
  LabSession* s = state.lab.session.get();
  const bool ready = s && s->has_network();
  if (ImGui::BeginMenu(tr_label(S::app_export_se_weights), ready && !s->se_blocks().empty())) {
    for (size_t b = 0; b < s->se_blocks().size(); ++b) {
      const std::string label = cs::fmt(tr(S::app_export_se_block_item), s->se_blocks()[b].name.c_str(),
                                        s->se_blocks()[b].se->channels());
      if (ImGui::MenuItem(label.c_str(), nullptr, false, s->stats().complete()))
        app_notice(state, export_se_csv(state, static_cast<int>(b)));
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr_label(S::app_export_activation_as), ready && s->trace().size() > 0)) {
    const cs::Trace& trace = s->trace();
    for (size_t i = 0; i < trace.size(); ++i) {
      const std::string label = trace.name(i) + " " + cs::shape_str(trace.tensor(i).shape());
      if (ImGui::MenuItem(label.c_str(), nullptr, static_cast<int>(i) == state.lab.act_layer))
        app_notice(state, export_activation_csv(state, static_cast<int>(i)));
    }
    ImGui::EndMenu();
  }
}

}  // namespace cs::app
