// app.cpp — app_frame() reads like the data flow: menu -> panels -> status line; plus the JSON
// bridge for the browser test hook. Nothing here knows SDL, GL or Emscripten.
#include "app.h"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "engine/data/image.h"

#include <cstdio>

#include "a11y_mirror.h"
#include "csv_export_model.h"
#include "digit_lab_model.h"
#include "embedded_assets.h"
#include "languages.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"
#include "ui_strings.h"
#include "url_state_model.h"

namespace cs::app {

using nlohmann::json;

void set_item_rect(AppState& state, std::string_view id, const PanelRect& whole) {
  // items() names where the widget can be clicked: its part inside the window's (or scrolling area's)
  // clip rectangle. A widget scrolled out of sight is not named in this frame.
  const ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
  const float x0 = std::max(whole.x, lo.x), y0 = std::max(whole.y, lo.y);
  const float x1 = std::min(whole.x + whole.width, hi.x), y1 = std::min(whole.y + whole.height, hi.y);
  if (x1 <= x0 || y1 <= y0) return;
  const PanelRect r{x0, y0, x1 - x0, y1 - y0};
  auto it = state.item_rects.find(id);
  if (it == state.item_rects.end()) it = state.item_rects.emplace(std::string(id), AppState::ItemRect{}).first;
  it->second.rect = r;
  it->second.frame = state.frame;
}

void record_panel_rect(AppState& state, const char* id) {
  ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
  state.panel_rects[id] = PanelRect{p.x, p.y, s.x, s.y};
  // Which panel has the keyboard (Ctrl+Tab moves it): items() names it "focus:<id>" for keyboard-only tests.
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows))
    set_item_rect(state, std::string("focus:") + id, PanelRect{p.x, p.y, s.x, s.y});
}


void record_item_rect(AppState& state, const char* id) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  set_item_rect(state, id, PanelRect{a.x, a.y, b.x - a.x, b.y - a.y});
  // The widget under the keyboard-navigation cursor is named too ("focus:<id>"), for keyboard-only tests.
  if (ImGui::IsItemFocused()) set_item_rect(state, std::string("focus:") + id, PanelRect{a.x, a.y, b.x - a.x, b.y - a.y});
}

void app_notice(AppState& state, const std::string& message, double seconds) {
  state.notice = message;
  state.notice_until_s = state.time_s + seconds;
}

void app_open_file(AppState& state, const std::string& name, const uint8_t* bytes, size_t size) {
  constexpr size_t kMaxFileBytes = size_t(64) << 20;
  if (!bytes || size == 0) return app_notice(state, cs::fmt(tr(S::notice_open_empty), name.c_str()));
  if (size > kMaxFileBytes) return app_notice(state, cs::fmt(tr(S::notice_open_too_large), name.c_str(), size >> 20));
  auto starts = [&](const char* magic, size_t n) { return size >= n && std::memcmp(bytes, magic, n) == 0; };
  bool png = starts("\x89PNG\r\n\x1a\n", 8), jpeg = starts("\xff\xd8\xff", 3), bmp = starts("BM", 2);
  if (png || jpeg || bmp) {
    cs::Result<cs::Image> image = cs::decode_image(bytes, size, name);
    if (!image.is_ok()) return app_notice(state, cs::fmt(tr(S::notice_open_failed), name.c_str(), image.message().c_str()));
    state.inbox.image = std::move(image.value());
    state.inbox.image_name = name;
    state.inbox.image_serial++;
    return app_notice(state, cs::fmt(tr(S::notice_opened_image), name.c_str(), state.inbox.image.width, state.inbox.image.height));
  }
  // safetensors: 8-byte little-endian header length, then a JSON object.
  if (size >= 10 && bytes[8] == '{') {
    state.inbox.weights.assign(bytes, bytes + size);
    state.inbox.weights_name = name;
    state.inbox.weights_serial++;
    return digit_lab_weights_arrived(state);
  }
  app_notice(state, cs::fmt(tr(S::notice_not_image_or_weights), name.c_str()));
}

namespace {

// The window's frames whose time is at least `from_ms`: how many, how many were drawn, and the median
// of each part (medians: one frame stalled for 200 ms by a garbage collection would swamp a mean).
FrameStats::Split split_of(const FrameStats& f, float from_ms) {
  FrameStats::Split s;
  int picked[FrameStats::kWindow];
  for (int i = 0; i < f.count; ++i)
    if (f.samples_ms[i] >= from_ms) {
      picked[s.frames++] = i;
      s.drawn += f.phases[i].drawn ? 1 : 0;
    }
  if (s.frames == 0) return s;
  FramePhases& p = s.phases;
  float* const out[] = {&s.total_ms, &s.app_ms, &p.input_ms, &p.new_frame_ms, &p.upload_ms, &p.render_ms, &p.signature_ms, &p.gl_ms};
  float values[FrameStats::kWindow];
  for (int part = 0; part < 8; ++part) {
    for (int k = 0; k < s.frames; ++k) {
      const int i = picked[k];
      const FramePhases& q = f.phases[i];
      const float parts[8] = {f.samples_ms[i], f.app_ms[i], q.input_ms, q.new_frame_ms, q.upload_ms, q.render_ms, q.signature_ms, q.gl_ms};
      values[k] = parts[part];
    }
    std::sort(values, values + s.frames);  // (the percentiles' sort: no second algorithm in the page's code)
    *out[part] = values[s.frames / 2];
  }
  return s;
}

}  // namespace

void app_record_frame_time(AppState& state, float ms, const FramePhases& phases) {
  const float app_ms = state.perf.last_app_ms;
  if (state.perf_workspace != state.workspace) {  // one workspace's frames never count in another's
    state.perf = FrameStats{};
    state.perf_workspace = state.workspace;
  }
  FrameStats& f = state.perf;
  f.samples_ms[f.next] = ms;
  f.app_ms[f.next] = app_ms;
  f.outside_ms[f.next] = std::max(0.0f, ms - app_ms);
  f.phases[f.next] = phases;
  f.next = (f.next + 1) % FrameStats::kWindow;
  f.count = std::min(f.count + 1, FrameStats::kWindow);
  if (state.frame % 30 != 0) return;  // percentiles twice a second are plenty
  float sorted[FrameStats::kWindow];
  std::copy(f.samples_ms, f.samples_ms + f.count, sorted);
  std::sort(sorted, sorted + f.count);
  f.p50_ms = sorted[f.count / 2];
  f.p95_ms = sorted[std::min(f.count - 1, f.count * 95 / 100)];
  f.max_ms = sorted[f.count - 1];
  for (auto [from, to] : {std::pair{f.app_ms, &f.app_p95_ms}, std::pair{f.outside_ms, &f.outside_p95_ms}}) {
    std::copy(from, from + f.count, sorted);
    std::sort(sorted, sorted + f.count);
    *to = sorted[std::min(f.count - 1, f.count * 95 / 100)];
  }
  f.slow = split_of(f, f.p95_ms);
  f.all = split_of(f, -1.0f);
}

float FrameStats::recent_outside_ms() const {
  float m = 0.0f;
  for (int i = 1; i <= std::min(count, 8); ++i) m = std::max(m, outside_ms[(next - i + kWindow) % kWindow]);
  return m;
}

void app_init(AppState& state) { state.applied_ui_scale = 0.0f; }

std::shared_ptr<const DigitBundle> app_bundled_digits(AppState& state) { return state.bundled_digits; }

namespace {

// What a link from the address bar did, in the status bar: opened, or refused with setState's reason
// inside the link's sentence (also when it had to wait for the digit model first).
void link_notice(AppState& state, const std::string& err) {
  if (err.empty()) return app_notice(state, tr(S::notice_link_opened));
  app_notice(state, cs::fmt(tr(S::notice_link_ignored), err.c_str()), 12.0);
}

// Both files are there (or failed): the status, the lab's session and the lessons follow, and the
// setState partials that waited for them are applied (their errors become notices: nobody waits
// for an answer any more).
void lab_assets_settle(AppState& state) {
  LabAssets& A = state.lab_assets;
  if (!A.digits_done || !A.weights_done) return;  // the other file's callback comes here too
  A.status = LabAssets::Ready;
  A.error.clear();
  ++A.revision;
  lesson_assets_arrived(state);
  digit_lab_assets_arrived(state);
  std::vector<LabAssets::Deferred> deferred;
  deferred.swap(A.deferred);
  for (const LabAssets::Deferred& d : deferred) {
    const std::string err = app_set_state(state, d.partial);
    if (d.from_link) link_notice(state, err);
    else if (!err.empty()) app_notice(state, err);
  }
}

// One of the two files: from the program (desktop), else fetched beside the page. `take` gets the
// bytes (null when the build has none: nothing to wait for) and returns "" or why they are unusable.
template <class Take>
void load_lab_asset(AppState& state, const char* name, bool LabAssets::*done, Take take) {
  auto arrive = [&state, name, done, take](const uint8_t* bytes, size_t size, const std::string& error) {
    LabAssets& A = state.lab_assets;
    if (!bytes && !error.empty()) {
      A.error = cs::fmt(tr(S::lab_assets_failed), name, error.c_str());
      A.status = LabAssets::Failed;  // stays so until a retry, even if the other file arrives
      app_notice(state, A.error);
      return;
    }
    take(bytes, size);
    A.*done = true;
    if (A.status == LabAssets::Loading) lab_assets_settle(state);
  };
  if (EmbeddedAsset a = embedded_asset(name)) return arrive(a.data, a.size, "");
  if (!platform_fetch_file(name, arrive)) arrive(nullptr, 0, "");  // no fetching here: the build has none
}

}  // namespace

LabAssets::Status app_lab_assets(AppState& state, int request) {
  LabAssets& A = state.lab_assets;
  if (A.status == LabAssets::Ready || A.status == LabAssets::Loading) return A.status;
  // Idle: a build that embeds them has them at once (the desktop), without being asked. A property
  // of the build, looked up once (the lessons call this every frame).
  static const bool embedded = embedded_asset("digits.bin") || embedded_asset("digitnet.safetensors");
  if (A.status == LabAssets::Idle ? !(request >= 1 || embedded) : request < 2) return A.status;
  A.status = LabAssets::Loading;
  A.error.clear();
  if (!A.digits_done)
    load_lab_asset(state, "digits.bin", &LabAssets::digits_done, [&state](const uint8_t* bytes, size_t size) {
      if (!bytes) {
        state.bundled_digits_error = tr(S::notice_no_bundled_digits);
        return;
      }
      Result<DigitBundle> b = parse_digit_bundle(bytes, size);
      if (!b.is_ok()) {
        state.bundled_digits_error = b.message();
        app_notice(state, cs::fmt(tr(S::notice_digits_unreadable), b.message().c_str()));
        return;
      }
      state.bundled_digits = std::make_shared<const DigitBundle>(std::move(b.value()));
    });
  if (A.status == LabAssets::Loading && !A.weights_done)
    load_lab_asset(state, "digitnet.safetensors", &LabAssets::weights_done, [&state](const uint8_t* bytes, size_t size) {
      if (bytes) state.lab_assets.weights = std::make_shared<const std::vector<uint8_t>>(bytes, bytes + size);
    });
  if (A.status == LabAssets::Loading) lab_assets_settle(state);
  return A.status;
}

std::string app_lab_assets_message(const AppState& state) {
  const LabAssets& A = state.lab_assets;
  if (A.status == LabAssets::Ready) return "";
  if (A.status == LabAssets::Failed) return A.error;
  return tr(S::lab_loading_model);
}

bool app_training_digits(AppState& state, int request) {
  std::shared_ptr<const DigitBundle> digits = app_bundled_digits(state);
  if (!digits) return false;
  if (digits->train.count > 0) return true;
  if (request) state.training_digits_request = request;
  if (state.training_digits_fetch == 1 || (state.training_digits_fetch == 2 && !request)) return false;
  state.training_digits_fetch = 1;
  state.training_digits_error.clear();
  const char* name = "digits-train.bin";
  auto failed = [&state, name](const std::string& why) {
    state.training_digits_fetch = 2;
    state.training_digits_request = 0;
    state.training_digits_error = cs::fmt(tr(S::notice_training_digits_failed), name, why.c_str());
    app_notice(state, state.training_digits_error);
  };
  const bool asked = platform_fetch_file(name, [&state, failed](const uint8_t* bytes, size_t size, const std::string& error) {
    if (!bytes) return failed(error.empty() ? tr(S::notice_empty_answer) : error);
    Result<DigitBundle> b = parse_digit_bundle(bytes, size);
    if (!b.is_ok()) return failed(b.message());
    if (b.value().train.count == 0) return failed(tr(S::notice_no_training_set));
    // A new bundle (the old one stays valid for whoever still holds it): the test digits and these.
    auto merged = std::make_shared<DigitBundle>(*state.bundled_digits);
    merged->train = std::move(b.value().train);
    state.bundled_digits = merged;
    if (state.lab.session) state.lab.session->use_digits(merged);
    state.training_digits_fetch = 0;
    state.training_digits_error.clear();
    if (state.training_digits_request) state.lab.request_train = state.training_digits_request;
    state.training_digits_request = 0;
  });
  if (!asked) failed(tr(S::notice_no_training_digits_build));
  return false;
}

namespace {

// Rebuilds the ImGui style from scratch when the presentation scale or theme changes, so sizes
// scale crisply (fonts are rebuilt at the new size by the platform) and never accumulate rounding.
void apply_style_if_needed(AppState& state) {
  if (state.applied_ui_scale == state.ui_scale && state.applied_theme == state.theme) return;
  ImGuiStyle style;
  switch (state.theme) {
    case Theme::Dark: ImGui::StyleColorsDark(&style); break;
    case Theme::Light: ImGui::StyleColorsLight(&style); break;
    case Theme::HighContrast: {
      ImGui::StyleColorsDark(&style);
      ImVec4* c = style.Colors;
      c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
      c[ImGuiCol_WindowBg] = c[ImGuiCol_ChildBg] = c[ImGuiCol_PopupBg] = ImVec4(0, 0, 0, 1);
      c[ImGuiCol_Border] = ImVec4(1, 1, 1, 1);
      c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgCollapsed] = ImVec4(0.1f, 0.1f, 0.1f, 1);
      c[ImGuiCol_TitleBgActive] = ImVec4(0.0f, 0.25f, 0.6f, 1);
      c[ImGuiCol_FrameBg] = ImVec4(0.12f, 0.12f, 0.12f, 1);
      c[ImGuiCol_Button] = ImVec4(0.0f, 0.3f, 0.7f, 1);
      c[ImGuiCol_ButtonHovered] = c[ImGuiCol_HeaderHovered] = ImVec4(0.0f, 0.45f, 0.95f, 1);
      c[ImGuiCol_ButtonActive] = c[ImGuiCol_HeaderActive] = ImVec4(0.0f, 0.6f, 1.0f, 1);
      c[ImGuiCol_CheckMark] = c[ImGuiCol_SliderGrabActive] = ImVec4(1.0f, 0.85f, 0.0f, 1);
      c[ImGuiCol_SliderGrab] = ImVec4(1, 1, 1, 1);
      c[ImGuiCol_MenuBarBg] = ImVec4(0, 0, 0, 1);
      style.WindowBorderSize = style.FrameBorderSize = 1.5f;
      break;
    }
  }
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.ScaleAllSizes(state.ui_scale);
  ImGui::GetStyle() = style;
  state.applied_ui_scale = state.ui_scale;
  state.applied_theme = state.theme;
}

const char* theme_name(Theme t) {
  return t == Theme::Light ? "light" : t == Theme::HighContrast ? "high-contrast" : "dark";
}

// Shortcuts shown in the help overlay (F1). Panels add their own lines to their tooltips.
const struct {
  S keys, what;
} kShortcuts[] = {
    {S::help_keys_f1, S::help_what_f1},
    {S::help_keys_tab, S::help_what_tab},
    {S::help_keys_space, S::help_what_space},
    {S::help_keys_ctrl_tab, S::help_what_ctrl_tab},
    {S::help_keys_arrows, S::help_what_arrows},
    {S::help_keys_stepper_tab, S::help_what_stepper_tab},
    {S::help_keys_stepper_esc, S::help_what_stepper_esc},
    {S::help_keys_stepper_space, S::help_what_stepper_space},
    {S::help_keys_stepper_left_right, S::help_what_stepper_left_right},
    {S::help_keys_stepper_up_down, S::help_what_stepper_up_down},
    {S::help_keys_stepper_home_end, S::help_what_stepper_home_end},
    {S::help_keys_pad_undo, S::help_what_pad_undo},
    {S::help_keys_pad_clear, S::help_what_pad_clear},
    {S::help_keys_zoom, S::help_what_zoom},
    {S::help_keys_f11, S::help_what_f11},
    {S::help_keys_menu, S::help_what_menu},    // the menu bar and the way out of the canvas (a11y_mirror.h)
    {S::help_keys_leave, S::help_what_leave},
};

void draw_help(AppState& state) {
  if (platform_function_key_pressed(1)) state.show_help = !state.show_help;
  if (!state.show_help) return;
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::Begin(tr_label(S::help_title), &state.show_help, ImGuiWindowFlags_AlwaysAutoResize)) {
    record_panel_rect(state, "help");
    if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
      for (const auto& s : kShortcuts) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr(s.keys));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr(s.what));
      }
      ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
    ImGui::TextUnformatted(tr(S::help_privacy));
    ImGui::PopTextWrapPos();
    record_item_rect(state, "help.privacy");
  }
  ImGui::End();
}

// [SECTION] lesson link (URL hash) ------------------------------------------------------------------------

const char* workspace_name(Workspace w) { return w == Workspace::Lessons ? "lessons" : "digit-lab"; }

// A hash found in the address bar: applied like setState; refused ones leave the state as it was.
// One that needs the digit model while it is on its way is applied (and its notice shown) when it arrives.
void open_link(AppState& state, const std::string& hash) {
  LessonLinkParse p = lesson_link_decode(hash);
  const size_t waiting = state.lab_assets.deferred.size();
  std::string err = p.ok ? app_set_state(state, p.partial.dump()) : p.error;
  if (err.empty() && state.lab_assets.deferred.size() > waiting) {
    state.lab_assets.deferred.back().from_link = true;
    return;
  }
  link_notice(state, err);
}

// Frame 1: the page's hash restores a shared lesson. Later, twice a second: a hash edited by hand is
// applied, and the current lesson is written back once it has been still for 0.3 s (replaceState,
// so the back button does not fill up with every step).
void sync_link(AppState& state) {
  if (!platform_is_browser()) return;
  LessonState& L = state.lessons;
  if (!L.link_started) {
    L.link_started = true;
    L.link_seen = platform_url_hash();
    if (!L.link_seen.empty() && L.link_seen != "#") open_link(state, L.link_seen);
    L.link_checked_s = state.time_s;
    return;
  }
  if (state.time_s - L.link_checked_s < 0.25) return;
  L.link_checked_s = state.time_s;
  std::string now = platform_url_hash();
  if (now != L.link_seen && now != "#" + L.link_written && !now.empty() && now != "#") {
    L.link_seen = now;
    open_link(state, now);
    L.link_written.clear();  // whatever happened, the address bar shows the lesson on screen again
  }
  // Re-encode only when the fingerprint changed: a large typed input takes milliseconds to write out.
  // A link to the digit lab carries the lab's fields too (gallery digit, saliency, SE block).
  const std::string lab = state.workspace == Workspace::DigitLab ? lab_link_fields(state.lab) : "";
  std::string key = lesson_link_key(L, workspace_name(state.workspace)) + lab;
  if (key != L.link_key) {
    L.link_key = std::move(key);
    L.link_pending = lesson_link_encode(L, workspace_name(state.workspace), &L.link_values) + lab;
    L.link_pending_since = state.time_s;
  } else if (L.link_pending != L.link_written && state.time_s - L.link_pending_since >= 0.3) {
    platform_set_url_hash(L.link_pending);
    L.link_written = L.link_pending;
    L.link_seen = "#" + L.link_written;
  }
}

// [SECTION] CSV exports (digit lab) --------------------------------------------------------------------------

std::string save_csv(const std::string& name, const cs::Result<std::string>& csv) {
  if (!csv.is_ok()) return cs::fmt(tr(S::notice_export_failed), name.c_str(), csv.message().c_str());
  const std::string& text = csv.value();
  return platform_save_file(name.c_str(), reinterpret_cast<const uint8_t*>(text.data()), text.size(), "text/csv");
}

std::string export_se_csv(AppState& state, int block) {
  LabSession* s = state.lab.session.get();
  if (!s || !s->has_network()) return tr(S::notice_export_se_no_network);
  if (block < 0 || block >= static_cast<int>(s->se_blocks().size()))
    return cs::fmt(tr(S::notice_export_se_no_block), block, s->se_blocks().size());
  return save_csv(csv_file_name("se", s->se_blocks()[static_cast<size_t>(block)].name), se_weights_csv(s->stats(), block));
}

std::string export_activation_csv(AppState& state, int layer) {
  LabSession* s = state.lab.session.get();
  if (!s || !s->has_network()) return tr(S::notice_export_activation_no_network);
  const cs::Trace& trace = s->trace();
  if (layer < 0 || layer >= static_cast<int>(trace.size()))
    return cs::fmt(tr(S::notice_export_activation_no_layer), layer, trace.size());
  return save_csv(csv_file_name("activation", trace.name(static_cast<size_t>(layer))),
                  activation_csv(trace.tensor(static_cast<size_t>(layer))));
}

void csv_menu_items(AppState& state) {
  LabSession* s = state.lab.session.get();
  const bool ready = s && s->has_network();
  if (ImGui::BeginMenu(tr_label(S::app_export_se_weights), ready && !s->se_blocks().empty())) {
    for (size_t b = 0; b < s->se_blocks().size(); ++b) {
      const std::string label = cs::fmt(tr(S::app_export_se_block_item), s->se_blocks()[b].name.c_str(),
                                        s->se_blocks()[b].se->channels());
      if (ImGui::MenuItem(label.c_str(), nullptr, false, s->stats().complete()))
        app_notice(state, export_se_csv(state, static_cast<int>(b)));
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(tr_label(S::app_export_activation_as), ready && s->trace().size() > 0)) {
    const cs::Trace& trace = s->trace();
    for (size_t i = 0; i < trace.size(); ++i) {
      const std::string label = trace.name(i) + " " + cs::shape_str(trace.tensor(i).shape());
      if (ImGui::MenuItem(label.c_str(), nullptr, static_cast<int>(i) == state.lab.act_layer))
        app_notice(state, export_activation_csv(state, static_cast<int>(i)));
    }
    ImGui::EndMenu();
  }
}

void draw_present_menu(AppState& state) {
  if (!ImGui::BeginMenu(tr_label(S::app_present))) return;
  const float scales[] = {1.0f, 1.5f, 2.0f};
  const S labels[] = {S::app_size_x1, S::app_size_x1_5, S::app_size_x2};
  for (int i = 0; i < 3; ++i)
    if (ImGui::MenuItem(tr_label(labels[i]), nullptr, state.ui_scale == scales[i])) state.ui_scale = scales[i];
  ImGui::Separator();
  if (ImGui::MenuItem(tr_label(S::app_dark_theme), nullptr, state.theme == Theme::Dark)) state.theme = Theme::Dark;
  if (ImGui::MenuItem(tr_label(S::app_light_theme), nullptr, state.theme == Theme::Light)) state.theme = Theme::Light;
  if (ImGui::MenuItem(tr_label(S::app_high_contrast), nullptr, state.theme == Theme::HighContrast)) state.theme = Theme::HighContrast;
  ImGui::Separator();
  bool cvd = state.sequential_map == ColorMap::Cividis;
  if (ImGui::MenuItem(tr_label(S::app_colour_blind_safe), nullptr, &cvd))
    state.sequential_map = cvd ? ColorMap::Cividis : ColorMap::Viridis;
  ImGui::Separator();
  if (ImGui::MenuItem(tr_label(S::app_fullscreen))) platform_toggle_fullscreen();
  ImGui::EndMenu();
}

// File > Export panel as PNG: a panel's title in the UI language (the table entry whose stable ImGui ID
// is the panel's: "Kernel stepper###stepper"), keeping the panel id as the item's ID.
std::string export_panel_label(const std::string& id) {
  const std::string suffix = "###" + id;
  for (int i = 0; i < kUiStringCount; ++i) {
    const std::string en = ui_string(Language::English, static_cast<S>(i));
    if (en.size() > suffix.size() && en.compare(en.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const std::string shown = tr(static_cast<S>(i));
      return shown.substr(0, shown.find("###")) + suffix;
    }
  }
  return id;
}

void draw_menu(AppState& state) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (a11y_take_menu_request(state)) ImGui::OpenPopup(tr_label(S::app_file));  // Alt or F10 (a11y_mirror.h)
  const bool file_menu = ImGui::BeginMenu(tr_label(S::app_file));
  record_item_rect(state, "menu.file");
  if (file_menu) {
    if (platform_is_browser()) {
      if (ImGui::MenuItem(tr_label(S::app_open_image_or))) platform_open_file_dialog();
      record_item_rect(state, "menu.file.open");
    } else {
      ImGui::TextUnformatted(tr(S::app_open_image_or_weights));
      char buf[512];
      std::snprintf(buf, sizeof buf, "%s", state.desktop_open_path.c_str());
      if (ImGui::InputText("##open-path", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) {
        state.desktop_open_path = buf;
        platform_open_path(state.desktop_open_path.c_str());
      } else {
        state.desktop_open_path = buf;
      }
    }
    ImGui::TextDisabled("%s", tr(S::app_or_drop_a));
    ImGui::Separator();
    if (ImGui::BeginMenu(tr_label(S::app_export_panel_as))) {
      for (const auto& [id, r] : state.panel_rects) {
        if (ImGui::MenuItem(export_panel_label(id).c_str())) {
          std::string name = "convscope-" + id + ".png";
          platform_request_png(name.c_str(), r.x, r.y, r.width, r.height);
        }
        record_item_rect(state, ("menu.export-png." + id).c_str());
      }
      ImGui::EndMenu();
    }
    csv_menu_items(state);
    ImGui::EndMenu();
  }
  // The two workspaces: convolution lessons and the digit lab.
  if (ImGui::MenuItem(tr_label(S::app_lessons), nullptr, state.workspace == Workspace::Lessons)) state.workspace = Workspace::Lessons;
  record_item_rect(state, "menu.lessons");
  if (ImGui::MenuItem(tr_label(S::app_digit_lab), nullptr, state.workspace == Workspace::DigitLab)) state.workspace = Workspace::DigitLab;
  record_item_rect(state, "menu.digit-lab");
  const bool view_open = ImGui::BeginMenu(tr_label(S::app_view));
  record_item_rect(state, "menu.view");
  if (view_open) {
    if (state.workspace == Workspace::Lessons) lesson_menu_items(state);
    else digit_lab_menu_items(state);
    ImGui::Separator();
    ImGui::MenuItem(tr_label(S::app_frame_metrics), nullptr, &state.show_metrics);
    const bool language_open = ImGui::BeginMenu(tr_label(S::app_language));
    record_item_rect(state, "menu.language");
    if (language_open) {
      language_menu_items(state);  // the real languages (the pseudo one is for tests: setState)
      ImGui::EndMenu();
    }
    ImGui::EndMenu();
  }
  draw_present_menu(state);
  if (ImGui::BeginMenu(tr_label(S::app_help))) {
    ImGui::MenuItem(tr_label(S::app_welcome), nullptr, &state.show_home);
    ImGui::MenuItem(tr_label(S::app_keyboard_shortcuts), tr(S::menu_help_shortcut_key), &state.show_help);
    ImGui::EndMenu();
  }
  // Large, always-visible buttons: presentation scale and fullscreen without opening a menu.
  if (ImGui::SmallButton(tr_label(S::menu_zoom_out))) state.ui_scale = state.ui_scale > 1.75f ? 1.5f : 1.0f;
  record_item_rect(state, "menu.zoom-out");
  if (ImGui::SmallButton(tr_label(S::menu_zoom_in))) state.ui_scale = state.ui_scale < 1.25f ? 1.5f : 2.0f;
  record_item_rect(state, "menu.zoom-in");
  if (ImGui::SmallButton(tr_label(S::app_fullscreen))) platform_toggle_fullscreen();
  if (!state.notice.empty() && state.time_s < state.notice_until_s) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", state.notice.c_str());
  }
  ImGui::EndMainMenuBar();
}

void draw_metrics(AppState& state) {
  if (!state.show_metrics) return;
  ImGui::SetNextWindowPos(ImVec2(500, 40), ImGuiCond_FirstUseEver);
  if (ImGui::Begin(tr_label(S::metrics_title), &state.show_metrics, ImGuiWindowFlags_AlwaysAutoResize)) {
    record_panel_rect(state, "metrics");
    ImGuiIO& io = ImGui::GetIO();
    ImGui::Text(tr(S::app_fps_ms_frame), io.Framerate, 1000.0f / (io.Framerate > 0 ? io.Framerate : 1));
    ImGui::Text(tr(S::app_frame_cpu_time), state.perf.p50_ms, state.perf.p95_ms,
                state.perf.max_ms);
    ImGui::Text(tr(S::app_display_x_framebuffer), io.DisplaySize.x, io.DisplaySize.y,
                io.DisplayFramebufferScale.x);
  }
  ImGui::End();
}

}  // namespace

void app_frame(AppState& state) {
  state.frame++;
  state.time_s = platform_time_seconds();
  if (state.frame % 600 == 0)  // stale item names (a gallery scrolled past, grids of another size)
    for (auto it = state.item_rects.begin(); it != state.item_rects.end();)
      it = it->second.frame < state.frame - 60 ? state.item_rects.erase(it) : std::next(it);
  languages_frame(state);  // tr() answers in the chosen language for this frame, once its file is here
  apply_style_if_needed(state);
  if (state.lessons.link_started) sync_link(state);  // (frame 1 waits until the lessons are set up below)
  draw_menu(state);  // its File > Export panel as PNG lists the panels of the last frame...
  state.panel_rects.clear();  // ...which then record themselves again
  if (state.show_home) draw_home_panel(state);
  if (state.workspace == Workspace::Lessons) draw_lesson_panels(state);
  else draw_digit_lab_panels(state);
  draw_metrics(state);
  draw_help(state);
  a11y_frame(state);  // the screen-reader mirror of what was drawn; Alt/F10 for the next menu bar
  if (!state.lessons.link_started) sync_link(state);  // frame 1: open the link in the address bar
  state.perf.last_app_ms = static_cast<float>((platform_time_seconds() - state.time_s) * 1000.0);
}

std::string app_state_json(const AppState& state) {
  json j;
  j["frame"] = state.frame;
  j["ui_scale"] = state.ui_scale;
  j["theme"] = theme_name(state.theme);
  j["colormap"] = state.sequential_map == ColorMap::Cividis ? "cividis" : "viridis";
  j["help"] = state.show_help;
  j["reduced_motion"] = state.reduced_motion;
  j["language"] = language_name(state.language);
  // A few strings as drawn (the menu bar's, the stepper's Play), so a test sees the language on screen.
  j["ui_sample"] = {{"menu_file", ui_string(state.languages.shown, S::app_file)},
                    {"stepper_play", ui_string(state.languages.shown, S::stepper_play)}};
  languages_state_json(state, j);
  j["a11y"] = {{"revision", state.a11y.revision}, {"tab_leaves_canvas", !a11y_wants_tab(state)},
               {"stepper_released", state.a11y.stepper_released}, {"stepper_focused", state.lessons.stepper_focused}};
  j["perf"] = {{"frames", state.perf.count}, {"p50_ms", state.perf.p50_ms}, {"p95_ms", state.perf.p95_ms},
               {"max_ms", state.perf.max_ms}, {"app_p95_ms", state.perf.app_p95_ms},
               {"outside_p95_ms", state.perf.outside_p95_ms}};
  for (const FrameStats::Split* sp : {&state.perf.slow, &state.perf.all}) {
    const FramePhases& q = sp->phases;
    json& o = j["perf"][sp == &state.perf.slow ? "slow" : "all"];
    o["frames"] = sp->frames;
    o["drawn"] = sp->drawn;
    // A table, not one initializer list: the page's code stays smaller (each nested list is code).
    const std::pair<const char*, float> parts[] = {
        {"total_ms", sp->total_ms}, {"app_ms", sp->app_ms}, {"input_ms", q.input_ms},
        {"new_frame_ms", q.new_frame_ms}, {"upload_ms", q.upload_ms}, {"render_ms", q.render_ms},
        {"signature_ms", q.signature_ms}, {"gl_ms", q.gl_ms}};
    for (const auto& [name, ms] : parts) o[name] = ms;
  }
  j["workspace"] = state.workspace == Workspace::Lessons ? "lessons" : "digit-lab";
  j["notice"] = state.time_s < state.notice_until_s ? state.notice : "";
  j["home"] = {{"visible", state.show_home}, {"clicks", state.home.clicks}, {"slider", state.home.demo_slider}};
  j["inbox"] = {{"image", {{"serial", state.inbox.image_serial}, {"name", state.inbox.image_name},
                           {"width", state.inbox.image.width}, {"height", state.inbox.image.height},
                           {"channels", state.inbox.image.channels}}},
                {"weights", {{"serial", state.inbox.weights_serial}, {"name", state.inbox.weights_name},
                             {"bytes", state.inbox.weights.size()}}}};
  // The digit model (bundled digits + DigitNet's weights): "ready" once both are there (the page
  // fetches them on first need), with the failed fetch's message; partials waiting for it.
  const char* statuses[] = {"idle", "loading", "failed", "ready"};
  j["lab_assets"] = {{"status", statuses[state.lab_assets.status]}, {"error", state.lab_assets.error},
                     {"deferred", state.lab_assets.deferred.size()}, {"revision", state.lab_assets.revision}};
  lesson_state_json(state, j);
  digit_lab_state_json(state, j);
  return j.dump();
}

std::string app_panels_json(const AppState& state) {
  json j = json::object();
  for (const auto& [id, r] : state.panel_rects)
    j[id] = {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
  return j.dump();
}

std::string app_items_json(const AppState& state) {
  json j = json::object();
  for (const auto& [id, item] : state.item_rects) {
    if (item.frame != state.frame) continue;  // not drawn in the last frame
    const PanelRect& r = item.rect;
    j[id] = {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
  }
  return j.dump();
}

namespace {

// Parts of a setState partial that read the bundled digits or DigitNet's weights: the lessons' digit
// input or learned kernels, the lab's gallery input, activations, training and SE overrides.
bool needs_lab_assets(const json& j) {
  if (j.contains("stepper") && j["stepper"].is_object()) {
    const json& st = j["stepper"];
    if (st.contains("digit_index") || (st.contains("input_preset") && st["input_preset"] == "digit") ||
        (st.contains("kernel_preset") && st["kernel_preset"] == "learned"))
      return true;
  }
  if (j.contains("se") && j["se"].is_object() && j["se"].contains("override")) return true;
  return j.contains("input") || j.contains("activations") || j.contains("training");
}

}  // namespace

std::string app_set_state(AppState& state, const std::string& partial_json) {
  json j = json::parse(partial_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return cs::fmt(tr(S::api_expects_object), "setState");
  // A partial that needs the digit model while it is on its way (the page fetches it on first need)
  // waits for it: the fetch starts (or is retried) and the whole partial is applied when it arrives
  // (web/hook.js's setState waits for that; an error then becomes a notice).
  if (needs_lab_assets(j) && app_lab_assets(state, 2) == LabAssets::Loading) {
    state.lab_assets.deferred.push_back({partial_json, false});
    return "";
  }
  AppState next = state;  // apply to a copy: a bad field leaves the state untouched
  if (j.contains("workspace")) {
    const json& w = j["workspace"];
    if (w == "lessons") next.workspace = Workspace::Lessons;
    else if (w == "digit-lab") next.workspace = Workspace::DigitLab;
    else return cs::fmt(tr(S::api_one_of_two), "workspace", "\"lessons\"", "\"digit-lab\"");
  }
  if (j.contains("ui_scale")) {
    const json& v = j["ui_scale"];
    if (!v.is_number() || !(v.get<double>() == 1.0 || v.get<double>() == 1.5 || v.get<double>() == 2.0))
      return cs::fmt(tr(S::state_one_of_three), "ui_scale", "1", "1.5", "2");
    next.ui_scale = v.get<float>();
  }
  if (j.contains("theme")) {
    const json& v = j["theme"];
    if (v == "dark") next.theme = Theme::Dark;
    else if (v == "light") next.theme = Theme::Light;
    else if (v == "high-contrast") next.theme = Theme::HighContrast;
    else return cs::fmt(tr(S::state_one_of_three), "theme", "\"dark\"", "\"light\"", "\"high-contrast\"");
  }
  if (j.contains("colormap")) {
    const json& v = j["colormap"];
    if (v == "viridis") next.sequential_map = ColorMap::Viridis;
    else if (v == "cividis") next.sequential_map = ColorMap::Cividis;
    else return cs::fmt(tr(S::api_one_of_two), "colormap", "\"viridis\"", "\"cividis\"");
  }
  if (j.contains("language")) {
    const json& v = j["language"];
    if (!v.is_string() || !parse_language(v.get<std::string>(), &next.language))
      return cs::fmt(tr(S::api_language_names), "language", v.dump().c_str());
  }
  if (j.contains("help")) {
    if (!j["help"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "help");
    next.show_help = j["help"].get<bool>();
  }
  if (j.contains("reduced_motion")) {  // the page sets it from prefers-reduced-motion (web/a11y.js)
    if (!j["reduced_motion"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "reduced_motion");
    next.reduced_motion = j["reduced_motion"].get<bool>();
  }
  if (j.contains("export_png")) {  // {export_png: "panel-id"}: the File > Export menu, for tests
    const json& v = j["export_png"];
    if (!v.is_string() || !state.panel_rects.count(v.get<std::string>()))
      return cs::fmt(tr(S::api_visible_panel), "export_png");
    const PanelRect& r = state.panel_rects.at(v.get<std::string>());
    std::string name = "convscope-" + v.get<std::string>() + ".png";
    platform_request_png(name.c_str(), r.x, r.y, r.width, r.height);
  }
  if (j.contains("export_csv")) {  // {export_csv: {se: block} | {activation: layer index or name}}: File menu
    const json& v = j["export_csv"];
    std::string done;
    if (v.is_object() && v.size() == 1 && v.contains("se") && v["se"].is_number_integer()) {
      done = export_se_csv(state, v["se"].get<int>());
    } else if (v.is_object() && v.size() == 1 && v.contains("activation")) {
      const json& a = v["activation"];
      int layer = -2;
      if (a.is_number_integer()) layer = a.get<int>();
      else if (a.is_string() && state.lab.session)
        for (size_t i = 0; i < state.lab.session->trace().size(); ++i)
          if (state.lab.session->trace().name(i) == a.get<std::string>()) layer = static_cast<int>(i);
      if (layer == -2) return cs::fmt(tr(S::api_recorded_layer), "export_csv.activation");
      done = export_activation_csv(state, layer);
    } else {
      return cs::fmt(tr(S::api_export_csv_shape), "export_csv", "se", "activation");
    }
    // Refused: the export's own "Could not export ..." or the platform's failed save, which says
    // notice_export_failed too (in the UI language: these sentences share its start).
    const std::string failed = tr(S::notice_export_failed), refused = failed.substr(0, failed.find(" %s"));
    if (done.rfind(refused, 0) == 0) return done;
    app_notice(state, done);
    next.notice = state.notice;
    next.notice_until_s = state.notice_until_s;
  }
  if (j.contains("home")) {
    const json& h = j["home"];
    if (!h.is_object()) return cs::fmt(tr(S::state_not_object), "home");
    if (h.contains("visible")) {
      if (!h["visible"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "home.visible");
      next.show_home = h["visible"].get<bool>();
    }
    if (h.contains("clicks")) {
      if (!h["clicks"].is_number_integer()) return cs::fmt(tr(S::state_not_integer), "home.clicks");
      next.home.clicks = h["clicks"].get<int>();
    }
  }
  std::string err = lesson_set_state(next, j);
  if (err.empty()) err = digit_lab_set_state(next, j);
  if (!err.empty()) return err;
  state = next;
  // The lab needs its digits and weights: ask for them now rather than on its first frame.
  if (state.workspace == Workspace::DigitLab) app_lab_assets(state, 1);
  return "";
}

}  // namespace cs::app
