// panel_training.cpp — the "Train it live" panel: trains DigitNet in the page on the bundled
// training digits (Adam, batches of 32) a slice of steps per frame within a time budget, with a
// progress bar, loss and accuracy curves; pause, resume, from scratch, reset to the shipped weights.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app_services.h"
#include "digit_lab_panels.h"
#include "imgui.h"
#include "panels.h"

namespace cs::app {

void draw_training_panel(AppState& state, LabSession& s, LabView& v) {
  (void)v;
  DigitLabState& lab = state.lab;
  if (!ImGui::Begin(tr_label(S::training_title), &lab.show_training)) {
    ImGui::End();
    return;
  }
  record_panel_rect(state, "training");
  if (!s.has_network() || !s.has_digits()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", !s.has_network() ? s.network_error().c_str() : s.digits_error().c_str());
    ImGui::End();
    return;
  }
  // The page fetches its training digits when this panel first shows (app_training_digits); a Train
  // pressed before they arrive starts training when they do.
  if (!app_training_digits(state)) {
    if (ImGui::Button(tr_label(S::training_train))) app_training_digits(state, 1);
    record_item_rect(state, "training.train");
    ImGui::SameLine();
    if (ImGui::Button(tr_label(S::training_from_scratch))) app_training_digits(state, 2);
    record_item_rect(state, "training.scratch");
    const std::string& why = state.training_digits_error;
    ImGui::TextWrapped("%s", why.empty() ? tr(S::training_loading_digits) : why.c_str());
    ImGui::End();
    return;
  }
  const TrainInfo& t = s.training();
  if (!t.running) {
    if (ImGui::Button(t.step > 0 ? tr_label(S::training_resume) : tr_label(S::training_train))) lab.request_train = 1;
  } else if (ImGui::Button(tr_label(S::training_pause))) {
    lab.request_train = -1;
  }
  record_item_rect(state, "training.train");
  ImGui::SameLine();
  if (ImGui::Button(tr_label(S::training_from_scratch))) lab.request_train = 2;
  record_item_rect(state, "training.scratch");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(S::training_tip_fresh_random_weights));
  ImGui::SameLine();
  ImGui::BeginDisabled(!s.has_shipped_weights());
  if (ImGui::Button(tr_label(S::training_reset_to_shipped))) lab.request_reset_weights = true;
  record_item_rect(state, "training.reset");
  ImGui::EndDisabled();

  ImGui::SetNextItemWidth(120);
  float lr_log = std::log10(s.learning_rate);
  if (ImGui::SliderFloat(tr_label(S::training_learning_rate), &lr_log, -4.0f, -2.0f, "")) s.learning_rate = std::pow(10.0f, lr_log);
  ImGui::SameLine();
  ImGui::Text("%.0e", s.learning_rate);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  ImGui::SliderInt(tr_label(S::training_budget), &lab.train_budget_ms, 2, 14, tr(S::training_budget_format));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(S::training_tip_training_time_per));

  const int per_epoch = std::max(1, s.digits().train.count / std::max(1, t.batch_size));
  char overlay[96];
  std::snprintf(overlay, sizeof overlay, tr(S::training_progress_format), t.step, lab.train_target_steps,
                double(t.step) / per_epoch);
  ImGui::ProgressBar(std::min(1.0f, float(t.step) / lab.train_target_steps), ImVec2(-1, 0), overlay);
  record_item_rect(state, "training.progress");
  ImGui::Text(tr(S::training_loss_accuracy_last), t.loss, 100.0f * t.accuracy, LabSession::kWindow);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled(tr(S::training_ms_of_training), t.last_slice_ms,
                      s.digits().train.count, t.batch_size);
  ImGui::PopTextWrapPos();
  if (!t.error.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", t.error.c_str());
  const float h = std::max(40.0f, (ImGui::GetContentRegionAvail().y - 10) * 0.5f);
  if (!t.loss_curve.empty()) {
    const float lmax = *std::max_element(t.loss_curve.begin(), t.loss_curve.end());
    ImGui::PlotLines("##loss", t.loss_curve.data(), static_cast<int>(t.loss_curve.size()), 0, tr(S::training_loss), 0.0f,
                     std::max(0.1f, lmax), ImVec2(ImGui::GetContentRegionAvail().x, h));
    record_item_rect(state, "training.loss");
    ImGui::PlotLines("##acc", t.accuracy_curve.data(), static_cast<int>(t.accuracy_curve.size()), 0, tr(S::training_accuracy),
                     0.0f, 1.0f, ImVec2(ImGui::GetContentRegionAvail().x, h));
  } else {
    ImGui::TextWrapped(tr(S::training_train_runs_digitnet),
                       s.digits().train.count);
  }
  ImGui::End();
}

}  // namespace cs::app
