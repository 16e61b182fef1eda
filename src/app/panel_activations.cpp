// panel_activations.cpp — the "Inside the network" panel: every recorded activation of DigitNet for
// the current input as small multiples (one heatmap per channel, viridis, with its range), shapes and
// parameter counts per part, a channel enlarged with its values on click, each convolution's filters
// (diverging map), and input-gradient saliency overlaid on the input. Reads LabSession's Trace.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "digit_lab_panels.h"
#include "engine/nn/layers.h"
#include "engine/nn/mbconv.h"
#include "engine/nn/residual.h"
#include "engine/nn/sequential.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"

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

// Conv2d layers with their Trace-style path (same walk as the SE blocks).
void collect_convs(cs::Layer& layer, const std::string& path, std::vector<std::pair<std::string, cs::Conv2d*>>& out) {
  auto join = [&](const std::string& l) { return path.empty() ? l : l.empty() ? path : path + "." + l; };
  if (auto* c = dynamic_cast<cs::Conv2d*>(&layer)) out.push_back({path, c});
  else if (auto* s = dynamic_cast<cs::Sequential*>(&layer))
    for (size_t i = 0; i < s->size(); ++i) collect_convs(s->child(i), join(s->label(i)), out);
  else if (auto* m = dynamic_cast<cs::MBConv*>(&layer)) collect_convs(m->block(), path, out);
  else if (auto* r = dynamic_cast<cs::Residual*>(&layer)) collect_convs(r->body(), join("body"), out);
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

void enlarged_channel(const cs::Tensor& t, const std::string& name, int c) {
  const int H = t.dim(2), W = t.dim(3);
  const float* v = t.data() + static_cast<size_t>(c) * H * W;
  const float lo = *std::min_element(v, v + H * W), hi = *std::max_element(v, v + H * W);
  ImGui::Text("%s, channel %d (%dx%d), %.3f..%.3f", name.c_str(), c, H, W, lo, hi);
  const float side = std::min(220.0f, ImGui::GetContentRegionAvail().x);
  const float cell = side / std::max(H, W);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("big", ImVec2(cell * W, cell * H));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  platform_draw_scalar_field(dl, "lab.act.big", W, H, v, lo, hi, ColorMap::Viridis, p0, ImVec2(p0.x + cell * W, p0.y + cell * H));
  // Values printed in the cells when they are large enough to read.
  if (cell >= 26.0f) {
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        char s[16];
        std::snprintf(s, sizeof s, "%.2f", v[y * W + x]);
        const float tt = hi > lo ? (v[y * W + x] - lo) / (hi - lo) : 0.5f;
        dl->AddText(ImVec2(p0.x + x * cell + 2, p0.y + y * cell + cell * 0.5f - 6),
                    tt > 0.6f ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), s);
      }
  }
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int x = std::clamp(static_cast<int>((m.x - p0.x) / cell), 0, W - 1);
    const int y = std::clamp(static_cast<int>((m.y - p0.y) / cell), 0, H - 1);
    ImGui::SetTooltip("(%d, %d) = %.4f", y, x, v[y * W + x]);
  }
}

void filters_view(LabSession& s, DigitLabState& lab, LabView& v) {
  std::vector<std::pair<std::string, cs::Conv2d*>> convs;
  collect_convs(s.model()->root(), "", convs);
  if (convs.empty()) return;
  lab.act_filter_layer = std::clamp(lab.act_filter_layer, 0, static_cast<int>(convs.size()) - 1);
  const auto& [name, conv] = convs[lab.act_filter_layer];
  ImGui::SetNextItemWidth(220);
  if (ImGui::BeginCombo("convolution", name.c_str())) {
    for (int i = 0; i < static_cast<int>(convs.size()); ++i)
      if (ImGui::Selectable(convs[i].first.c_str(), i == lab.act_filter_layer)) lab.act_filter_layer = i;
    ImGui::EndCombo();
  }
  const cs::Tensor& w = conv->weight;  // (OC, IC/groups, KH, KW)
  const int OC = w.dim(0), IC = w.dim(1), KH = w.dim(2), KW = w.dim(3);
  ImGui::TextDisabled("%s  weight %s, %lld parameters", conv->describe().c_str(), w.shape_string().c_str(),
                      static_cast<long long>(w.numel() + conv->bias.numel()));
  // Rows: output channels (up to 32), columns: input channels (up to 16); diverging, symmetric range.
  const int rows = std::min(OC, 32), cols = std::min(IC, 16);
  float m = 1e-12f;
  for (float x : w.values()) m = std::max(m, std::fabs(x));
  const int gw = cols * (KW + 1) - 1, gh = rows * (KH + 1) - 1;
  v.filter_field.assign(static_cast<size_t>(gw) * gh, 0.0f);
  for (int o = 0; o < rows; ++o)
    for (int i = 0; i < cols; ++i)
      for (int y = 0; y < KH; ++y)
        for (int x = 0; x < KW; ++x)
          v.filter_field[static_cast<size_t>(o * (KH + 1) + y) * gw + i * (KW + 1) + x] = w.at(o, i, y, x);
  const float scale = std::clamp(std::min(ImGui::GetContentRegionAvail().x / gw, 360.0f / gh), 1.0f, 10.0f);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(gw * scale, gh * scale));
  platform_draw_scalar_field(ImGui::GetWindowDrawList(), "lab.act.filters", gw, gh, v.filter_field.data(), -m, m,
                             ColorMap::Diverging, p0, ImVec2(p0.x + gw * scale, p0.y + gh * scale));
  ImGui::TextDisabled("rows: output channels%s, columns: input channels%s; blue -%.3f .. white 0 .. red +%.3f",
                      OC > rows ? " (first 32)" : "", IC > cols ? " (first 16)" : "", m, m);
}

}  // namespace

void draw_activations_panel(AppState& state, LabSession& s, LabView& v) {
  DigitLabState& lab = state.lab;
  if (!ImGui::Begin("Inside the network###activations", &lab.show_activations)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "activations");
  if (!s.has_network()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "No network: %s", s.network_error().c_str());
    ImGui::End();
    return;
  }
  // [left column] input with saliency, parts with parameter counts, enlarged channel
  ImGui::BeginChild("left", ImVec2(240, 0));
  ImGui::TextDisabled("input 28x28");
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float side = 112.0f;
  ImGui::Dummy(ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  platform_draw_scalar_field(dl, "lab.act.input", kDigitSide, kDigitSide, s.input28().data(), 0.0f, 1.0f, ColorMap::Grey,
                             p0, ImVec2(p0.x + side, p0.y + side));
  ImGui::RadioButton("off", &lab.saliency_mode, 0);
  ImGui::SameLine();
  ImGui::RadioButton("input gradient", &lab.saliency_mode, 2);
  record_item_rect(state, "activations.saliency");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Saliency: |d logit / d input| from DigitNet's backward pass.");
  if (lab.saliency_mode == 2) {
    ImGui::SetNextItemWidth(120);
    ImGui::SliderInt("class", &lab.saliency_class, -1, 9, lab.saliency_class < 0 ? "predicted" : "%d");
  }
  if (lab.saliency_mode == 2 && s.predicted() >= 0) {
    const int cls = lab.saliency_class >= 0 ? lab.saliency_class : s.predicted();
    // Recomputed only when the prediction or the chosen class changes.
    if (v.saliency_revision != s.prediction_revision() || v.saliency_for != cls) {
      cs::Status st = s.input_gradient(cls, v.saliency);
      if (!st) v.saliency.clear();
      v.saliency_revision = s.prediction_revision();
      v.saliency_for = cls;
    }
    if (v.saliency.size() == static_cast<size_t>(kDigitPixels)) {
      const float hi = *std::max_element(v.saliency.begin(), v.saliency.end());
      const ImVec2 q0(p0.x, p0.y + side + 4);
      ImGui::TextDisabled("|d logit %d / d input|, max %.3g", cls, hi);
      const ImVec2 q(ImGui::GetCursorScreenPos());
      ImGui::Dummy(ImVec2(side, side));
      platform_draw_scalar_field(dl, "lab.act.saliency", kDigitSide, kDigitSide, v.saliency.data(), 0.0f, hi,
                                 ColorMap::Viridis, q, ImVec2(q.x + side, q.y + side));
      // Overlay: the input's ink outlined on top of the saliency map.
      const float k = side / kDigitSide;
      for (int y = 0; y < kDigitSide; ++y)
        for (int x = 0; x < kDigitSide; ++x)
          if (s.input28()[y * kDigitSide + x] > 0.5f)
            dl->AddRect(ImVec2(q.x + x * k, q.y + y * k), ImVec2(q.x + (x + 1) * k, q.y + (y + 1) * k), IM_COL32(255, 255, 255, 70));
      (void)q0;
    }
  }
  ImGui::Separator();
  ImGui::TextDisabled("DigitNet: %lld parameters", static_cast<long long>(s.parameter_count()));
  cs::Sequential& root = s.model()->root();
  if (ImGui::BeginTable("parts", 3, ImGuiTableFlags_SizingFixedFit)) {
    auto row = [&](const std::string& name, cs::Layer& l) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", l.type());
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(count_params(l)));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", l.describe().c_str());
    };
    for (size_t i = 0; i < root.size(); ++i) {
      auto* seq = dynamic_cast<cs::Sequential*>(&root.child(i));
      if (seq && root.label(i).empty())  // transparent container: list its blocks
        for (size_t j = 0; j < seq->size(); ++j) row(seq->label(j), seq->child(j));
      else row(root.label(i), root.child(i));
    }
    ImGui::EndTable();
  }
  ImGui::Checkbox("show filters", &lab.act_show_filters);
  record_item_rect(state, "activations.filters");
  const cs::Trace& tr = s.trace();
  if (lab.act_layer >= 0 && lab.act_layer < static_cast<int>(tr.size()) && lab.act_channel >= 0) {
    const cs::Tensor& t = tr.tensor(lab.act_layer);
    if (t.rank() == 4 && lab.act_channel < t.dim(1)) {
      ImGui::Separator();
      enlarged_channel(t, tr.name(lab.act_layer), lab.act_channel);
    }
  }
  ImGui::EndChild();
  ImGui::SameLine();

  // [right] filters or the small multiples of every recorded activation
  ImGui::BeginChild("maps", ImVec2(0, 0), true);
  if (lab.act_show_filters) {
    filters_view(s, lab, v);
    ImGui::EndChild();
    ImGui::End();
    return;
  }
  if (s.predicted() < 0) ImGui::TextDisabled("Draw a digit or pick one from the gallery.");
  const float thumb = 30.0f;
  const float avail = ImGui::GetContentRegionAvail().x;
  for (size_t i = 0; i < tr.size(); ++i) {
    const cs::Tensor& t = tr.tensor(i);
    const std::string& name = tr.name(i);
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
      const ImVec2 m = ImGui::GetIO().MousePos;
      const int cx = static_cast<int>((m.x - q0.x) / ((W + 1) * k)), cy = static_cast<int>((m.y - q0.y) / ((H + 1) * k));
      const int ch = cy * cols + cx;
      if (ImGui::IsItemHovered() && cx < cols && ch < C) ImGui::SetTooltip("%s channel %d", name.c_str(), ch);
      if (ImGui::IsItemClicked() && cx < cols && ch < C) {
        lab.act_layer = static_cast<int>(i);
        lab.act_channel = ch;
      }
      ImGui::PopID();
      char key[32];
      std::snprintf(key, sizeof key, "lab.act.%zu", i);
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
      const float cw = std::clamp(avail / n, 1.0f, 12.0f);
      const ImVec2 q0 = ImGui::GetCursorScreenPos();
      ImGui::Dummy(ImVec2(cw * n, 10));
      char key[32];
      std::snprintf(key, sizeof key, "lab.act.%zu", i);
      platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, n, 1, t.data(), lo, hi, ColorMap::Viridis, q0,
                                 ImVec2(q0.x + cw * n, q0.y + 10));
    }
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace cs::app
