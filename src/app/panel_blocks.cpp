// panel_blocks.cpp — the blocks panel: pick a block (conv-BN-ReLU, residual, SE, MBConv, ConvNeXt,
// heads) and its sizes; the engine's layers are listed in forward order with output shape,
// parameters and MACs, the joins where branches meet, totals, the block as PyTorch source, and one
// node's output when the block is fed a random batch (statistics, histogram, maps, channel moments).
#include <algorithm>
#include <cfloat>

#include "app_services.h"
#include "blocks_model.h"
#include "blocks_panels.h"
#include "colormap.h"
#include "imgui.h"
#include "number_text.h"

namespace cs::app {

namespace {

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

// A row's node column is a selectable spanning the row: clicking it shows that node's output below.
// Where five columns would not fit (a phone), one column holds each node's facts on two lines.
void draw_nodes(AppState& state, const cs::BlockDescription& d, std::string& selected) {
  const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 30;
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                (narrow ? ImGuiTableFlags_SizingStretchSame : ImGuiTableFlags_SizingFixedFit);
  if (!ImGui::BeginTable("##blocks-nodes", narrow ? 1 : 5, flags)) return;
  if (!narrow) {  // on a phone each row says what its numbers are
    ImGui::TableSetupColumn(tr(S::blocks_col_node));
    ImGui::TableSetupColumn(tr(S::blocks_col_layer));
    ImGui::TableSetupColumn(tr(S::blocks_col_shape));
    ImGui::TableSetupColumn(tr(S::blocks_col_params));
    ImGui::TableSetupColumn(tr(S::blocks_col_macs));
    ImGui::TableHeadersRow();
  }
  const ImVec4 join_colour(1.0f, 0.75f, 0.3f, 1.0f);  // joins stand out from the layers they join
  for (size_t i = 0; i < d.nodes.size(); ++i) {
    const cs::BlockNode& n = d.nodes[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable(n.name.c_str(), n.name == selected, ImGuiSelectableFlags_SpanAllColumns,
                          ImVec2(0, ImGui::GetFrameHeight())))
      selected = n.name == selected ? "" : n.name;
    ImGui::PopID();
    record_item_rect(state, ("blocks.node." + n.name).c_str());
    if (narrow) {
      const std::string op = n.join ? n.op + " " + tr(S::blocks_join) : n.op;
      ImGui::PushStyleColor(ImGuiCol_Text, n.join ? join_colour : ImGui::GetStyleColorVec4(ImGuiCol_Text));
      ImGui::TextWrapped("%s", cs::fmt(tr(S::blocks_node_line), op.c_str(), cs::shape_str(n.shape).c_str(),
                                       grouped_count(n.params).c_str(), grouped_count(n.macs).c_str())
                                   .c_str());
      ImGui::PopStyleColor();
      continue;
    }
    ImGui::TableNextColumn();
    if (n.join) {
      ImGui::TextColored(join_colour, "%s %s", n.op.c_str(), tr(S::blocks_join));
    } else {
      ImGui::TextUnformatted(n.op.c_str());
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(cs::shape_str(n.shape).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(grouped_count(n.params).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(grouped_count(n.macs).c_str());
  }
  ImGui::EndTable();
}

// One small heat map: `values` (h x w, row-major) on the node's own value range.
void draw_map(const float* values, int h, int w, float lo, float hi, float side) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const int shown_h = std::min(h, 24), shown_w = std::min(w, 24);  // bigger maps are sampled, not drawn cell by cell
  const float ch = side / shown_h, cw = side / shown_w;
  for (int y = 0; y < shown_h; ++y)
    for (int x = 0; x < shown_w; ++x) {
      const float v = values[static_cast<size_t>(y * h / shown_h) * w + x * w / shown_w];
      const Rgb8 c = colormap_rgb(ColorMap::Viridis, colormap_normalize(v, lo, hi));
      dl->AddRectFilled(ImVec2(at.x + x * cw, at.y + y * ch), ImVec2(at.x + (x + 1) * cw, at.y + (y + 1) * ch),
                        IM_COL32(c.r, c.g, c.b, 255));
    }
  ImGui::Dummy(ImVec2(side, side));
}

void draw_probe(AppState& state, BlocksPanelState& B) {
  ImGui::Separator();
  ImGui::TextUnformatted(tr(S::blocks_feed_title));
  ImGui::TextWrapped("%s", cs::fmt(tr(S::blocks_feed_intro), B.batch).c_str());
  int seed = static_cast<int>(B.seed & 0x7fffffff);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::InputInt(tr_label(S::blocks_seed), &seed)) B.seed = static_cast<uint32_t>(std::max(seed, 0));
  record_item_rect(state, "blocks.seed");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::InputInt(tr_label(S::blocks_batch), &B.batch);
  record_item_rect(state, "blocks.batch");
  ImGui::Checkbox(tr_label(S::blocks_train_mode), &B.training);
  record_item_rect(state, "blocks.training");
  ImGui::TextWrapped("%s", tr(B.training ? S::blocks_train_mode_on : S::blocks_train_mode_off));
  refresh_blocks(B);
  if (!B.probe) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", cs::fmt(tr(S::blocks_probe_refused), B.probe_error.c_str()).c_str());
    return;
  }
  const int i = selected_node(B);
  if (i < 0) {
    ImGui::TextWrapped("%s", tr(S::blocks_pick_node));
    return;
  }
  const cs::BlockNode& n = B.probe->nodes[i];
  const cs::TensorStats& st = B.probe->stats[i];
  const cs::Tensor& t = B.probe->outputs[i];
  ImGui::TextWrapped("%s", cs::fmt(tr(S::blocks_node_stats), n.name.c_str(), cs::shape_str(n.shape).c_str(), st.min, st.mean,
                                   st.max, st.std)
                               .c_str());
  ImGui::TextWrapped("%s", cs::fmt(tr(S::blocks_zero_fraction), 100.0 * st.zero_fraction).c_str());
  ImGui::TextWrapped("%s", cs::fmt(tr(S::blocks_histogram), st.histogram_lo, st.histogram_hi).c_str());
  std::vector<float> bars(st.histogram.begin(), st.histogram.end());
  ImGui::PlotHistogram("##blocks-histogram", bars.data(), static_cast<int>(bars.size()), 0, nullptr, 0.0f, FLT_MAX,
                       ImVec2(std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 24), ImGui::GetFontSize() * 4));
  record_item_rect(state, "blocks.histogram");

  const int C = t.dim(1);
  const int h = t.rank() == 4 ? t.dim(2) : 1, w = t.rank() == 4 ? t.dim(3) : 1;
  const int shown = std::min(C, 8);
  ImGui::TextWrapped("%s", tr(S::blocks_maps));
  const float side = ImGui::GetFontSize() * 3.5f;
  const size_t per_channel = static_cast<size_t>(h) * w;
  for (int c = 0; c < shown; ++c) {
    if (c > 0 && ImGui::GetContentRegionAvail().x > side * 2) ImGui::SameLine();
    draw_map(t.data() + c * per_channel, h, w, st.min, st.max, side);
  }
  if (shown < C) ImGui::TextDisabled("%s", cs::fmt(tr(S::blocks_maps_shown), shown, C).c_str());

  ImGui::TextWrapped("%s", tr(S::blocks_channel_stats));
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("##blocks-channels", 3, flags)) {
    ImGui::TableSetupColumn(tr(S::blocks_col_channel));
    ImGui::TableSetupColumn(tr(S::blocks_col_mean));
    ImGui::TableSetupColumn(tr(S::blocks_col_variance));
    ImGui::TableHeadersRow();
    for (int c = 0; c < shown; ++c) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", c + 1);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", st.channel_mean[c]);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", st.channel_var[c]);
    }
    ImGui::EndTable();
  }
}

}  // namespace

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
    draw_nodes(state, d, B.selected);
    ImGui::Text("%s", cs::fmt(tr(S::blocks_total), grouped_count(d.total_params).c_str(), grouped_count(d.total_macs).c_str(),
                              cs::shape_str(d.output_shape).c_str())
                          .c_str());
    if (ImGui::Button(tr_label(S::blocks_copy))) {
      ImGui::SetClipboardText(cs::block_pytorch(B.config).c_str());
      ++B.pytorch_copies;
      app_notice(state, tr(S::notice_copied_pytorch_block));
    }
    record_item_rect(state, "blocks.copy");
    draw_probe(state, B);
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
