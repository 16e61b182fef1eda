// lessons.cpp — the convolution lessons as a group: per frame, take new inputs (dropped images, bundled
// digits, DigitNet's filters) -> refresh the cached engine results -> draw the three panels; plus the
// View-menu entries and the lessons' parts of state() and setState().
// The panels themselves live in panel_stepper.cpp, panel_output_size.cpp and panel_im2col.cpp.
#include <algorithm>
#include <utility>
#include <vector>

#include "app_services.h"
#include "digit_bundle_model.h"
#include "engine/data/safetensors.h"
#include "imgui.h"
#include "lesson_model.h"
#include "lesson_panels.h"
#include "panels.h"

namespace cs::app {

namespace {

// Bundled MNIST digits (parsed once for the whole app) and DigitNet's first-layer filters, taken once
// they are there (app_lab_assets: embedded on the desktop, fetched on first need by the page).
void take_assets(AppState& state) {
  LessonState& L = state.lessons;
  if (L.assets_revision == state.lab_assets.revision) return;
  L.assets_revision = state.lab_assets.revision;
  L.digits = app_bundled_digits(state);
  L.learned.clear();
  L.learned_name.clear();
  if (const auto& w = state.lab_assets.weights) {
    Result<SafeTensors> st = parse_safetensors(w->data(), w->size(), "digitnet.safetensors");
    if (st.is_ok()) {
      // The first convolution on the grey digit: DigitNet's stem ("stem.0.weight", Conv2d(1, 16, 3x3));
      // other files: the first rank-4 weight with one input channel (depthwise convs also have one,
      // so the stem's name wins).
      std::vector<std::pair<std::string, const Tensor*>> order;
      if (const Tensor* stem = st.value().find("stem.0.weight")) order.push_back({"stem.0.weight", stem});
      for (const auto& [name, t] : st.value().tensors) order.push_back({name, &t});
      for (const auto& [name, tp] : order) {
        const Tensor& t = *tp;
        if (t.rank() != 4 || t.dim(1) != 1 || t.dim(2) != t.dim(3)) continue;
        const size_t kk = static_cast<size_t>(t.dim(2)) * t.dim(3);
        for (int o = 0; o < t.dim(0); ++o)
          L.learned.emplace_back(t.data() + o * kk, t.data() + (o + 1) * kk);
        L.learned_name = name;
        break;
      }
    }
  }
}

// The stepper's choices that waited for the digit model (LessonState::waiting), made once it is there.
void take_waiting_choices(AppState& state) {
  LessonState& L = state.lessons;
  if (!L.waiting.any() || state.lab_assets.status != LabAssets::Ready) return;
  std::string err;
  if (L.waiting.digit_input) err = lesson_choose_input(L, InputPreset::Digit);
  if (L.waiting.learned_kernels && err.empty()) err = lesson_choose_kernel(L, KernelPreset::Learned);
  L.waiting = {};
  if (!err.empty()) app_notice(state, err);
}

// An image opened or dropped while the lessons are shown becomes the stepper's input: grey when the
// stepper has one channel, RGB planes otherwise (engine image reader; resampled by lesson_refresh).
void take_inbox_image(AppState& state, LessonState& L) {
  if (state.inbox.image_serial == L.image_serial_seen || state.inbox.image.width <= 0) return;
  L.image_serial_seen = state.inbox.image_serial;
  const Image& im = state.inbox.image;
  std::vector<std::vector<float>> planes;
  const size_t n = static_cast<size_t>(im.width) * im.height;
  if (im.channels >= 3) {
    planes.assign(3, std::vector<float>(n));
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* px = &im.pixels[i * im.channels];
      const float a = im.channels == 4 ? px[3] / 255.0f : 1.0f;  // transparent = white paper
      for (int c = 0; c < 3; ++c) planes[c][i] = (px[c] / 255.0f) * a + (1.0f - a);
    }
  } else {
    GreyImage g = to_grey(im);
    planes.push_back(g.pixels);
  }
  L.image_name = state.inbox.image_name;
  lesson_set_picture(L, InputPreset::Image, std::move(planes), im.width, im.height);
}

}  // namespace

void draw_lesson_panels(AppState& state) {
  LessonState& L = state.lessons;
  app_lab_assets(state);  // only looks: the desktop has them embedded, the page fetches them on first need
  take_assets(state);
  // Until they are there, the digit preset and the learned kernels may still be chosen: that asks for them.
  L.assets_on_demand = state.lab_assets.status != LabAssets::Ready;
  take_waiting_choices(state);
  if (state.workspace == Workspace::Lessons) take_inbox_image(state, L);
  lesson_refresh(L);
  // Default layout for this display size (again whenever the window or the presentation scale changes).
  ImGuiIO& io = ImGui::GetIO();
  const bool relayout = L.layout_w != io.DisplaySize.x || L.layout_h != io.DisplaySize.y || L.layout_scale != state.ui_scale;
  LessonLayout lay = lesson_layout(io.DisplaySize.x, io.DisplaySize.y, ImGui::GetFrameHeight());
  L.layout_w = io.DisplaySize.x;
  L.layout_h = io.DisplaySize.y;
  L.layout_scale = state.ui_scale;
  const ImGuiCond cond = relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  auto place = [&](const LessonRect& r) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), cond);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), cond);
  };
  if (L.show_stepper) {
    place(lay.stepper);
    draw_stepper_panel(state);
  }
  if (L.show_output_size) {
    place(lay.output_size);
    draw_output_size_panel(state);
  }
  if (L.show_im2col) {
    place(lay.im2col);
    draw_im2col_panel(state);
  }
  lesson_refresh(L);  // pointer changes of this frame show in the state the hook reads
}

void lesson_menu_items(AppState& state) {
  ImGui::MenuItem(tr_label(S::lessons_kernel_stepper), nullptr, &state.lessons.show_stepper);
  ImGui::MenuItem(tr_label(S::lessons_output_size), nullptr, &state.lessons.show_output_size);
  ImGui::MenuItem(tr_label(S::lessons_im2col), nullptr, &state.lessons.show_im2col);
}

void lesson_state_json(const AppState& state, nlohmann::json& out) {
  nlohmann::json j = lesson_json(state.lessons);
  for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = it.value();
  // Who has the keys in the stepper: "stepper" (Space, arrows step) or "controls" (Tab: ImGui navigation).
  if (out.contains("stepper") && out["stepper"].is_object())
    out["stepper"]["keys"] = state.lessons.stepper_keys_to_controls ? "controls" : "stepper";
}

void lesson_assets_arrived(AppState& state) {
  take_assets(state);
  state.lessons.assets_on_demand = false;
  take_waiting_choices(state);
}

std::string lesson_set_state(AppState& next, const nlohmann::json& partial) {
  LessonState& L = next.lessons;
  // "image" may be asked for when an image was opened earlier but another preset replaced it.
  if (partial.contains("stepper") && partial["stepper"].is_object() && partial["stepper"].contains("input_preset") &&
      partial["stepper"]["input_preset"] == "image" && L.raw_kind != InputPreset::Image) {
    L.image_serial_seen = -1;
    take_inbox_image(next, L);
  }
  return lesson_apply(L, partial);
}

}  // namespace cs::app
