// panel_prediction.cpp — the "Prediction" panel: DigitNet's ten class probabilities as bars, the
// answer in large type, the label when the input is a gallery digit, and the time of one inference.
// Below them, which weights the network holds (shipped, an opened file, a random start) with a way
// back to the shipped ones. Reads LabSession (probabilities from the engine's softmax).
#include <algorithm>
#include <cstdio>

#include "digit_lab_panels.h"
#include "imgui.h"
#include "panels.h"

namespace cs::app {

namespace {

// "Weights: shipped (digitnet.safetensors)" / "Weights: mine.safetensors (opened)" / "a random start",
// with the training steps taken since; a button back to the shipped weights when they are not in use.
void weights_line(AppState& state, LabSession& s) {
  std::string text;
  switch (s.weights_source()) {
    case LabSession::WeightsSource::Shipped: text = cs::fmt(tr(S::prediction_weights_shipped), s.weights_name().c_str()); break;
    case LabSession::WeightsSource::File: text = cs::fmt(tr(S::prediction_weights_file), s.weights_name().c_str()); break;
    case LabSession::WeightsSource::Scratch: text = tr(S::prediction_weights_scratch); break;
  }
  if (s.steps_since_weights() > 0) text += cs::fmt(tr(S::prediction_weights_trained), s.steps_since_weights());
  const bool shipped = s.weights_source() == LabSession::WeightsSource::Shipped && s.steps_since_weights() == 0;
  if (!shipped && s.has_shipped_weights()) {
    if (ImGui::SmallButton(tr_label(S::prediction_use_shipped))) state.lab.request_reset_weights = true;
    record_item_rect(state, "prediction.use-shipped");
    ImGui::SameLine();
  }
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("%s", text.c_str());
  ImGui::PopTextWrapPos();
  record_item_rect(state, "prediction.weights");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(S::prediction_tip_open_weights));
  // The status line cuts a long notice off: the last refusal stays readable here until the next file.
  if (!state.lab.weights_refused.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.4f, 1.0f), tr(S::prediction_weights_refused), state.lab.weights_refused.c_str());
    ImGui::PopTextWrapPos();
    record_item_rect(state, "prediction.weights-refused");
  }
}

}  // namespace

void draw_prediction_panel(AppState& state, LabSession& s, LabView& v) {
  (void)v;
  DigitLabState& lab = state.lab;
  if (!ImGui::Begin(tr_label(S::prediction_title), &lab.show_prediction)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "prediction");
  if (!s.has_network()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), tr(S::prediction_no_network), s.network_error().c_str());
    ImGui::End();
    return;
  }
  weights_line(state, s);  // first: which network answers is part of the answer
  // Inference time in the top-right corner.
  char timing[96];
  std::snprintf(timing, sizeof timing, tr(S::prediction_inference_ms), s.inference_ms());
  const float tw = ImGui::CalcTextSize(timing).x;
  const ImVec2 cursor = ImGui::GetCursorPos();
  ImGui::SetCursorPos(ImVec2(ImGui::GetWindowContentRegionMax().x - tw, cursor.y));
  ImGui::TextDisabled("%s", timing);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(tr(S::prediction_tip_one_forward_pass), s.prepare_ms());
  ImGui::SetCursorPos(cursor);

  const std::vector<float>& p = s.probabilities();
  const int best = s.predicted();
  if (best < 0 || p.size() != 10) {
    ImGui::TextDisabled("%s", s.has_input() ? tr(S::prediction_computing) : tr(S::prediction_draw_a_digit));
    ImGui::End();
    return;
  }
  ImGui::SetWindowFontScale(2.2f);
  ImGui::Text("%d", best);
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text(tr(S::prediction_percent_sure), 100.0f * p[best]);
  if (lab.input == LabInput::Gallery && lab.gallery_index >= 0) {
    const int label = s.digits().test.labels[lab.gallery_index];
    if (label == best) ImGui::TextColored(ImVec4(0.4f, 0.9f, 0.4f, 1), tr(S::prediction_label_right), label);
    else ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.35f, 1), tr(S::prediction_label_wrong), label);
  } else {
    ImGui::TextDisabled("%s", lab.input == LabInput::Photo ? tr(S::prediction_from_the_opened) : tr(S::prediction_from_your_drawing));
  }
  ImGui::EndGroup();

  // Ten bars, one per class: width = probability (the engine's softmax).
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float row = std::max(14.0f, std::min(22.0f, (ImGui::GetContentRegionAvail().y - 4) / 10.0f));
  const float label_w = 18.0f, value_w = 56.0f;
  const float bar_w = ImGui::GetContentRegionAvail().x - label_w - value_w;
  for (int k = 0; k < 10; ++k) {
    const ImVec2 o = ImGui::GetCursorScreenPos();
    char txt[16];
    std::snprintf(txt, sizeof txt, "%d", k);
    const ImU32 text_col = k == best ? IM_COL32(255, 200, 80, 255) : IM_COL32(200, 200, 200, 255);
    dl->AddText(ImVec2(o.x + 4, o.y + (row - ImGui::GetFontSize()) * 0.5f), text_col, txt);
    const ImVec2 b0(o.x + label_w, o.y + 2), b1(o.x + label_w + bar_w, o.y + row - 2);
    dl->AddRectFilled(b0, b1, IM_COL32(60, 60, 66, 255), 2.0f);
    dl->AddRectFilled(b0, ImVec2(b0.x + bar_w * std::clamp(p[k], 0.0f, 1.0f), b1.y),
                      k == best ? IM_COL32(255, 170, 0, 255) : IM_COL32(90, 140, 220, 255), 2.0f);
    std::snprintf(txt, sizeof txt, "%5.1f%%", 100.0f * p[k]);
    dl->AddText(ImVec2(b1.x + 6, o.y + (row - ImGui::GetFontSize()) * 0.5f), text_col, txt);
    ImGui::Dummy(ImVec2(label_w + bar_w + value_w, row));
    char id[32];
    std::snprintf(id, sizeof id, "prediction.bar.%d", k);
    record_item_rect(state, id);
  }
  ImGui::End();
}

}  // namespace cs::app
