// panel_activations.cpp — the "Inside the network" panel: every recorded activation of DigitNet for
// the current input as small multiples (one heatmap per channel, viridis, with its range), shapes and
// parameter counts per part, a channel enlarged with its values on click, each convolution's filters
// (diverging map), saliency (Grad-CAM or input gradient, for the prediction or a chosen class) over
// the input, and the receptive field of a clicked unit highlighted on the input. Reads LabSession's
// Trace, saliency maps and receptive fields (all computed by the engine).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

#include "digit_lab_panels.h"
#include "engine/nn/layers.h"
#include "engine/nn/receptive_field.h"
#include "engine/nn/sequential.h"
#include "engine/nn/walk.h"
#include "imgui.h"
#include "item_hover.h"
#include "lab_layout_model.h"
#include "panels.h"
#include "platform_api.h"
#include "touch_ui.h"

namespace cs::app {

namespace {

int64_t count_params(cs::Layer& l) {
  std::vector<cs::NamedTensor> t;
  l.named_tensors("", t);
  int64_t n = 0;
  for (const cs::NamedTensor& x : t)
    if (x.trainable) n += static_cast<int64_t>(x.value->numel());
  return n;
}

// Packs C maps of HxW into a grid with one-pixel gaps (filled with the minimum, drawn dark).
void pack_grid(const cs::Tensor& t, int cols, std::vector<float>& out, int& w, int& h, float& lo, float& hi) {
  const int C = t.dim(1), H = t.dim(2), W = t.dim(3);
  const int rows = (C + cols - 1) / cols;
  w = cols * (W + 1) - 1;
  h = rows * (H + 1) - 1;
  const float* v = t.data();
  lo = *std::min_element(v, v + static_cast<size_t>(C) * H * W);
  hi = *std::max_element(v, v + static_cast<size_t>(C) * H * W);
  out.assign(static_cast<size_t>(w) * h, lo);
  for (int c = 0; c < C; ++c) {
    const int ox = (c % cols) * (W + 1), oy = (c / cols) * (H + 1);
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) out[static_cast<size_t>(oy + y) * w + ox + x] = v[(static_cast<size_t>(c) * H + y) * W + x];
  }
}

// Channel c of trace entry `layer` at `side` px, values printed when the cells are large enough; a click
// (or tap) on a unit selects it and shows its receptive field on the input.
void enlarged_channel(AppState& state, const LabSession& s, int layer, int c, float side) {
  DigitLabState& lab = state.lab;
  const cs::Tensor& t = s.trace().tensor(static_cast<size_t>(layer));
  const int H = t.dim(2), W = t.dim(3);
  const float* v = t.data() + static_cast<size_t>(c) * H * W;
  const float lo = *std::min_element(v, v + H * W), hi = *std::max_element(v, v + H * W);
  const float cell = side / std::max(H, W);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("big", ImVec2(cell * W, cell * H));
  record_item_rect(state, "activations.channel");
  const PointerOnItem pointer = item_pointer();  // a mouse's hover and click, a finger's long press and tap
  ImDrawList* dl = ImGui::GetWindowDrawList();
  platform_draw_scalar_field(dl, "lab.act.big", W, H, v, lo, hi, ColorMap::Viridis, p0, ImVec2(p0.x + cell * W, p0.y + cell * H));
  if (cell >= 26.0f) {
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        char txt[16];
        std::snprintf(txt, sizeof txt, "%.2f", v[y * W + x]);
        const float tt = hi > lo ? (v[y * W + x] - lo) / (hi - lo) : 0.5f;
        dl->AddText(ImVec2(p0.x + x * cell + 2, p0.y + y * cell + cell * 0.5f - 6),
                    tt > 0.6f ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), txt);
      }
  }
  const int mx = std::clamp(static_cast<int>((pointer.x - p0.x) / cell), 0, W - 1);
  const int my = std::clamp(static_cast<int>((pointer.y - p0.y) / cell), 0, H - 1);
  if (pointer.clicked) select_unit(lab, s, layer, my, mx);
  if (pointer.shows) item_tooltip(tr(S::activations_tip_click_its_receptive), my, mx, v[my * W + mx]);
  if (lab.act_unit_y >= 0 && lab.act_unit_y < H && lab.act_unit_x >= 0 && lab.act_unit_x < W) {
    const ImVec2 a(p0.x + lab.act_unit_x * cell, p0.y + lab.act_unit_y * cell);
    dl->AddRect(a, ImVec2(a.x + cell, a.y + cell), IM_COL32(255, 170, 0, 255), 0, 0, 2.0f);
  }
}

// Edges between ink (> 0.5) and paper in the 28x28 input: the outline drawn over a saliency map.
void ink_outline(const std::vector<float>& in28, std::vector<float>& edges) {
  edges.clear();
  auto ink = [&](int y, int x) {
    return y >= 0 && y < kDigitSide && x >= 0 && x < kDigitSide && in28[static_cast<size_t>(y) * kDigitSide + x] > 0.5f;
  };
  for (int y = 0; y < kDigitSide; ++y)
    for (int x = 0; x < kDigitSide; ++x) {
      if (!ink(y, x)) continue;
      const float fx = static_cast<float>(x), fy = static_cast<float>(y);
      if (!ink(y - 1, x)) edges.insert(edges.end(), {fx, fy, fx + 1, fy});
      if (!ink(y + 1, x)) edges.insert(edges.end(), {fx, fy + 1, fx + 1, fy + 1});
      if (!ink(y, x - 1)) edges.insert(edges.end(), {fx, fy, fx, fy + 1});
      if (!ink(y, x + 1)) edges.insert(edges.end(), {fx + 1, fy, fx + 1, fy + 1});
    }
}

void colour_legend(const char* key, float vmax, float width) {
  float ramp[64];
  for (int i = 0; i < 64; ++i) ramp[i] = vmax * static_cast<float>(i) / 63.0f;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(width, 8));
  platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, 64, 1, ramp, 0.0f, vmax, ColorMap::Viridis, p0,
                             ImVec2(p0.x + width, p0.y + 8));
  ImGui::TextDisabled("0");
  ImGui::SameLine(std::max(0.0f, width - ImGui::CalcTextSize("0.000").x));
  ImGui::TextDisabled("%.3g", vmax);
}

// [input view] the 28x28 input, or a saliency map of it with the ink outlined; the selected unit's
// receptive field boxed on top.
void input_view(AppState& state, LabSession& s, LabView& v, float side) {
  DigitLabState& lab = state.lab;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("input", ImVec2(side, side));
  record_item_rect(state, "activations.input");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + side, p0.y + side);
  const float k = side / kDigitSide;
  const ShownSaliency shown = shown_saliency_map(s, lab.saliency_mode);
  const bool show = shown.map != nullptr;
  if (show) {
    platform_draw_scalar_field(dl, "lab.act.saliency", kDigitSide, kDigitSide, shown.map, 0.0f, std::max(1e-12f, shown.max),
                               ColorMap::Viridis, p0, p1);
    if (v.ink_edges_revision != s.input_revision()) {
      ink_outline(s.input28(), v.ink_edges);
      v.ink_edges_revision = s.input_revision();
    }
    for (size_t i = 0; i + 3 < v.ink_edges.size(); i += 4)
      dl->AddLine(ImVec2(p0.x + v.ink_edges[i] * k, p0.y + v.ink_edges[i + 1] * k),
                  ImVec2(p0.x + v.ink_edges[i + 2] * k, p0.y + v.ink_edges[i + 3] * k), IM_COL32(255, 255, 255, 200), 1.0f);
  } else {
    platform_draw_scalar_field(dl, "lab.act.input", kDigitSide, kDigitSide, s.input28().data(), 0.0f, 1.0f,
                               ColorMap::Grey, p0, p1);
  }
  if (lab.rf_valid && lab.rf_box[0] <= lab.rf_box[2]) {
    const ImVec2 a(p0.x + lab.rf_box[1] * k, p0.y + lab.rf_box[0] * k);
    const ImVec2 b(p0.x + (lab.rf_box[3] + 1) * k, p0.y + (lab.rf_box[2] + 1) * k);
    dl->AddRectFilled(a, b, IM_COL32(255, 170, 0, 50));
    dl->AddRect(a, b, IM_COL32(255, 170, 0, 255), 0, 0, 2.0f);
  }
  if (item_hover_shows()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int x = std::clamp(static_cast<int>((m.x - p0.x) / k), 0, kDigitSide - 1);
    const int y = std::clamp(static_cast<int>((m.y - p0.y) / k), 0, kDigitSide - 1);
    const size_t i = static_cast<size_t>(y) * kDigitSide + x;
    if (show)
      item_tooltip(tr(S::activations_tip_input_saliency), y, x, s.input28()[i], lab.saliency_mode == 1 ? tr(S::activations_tip_grad_cam) : tr(S::activations_tip_gradient),
                        shown.map[i]);
    else
      item_tooltip(tr(S::activations_tip_input_value), y, x, s.input28()[i]);
  }
}

// [saliency controls] off / Grad-CAM / input gradient (radio buttons: one tap each), the class, a legend.
void saliency_controls(AppState& state, LabSession& s) {
  DigitLabState& lab = state.lab;
  ImGui::RadioButton(tr_label(S::activations_off), &lab.saliency_mode, 0);
  item_tooltip("%s", tr(S::activations_tip_saliency_off_the));
  record_item_rect(state, "activations.saliency.off");
  ImGui::SameLine();
  ImGui::RadioButton(tr_label(S::activations_grad_cam), &lab.saliency_mode, 1);
  record_item_rect(state, "activations.saliency.gradcam");
  item_tooltip("%s", tr(S::activations_tip_grad_cam_the));
  ImGui::SameLine();
  ImGui::RadioButton(tr_label(S::activations_gradient), &lab.saliency_mode, 2);
  record_item_rect(state, "activations.saliency.gradient");
  item_tooltip("%s", tr(S::activations_tip_input_gradient_d));
  if (lab.saliency_mode == 0) return;
  const float u = state.ui_scale;  // fixed sizes grow with the presentation scale
  ImGui::SetNextItemWidth(std::min(200.0f * u, ImGui::GetContentRegionAvail().x - 40 * u));
  char fmt_buf[32];
  if (lab.saliency_class < 0) std::snprintf(fmt_buf, sizeof fmt_buf, tr(S::activations_class_predicted_format), s.predicted());
  else std::snprintf(fmt_buf, sizeof fmt_buf, "%s", tr(S::activations_class_format));
  ImGui::SliderInt(tr_label(S::activations_class), &lab.saliency_class, -1, 9, fmt_buf);
  record_item_rect(state, "activations.saliency.class");
  if (!s.has_saliency()) {
    ImGui::TextDisabled("%s", s.saliency_error().c_str());
    return;
  }
  const cs::SaliencyMaps& m = s.saliency();
  colour_legend("lab.act.saliency.legend", shown_saliency_map(s, lab.saliency_mode).max,
                std::min(200.0f * u, ImGui::GetContentRegionAvail().x));
  if (lab.saliency_mode == 1)
    ImGui::TextDisabled(tr(S::activations_class_evidence_at), m.cls, m.cam_layer.c_str(), m.cam.dim(0), m.cam.dim(1),
                        s.saliency_ms());
  else
    ImGui::TextDisabled(tr(S::activations_d_logit_d), m.cls, s.saliency_ms());
}

void filters_view(AppState& state, LabSession& s, DigitLabState& lab, LabView& v, float u) {
  const std::vector<std::pair<std::string, cs::Conv2d*>> convs = cs::find_layers<cs::Conv2d>(s.model()->root());
  if (convs.empty()) return;
  lab.act_filter_layer = std::clamp(lab.act_filter_layer, 0, static_cast<int>(convs.size()) - 1);
  const auto& [name, conv] = convs[lab.act_filter_layer];
  ImGui::SetNextItemWidth(220 * u);
  if (ImGui::BeginCombo(tr_label(S::activations_convolution), name.c_str())) {
    for (int i = 0; i < static_cast<int>(convs.size()); ++i)
      if (ImGui::Selectable(convs[i].first.c_str(), i == lab.act_filter_layer)) lab.act_filter_layer = i;
    ImGui::EndCombo();
  }
  const cs::Tensor& w = conv->weight;  // (OC, IC/groups, KH, KW)
  const int OC = w.dim(0), IC = w.dim(1), KH = w.dim(2), KW = w.dim(3);
  ImGui::TextDisabled(tr(S::activations_weight_parameters), conv->describe().c_str(), w.shape_string().c_str(),
                      static_cast<long long>(w.numel() + conv->bias.numel()));
  // Rows: output channels (up to 32), columns: input channels (up to 16); diverging, symmetric range.
  const int rows = std::min(OC, 32), cols = std::min(IC, 16);
  float m = 1e-12f;
  for (float x : w.values()) m = std::max(m, std::fabs(x));
  ImGui::TextDisabled(tr(S::activations_rows_output_channels),
                      OC > rows ? tr(S::activations_first_32) : "", IC > cols ? tr(S::activations_first_16) : "", m, m);
  ImGui::TextDisabled("%s", tr(S::im2col_click_to_zoom));
  // The output channels' rows wrap into k side-by-side blocks (one gap column between blocks), k chosen
  // for the biggest cells: 16 filters of one input channel are a 4x4 block of kernels, not a 17-px strip.
  // A click enlarges them to the panel (numbers on the weights once a cell holds them); again: back.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float area_h = lab.act_filters_enlarged ? avail.y : 360.0f * u;
  const int stride = cols * (KW + 1) + 1;
  int per = rows, gw = 0, gh = 0;
  float best = -1;
  for (int kk = 1; kk <= rows; ++kk) {
    const int pp = (rows + kk - 1) / kk;
    const int w_ = (kk - 1) * stride + cols * (KW + 1) - 1, h_ = pp * (KH + 1) - 1;
    const float sc = std::min(avail.x / w_, area_h / h_);
    if (sc > best * 1.05f) {
      best = sc;
      per = pp;
      gw = w_;
      gh = h_;
    }
  }
  v.filter_field.assign(static_cast<size_t>(gw) * gh, 0.0f);
  auto origin = [&](int o, int i) { return std::pair<int, int>{(o / per) * stride + i * (KW + 1), (o % per) * (KH + 1)}; };
  for (int o = 0; o < rows; ++o)
    for (int i = 0; i < cols; ++i)
      for (int y = 0; y < KH; ++y)
        for (int x = 0; x < KW; ++x) {
          const auto [x0, y0] = origin(o, i);
          v.filter_field[static_cast<size_t>(y0 + y) * gw + x0 + x] = w.at(o, i, y, x);
        }
  const float scale = lab.act_filters_enlarged ? std::clamp(std::floor(best), 1.0f, 64.0f * u)
                                               : std::clamp(best, 1.0f, 10.0f * u);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  if (ImGui::InvisibleButton("filters-field", ImVec2(gw * scale, gh * scale))) lab.act_filters_enlarged = !lab.act_filters_enlarged;
  record_item_rect(state, "activations.filters-field");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  platform_draw_scalar_field(dl, "lab.act.filters", gw, gh, v.filter_field.data(), -m, m,
                             ColorMap::Diverging, p0, ImVec2(p0.x + gw * scale, p0.y + gh * scale));
  const float fs = std::min(ImGui::GetFontSize() * 0.9f, scale * 0.36f);
  if (fs >= 8.0f) {
    ImFont* font = ImGui::GetFont();
    for (int o = 0; o < rows; ++o)
      for (int i = 0; i < cols; ++i)
        for (int y = 0; y < KH; ++y)
          for (int x = 0; x < KW; ++x) {
            char txt[16];
            std::snprintf(txt, sizeof txt, "%.2f", static_cast<double>(w.at(o, i, y, x)));
            const ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0.0f, txt);
            const auto [x0, y0] = origin(o, i);
            const ImVec2 c(p0.x + (x0 + x + 0.5f) * scale, p0.y + (y0 + y + 0.5f) * scale);
            dl->AddText(font, fs, ImVec2(c.x - ts.x * 0.5f, c.y - ts.y * 0.5f), IM_COL32(20, 20, 20, 255), txt);
          }
  }
}

// The network's parts with their parameter counts (a part's description on hover or long press).
void parts_table(LabSession& s, LabView& v) {
  ImGui::Separator();
  ImGui::TextDisabled(tr(S::activations_digitnet_parameters), static_cast<long long>(s.parameter_count()));
  if (v.parts_model_revision != s.model_revision()) {  // counted once per network, not every frame
    v.parts.clear();
    v.parts_model_revision = s.model_revision();
    cs::Sequential& root = s.model()->root();
    auto add = [&](const std::string& name, cs::Layer& l) { v.parts.push_back({name, &l, count_params(l)}); };
    for (size_t i = 0; i < root.size(); ++i) {
      auto* seq = dynamic_cast<cs::Sequential*>(&root.child(i));
      if (seq && root.label(i).empty())  // transparent container: list its blocks
        for (size_t j = 0; j < seq->size(); ++j) add(seq->label(j), seq->child(j));
      else add(root.label(i), root.child(i));
    }
  }
  if (ImGui::BeginTable("parts", 3, ImGuiTableFlags_SizingFixedFit)) {
    for (const LabView::Part& part : v.parts) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(part.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", part.layer->type());
      ImGui::TableNextColumn();
      ImGui::Text("%lld", part.parameters);
      item_tooltip("%s", part.layer->describe().c_str());
    }
    ImGui::EndTable();
  }
}

void activation_maps(AppState& state, LabSession& s, LabView& v, float thumb);

}  // namespace

int saliency_class(const DigitLabState& lab, const LabSession& s) {
  return lab.saliency_class >= 0 ? lab.saliency_class : s.predicted();
}

void select_unit(DigitLabState& lab, const LabSession& s, int layer, int y, int x) {
  lab.act_unit_y = y;
  lab.act_unit_x = x;
  lab.rf_valid = false;
  lab.rf_error.clear();
  if (y < 0 || x < 0 || layer < 0 || layer >= static_cast<int>(s.trace().size())) return;
  lab.rf_name = s.trace().name(static_cast<size_t>(layer));
  auto rf = s.receptive_field(lab.rf_name, y, x);
  if (!rf) {
    lab.rf_error = rf.message();
    return;
  }
  lab.rf_valid = true;
  lab.rf_global_via = rf->global_via;
  lab.rf_box[0] = rf->box.y0;
  lab.rf_box[1] = rf->box.x0;
  lab.rf_box[2] = rf->box.y1;
  lab.rf_box[3] = rf->box.x1;
}

void draw_activations_panel(AppState& state, LabSession& s, LabView& v) {
  DigitLabState& lab = state.lab;
  if (!ImGui::Begin(tr_label(S::activations_title), &lab.show_activations)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "activations");
  if (!s.has_network()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), tr(S::activations_no_network), s.network_error().c_str());
    ImGui::End();
    return;
  }
  // [left column] input (with saliency and the receptive field) beside the enlarged channel, saliency
  // controls, the parts with parameter counts. Beside the maps in a scrolling column of its own; on a
  // narrow panel (a phone) stacked over them, the whole panel scrolling as one.
  const ActivationsLayout al = activations_layout(ImGui::GetContentRegionAvail().x, state.ui_scale, touch_layout_active(state),
                                                  ImGui::GetStyle().ItemSpacing.x, ImGui::GetStyle().ScrollbarSize);
  const float side = al.picture, left_w = al.column_w;
  if (!al.stacked) ImGui::BeginChild("left", ImVec2(left_w, 0));
  const cs::Trace& trace = s.trace();
  const bool enlarged = lab.act_layer >= 0 && lab.act_layer < static_cast<int>(trace.size()) && lab.act_channel >= 0 &&
                        trace.tensor(static_cast<size_t>(lab.act_layer)).rank() == 4 &&
                        lab.act_channel < trace.tensor(static_cast<size_t>(lab.act_layer)).dim(1);
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", lab.saliency_mode == 1 ? tr(S::activations_grad_cam) : lab.saliency_mode == 2 ? tr(S::activations_input_gradient) : tr(S::activations_input_28x28));
  input_view(state, s, v, side);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  if (enlarged) {
    ImGui::TextDisabled(tr(S::activations_layer_channel), trace.name(static_cast<size_t>(lab.act_layer)).c_str(), lab.act_channel);
    enlarged_channel(state, s, lab.act_layer, lab.act_channel, side);
  } else {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
    ImGui::TextDisabled("%s", tr(al.stacked ? S::activations_choose_a_channel_below : S::activations_click_a_channel));
    ImGui::PopTextWrapPos();
  }
  ImGui::EndGroup();
  if (enlarged && lab.act_unit_y >= 0) {
    if (lab.rf_valid) {
      const int h = lab.rf_box[2] - lab.rf_box[0] + 1, w = lab.rf_box[3] - lab.rf_box[1] + 1;
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + left_w - 8);
      ImGui::Text(tr(S::activations_unit_reads_input), lab.act_unit_y, lab.act_unit_x,
                  lab.rf_box[0], lab.rf_box[2], lab.rf_box[1], lab.rf_box[3], h, w);
      if (!lab.rf_global_via.empty())
        ImGui::TextDisabled(tr(S::activations_and_through_s),
                            lab.rf_global_via.c_str());
      ImGui::PopTextWrapPos();
    } else {
      ImGui::TextDisabled("%s", lab.rf_error.c_str());
    }
  }
  saliency_controls(state, s);
  // Stacked (a phone), the maps come right after the controls and the parts' table last: the maps
  // are what a student opened the panel for.
  if (!al.stacked) parts_table(s, v);
  ImGui::Checkbox(tr_label(S::activations_show_filters), &lab.act_show_filters);
  record_item_rect(state, "activations.filters");
  if (al.stacked) {
    ImGui::Separator();
  } else {
    ImGui::EndChild();
    ImGui::SameLine();
  }

  // [right, or below] filters or the small multiples of every recorded activation
  if (!al.stacked) ImGui::BeginChild("maps", ImVec2(0, 0), true);
  if (lab.act_show_filters) {
    filters_view(state, s, lab, v, state.ui_scale);
  } else {
    activation_maps(state, s, v, al.thumb);
  }
  if (al.stacked) parts_table(s, v);
  if (!al.stacked) ImGui::EndChild();
  ImGui::End();
}

namespace {

// The small multiples: every recorded activation, its channels' maps of `thumb` px wrapping into rows
// (a click or a tap enlarges one); vectors as one strip.
void activation_maps(AppState& state, LabSession& s, LabView& v, float thumb) {
  DigitLabState& lab = state.lab;
  const cs::Trace& trace = s.trace();
  if (s.predicted() < 0) ImGui::TextDisabled("%s", tr(S::activations_draw_a_digit));
  const float avail = ImGui::GetContentRegionAvail().x;
  for (size_t i = 0; i < trace.size(); ++i) {
    const cs::Tensor& t = trace.tensor(i);
    const std::string& name = trace.name(i);
    if (t.rank() == 4 && t.dim(2) * t.dim(3) > 1) {
      const int C = t.dim(1), H = t.dim(2), W = t.dim(3);
      const float cell = std::max(thumb, static_cast<float>(std::max(H, W)));
      const int cols = std::max(1, std::min(C, static_cast<int>(avail / (cell + 2))));
      if (v.act_grids.size() <= i) v.act_grids.resize(i + 1);
      LabView::Grid& g = v.act_grids[i];
      if (g.revision != s.prediction_revision() || g.cols != cols) {
        pack_grid(t, cols, g.values, g.w, g.h, g.lo, g.hi);
        g.revision = s.prediction_revision();
        g.cols = cols;
      }
      ImGui::Text("%s", name.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s  %.2f..%.2f", t.shape_string().c_str(), g.lo, g.hi);
      const float k = cell / std::max(H, W);
      const ImVec2 q0 = ImGui::GetCursorScreenPos();
      const ImVec2 size(g.w * k, g.h * k);
      ImGui::PushID(static_cast<int>(i));
      ImGui::InvisibleButton("grid", size);
      char id[96];
      std::snprintf(id, sizeof id, "activations.layer.%s", name.c_str());
      record_item_rect(state, id);
      const PointerOnItem pointer = item_pointer();
      const int cx = static_cast<int>((pointer.x - q0.x) / ((W + 1) * k)), cy = static_cast<int>((pointer.y - q0.y) / ((H + 1) * k));
      const int ch = cy * cols + cx;
      if (pointer.shows && cx < cols && ch < C) item_tooltip(tr(S::activations_tip_channel), name.c_str(), ch);
      if (pointer.clicked && cx < cols && ch < C) {
        if (lab.act_layer != static_cast<int>(i)) select_unit(lab, s, static_cast<int>(i), -1, -1);
        lab.act_layer = static_cast<int>(i);
        lab.act_channel = ch;
      }
      ImGui::PopID();
      // Scrolled out of the panel: no field to quantise and upload (each one is, every frame it is drawn).
      const bool visible = ImGui::IsItemVisible();
      char key[32];
      std::snprintf(key, sizeof key, "lab.act.%zu", i);
      if (visible)
        platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, g.w, g.h, g.values.data(), g.lo, g.hi, ColorMap::Viridis,
                                   q0, ImVec2(q0.x + size.x, q0.y + size.y));
      if (lab.act_layer == static_cast<int>(i) && lab.act_channel >= 0 && lab.act_channel < C) {
        const int sx = lab.act_channel % cols, sy = lab.act_channel / cols;
        ImGui::GetWindowDrawList()->AddRect(ImVec2(q0.x + sx * (W + 1) * k - 1, q0.y + sy * (H + 1) * k - 1),
                                            ImVec2(q0.x + (sx * (W + 1) + W) * k + 1, q0.y + (sy * (H + 1) + H) * k + 1),
                                            IM_COL32(255, 170, 0, 255), 0, 0, 2.0f);
      }
    } else if (t.rank() == 2 || (t.rank() == 4 && t.dim(2) * t.dim(3) == 1)) {
      // Vectors (pooled features, excitations, logits) as one strip.
      const int n = static_cast<int>(t.numel());
      const float lo = *std::min_element(t.values().begin(), t.values().end());
      const float hi = *std::max_element(t.values().begin(), t.values().end());
      ImGui::Text("%s", name.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s  %.2f..%.2f", t.shape_string().c_str(), lo, hi);
      const float cw = std::clamp(avail / n, 1.0f, 12.0f * state.ui_scale);
      const ImVec2 q0 = ImGui::GetCursorScreenPos();
      ImGui::Dummy(ImVec2(cw * n, 10));
      if (!ImGui::IsItemVisible()) continue;
      char key[32];
      std::snprintf(key, sizeof key, "lab.act.%zu", i);
      platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, n, 1, t.data(), lo, hi, ColorMap::Viridis, q0,
                                 ImVec2(q0.x + cw * n, q0.y + 10));
    }
  }
}

}  // namespace

}  // namespace cs::app
