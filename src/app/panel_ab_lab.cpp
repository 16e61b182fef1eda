// panel_ab_lab.cpp — the side-by-side training lab (panel id "ab-lab"): pick an experiment or set
// each side, play / step / start again, and watch both networks learn on one time axis: loss and
// accuracy curves, a strip of every conv layer's gradient size over the steps, and what each layer
// outputs now. The numbers are the engine's (PairedTraining); this file lays them out.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ab_lab_model.h"
#include "app_services.h"
#include "blocks_panels.h"
#include "colormap.h"
#include "digit_lab_model.h"
#include "imgui.h"
#include "item_hover.h"
#include "touch_ui.h"

namespace cs::app {

namespace {

const ImVec4 kSideColor[2] = {ImVec4(0.98f, 0.62f, 0.22f, 1.0f), ImVec4(0.35f, 0.72f, 1.0f, 1.0f)};

ImU32 side_u32(int i) { return ImGui::GetColorU32(kSideColor[i]); }

// The training digits, fetched on first need (the page keeps them out of its first load); null
// while they are on their way or when they could not be had (s.error then says which).
const cs::DigitSet* training_digits(AppState& state) {
  app_lab_assets(state, 1);
  std::shared_ptr<const DigitBundle> digits = app_bundled_digits(state);
  if (digits && app_training_digits(state, 0)) return &state.bundled_digits->train;
  return nullptr;
}

// Both sides' curves on one pair of axes, each decimated to the pixels it has.
void draw_two_curves(AppState& state, const char* item, const char* title, const std::vector<float>* curves[2],
                     float y_max, int smooth) {
  ImGui::TextWrapped("%s", title);
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = std::max(ImGui::GetFontSize() * 5.0f, std::min(w * 0.35f, ImGui::GetFontSize() * 8.0f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, h));
  record_item_rect(state, item);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg));
  size_t n = 1;
  for (int i = 0; i < 2; ++i) n = std::max(n, curves[i]->size());
  for (int g = 1; g < 4; ++g) {
    const float y = p0.y + h * g / 4.0f;
    dl->AddLine(ImVec2(p0.x, y), ImVec2(p0.x + w, y), ImGui::GetColorU32(ImGuiCol_Border));
  }
  char label[64];
  std::snprintf(label, sizeof label, "%.2g", static_cast<double>(y_max));
  dl->AddText(ImVec2(p0.x + 2, p0.y + 1), ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
  dl->AddText(ImVec2(p0.x + 2, p0.y + h - ImGui::GetFontSize() - 1), ImGui::GetColorU32(ImGuiCol_TextDisabled), "0");
  // The legend (top right) and the time axis's end (bottom right).
  const float fs = ImGui::GetFontSize();
  float x_right = p0.x + w - 4;
  for (int i = 1; i >= 0; --i) {
    const char* name = tr(i == 0 ? S::ab_side_left : S::ab_side_right);
    x_right -= ImGui::CalcTextSize(name).x;
    dl->AddText(ImVec2(x_right, p0.y + 1), side_u32(i), name);
    x_right -= fs * 0.8f;
  }
  if (n > 1) {
    std::snprintf(label, sizeof label, tr(S::ab_axis_steps), static_cast<long long>(n));
    dl->AddText(ImVec2(p0.x + w - ImGui::CalcTextSize(label).x - 4, p0.y + h - fs - 1),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
  }
  const int points = std::max(2, static_cast<int>(w / 2));
  std::vector<ImVec2> line;
  for (int i = 0; i < 2; ++i) {
    const std::vector<float>& c = *curves[i];
    if (c.empty()) continue;
    line.clear();
    const size_t stride = std::max<size_t>(1, c.size() / points);
    for (size_t k = 0; k < c.size(); k += stride) {
      // The mean of the last `smooth` steps up to k (a batch of 32 is a noisy measure alone).
      double sum = 0;
      int m = 0;
      for (size_t q = k + 1 > static_cast<size_t>(smooth) ? k + 1 - smooth : 0; q <= k; ++q, ++m) sum += c[q];
      const float v = std::min(y_max, static_cast<float>(sum / std::max(1, m)));
      const float x = p0.x + w * (n > 1 ? static_cast<float>(k) / (n - 1) : 0.0f);
      line.push_back(ImVec2(x, p0.y + h - h * std::max(0.0f, v) / y_max));
    }
    if (line.size() == 1) dl->AddCircleFilled(line[0], 3.0f, side_u32(i));
    else dl->AddPolyline(line.data(), static_cast<int>(line.size()), side_u32(i), 0, 2.0f);
  }
}

// Rows: conv layers (the input's first); columns: steps (binned to the pixels there are).
void draw_gradient_strip(AppState& state, int side, const cs::TrainingHistory& h) {
  const int rows = static_cast<int>(h.grad_norm.size());
  if (rows == 0 || h.grad_norm[0].empty()) return;
  const float w = ImGui::GetContentRegionAvail().x;
  const float cell_h = std::clamp(ImGui::GetFontSize() * 6.0f / rows, 3.0f, ImGui::GetFontSize() * 0.6f);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, cell_h * rows));
  record_item_rect(state, side == 0 ? "ab-lab.gradients.left" : "ab-lab.gradients.right");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const size_t steps = h.grad_norm[0].size();
  const int cols = static_cast<int>(std::min<size_t>(steps, static_cast<size_t>(std::max(1.0f, w / 2))));
  const float cell_w = w / std::max(cols, 1);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const size_t a = steps * c / cols, b = std::max(a + 1, steps * (c + 1) / cols);
      double sum = 0;
      for (size_t k = a; k < b; ++k) sum += h.grad_norm[r][k];
      const double g = sum / (b - a);
      const float t = g > 0 ? static_cast<float>((std::log10(g) + 12.0) / 12.0) : 0.0f;
      const Rgb8 rgb = colormap_rgb(ColorMap::Viridis, t);
      dl->AddRectFilled(ImVec2(p0.x + c * cell_w, p0.y + r * cell_h), ImVec2(p0.x + (c + 1) * cell_w, p0.y + (r + 1) * cell_h),
                        IM_COL32(rgb.r, rgb.g, rgb.b, 255));
    }
  // The cell under the pointer (or a resting finger), in numbers: which layer, which steps, how big.
  if (item_hover_shows()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int r = std::clamp(static_cast<int>((m.y - p0.y) / cell_h), 0, rows - 1);
    const int c = std::clamp(static_cast<int>((m.x - p0.x) / cell_w), 0, cols - 1);
    const size_t a = steps * c / cols, b = std::max(a + 1, steps * (c + 1) / cols);
    double sum = 0;
    for (size_t k = a; k < b; ++k) sum += h.grad_norm[r][k];
    if (b - a == 1)
      item_tooltip(tr(S::ab_grad_cell), r + 1, h.layer_names[r].c_str(), static_cast<long long>(a + 1), sum);
    else
      item_tooltip(tr(S::ab_grad_cells), r + 1, h.layer_names[r].c_str(), static_cast<long long>(a + 1),
                   static_cast<long long>(b), sum / (b - a));
  }
  ImGui::TextDisabled(tr(S::ab_grad_now), static_cast<double>(h.grad_norm.front().back()),
                      static_cast<double>(h.grad_norm.back().back()));
}

void draw_activation_table(int side, const cs::TrainingHistory& h) {
  if (h.activation.empty() || h.loss.empty()) return;
  char id[32];
  std::snprintf(id, sizeof id, "ab-act-%d", side);
  if (!ImGui::BeginTable(id, 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn(tr(S::ab_col_layer));
  ImGui::TableSetupColumn(tr(S::ab_col_mean));
  ImGui::TableSetupColumn(tr(S::ab_col_std));
  ImGui::TableSetupColumn(tr(S::ab_col_zeros));
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < h.activation.size(); ++i) {
    const cs::LayerActivation& a = h.activation[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", i + 1);
    ImGui::TableNextColumn();
    ImGui::Text("%.3g", static_cast<double>(a.mean));
    ImGui::TableNextColumn();
    ImGui::Text("%.3g", static_cast<double>(a.std));
    ImGui::TableNextColumn();
    ImGui::Text("%.0f%%", 100.0 * a.zero_fraction);
  }
  ImGui::EndTable();
}

// One side's settings; true when one changed (the run then starts again). A setting that differs
// from the other side's is written in this side's colour: that is what the experiment compares.
bool draw_side_settings(AppState& state, int side, cs::TrainingSideConfig& c, const cs::TrainingSideConfig& other) {
  const std::string p = side == 0 ? "ab-lab.left." : "ab-lab.right.";
  const float width = std::min(ImGui::GetContentRegionAvail().x * 0.55f, ImGui::GetFontSize() * 12);
  bool changed = false;
  bool coloured = false;
  auto differs = [&](bool d) {
    if (d) ImGui::PushStyleColor(ImGuiCol_Text, kSideColor[side]);
    coloured = d;
  };
  auto item = [&](const char* name) {
    if (coloured) ImGui::PopStyleColor();
    coloured = false;
    record_item_rect(state, (p + name).c_str());
  };
  ImGui::SetNextItemWidth(width);
  differs(c.net.depth != other.net.depth);
  changed |= ImGui::SliderInt(tr_label(S::ab_depth), &c.net.depth, cs::kCnnMinDepth, cs::kCnnMaxDepth);
  item("depth");
  ImGui::SetNextItemWidth(width);
  differs(c.net.width != other.net.width);
  changed |= ImGui::SliderInt(tr_label(S::ab_width), &c.net.width, 1, 32);
  item("width");
  differs(c.net.batch_norm != other.net.batch_norm);
  changed |= ImGui::Checkbox(tr_label(S::ab_batch_norm), &c.net.batch_norm);
  item("batch_norm");
  differs(c.net.residual != other.net.residual);
  changed |= ImGui::Checkbox(tr_label(S::ab_residual), &c.net.residual);
  item("residual");
  differs(c.net.squeeze_excite != other.net.squeeze_excite);
  changed |= ImGui::Checkbox(tr_label(S::ab_se), &c.net.squeeze_excite);
  item("se");
  static const cs::Activation kActs[] = {cs::Activation::ReLU, cs::Activation::GELU, cs::Activation::SiLU,
                                         cs::Activation::Sigmoid};
  ImGui::SetNextItemWidth(width);
  differs(c.net.activation != other.net.activation);
  if (ImGui::BeginCombo(tr_label(S::ab_activation), cs::activation_name(c.net.activation))) {
    for (cs::Activation a : kActs)
      if (ImGui::Selectable(cs::activation_name(a), a == c.net.activation) && a != c.net.activation) {
        c.net.activation = a;
        changed = true;
      }
    ImGui::EndCombo();
  }
  item("activation");
  ImGui::SetNextItemWidth(width);
  differs(c.net.init_scale != other.net.init_scale);
  changed |= ImGui::SliderFloat(tr_label(S::ab_init_scale), &c.net.init_scale, 0.1f, 10.0f, "%.2f",
                                ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  item("init_scale");
  ImGui::SetNextItemWidth(width);
  differs(c.learning_rate != other.learning_rate);
  changed |= ImGui::SliderFloat(tr_label(S::ab_learning_rate), &c.learning_rate, 0.0001f, 5.0f, "%.4g",
                                ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  item("learning_rate");
  static const S kOptNames[] = {S::ab_opt_sgd, S::ab_opt_momentum, S::ab_opt_adam};
  static const cs::OptimizerKind kOpts[] = {cs::OptimizerKind::SGD, cs::OptimizerKind::Momentum, cs::OptimizerKind::Adam};
  ImGui::SetNextItemWidth(width);
  differs(c.optimizer != other.optimizer);
  if (ImGui::BeginCombo(tr_label(S::ab_optimizer), tr(kOptNames[static_cast<int>(c.optimizer)]))) {
    for (int k = 0; k < 3; ++k)
      if (ImGui::Selectable(tr(kOptNames[k]), kOpts[k] == c.optimizer) && kOpts[k] != c.optimizer) {
        c.optimizer = kOpts[k];
        changed = true;
      }
    ImGui::EndCombo();
  }
  item("optimizer");
  return changed;
}

void draw_side(AppState& state, int side) {
  AbLabState& s = state.ab_lab;
  ImGui::PushID(side);
  ImGui::PushStyleColor(ImGuiCol_Text, kSideColor[side]);
  ImGui::TextUnformatted(tr(side == 0 ? S::ab_side_left : S::ab_side_right));
  ImGui::PopStyleColor();
  const cs::TrainingSide* run = s.run ? &s.run->side(side) : nullptr;
  const cs::TrainingHistory* h = run ? &run->history() : nullptr;
  if (h && h->diverged_at > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.5f, 0.4f, 1.0f));
    ImGui::TextWrapped(tr(S::ab_diverged), h->diverged_at);
    ImGui::PopStyleColor();
  } else if (h && !h->error.empty()) {
    ImGui::TextWrapped(tr(S::ab_stopped), h->error.c_str());
  } else if (h && !h->loss.empty()) {
    ImGui::Text(tr(S::ab_now), static_cast<long long>(h->loss.size()), static_cast<double>(h->loss.back()),
                100.0 * h->accuracy.back());
  } else {
    ImGui::TextDisabled("%s", tr(S::ab_not_started));
  }
  if (h) draw_gradient_strip(state, side, *h);
  char header[96];
  std::snprintf(header, sizeof header, tr(S::ab_settings), tr(side == 0 ? S::ab_side_left : S::ab_side_right));
  ImGui::SetNextItemOpen(true, ImGuiCond_Once);
  const bool open = ImGui::CollapsingHeader((std::string(header) + "###settings").c_str());
  record_item_rect(state, side == 0 ? "ab-lab.left.settings" : "ab-lab.right.settings");
  if (open && draw_side_settings(state, side, side == 0 ? s.left : s.right, side == 0 ? s.right : s.left)) {
    s.preset.clear();
    ab_lab_forget_run(s);
  }
  if (h && !h->loss.empty()) {
    ImGui::SetNextItemOpen(!touch_layout_active(state), ImGuiCond_Once);
    if (ImGui::CollapsingHeader((std::string(tr(S::ab_act_title)) + "###act").c_str())) draw_activation_table(side, *h);
    record_item_rect(state, side == 0 ? "ab-lab.left.activations" : "ab-lab.right.activations");
  }
  ImGui::PopID();
}

void draw_transport(AppState& state) {
  AbLabState& s = state.ab_lab;
  if (ImGui::Button(tr_label(s.running ? S::ab_pause : S::ab_play))) s.running = !s.running;
  record_item_rect(state, "ab-lab.play");
  ImGui::SameLine();
  if (ImGui::Button(tr_label(S::ab_one_step))) ab_lab_request_one_step(s);
  record_item_rect(state, "ab-lab.step");
  ImGui::SameLine();
  if (ImGui::Button(tr_label(S::ab_reset))) ab_lab_forget_run(s);
  record_item_rect(state, "ab-lab.reset");
  static const int kSpeeds[] = {0, 1, 2, 5, 10, 20};
  char shown[64];
  auto speed_text = [&](int v) {
    if (v == 0) std::snprintf(shown, sizeof shown, "%s", tr(S::ab_speed_max));
    else std::snprintf(shown, sizeof shown, tr(S::ab_speed_n), v);
    return shown;
  };
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x * 0.6f, ImGui::GetFontSize() * 12));
  if (ImGui::BeginCombo(tr_label(S::ab_speed), speed_text(s.speed))) {
    for (int v : kSpeeds)
      if (ImGui::Selectable(speed_text(v), v == s.speed)) s.speed = v;
    ImGui::EndCombo();
  }
  record_item_rect(state, "ab-lab.speed");
  ImGui::Text(tr(S::ab_step_counter), s.run ? s.run->steps() : 0LL, cs::PairedTraining::kMaxSteps, s.batch_size);
}

}  // namespace

void ab_lab_frame(AppState& state) {
  AbLabState& s = state.ab_lab;
  if (!s.running) return;
  const cs::DigitSet* digits = training_digits(state);
  if (!digits) {
    if (!state.training_digits_error.empty()) {
      s.error = cs::fmt(tr(S::ab_digits_failed), state.training_digits_error.c_str());
      s.running = false;
    }
    return;
  }
  ab_lab_tick(s, *digits, ImGui::GetIO().DeltaTime, lab_clock_ms);
}

void draw_ab_lab_panel(AppState& state) {
  AbLabState& s = state.ab_lab;
  if (!ImGui::Begin(tr_label(S::ab_title), &s.show)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "ab-lab");
  ImGui::TextWrapped("%s", tr(S::ab_intro));
  const AbLabPreset* preset = find_ab_lab_preset(s.preset);
  // On a narrow screen the label goes above and the experiment's name gets the whole width.
  const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 30;
  if (narrow) ImGui::TextUnformatted(tr(S::ab_preset));
  ImGui::SetNextItemWidth(narrow ? -1.0f : std::min(ImGui::GetContentRegionAvail().x * 0.7f, ImGui::GetFontSize() * 26));
  if (ImGui::BeginCombo(narrow ? "##preset" : tr_label(S::ab_preset), preset ? tr(preset->title) : tr(S::ab_preset_custom))) {
    for (const AbLabPreset& p : ab_lab_presets())
      if (ImGui::Selectable(tr(p.title), &p == preset)) ab_lab_apply_preset(s, p.id);
    ImGui::EndCombo();
  }
  record_item_rect(state, "ab-lab.preset");
  if (preset) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("%s", tr(preset->look_for));
    ImGui::PopStyleColor();
  }
  draw_transport(state);
  if (s.running && !s.run && state.training_digits_error.empty()) ImGui::TextDisabled("%s", tr(S::ab_digits_loading));
  if (!s.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.55f, 0.45f, 1.0f));
    ImGui::TextWrapped(tr(S::ab_refused), s.error.c_str());
    ImGui::PopStyleColor();
  }
  if (ab_lab_same_settings(s)) {
    ImGui::TextWrapped("%s", tr(ab_lab_same_histories(s) ? S::ab_same_yes : S::ab_same_no));
  } else {
    std::string list;
    for (S name : ab_lab_differences(s)) list += (list.empty() ? "" : ", ") + std::string(tr(name));
    ImGui::TextWrapped(tr(S::ab_differ), list.c_str());
  }
  ImGui::Separator();
  const std::vector<float> none;
  const std::vector<float>* loss[2] = {&none, &none};
  const std::vector<float>* accuracy[2] = {&none, &none};
  if (s.run)
    for (int i = 0; i < 2; ++i) {
      loss[i] = &s.run->side(i).history().loss;
      accuracy[i] = &s.run->side(i).history().accuracy;
    }
  // Loss and accuracy side by side where there is room for both, one above the other elsewhere.
  if (ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 40 &&
      ImGui::BeginTable("ab-curves", 2, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    draw_two_curves(state, "ab-lab.loss", tr(S::ab_loss_title), loss, 3.0f, 1);
    ImGui::TableNextColumn();
    draw_two_curves(state, "ab-lab.accuracy", tr(S::ab_accuracy_title), accuracy, 1.0f, 10);
    ImGui::EndTable();
  } else {
    draw_two_curves(state, "ab-lab.loss", tr(S::ab_loss_title), loss, 3.0f, 1);
    draw_two_curves(state, "ab-lab.accuracy", tr(S::ab_accuracy_title), accuracy, 1.0f, 10);
  }
  ImGui::Separator();
  ImGui::TextWrapped("%s", tr(S::ab_grad_title));
  // Side by side where both fit (about 24 characters each), one above the other on a phone.
  if (ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 48 &&
      ImGui::BeginTable("ab-sides", 2, ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableNextColumn();
    draw_side(state, 0);
    ImGui::TableNextColumn();
    draw_side(state, 1);
    ImGui::EndTable();
  } else {
    draw_side(state, 0);
    ImGui::Separator();
    draw_side(state, 1);
  }
  ImGui::End();
}

void ab_lab_state_json(const AppState& state, nlohmann::json& out) { ab_lab_state_json(state.ab_lab, out); }

std::string ab_lab_set_state(AppState& next, const nlohmann::json& partial) {
  if (!partial.contains("ab_lab")) return "";
  return ab_lab_apply_json(next.ab_lab, partial["ab_lab"]);
}

}  // namespace cs::app
