// panel_blocks.cpp — the blocks panel: pick a block (conv-BN-ReLU, residual, SE, MBConv, ConvNeXt,
// heads) and its sizes; the engine's layers are listed in forward order with output shape,
// parameters and MACs, the joins where branches meet, totals, and the block as PyTorch source.
#include "app_services.h"
#include "blocks_model.h"
#include "blocks_panels.h"
#include "imgui.h"

namespace cs::app {

namespace {

std::string shape_text(const std::vector<int>& s) {
  std::string t = "(";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + ")";
}

// The engine's block ids ("conv_bn_relu") as the student reads them; the id itself where no name is.
const char* block_title(const std::string& id) {
  static const struct {
    const char* id;
    S title;
  } kTitles[] = {{"conv_bn_relu", S::blocks_name_conv_bn_relu}, {"residual", S::blocks_name_residual},
                 {"se", S::blocks_name_se},                     {"mbconv", S::blocks_name_mbconv},
                 {"convnext", S::blocks_name_convnext},         {"gap_head", S::blocks_name_gap_head},
                 {"flatten_head", S::blocks_name_flatten_head}};
  for (const auto& t : kTitles)
    if (id == t.id) return tr(t.title);
  return id.c_str();
}

void draw_config(AppState& state, cs::BlockConfig& c) {
  const auto& names = cs::block_names();
  if (ImGui::BeginCombo(tr_label(S::blocks_block), block_title(c.block))) {
    for (const std::string& n : names)
      if (ImGui::Selectable(block_title(n), n == c.block)) c.block = n;
    ImGui::EndCombo();
  }
  record_item_rect(state, "blocks.block");
  struct Field {
    S label;
    int* value;
    const char* id;
  };
  const Field fields[] = {{S::blocks_in_channels, &c.in_channels, "blocks.in_channels"},
                          {S::blocks_out_channels, &c.out_channels, "blocks.out_channels"},
                          {S::blocks_height, &c.height, "blocks.height"},
                          {S::blocks_width, &c.width, "blocks.width"},
                          {S::blocks_kernel, &c.kernel, "blocks.kernel"},
                          {S::blocks_stride, &c.stride, "blocks.stride"},
                          {S::blocks_expand, &c.expand_ratio, "blocks.expand_ratio"}};
  for (const Field& f : fields) {
    if (f.value == &c.expand_ratio && c.block != "mbconv") continue;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::InputInt(tr_label(f.label), f.value);
    record_item_rect(state, f.id);
  }
  if (c.block == "mbconv") {
    ImGui::Checkbox(tr_label(S::blocks_se), &c.se);
    record_item_rect(state, "blocks.se");
  }
  if (c.block == "residual") {
    ImGui::Checkbox(tr_label(S::blocks_projection), &c.projection);
    record_item_rect(state, "blocks.projection");
  }
}

void draw_nodes(const cs::BlockDescription& d) {
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##blocks-nodes", 5, flags)) return;
  ImGui::TableSetupColumn(tr(S::blocks_col_node));
  ImGui::TableSetupColumn(tr(S::blocks_col_layer));
  ImGui::TableSetupColumn(tr(S::blocks_col_shape));
  ImGui::TableSetupColumn(tr(S::blocks_col_params));
  ImGui::TableSetupColumn(tr(S::blocks_col_macs));
  ImGui::TableHeadersRow();
  const ImVec4 join_colour(1.0f, 0.75f, 0.3f, 1.0f);  // joins stand out from the layers they join
  for (const cs::BlockNode& n : d.nodes) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(n.name.c_str());
    ImGui::TableNextColumn();
    if (n.join) {
      ImGui::TextColored(join_colour, "%s %s", n.op.c_str(), tr(S::blocks_join));
    } else {
      ImGui::TextUnformatted(n.op.c_str());
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(shape_text(n.shape).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(grouped_count(n.params).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(grouped_count(n.macs).c_str());
  }
  ImGui::EndTable();
}

}  // namespace

std::string grouped_count(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

void draw_blocks_panel(AppState& state) {
  if (!ImGui::Begin(tr_label(S::blocks_title), &state.blocks.show)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "blocks");
  BlocksPanelState& B = state.blocks;
  ImGui::TextWrapped("%s", tr(S::blocks_intro));
  draw_config(state, B.config);
  refresh_blocks(B);  // every change goes through the engine again
  if (!B.error.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", cs::fmt(tr(S::blocks_refused), B.error.c_str()).c_str());
  } else if (B.description) {
    const cs::BlockDescription& d = *B.description;
    ImGui::TextWrapped("%s", cs::fmt(tr(S::blocks_looking), B.config.in_channels, B.config.height, B.config.width).c_str());
    ImGui::TextWrapped("%s", tr(S::blocks_terms));
    draw_nodes(d);
    ImGui::Text("%s", cs::fmt(tr(S::blocks_total), grouped_count(d.total_params).c_str(), grouped_count(d.total_macs).c_str(),
                              shape_text(d.output_shape).c_str())
                          .c_str());
    if (ImGui::Button(tr_label(S::blocks_copy))) ImGui::SetClipboardText(cs::block_pytorch(B.config).c_str());
    record_item_rect(state, "blocks.copy");
  }
  ImGui::End();
}

void blocks_state_json(const AppState& state, nlohmann::json& out) {
  BlocksPanelState B = state.blocks;  // state() reads a refreshed copy; the description is shared
  refresh_blocks(B);
  out["blocks"] = blocks_json(B);
}

std::string blocks_set_state(AppState& next, const nlohmann::json& partial) {
  if (!partial.contains("blocks")) return "";
  return apply_blocks_json(next.blocks, partial["blocks"]);
}

}  // namespace cs::app
