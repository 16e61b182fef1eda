// panel_draw_pad.cpp — the "Draw a digit" panel: the marker pad (mouse, pen, touch), undo/clear,
// the preprocessing steps the engine applied (ink box -> 20x20 -> centre of mass -> 28x28) and the
// gallery of bundled MNIST test digits; an opened photo is shown in the pad's place (it is the input
// then). Pointer -> DrawPad -> LabSession::use_drawing.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "digit_lab_panels.h"
#include "imgui.h"
#include "item_hover.h"
#include "panels.h"
#include "platform_api.h"
#include "touch_ui.h"

namespace cs::app {

namespace {


// Paper-and-marker look for the canvas bytes (ink 0..255): paper blended toward a blue-black ink.
// Runs for every stroke segment on 280x280 pixels, so the 256 colours are computed once per call
// and each pixel is one table lookup.
void pad_to_rgba(const std::vector<uint8_t>& ink, std::vector<uint8_t>& rgba) {
  const float paper[3] = {246, 244, 238}, pen[3] = {22, 30, 70};
  uint32_t lut[256];
  for (int v = 0; v < 256; ++v) {
    const float a = v / 255.0f;
    uint8_t px[4] = {0, 0, 0, 255};
    for (int c = 0; c < 3; ++c) px[c] = static_cast<uint8_t>(paper[c] + (pen[c] - paper[c]) * a + 0.5f);
    std::memcpy(&lut[v], px, 4);
  }
  rgba.resize(ink.size() * 4);
  uint8_t* out = rgba.data();
  for (size_t i = 0; i < ink.size(); ++i) std::memcpy(out + i * 4, &lut[ink[i]], 4);
}

// Ink alone, as white with alpha = ink, to draw over a saliency map so the strokes stay visible.
template <typename T>
void ink_to_rgba(const T* ink, size_t n, float full, std::vector<uint8_t>& rgba) {
  rgba.resize(n * 4);
  for (size_t i = 0; i < n; ++i) {
    const float a = std::clamp(static_cast<float>(ink[i]) / full, 0.0f, 1.0f);
    rgba[i * 4 + 0] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = 255;
    rgba[i * 4 + 3] = static_cast<uint8_t>(a * 200.0f + 0.5f);
  }
}

// The saliency map laid on the pad itself: the 28x28 map drawn where the network's 28x28 field lies
// on the drawing or the photo (prepare_digit's frame, in the picture's pixels; a gallery digit fills
// the pad), clipped to the pad, with the ink on top. `photo`: where the photo lies on the pad, in
// the photo's own pixels (null when the input is not a photo).
void pad_saliency(DigitLabState& lab, LabSession& s, LabView& v, const DrawPad& pad, ImVec2 p0, ImVec2 p1, float k,
                  const PadFit* photo) {
  lab.pad_saliency_shown = false;
  if (lab.saliency_mode == 0 || !s.has_saliency() || s.saliency().cls != saliency_class(lab, s)) return;
  const bool gallery = lab.input == LabInput::Gallery && s.input_is_mnist();
  ImVec2 q0 = p0, q1 = p1;
  if (!gallery) {
    const cs::DigitSteps& st = s.steps();
    if ((lab.input != LabInput::Drawing && !photo) || !st.has_ink) return;
    const float scale = photo ? photo->pixels_per_px : k;  // picture pixels per CSS px
    const ImVec2 o = photo ? ImVec2(p0.x + photo->x, p0.y + photo->y) : p0;
    q0 = ImVec2(o.x + st.frame_x / scale, o.y + st.frame_y / scale);
    q1 = ImVec2(q0.x + st.frame_w / scale, q0.y + st.frame_h / scale);
  }
  const ShownSaliency shown = shown_saliency_map(s, lab.saliency_mode);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p0, p1, true);
  dl->AddRectFilled(p0, p1, IM_COL32(0, 0, 0, 255));  // outside the field the network sees nothing
  platform_draw_scalar_field(dl, "lab.pad.saliency", kDigitSide, kDigitSide, shown.map, 0.0f, std::max(1e-12f, shown.max),
                             ColorMap::Viridis, q0, q1);
  if (gallery) {
    if (v.ink28_revision != s.input_revision()) {
      ink_to_rgba(s.input28().data(), s.input28().size(), 1.0f, v.ink28_rgba);
      v.ink28_revision = s.input_revision();
    }
    dl->AddImage(platform_texture_rgba("lab.pad.ink28", kDigitSide, kDigitSide, v.ink28_rgba.data(), v.ink28_revision), p0, p1);
  } else if (photo) {
    // The photo's ink (dark on light unless the engine found it the other way round) over the map.
    if (v.photo_ink_revision != s.input_revision()) {
      const cs::GreyImage& g = s.photo_preview();
      std::vector<float> ink(g.pixels);
      if (s.steps().inverted)
        for (float& x : ink) x = 1.0f - x;
      ink_to_rgba(ink.data(), ink.size(), 1.0f, v.photo_ink_rgba);
      v.photo_ink_revision = s.input_revision();
    }
    const cs::GreyImage& g = s.photo_preview();
    dl->AddImage(platform_texture_rgba("lab.pad.photo-ink", g.width, g.height, v.photo_ink_rgba.data(), v.photo_ink_revision),
                 ImVec2(p0.x + photo->x, p0.y + photo->y), ImVec2(p0.x + photo->x + photo->w, p0.y + photo->y + photo->h));
  } else {
    if (v.pad_ink_revision != pad.revision()) {
      ink_to_rgba(pad.pixels().data(), pad.pixels().size(), 255.0f, v.pad_ink_rgba);
      v.pad_ink_revision = pad.revision();
    }
    dl->AddImage(platform_texture_rgba("lab.pad.ink", pad.side(), pad.side(), v.pad_ink_rgba.data(), v.pad_ink_revision), p0, p1);
  }
  dl->AddRect(q0, q1, IM_COL32(255, 170, 0, 180), 0, 0, 1.0f);  // the 28x28 field's edge
  dl->PopClipRect();
  lab.pad_saliency_shown = true;
  lab.pad_saliency_rect[0] = q0.x, lab.pad_saliency_rect[1] = q0.y;
  lab.pad_saliency_rect[2] = q1.x - q0.x, lab.pad_saliency_rect[3] = q1.y - q0.y;
}

// One preprocessing step: caption (clipped to the cell, explained on hover), then the image through
// the grey colour map (MNIST's white on black).
void step_image(const char* caption, const char* help, const char* key, const cs::GreyImage& g, float size) {
  const ImVec2 c0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(size, ImGui::GetTextLineHeight()));
  ImGui::GetWindowDrawList()->PushClipRect(c0, ImVec2(c0.x + size, c0.y + ImGui::GetTextLineHeight()), true);
  ImGui::GetWindowDrawList()->AddText(c0, ImGui::GetColorU32(ImGuiCol_TextDisabled), caption);
  ImGui::GetWindowDrawList()->PopClipRect();
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(size, size));
  if (help) item_tooltip("%s", help);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (g.width > 0 && g.height > 0) {
    // Keep the aspect ratio inside the square.
    const float s = size / std::max(g.width, g.height);
    const ImVec2 q0(p0.x + (size - g.width * s) * 0.5f, p0.y + (size - g.height * s) * 0.5f);
    dl->AddRectFilled(p0, ImVec2(p0.x + size, p0.y + size), IM_COL32(0, 0, 0, 255));
    platform_draw_scalar_field(dl, key, g.width, g.height, g.pixels.data(), 0.0f, 1.0f, ColorMap::Grey, q0,
                               ImVec2(q0.x + g.width * s, q0.y + g.height * s));
  } else {
    dl->AddRect(p0, ImVec2(p0.x + size, p0.y + size), IM_COL32(90, 90, 90, 255));
  }
}

// The preprocessing steps as pictures, flowing left to right in rows of `width`: for a photo first
// what the engine did to the photo as a whole (grey, sheet, polarity: DigitStages), then for every
// input the ink box, 20x20, centre of mass and 28x28. Each picture is named "lab.stage.<name>".
void preprocessing_steps(AppState& state, LabSession& s, float cell, bool drawing_empty, float width) {
  const cs::DigitSteps& st = s.steps();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (s.input_is_mnist()) {
    cs::GreyImage g;
    g.width = g.height = kDigitSide;
    g.pixels = s.input28();
    ImGui::TextDisabled("%s", tr(S::draw_pad_mnist_test_digit));
    ImGui::TextDisabled("%s", tr(S::draw_pad_already_28x28));
    step_image(tr(S::draw_pad_step_input), tr(S::draw_pad_step_tip_input), "lab.step.digit", g, cell * 2 + 8);
    return;
  }
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const int columns = std::max(1, static_cast<int>((width + gap) / (cell + gap)));
  int placed = 0;
  // Starts a stage's picture: on the same row as the last one while it fits.
  auto next = [&]() {
    if (placed++ % columns != 0) ImGui::SameLine();
    ImGui::BeginGroup();
  };
  auto done = [&](const char* name) {
    ImGui::EndGroup();
    set_item_rect(state, std::string("lab.stage.") + name,
                  PanelRect{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, ImGui::GetItemRectSize().x,
                            ImGui::GetItemRectSize().y});
  };
  const cs::DigitStages& ps = s.photo_stages();
  if (state.lab.input == LabInput::Photo && ps.grey.width > 0) {
    next();
    step_image(tr(S::draw_pad_step_grey), tr(S::draw_pad_step_tip_grey), "lab.step.grey", ps.grey, cell);
    done("grey");
    next();
    step_image(tr(st.sheet ? S::draw_pad_step_sheet : S::draw_pad_step_no_sheet), tr(S::draw_pad_step_tip_sheet),
               "lab.step.sheet", ps.sheet, cell);
    done("sheet");
    next();
    step_image(tr(S::draw_pad_step_polarity), tr(S::draw_pad_step_tip_polarity), "lab.step.polarity", ps.polarity, cell);
    done("polarity");
  }
  // 1. ink map with its bounding box (box in input pixels; the ink map is at work_scale).
  next();
  step_image(tr(S::draw_pad_step_ink), tr(S::draw_pad_step_tip_ink), "lab.step.ink", st.ink, cell);
  if (st.has_ink && st.ink.width > 0) {
    ImVec2 r0 = ImGui::GetItemRectMin();
    const float s_img = cell / std::max(st.ink.width, st.ink.height);
    const float k = s_img * st.work_scale;
    const ImVec2 o(r0.x + (cell - st.ink.width * s_img) * 0.5f, r0.y + (cell - st.ink.height * s_img) * 0.5f);
    dl->AddRect(ImVec2(o.x + st.box_x * k, o.y + st.box_y * k),
                ImVec2(o.x + (st.box_x + st.box_w) * k, o.y + (st.box_y + st.box_h) * k), IM_COL32(255, 170, 0, 255));
  }
  done("box");
  next();
  step_image(tr(S::draw_pad_step_fit20), tr(S::draw_pad_step_tip_fit20), "lab.step.fit20", st.fit20, cell);
  done("fit20");
  // 3. centre of mass: the 20x20 centred in 28x28, its centre of mass (orange) and the target (14,14).
  next();
  cs::GreyImage centred;
  if (st.fit20.width > 0) {
    centred.width = centred.height = kDigitSide;
    centred.pixels.assign(kDigitPixels, 0.0f);
    const int ox = (kDigitSide - st.fit20.width) / 2, oy = (kDigitSide - st.fit20.height) / 2;
    for (int y = 0; y < st.fit20.height; ++y)
      for (int x = 0; x < st.fit20.width; ++x) centred.at(ox + x, oy + y) = st.fit20.at(x, y);
  }
  step_image(tr(S::draw_pad_step_centre), tr(S::draw_pad_step_tip_centre), "lab.step.com", centred, cell);
  if (st.has_ink) {
    ImVec2 r0 = ImGui::GetItemRectMin();
    const float k = cell / kDigitSide;
    // Pixel-index coordinates: pixel i covers [i, i+1), its centre is i + 0.5.
    ImVec2 com(r0.x + (st.com_x + 0.5f) * k, r0.y + (st.com_y + 0.5f) * k);
    ImVec2 tgt(r0.x + (kMnistCentre + 0.5f) * k, r0.y + (kMnistCentre + 0.5f) * k);
    dl->AddCircle(tgt, 4.0f, IM_COL32(80, 200, 255, 255), 12, 1.5f);
    dl->AddLine(com, tgt, IM_COL32(255, 170, 0, 200), 1.5f);
    dl->AddCircleFilled(com, 3.0f, IM_COL32(255, 170, 0, 255));
  }
  done("centre");
  next();
  step_image(tr(S::draw_pad_step_digit), tr(S::draw_pad_step_tip_digit), "lab.step.digit", st.digit, cell);
  done("digit");
  if (st.has_ink) {
    ImGui::TextDisabled(tr(S::draw_pad_box_x_at), st.box_w, st.box_h, st.box_x, st.box_y);
    ImGui::TextDisabled(tr(S::draw_pad_shift_ms), st.shift_x, st.shift_y, s.prepare_ms());
  } else if (!st.message.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextDisabled("%s", pad_status_text(drawing_empty, st.message).c_str());
    ImGui::PopTextWrapPos();
  }
}

void gallery(AppState& state, LabSession& s, LabView& v) {
  DigitLabState& lab = state.lab;
  if (!s.has_digits()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), tr(S::draw_pad_gallery_unavailable), s.digits_error().c_str());
    return;
  }
  // The digits' pictures in strips of kAtlasStrip digits (gallery order, kAtlasColumns a row), each
  // built and uploaded the first time one of its cells is on screen, one strip a frame (cells of a strip
  // not built yet stay dark for a frame or two): the lab's first frame used to build and upload the
  // whole 3 MB atlas of 1000 digits at once, 10-80 ms (frames have 4 ms). A strip holds several
  // gallery rows, so the cells on screen still draw with two or three textures (draw calls).
  constexpr int kStripsPerFrame = 1;
  constexpr int kStrip = LabView::kAtlasStrip, kCols = LabView::kAtlasColumns;
  const DigitSet& set = s.digits().test;
  const std::vector<int>& order = s.gallery_order();
  const int n = static_cast<int>(order.size());
  const int n_strips = (n + kStrip - 1) / kStrip;
  if (static_cast<int>(v.atlas_strips.size()) != n_strips) v.atlas_strips.assign(n_strips, {});
  int built = 0, strip_k = -1;
  ImTextureID strip_tex{};
  auto strip_of = [&](int pos, ImTextureID* tex) {  // false while strip pos/kStrip is not built
    const int k = pos / kStrip;
    if (k == strip_k) {  // cells are drawn in gallery order: mostly the strip of the cell before
      *tex = strip_tex;
      return true;
    }
    const int count = std::min(kStrip, n - k * kStrip), rows = (count + kCols - 1) / kCols;
    std::vector<uint8_t>& px = v.atlas_strips[k];
    if (px.empty()) {
      if (built == kStripsPerFrame) return false;
      ++built;
      const std::vector<int> part(order.begin() + k * kStrip, order.begin() + k * kStrip + count);
      px = digit_atlas_rgba(set, part, kCols, nullptr, nullptr);
    }
    char key[32];
    std::snprintf(key, sizeof key, "lab.gallery.%d", k);
    strip_k = k;
    strip_tex = platform_texture_rgba(key, kCols * kDigitSide, rows * kDigitSide, px.data(), 0);  // built once
    *tex = strip_tex;
    return true;
  };
  ImGui::TextDisabled(tr(S::draw_pad_gallery_mnist_test), s.digits().test.count);
  const float cell = 26.0f, gap = 2.0f;
  // Below a stacked pad the rest of the pane may be nearly gone: the gallery keeps a usable height.
  const float gallery_h = ImGui::GetContentRegionAvail().y < 200.0f ? 300.0f * state.ui_scale : 0.0f;
  ImGui::BeginChild("gallery", ImVec2(0, gallery_h), true);
  const float label_w = 16.0f;
  const int columns = std::max(1, static_cast<int>((ImGui::GetContentRegionAvail().x - label_w) / (cell + gap)));
  const std::vector<LabSession::GalleryRow> rows = s.gallery_rows(columns);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()), cell + gap);
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const LabSession::GalleryRow& row = rows[r];
      ImVec2 p = ImGui::GetCursorScreenPos();
      if (r == 0 || rows[r - 1].label != row.label)
        dl->AddText(ImVec2(p.x, p.y + 5), IM_COL32(180, 180, 180, 255), std::to_string(row.label).c_str());
      for (int c = 0; c < row.count; ++c) {
        const int pos = row.first + c, index = s.gallery_order()[pos];
        const ImVec2 q0(p.x + label_w + c * (cell + gap), p.y), q1(q0.x + cell, q0.y + cell);
        ImGui::SetCursorScreenPos(q0);
        ImGui::PushID(index);
        if (ImGui::InvisibleButton("g", ImVec2(cell, cell))) lab.request_gallery = index;
        char id[40];
        std::snprintf(id, sizeof id, "draw-pad.gallery.%d", index);
        record_item_rect(state, id);
        item_tooltip(tr(S::draw_pad_tip_test_digit_mnist), index, s.digits().test.source_index[index], row.label);
        ImGui::PopID();
        ImTextureID tex{};
        if (strip_of(pos, &tex)) {
          const int in_strip = pos % kStrip, rows = (std::min(kStrip, n - pos / kStrip * kStrip) + kCols - 1) / kCols;
          const ImVec2 uv0(float(in_strip % kCols) / kCols, float(in_strip / kCols) / rows);
          dl->AddImage(tex, q0, q1, uv0, ImVec2(uv0.x + 1.0f / kCols, uv0.y + 1.0f / rows));
        } else {
          dl->AddRectFilled(q0, q1, IM_COL32(0, 0, 0, 255));
        }
        if (lab.input == LabInput::Gallery && lab.gallery_index == index)
          dl->AddRect(q0, q1, IM_COL32(255, 170, 0, 255), 0, 0, 2.0f);
      }
      ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + cell + gap));
    }
  }
  clipper.End();
  ImGui::EndChild();
}

}  // namespace

PadCanvas draw_pad_input(AppState& state) {
  DigitLabState& lab = state.lab;
  PadCanvas c;
  // (Touch layouts stack pad, steps and gallery in a narrow pane: there it scrolls as a whole.)
  const ImGuiWindowFlags flags = touch_layout_active(state) ? 0 : ImGuiWindowFlags_NoScrollbar;
  if (!ImGui::Begin(tr_label(S::draw_pad_title), &lab.show_draw_pad, flags)) {
    ImGui::End();
    return c;
  }
  c.open = true;
  record_panel_rect(state, "draw-pad");
  ImGuiIO& io = ImGui::GetIO();
  // The step column's pictures, the pad's size limits and the brush slider grow with the presentation scale.
  const float u = state.ui_scale, step_cell = 66.0f * u;
  const float steps_w = 2 * step_cell + 12.0f * u;
  // A narrow pane stacks the steps under a pad as wide as the pane: on a phone or a tablet's half as
  // soon as a finger-sized pad would not fit beside them; with a mouse (a projector's scale) only when
  // the smallest pad would not.
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const float min_beside = (touch_layout_active(state) ? 280.0f : 200.0f) * u;
  const bool stacked = avail_w - steps_w - 8.0f * u < min_beside;
  float pad_size = stacked ? std::clamp(avail_w, 120.0f, 560.0f * u)
                                 : std::clamp(avail_w - steps_w - 8.0f * u, 200.0f * u, 360.0f * u);
  DrawPad& pad = lab.pad;

  // [toolbar]
  ImGui::BeginDisabled(!pad.can_undo());
  if (ImGui::Button(tr_label(S::draw_pad_undo))) pad.undo();
  record_item_rect(state, "draw-pad.undo");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(tr_label(S::draw_pad_clear))) pad.clear();
  record_item_rect(state, "draw-pad.clear");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * u);
  ImGui::SliderFloat(tr_label(S::draw_pad_brush), &lab.brush_radius, 4.0f, 24.0f, tr(S::draw_pad_brush_format));
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  item_tooltip("%s", tr(S::draw_pad_tip_draw_with_the));
  if (touch_layout_active(state)) {  // phones and tablets: their camera, through the browser's own capture
    if (ImGui::Button(tr_label(S::touch_take_photo))) platform_take_photo();
    record_item_rect(state, "draw-pad.take-photo");
    item_tooltip("%s", tr(S::touch_take_photo_tip));
  }
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !io.WantTextInput) {
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z))) pad.undo();
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Delete))) pad.clear();
  }

  // [pad]
  // Stacked: the steps go under the pad in rows of 4 (a photo has 7); the pad leaves them room in the pane.
  const LabSession* session = lab.session.get();
  const int step_count = lab.input == LabInput::Photo && session && session->photo_stages().grey.width > 0 ? 7 : 4;
  const float stack_gap = ImGui::GetStyle().ItemSpacing.x;
  const float stack_cell = std::min(96.0f * u, std::floor((avail_w - 3 * stack_gap - 1) / 4));
  if (stacked) {
    const float rows_h = ((step_count + 3) / 4) * (stack_cell + ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y);
    const float fits = std::floor(ImGui::GetContentRegionAvail().y - rows_h - ImGui::GetStyle().ItemSpacing.y);
    pad_size = std::max(std::min(fits, pad_size), std::min(200.0f, pad_size));
  }
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 p1(p0.x + pad_size, p0.y + pad_size);
  ImGui::InvisibleButton("pad", ImVec2(pad_size, pad_size));
  record_item_rect(state, "draw-pad.canvas");
  const float k = pad.side() / pad_size;
  const PadPoint at{(io.MousePos.x - p0.x) * k, (io.MousePos.y - p0.y) * k};
  if (ImGui::IsItemActivated()) {
    // Drawing over a gallery digit or a photo starts a fresh drawing (undo brings the old one back).
    if (lab.input != LabInput::Drawing) pad.clear();
    lab.input = LabInput::Drawing;
    pad.begin_stroke(at, lab.brush_radius);
  } else if (ImGui::IsItemActive() && pad.drawing()) {
    pad.extend_stroke(at);
  }
  if (ImGui::IsItemDeactivated() || (pad.drawing() && !ImGui::IsItemActive())) pad.end_stroke();
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  c.p0 = p0;
  c.p1 = p1;
  c.k = k;
  c.pad_size = pad_size;
  c.step_cell = step_cell;
  c.pointer_on_pad = ImGui::IsItemHovered() || ImGui::IsItemActive();
  c.stacked = stacked;
  c.stack_cell = stack_cell;
  c.avail_w = avail_w;
  c.steps_w = steps_w;
  return c;  // the window stays open: draw_pad_pictures ends it
}

void draw_pad_pictures(AppState& state, LabSession& s, LabView& v, const PadCanvas& c) {
  if (!c.open) return;
  DigitLabState& lab = state.lab;
  const DrawPad& pad = lab.pad;
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 p0 = c.p0, p1 = c.p1;
  const float k = c.k, pad_size = c.pad_size, step_cell = c.step_cell;
  const bool stacked = c.stacked;
  const float stack_cell = c.stack_cell, avail_w = c.avail_w, steps_w = c.steps_w;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // A photo is placed by its full size (prepare_digit's frame is in its pixels; the texture is smaller).
  const bool photo_shown = lab.input == LabInput::Photo && s.photo_preview().width > 0;
  const PadFit photo_fit = photo_shown ? fit_on_pad(state.inbox.image.width, state.inbox.image.height, pad_size) : PadFit{};
  if (lab.input == LabInput::Gallery && s.input_is_mnist()) {
    // The chosen gallery digit fills the pad (white on black, as MNIST stores it).
    platform_draw_scalar_field(dl, "lab.pad.gallery", kDigitSide, kDigitSide, s.input28().data(), 0.0f, 1.0f,
                               ColorMap::Grey, p0, p1);
    char label[64];
    std::snprintf(label, sizeof label, tr(S::draw_pad_gallery_digit_label), lab.gallery_index,
                  s.digits().test.labels[lab.gallery_index]);
    dl->AddText(ImVec2(p0.x + 6, p0.y + 4), IM_COL32(255, 200, 80, 255), label);
    dl->AddText(ImVec2(p0.x + 6, p1.y - 20), IM_COL32(200, 200, 200, 255), tr(S::draw_pad_draw_to_replace));
  } else if (photo_shown) {
    // The opened photo, as large as it fits (the network reads it through the steps beside the pad).
    const cs::GreyImage& g = s.photo_preview();
    const PadFit& fit = photo_fit;
    dl->AddRectFilled(p0, p1, IM_COL32(40, 40, 46, 255));
    if (v.photo_revision != s.input_revision()) {  // once per photo, not every frame
      v.photo_rgba.resize(g.pixels.size() * 4);
      for (size_t i = 0; i < g.pixels.size(); ++i) {
        const uint8_t grey = static_cast<uint8_t>(std::clamp(g.pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f);
        v.photo_rgba[i * 4 + 0] = v.photo_rgba[i * 4 + 1] = v.photo_rgba[i * 4 + 2] = grey;
        v.photo_rgba[i * 4 + 3] = 255;
      }
      v.photo_revision = s.input_revision();
    }
    dl->AddImage(platform_texture_rgba("lab.pad.photo", g.width, g.height, v.photo_rgba.data(), v.photo_revision),
                 ImVec2(p0.x + fit.x, p0.y + fit.y), ImVec2(p0.x + fit.x + fit.w, p0.y + fit.y + fit.h));
    const std::string label = cs::fmt(tr(S::draw_pad_photo_label), state.inbox.image_name.c_str(), state.inbox.image.width,
                                      state.inbox.image.height);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddRectFilled(ImVec2(p0.x + 2, p0.y + 2), ImVec2(p0.x + ts.x + 10, p0.y + ts.y + 6), IM_COL32(0, 0, 0, 160));
    dl->AddText(ImVec2(p0.x + 6, p0.y + 4), IM_COL32(255, 200, 80, 255), label.c_str());
    dl->AddRectFilled(ImVec2(p0.x + 2, p1.y - 22), ImVec2(p0.x + 10 + ImGui::CalcTextSize(tr(S::draw_pad_draw_to_replace)).x, p1.y - 2),
                      IM_COL32(0, 0, 0, 160));
    dl->AddText(ImVec2(p0.x + 6, p1.y - 20), IM_COL32(220, 220, 220, 255), tr(S::draw_pad_draw_to_replace));
  } else {
    if (v.pad_rgba_revision != pad.revision()) {
      pad_to_rgba(pad.pixels(), v.pad_rgba);
      v.pad_rgba_revision = pad.revision();
    }
    dl->AddImage(platform_texture_rgba("lab.pad", pad.side(), pad.side(), v.pad_rgba.data(), v.pad_rgba_revision), p0, p1);
    if (pad.empty()) {
      const char* hint = tr(S::draw_pad_hint);
      ImVec2 ts = ImGui::CalcTextSize(hint);
      dl->AddText(ImVec2((p0.x + p1.x - ts.x) * 0.5f, (p0.y + p1.y - ts.y) * 0.5f), IM_COL32(150, 150, 150, 255), hint);
    }
  }
  pad_saliency(lab, s, v, pad, p0, p1, k, photo_shown ? &photo_fit : nullptr);
  dl->AddRect(p0, p1, IM_COL32(120, 120, 120, 255));
  // The brush outline under the pointer, at its real size.
  if (c.pointer_on_pad)
    dl->AddCircle(io.MousePos, lab.brush_radius / k, IM_COL32(255, 120, 0, 160), 24, 1.0f);

  const bool drawing_empty = lab.input == LabInput::Drawing && pad.empty();
  if (stacked) {
    preprocessing_steps(state, s, stack_cell, drawing_empty, avail_w);
  } else {
    ImGui::SameLine();
    ImGui::BeginGroup();
    preprocessing_steps(state, s, step_cell, drawing_empty, steps_w);
    ImGui::EndGroup();
    ImGui::SetCursorScreenPos(ImVec2(p0.x, p1.y + 6));
  }
  gallery(state, s, v);
  ImGui::End();
}

}  // namespace cs::app
