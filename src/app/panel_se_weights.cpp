// panel_se_weights.cpp — the "SE weights" panel: for each Squeeze-and-Excitation block, the mean
// excitation of every channel (columns) per digit 0-9 (rows) over the bundled test digits, sortable
// by variance across digits; the current input's excitation as bars over the mean +- spread of its
// predicted digit; hover a channel for its activation map; click to switch it off, or clamp it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app_services.h"
#include "digit_lab_panels.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"

namespace cs::app {

namespace {

// The hovered channel's activation map for the current input: the SE block's scaled output.
void channel_tooltip(LabSession& s, const SeStats& st, int b, int c) {
  ImGui::BeginTooltip();
  ImGui::Text(tr(S::se_weights_channel), st.blocks[b].name.c_str(), c);
  for (int d = 0; d < 10; ++d) ImGui::Text(tr(S::se_weights_digit_mean_sd), d, st.mean(b, d, c), st.stddev(b, d, c));
  const cs::Tensor* t = s.trace().find(st.blocks[b].name + ".scale");
  if (t && t->rank() == 4 && c < t->dim(1)) {
    const int H = t->dim(2), W = t->dim(3);
    const float* v = t->data() + static_cast<size_t>(c) * H * W;
    float lo = *std::min_element(v, v + H * W), hi = *std::max_element(v, v + H * W);
    ImGui::Text(tr(S::se_weights_activation_map_x), H, W, lo, hi);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(112, 112));
    platform_draw_scalar_field(ImGui::GetWindowDrawList(), "lab.se.hover", W, H, v, lo, hi, ColorMap::Viridis, p0,
                               ImVec2(p0.x + 112, p0.y + 112));
  }
  const float o = s.se_override(b, c);
  if (!std::isnan(o)) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), tr(S::se_weights_overridden_excitation_set), o);
  ImGui::TextDisabled("%s", tr(S::se_weights_click_switch_off));
  ImGui::EndTooltip();
}

void legend(const char* key, float vmin, float vmax, float width) {
  float ramp[64];
  for (int i = 0; i < 64; ++i) ramp[i] = vmin + (vmax - vmin) * i / 63.0f;
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(width, 10));
  platform_draw_scalar_field(ImGui::GetWindowDrawList(), key, 64, 1, ramp, vmin, vmax, ColorMap::Viridis, p0,
                             ImVec2(p0.x + width, p0.y + 10));
  ImGui::TextDisabled("%.2f", vmin);
  ImGui::SameLine(std::max(0.0f, width - 24));
  ImGui::TextDisabled("%.2f", vmax);
}

}  // namespace

void draw_se_weights_panel(AppState& state, LabSession& s, LabView& v) {
  DigitLabState& lab = state.lab;
  if (!ImGui::Begin(tr_label(S::se_weights_title), &lab.show_se_weights)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "se-weights");
  if (!s.has_network() || s.se_blocks().empty()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", s.has_network() ? tr(S::se_weights_this_network_has) : s.network_error().c_str());
    ImGui::End();
    return;
  }
  const int nblocks = static_cast<int>(s.se_blocks().size());
  lab.se_block = std::clamp(lab.se_block, 0, nblocks - 1);
  char name[96];
  std::snprintf(name, sizeof name, tr(S::se_weights_block_item), s.se_blocks()[lab.se_block].name.c_str(),
                s.se_blocks()[lab.se_block].se->channels());
  ImGui::SetNextItemWidth(200);
  if (ImGui::BeginCombo(tr_label(S::se_weights_se_block), name)) {
    for (int b = 0; b < nblocks; ++b) {
      std::snprintf(name, sizeof name, tr(S::se_weights_block_item), s.se_blocks()[b].name.c_str(), s.se_blocks()[b].se->channels());
      if (ImGui::Selectable(name, lab.se_block == b)) lab.se_block = b;
    }
    ImGui::EndCombo();
  }
  record_item_rect(state, "se-weights.block");
  ImGui::SameLine();
  ImGui::Checkbox(tr_label(S::se_weights_sort_by_variance), &lab.se_sort_by_variance);
  record_item_rect(state, "se-weights.sort");

  const SeStats& st = s.stats();
  const SeStats& pend = s.pending();
  if (!pend.complete() && pend.total > 0) {
    ImGui::SameLine();
    ImGui::ProgressBar(shown_progress(lab.se_progress, float(pend.done) / pend.total, state.time_s), ImVec2(120, 0));
  }
  if (!st.complete() || st.blocks.size() != s.se_blocks().size()) {
    ImGui::TextDisabled(tr(S::se_weights_measuring_the_excitations), pend.total);
    ImGui::End();
    return;
  }
  const int b = lab.se_block, C = st.blocks[b].channels;
  std::vector<int> order(C);
  for (int c = 0; c < C; ++c) order[c] = c;
  if (lab.se_sort_by_variance) order = st.order_by_variance(b);
  ImGui::TextDisabled(tr(S::se_weights_mean_excitation_per), st.total,
                      st.weights_revision == s.weights_revision() ? tr(S::se_weights_current_weights) : tr(S::se_weights_updating),
                      100.0f * st.correct / std::max(1, st.total), lab.se_sort_by_variance ? tr(S::se_weights_columns_by_variance) : "");
  if (st.sampled()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.35f, 1.0f), tr(S::se_weights_live_sample), st.total, st.population);
    ImGui::PopTextWrapPos();
    record_item_rect(state, "se-weights.live-sample");
  }

  // [heatmap] 10 rows x C columns, one scalar field.
  std::vector<float>& field = v.se_field;
  field.resize(static_cast<size_t>(10) * C);
  float lo = 1e30f, hi = -1e30f;
  for (int d = 0; d < 10; ++d)
    for (int k = 0; k < C; ++k) {
      const float m = st.mean(b, d, order[k]);
      field[d * C + k] = m;
      lo = std::min(lo, m);
      hi = std::max(hi, m);
    }
  const float label_w = 16.0f;
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const float cw = std::max(2.0f, std::min(24.0f, avail / C));
  const float rh = std::clamp((ImGui::GetContentRegionAvail().y - 150) / 10.0f, 8.0f, 16.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 h0 = ImGui::GetCursorScreenPos();
  const ImVec2 m0(h0.x + label_w, h0.y), m1(m0.x + cw * C, m0.y + rh * 10);
  ImGui::InvisibleButton("heatmap", ImVec2(label_w + cw * C, rh * 10));
  record_item_rect(state, "se-weights.heatmap");
  platform_draw_scalar_field(dl, "lab.se.heatmap", C, 10, field.data(), lo, hi, ColorMap::Viridis, m0, m1);
  for (int d = 0; d < 10; ++d) {
    char t[4];
    std::snprintf(t, sizeof t, "%d", d);
    const bool pred = d == s.predicted();
    dl->AddText(ImVec2(h0.x + 2, m0.y + d * rh + (rh - ImGui::GetFontSize()) * 0.5f),
                pred ? IM_COL32(255, 200, 80, 255) : IM_COL32(190, 190, 190, 255), t);
    if (pred) dl->AddRect(ImVec2(m0.x, m0.y + d * rh), ImVec2(m1.x, m0.y + (d + 1) * rh), IM_COL32(255, 170, 0, 255));
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered = -1;
  if (ImGui::IsItemHovered() && mouse.x >= m0.x) hovered = std::min(C - 1, static_cast<int>((mouse.x - m0.x) / cw));

  // [current excitation] bars over the predicted digit's mean +- sd.
  const std::vector<float> cur = s.current_excitation(b);
  const int pd = s.predicted();
  const float bh = 70.0f;
  ImGui::Dummy(ImVec2(0, 2));
  const ImVec2 c0(m0.x, ImGui::GetCursorScreenPos().y);
  ImGui::SetCursorScreenPos(ImVec2(h0.x, c0.y));
  ImGui::InvisibleButton("bars", ImVec2(label_w + cw * C, bh));
  record_item_rect(state, "se-weights.bars");
  const bool bars_hovered = ImGui::IsItemHovered();
  if (bars_hovered && mouse.x >= m0.x) hovered = std::min(C - 1, static_cast<int>((mouse.x - m0.x) / cw));
  if (ImGui::IsItemClicked() && hovered >= 0) {
    const int ch = order[hovered];
    cs::Status err = s.set_se_override(b, ch, std::isnan(s.se_override(b, ch)) ? 0.0f : NAN);
    if (!err) app_notice(state, err.message());
  }
  dl->AddRectFilled(c0, ImVec2(m1.x, c0.y + bh), IM_COL32(30, 30, 36, 255));
  for (int k = 0; k < C; ++k) {
    const int ch = order[k];
    const float x0 = c0.x + k * cw, x1 = x0 + std::max(1.0f, cw - 1);
    auto y = [&](float e) { return c0.y + bh - std::clamp(e, 0.0f, 1.0f) * bh; };
    if (pd >= 0) {
      const float m = st.mean(b, pd, ch), sd = st.stddev(b, pd, ch);
      dl->AddRectFilled(ImVec2(x0, y(m + sd)), ImVec2(x1, y(m - sd)), IM_COL32(120, 120, 140, 120));
      dl->AddLine(ImVec2(x0, y(m)), ImVec2(x1, y(m)), IM_COL32(230, 230, 240, 255), 1.5f);
    }
    if (static_cast<int>(cur.size()) == C)
      dl->AddRectFilled(ImVec2(x0 + cw * 0.25f, y(cur[ch])), ImVec2(x1 - cw * 0.25f, c0.y + bh), IM_COL32(255, 170, 0, 220));
    if (!std::isnan(s.se_override(b, ch))) {
      dl->AddLine(ImVec2(x0, c0.y), ImVec2(x1, c0.y + bh), IM_COL32(255, 80, 60, 255), 2.0f);
      dl->AddLine(ImVec2(x1, c0.y), ImVec2(x0, c0.y + bh), IM_COL32(255, 80, 60, 255), 2.0f);
    }
  }
  if (hovered >= 0) {
    dl->AddRect(ImVec2(m0.x + hovered * cw, m0.y), ImVec2(m0.x + (hovered + 1) * cw, c0.y + bh), IM_COL32(255, 255, 255, 200));
    channel_tooltip(s, st, b, order[hovered]);
    lab.se_hover_channel = order[hovered];
  }
  // No digit predicted yet (nothing drawn or picked): there is no band, and no "digit -1" to name.
  if (pd >= 0) ImGui::TextDisabled(tr(S::se_weights_orange_this_input), pd);
  else ImGui::TextDisabled("%s", tr(S::se_weights_orange_no_digit));
  record_item_rect(state, "se-weights.band-legend");
  legend("lab.se.legend", lo, hi, std::min(220.0f, cw * C));
  // Clamp: the selected (last hovered) channel to a value.
  if (lab.se_hover_channel >= 0 && lab.se_hover_channel < C) {
    const int ch = lab.se_hover_channel;
    float val = std::isnan(s.se_override(b, ch)) ? (static_cast<int>(cur.size()) == C ? cur[ch] : 0.5f) : s.se_override(b, ch);
    ImGui::SetNextItemWidth(160);
    const std::string label = cs::fmt(tr(S::se_weights_clamp_channel), ch) + "###clamp";
    if (ImGui::SliderFloat(label.c_str(), &val, 0.0f, 1.0f, "%.2f")) (void)s.set_se_override(b, ch, val);
    record_item_rect(state, "se-weights.clamp");
    ImGui::SameLine();
    if (ImGui::SmallButton(tr_label(S::se_weights_release_all))) s.clear_se_overrides();
    record_item_rect(state, "se-weights.release");
  }
  ImGui::End();
}

}  // namespace cs::app
