// panel_blocks.cpp — the blocks panel: pick a block (conv-BN-ReLU, residual, SE, MBConv, ConvNeXt,
// heads) and its sizes; the block drawn as a data-flow diagram (block_diagram_model lays it out) and
// its layers listed in forward order with output shape, parameters and MACs, the joins where branches
// meet, totals, the block as PyTorch source, and one node's output when the block is fed a random
// batch (statistics, histogram, maps, channel moments). A box or a row selects the node shown.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

#include "app_services.h"
#include "block_diagram_model.h"
#include "blocks_model.h"
#include "blocks_panels.h"
#include "colormap.h"
#include "imgui.h"
#include "item_hover.h"
#include "number_text.h"
#include "touch_ui.h"

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

// [SECTION] diagram

// A shape without its batch dimension, as the boxes say it: (1, 16, 8, 8) -> "16x8x8".
std::string dims_text(const std::vector<int>& shape) {
  std::string s;
  for (size_t i = 1; i < shape.size(); ++i) s += (i > 1 ? "x" : "") + std::to_string(shape[i]);
  return s;
}

ImU32 with_alpha(ImGuiCol c, float alpha) {
  ImVec4 v = ImGui::GetStyleColorVec4(c);
  v.w *= alpha;
  return ImGui::GetColorU32(v);
}

// `text` left-aligned at `at` (the top of a line of the font's height): set up to a quarter smaller
// where the box is too narrow for it (a phone's side lane), and cut off at the box's right edge
// rather than spilling out of it.
void clipped_text(ImDrawList* dl, ImVec2 at, const ImVec4& clip, ImU32 col, const std::string& text) {
  const float font = ImGui::GetFontSize(), w = ImGui::CalcTextSize(text.c_str()).x, room = clip.z - at.x - 2.0f;
  const float size = w > room ? font * std::max(0.75f, room / w) : font;
  at.y += (font - size) * 0.5f;
  dl->AddText(nullptr, size, at, col, text.c_str(), text.c_str() + text.size(), 0.0f, &clip);
}

void arrow(ImDrawList* dl, const std::vector<DiagramPoint>& p, ImVec2 o, ImU32 col, float head) {
  for (size_t i = 1; i < p.size(); ++i)
    dl->AddLine(ImVec2(o.x + p[i - 1].x, o.y + p[i - 1].y), ImVec2(o.x + p[i].x, o.y + p[i].y), col, 1.5f);
  const DiagramPoint a = p[p.size() - 2], b = p.back();
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::max(1e-3f, std::sqrt(dx * dx + dy * dy));
  const float ux = dx / len, uy = dy / len;
  const ImVec2 tip(o.x + b.x, o.y + b.y);
  dl->AddTriangleFilled(tip, ImVec2(tip.x - ux * head - uy * head * 0.6f, tip.y - uy * head + ux * head * 0.6f),
                        ImVec2(tip.x - ux * head + uy * head * 0.6f, tip.y - uy * head - ux * head * 0.6f), col);
}

// A join: a circle with + (add) or x (mul) drawn as strokes (the font need not have the glyphs).
void draw_join(ImDrawList* dl, const DiagramBox& b, ImVec2 c, float r, bool selected, bool hovered) {
  const ImU32 fill = selected ? IM_COL32(255, 200, 90, 255) : hovered ? IM_COL32(255, 205, 120, 230) : IM_COL32(240, 170, 60, 230);
  dl->AddCircleFilled(c, r, fill, 24);
  if (selected) dl->AddCircle(c, r + 2.0f, ImGui::GetColorU32(ImGuiCol_Text), 24, 2.5f);
  const float k = r * 0.55f, ink = IM_COL32(30, 20, 0, 255);
  if (b.op == "add") {
    dl->AddLine(ImVec2(c.x - k, c.y), ImVec2(c.x + k, c.y), ink, 2.5f);
    dl->AddLine(ImVec2(c.x, c.y - k), ImVec2(c.x, c.y + k), ink, 2.5f);
  } else {
    const float d = k * 0.75f;
    dl->AddLine(ImVec2(c.x - d, c.y - d), ImVec2(c.x + d, c.y + d), ink, 2.5f);
    dl->AddLine(ImVec2(c.x - d, c.y + d), ImVec2(c.x + d, c.y - d), ink, 2.5f);
  }
}

// The block as a data-flow diagram: a box per layer, a circle per join, arrows down the lanes (side
// branches to the right of the main path). Every node's box is a button that selects it, as its row
// in the table does; the selected one is outlined.
void draw_diagram(AppState& state, const BlocksPanelState& B, std::string& selected) {
  ImGui::TextWrapped("%s", tr(S::blocks_diagram_intro));
  const float font = ImGui::GetFontSize();
  const float avail = ImGui::GetContentRegionAvail().x;
  const BlockDiagram d = layout_block_diagram(B.description->nodes, diagram_input_shape(B));
  DiagramMetrics m;
  m.width = std::max(avail - 2.0f, font * 6);
  m.font = font;
  m.touch = touch_layout_active(state);
  m.two_lines = avail < font * 34;
  const DiagramGeometry g = place_block_diagram(d, m);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImU32 line = with_alpha(ImGuiCol_Text, 0.7f), text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (size_t e = 0; e < g.edges.size(); ++e) arrow(dl, g.edges[e], o, line, font * 0.45f);

  const float pad = font * 0.4f;
  for (size_t i = 0; i < d.boxes.size(); ++i) {
    const DiagramBox& b = d.boxes[i];
    const DiagramRect& r = g.boxes[i];
    const ImVec2 p0(o.x + r.x, o.y + r.y), p1(p0.x + r.w, p0.y + r.h);
    const bool is_selected = b.node >= 0 && b.name == selected;
    bool hovered = false;
    if (b.node >= 0) {  // the input is not a node: nothing to select
      ImGui::SetCursorScreenPos(p0);
      ImGui::PushID(static_cast<int>(i));
      const bool pressed = ImGui::InvisibleButton("##box", ImVec2(r.w, r.h));
      ImGui::PopID();
      record_item_rect(state, ("blocks.box." + b.name).c_str());
      const PointerOnItem pointer = item_pointer();  // a mouse's hover and click, a finger's long press and tap
      // The keyboard's Enter/Space press the button too; a mouse's release would click it a second time.
      // A finger's tap can arrive twice, as the tap and as the browser's mouse click made from it, in
      // frames apart when the page is slow: one press toggles the selection once.
      if ((pointer.clicked || (pressed && !ImGui::IsMouseReleased(ImGuiMouseButton_Left))) &&
          state.time_s - state.blocks.box_toggled_s > 0.3) {
        selected = is_selected ? "" : b.name;
        state.blocks.box_toggled_s = state.time_s;
      }
      hovered = pointer.shows;
      if (hovered) {
        const cs::BlockNode& n = B.description->nodes[b.node];
        item_tooltip("%s\n%s", n.name.c_str(),
                     cs::fmt(tr(S::blocks_node_line), n.op.c_str(), cs::shape_str(n.shape).c_str(),
                             grouped_count(n.params).c_str(), grouped_count(n.macs).c_str())
                         .c_str());
      }
    }
    const std::string shape = dims_text(b.shape);
    if (g.circle_r[i] > 0) {
      const ImVec2 c((p0.x + p1.x) * 0.5f, (p0.y + p1.y) * 0.5f);
      draw_join(dl, b, c, g.circle_r[i], is_selected, hovered);
      // Its shape and name to the left (an arrow from a side branch comes in from the right).
      const std::string label = b.name + "  " + shape;
      const float lw = ImGui::CalcTextSize(label.c_str()).x, room = c.x - g.circle_r[i] - pad - (o.x + 0.0f);
      const std::string shown = lw <= room ? label : shape;
      const float sw = ImGui::CalcTextSize(shown.c_str()).x;
      const ImVec4 clip(o.x, p0.y, c.x - g.circle_r[i], p1.y);
      clipped_text(dl, ImVec2(c.x - g.circle_r[i] - pad - sw, c.y - font * 0.5f), clip, dim, shown);
      continue;
    }
    const bool side = b.lane > 0;
    ImU32 fill = ImGui::GetColorU32(is_selected ? ImGuiCol_HeaderActive : hovered ? ImGuiCol_FrameBgHovered : ImGuiCol_FrameBg);
    if (b.kind == DiagramBoxKind::Input) fill = with_alpha(ImGuiCol_FrameBg, 0.5f);
    dl->AddRectFilled(p0, p1, fill, font * 0.3f);
    dl->AddRect(p0, p1, is_selected ? text : side ? IM_COL32(110, 170, 255, 255) : with_alpha(ImGuiCol_Border, 1.0f),
                font * 0.3f, 0, is_selected ? 2.5f : 1.0f);
    const ImVec4 clip(p0.x + 1, p0.y, p1.x - 1, p1.y);
    const std::string op = b.kind == DiagramBoxKind::Input ? tr(S::blocks_diagram_input) : b.op;
    if (b.op == "SqueezeExcitation") {  // its title, then its stages one under another
      clipped_text(dl, ImVec2(p0.x + pad, p0.y + (g.box_h - font) * 0.5f), clip, text, op);
      const auto& stages = squeeze_excite_stages();
      for (size_t s = 0; s < stages.size(); ++s) {
        const float y0 = p0.y + (s + 1) * g.row_h;
        const ImVec2 a(p0.x + pad, y0), z(p1.x - pad, y0 + g.box_h);
        dl->AddRect(a, z, IM_COL32(110, 170, 255, 200), font * 0.2f);
        const float tw = ImGui::CalcTextSize(stages[s].c_str()).x;
        clipped_text(dl, ImVec2(std::max(a.x + pad, (a.x + z.x - tw) * 0.5f), y0 + (g.box_h - font) * 0.5f), clip, text, stages[s]);
        const DiagramPoint from{(a.x + z.x) * 0.5f - o.x, y0 - g.row_h + g.box_h - o.y};
        arrow(dl, {from, {from.x, y0 - o.y}}, o, line, font * 0.35f);
      }
      continue;
    }
    if (m.two_lines) {
      clipped_text(dl, ImVec2(p0.x + pad, p0.y + r.h * 0.5f - font * 1.05f), clip, text, op);
      clipped_text(dl, ImVec2(p0.x + pad, p0.y + r.h * 0.5f + font * 0.05f), clip, is_selected ? text : dim, "-> " + shape);
    } else {
      const float ty = p0.y + (r.h - font) * 0.5f;
      clipped_text(dl, ImVec2(p0.x + pad, ty), clip, text, op + "  ->  " + shape);
      // The node's path on the right, where there is room: it names the row of the table.
      const float used = ImGui::CalcTextSize((op + "  ->  " + shape).c_str()).x, nw = ImGui::CalcTextSize(b.name.c_str()).x;
      if (b.node >= 0 && used + nw + 3 * pad < r.w) clipped_text(dl, ImVec2(p1.x - pad - nw, ty), clip, is_selected ? text : dim, b.name);
    }
  }
  ImGui::SetCursorScreenPos(o);
  ImGui::Dummy(ImVec2(g.width, g.height));
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
    draw_diagram(state, B, B.selected);
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
