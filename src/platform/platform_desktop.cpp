// platform_desktop.cpp — the desktop's side of the platform (platform.h): OpenGL 3.3 core, files
// on disk, fullscreen, idle time between frames, and the smoke test's --screenshot / --dump-state.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "app/platform_api.h"
#include "app/ui_strings.h"
#include "engine/status.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "platform.h"

namespace cs::platform {

namespace {

// platform_run_when_idle's one waiting task, run at the end of a frame in the time left before the
// next frame is due (the swap waits for the display anyway).
cs::app::IdleTask g_idle_task;

// The desktop's frame period: the display's refresh rate where SDL knows it, else 60 Hz.
double native_frame_period_ms(SDL_Window* window) {
  SDL_DisplayMode mode;
  const int display = SDL_GetWindowDisplayIndex(window);
  if (display >= 0 && SDL_GetCurrentDisplayMode(display, &mode) == 0 && mode.refresh_rate >= 24)
    return 1000.0 / mode.refresh_rate;
  return 1000.0 / 60.0;
}

// Runs the pending idle task (if any) with the time left before the next frame is due, keeping
// kSwapMarginMs for the swap and the driver. The task is taken first: a task may ask again.
void run_idle_task_natively(SDL_Window* window, std::chrono::steady_clock::time_point frame_start) {
  constexpr double kSwapMarginMs = 4.0;
  if (!g_idle_task) return;
  const double spent_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count();
  const double budget_ms = std::min(cs::app::kIdleSliceMaxMs, native_frame_period_ms(window) - spent_ms - kSwapMarginMs);
  if (budget_ms <= 0.5) return;  // a busy frame: the task waits for the next one
  cs::app::IdleTask task = std::move(g_idle_task);
  g_idle_task = nullptr;
  task(budget_ms);
}

}  // namespace

void prepare_sdl() {}

SDL_WindowFlags configure_gl(Platform& p) {
  p.glsl_version = "#version 330 core";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
  return static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
}

void follow_window_size(Platform&) {}  // the window is the user's to size
void frame_built(Platform&) {}

void initial_window_size(int*, int*) {}  // the desktop keeps main()'s 1280x800

void frame_not_drawn(Platform& p, Clock::time_point frame_start) {
  run_idle_task_natively(p.window, frame_start);
  // No swap to wait on: sleep until input or the next frame's time.
  const double spent_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count();
  SDL_WaitEventTimeout(nullptr, std::max(1, static_cast<int>(native_frame_period_ms(p.window) - spent_ms)));
}

void frame_drawn(Platform& p, Clock::time_point frame_start, bool last_frame) {
  if (last_frame) {
    if (!p.screenshot_path.empty()) {
      int w = 0, h = 0;
      SDL_GL_GetDrawableSize(p.window, &w, &h);
      std::vector<uint8_t> png = capture_png(0, 0, w, h);
      FILE* f = std::fopen(p.screenshot_path.c_str(), "wb");
      if (!f || std::fwrite(png.data(), 1, png.size(), f) != png.size())
        std::fprintf(stderr, "convscope-desktop: could not write %s\n", p.screenshot_path.c_str());
      if (f) std::fclose(f);
    }
    // What the page's ConvScope.state() and panels() return, for the desktop smoke test.
    const auto dump = [&p](const std::string& path, const std::string& json) {
      if (path.empty()) return;
      FILE* f = std::fopen(path.c_str(), "wb");
      if (!f || std::fwrite(json.data(), 1, json.size(), f) != json.size()) {
        std::fprintf(stderr, "convscope-desktop: could not write %s\n", path.c_str());
        p.exit_code = 1;
      }
      if (f) std::fclose(f);
    };
    if (!p.dump_state_path.empty()) dump(p.dump_state_path, cs::app::app_state_json(p.state));
    if (!p.dump_panels_path.empty()) dump(p.dump_panels_path, cs::app::app_panels_json(p.state));
    if (!p.dump_items_path.empty()) dump(p.dump_items_path, cs::app::app_items_json(p.state));
    p.quit = true;
  }
  run_idle_task_natively(p.window, frame_start);
}

void run_main_loop(Platform& p) {
  SDL_GL_SetSwapInterval(p.max_frames >= 0 ? 0 : 1);  // vsync, except when racing through a smoke test
  while (!p.quit) frame(&p);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(p.gl);
  SDL_DestroyWindow(p.window);
  SDL_Quit();
}

}  // namespace cs::platform

namespace cs::app {

using cs::platform::g_platform;

bool platform_run_when_idle(IdleTask task) {
  cs::platform::g_idle_task = std::move(task);
  return true;
}

void platform_open_file_dialog() {}  // the desktop opens files dropped on its window

std::string platform_save_file(const char* file_name, const uint8_t* bytes, size_t size, const char* mime_type) {
  std::string name = file_name ? file_name : "convscope-export";
  (void)mime_type;
  FILE* f = std::fopen(name.c_str(), "wb");
  // A failure reads as the export's own refusal (notice_export_failed), which callers recognise.
  if (!f) return cs::fmt(tr(S::notice_export_failed), name.c_str(), std::strerror(errno));
  bool ok = std::fwrite(bytes, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  return ok ? cs::fmt(tr(S::notice_saved_file), name.c_str())
            : cs::fmt(tr(S::notice_export_failed), name.c_str(), tr(S::notice_save_incomplete));
}

std::string platform_url_hash() { return ""; }  // links are the page's: the desktop has --state

void platform_set_url_hash(const std::string&) {}

void platform_toggle_fullscreen() {
  Uint32 flags = SDL_GetWindowFlags(g_platform->window);
  SDL_SetWindowFullscreen(g_platform->window, (flags & SDL_WINDOW_FULLSCREEN_DESKTOP) ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
}

bool platform_is_browser() { return false; }
void platform_a11y_publish(const std::string&) {}  // the page's screen-reader mirror; none on the desktop
void platform_language_chosen(const char*, const char*) {}  // the page remembers it; the desktop starts in English

std::string platform_page_url() { return ""; }

// Small texts in $XDG_CONFIG_HOME/convscope (else ~/.config/convscope), one file per key.
static std::string storage_path(const char* key) {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::string dir = xdg && *xdg ? std::string(xdg) + "/convscope" : home && *home ? std::string(home) + "/.config/convscope" : "";
  if (dir.empty()) return "";
  return dir + "/" + key + ".json";
}

std::string platform_storage_get(const char* key) {
  const std::string path = storage_path(key);
  FILE* f = path.empty() ? nullptr : std::fopen(path.c_str(), "rb");
  if (!f) return "";
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < (size_t(4) << 20)) text.append(buf, n);
  std::fclose(f);
  return text;
}

void platform_storage_set(const char* key, const std::string& value) {
  const std::string path = storage_path(key);
  if (path.empty()) return;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(value.data(), 1, value.size(), f);
    std::fclose(f);
  }
}

std::string platform_record_clip(const char*, double) { return tr(S::course_clip_browser_only); }

bool platform_fetch_file(const char* name, FetchDone done) {  // the desktop embeds its files
  (void)name;
  (void)done;
  return false;
}

void platform_take_photo() {}  // phones and tablets only (the page's camera capture)

}  // namespace cs::app
