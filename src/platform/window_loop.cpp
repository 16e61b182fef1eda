// window_loop.cpp — the program's entry: creates the window and the GL context (through SDL2, on the
// desktop and in the browser alike), keeps fonts crisp at any devicePixelRatio and runs one frame at a
// time: events, the app's frame, the draw (gl_renderer.cpp) or not when nothing changed. What differs
// between the browser and the desktop is in platform_web.cpp / platform_desktop.cpp (platform.h).
#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/embedded_assets.h"
#include "app/platform_api.h"
#include "app/ui_strings.h"
#include "engine/status.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "platform.h"

namespace cs::platform {

Platform* g_platform = nullptr;

namespace {

using cs::app::app_notice;
using cs::app::S;
using cs::app::tr;

// [SECTION] Fonts: loaded at px * devicePixelRatio and scaled back, so text is crisp at dpr 2 -----

void rebuild_fonts_if_needed(Platform& p) {
  ImGuiIO& io = ImGui::GetIO();
  float dpr = io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f;
  float scale = p.state.ui_scale;
  if (dpr == p.font_dpr && scale == p.font_scale) return;
  p.font_dpr = dpr;
  p.font_scale = scale;
  io.Fonts->Clear();
  cs::app::EmbeddedAsset font = cs::app::embedded_asset("font.ttf");
  const float px = 16.0f * scale;
  if (font) {
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;  // the bytes live in the program image
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0394, 0x0394, 0x03A3, 0x03A3, 0x03B1, 0x03C9,
                                     0x2190, 0x2193, 0x2212, 0x2212, 0x2022, 0x2022, 0x2026, 0x2026,
                                     0x221E, 0x221E, 0x2248, 0x2248, 0x2264, 0x2265, 0x25A0, 0x25A0,
                                     0x25B6, 0x25B6, 0};
    io.Fonts->AddFontFromMemoryTTF(const_cast<uint8_t*>(font.data), static_cast<int>(font.size),
                                   px * dpr, &cfg, ranges);
  } else {
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * scale * dpr;
    io.Fonts->AddFontDefault(&cfg);
  }
  if (p.extra_font && font && !p.extra_ranges.empty()) {  // a script the UI font lacks, merged in
    ImFontConfig cfg;
    cfg.MergeMode = true;
    cfg.FontDataOwnedByAtlas = false;  // Platform::extra_font keeps the bytes
    io.Fonts->AddFontFromMemoryTTF(const_cast<uint8_t*>(p.extra_font->data()), static_cast<int>(p.extra_font->size()),
                                   px * dpr, &cfg, p.extra_ranges.data());
  }
  io.FontGlobalScale = 1.0f / dpr;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  p.gpu_changed = true;
}

void io_scale_to_canvas(Platform& p) {
  ImGui::GetIO().DisplayFramebufferScale = ImVec2(p.canvas_ratio, p.canvas_ratio);
}

void serve_png_requests(Platform& p) {
  float s = ImGui::GetIO().DisplayFramebufferScale.x;
  for (const auto& r : p.png_requests) {
    std::vector<uint8_t> png = capture_png(static_cast<int>(r.x * s), static_cast<int>(r.y * s),
                                           static_cast<int>(r.width * s), static_cast<int>(r.height * s));
    if (png.empty()) {
      app_notice(p.state, cs::fmt(tr(S::notice_export_off_screen), r.file_name.c_str()));
      continue;
    }
    std::string where = cs::app::platform_save_file(r.file_name.c_str(), png.data(), png.size(), "image/png");
    app_notice(p.state, where);
  }
  p.png_requests.clear();
}

}  // namespace

void drawable_size(Platform& p, int* w, int* h) {
  if (p.canvas_width > 0) {
    *w = p.canvas_width;
    *h = p.canvas_height;
    return;
  }
  SDL_GL_GetDrawableSize(p.window, w, h);
}

void frame(void* arg) {
  Platform& p = *static_cast<Platform*>(arg);
  const Clock::time_point frame_start = Clock::now();
  cs::app::FramePhases phases;  // where this frame's time goes (state().perf.slow in the page)
  follow_window_size(p);
  SDL_Event event;
  p.finger_came_down = false;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) p.quit = true;
    if (event.type == SDL_FINGERUP) p.finger_lifted = true, p.finger_lifted_frame = p.state.frame, p.finger_down = false;
    if (event.type == SDL_FINGERDOWN) p.finger_lifted = false, p.finger_down = p.finger_came_down = true;
    if (event.type == SDL_MOUSEMOTION && event.motion.which != SDL_TOUCH_MOUSEID) p.finger_lifted = false;
    if (event.type == SDL_KEYDOWN && !event.key.repeat && event.key.keysym.scancode >= SDL_SCANCODE_F1 &&
        event.key.keysym.scancode <= SDL_SCANCODE_F12)
      p.function_keys_pressed |= 1u << (event.key.keysym.scancode - SDL_SCANCODE_F1);
    if (event.type == SDL_DROPFILE && event.drop.file) {  // desktop drag and drop
      cs::app::platform_open_path(event.drop.file);
      SDL_free(event.drop.file);
    }
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
        event.window.windowID == SDL_GetWindowID(p.window))
      p.quit = true;
  }
  if (p.context_restored) recover_context(p);
  if (p.context_lost) return;  // nothing can be drawn until the browser gives the context back
  const Clock::time_point input_done = Clock::now();
  phases.input_ms = ms_between(frame_start, input_done);

  // No ImGui_ImplOpenGL3_NewFrame: it would only build the backend's own shader program, which this
  // renderer does not use (one shader compile less at start-up); the font texture is made below.
  ImGui_ImplSDL2_NewFrame();
  // SDL takes the canvas as CSS px x dpr; where the page capped it at the GL limit the ratio is lower.
  if (p.canvas_ratio > 0.0f) io_scale_to_canvas(p);
  if (p.finger_lifted && p.state.frame > p.finger_lifted_frame) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  rebuild_fonts_if_needed(p);
  // Coarse browser timers can make two frames share a timestamp; ImGui 1.86 asserts DeltaTime > 0.
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;
  ImGui::NewFrame();
  const Clock::time_point new_frame_done = Clock::now();
  phases.new_frame_ms = ms_between(input_done, new_frame_done);
  p.colormap_draws.clear();
  p.frame_upload_ms = 0;
  // --then: the next partial, one a frame from halfway through --frames, as a page's later setState calls
  // (a lesson check applies a step's state, lets the app settle, then the task's solution).
  if (!p.later_states.empty() && p.max_frames >= 0 && p.state.frame >= p.max_frames / 2) {
    const std::string refused = cs::app::app_set_state(p.state, p.later_states.front());
    if (!refused.empty()) {
      std::fprintf(stderr, "convscope-desktop: --then refused: %s\n", refused.c_str());
      p.exit_code = 2;
    }
    p.later_states.erase(p.later_states.begin());
  }
  cs::app::app_frame(p.state);
  phases.upload_ms = p.frame_upload_ms;
  p.function_keys_pressed = 0;
  const Clock::time_point app_done = Clock::now();
  ImGui::Render();
  const Clock::time_point render_done = Clock::now();
  phases.render_ms = ms_between(app_done, render_done);

  frame_built(p);
  int fb_w = 0, fb_h = 0;
  drawable_size(p, &fb_w, &fb_h);
  const bool last_frame = p.max_frames >= 0 && p.state.frame >= p.max_frames;
  const bool same = same_as_drawn_frame(ImGui::GetDrawData(), fb_w, fb_h, p.drawn_signature);
  // Exports and the desktop screenshot read the framebuffer back, so those frames are always drawn.
  const bool unchanged = !p.gpu_changed && p.png_requests.empty() && !last_frame && same;
  const Clock::time_point signature_done = Clock::now();
  phases.signature_ms = ms_between(render_done, signature_done);
  if (unchanged) {
    cs::app::app_record_frame_time(p.state, ms_between(frame_start, signature_done), phases);
    frame_not_drawn(p, frame_start);
    return;
  }
  p.gpu_changed = false;  // (drawn_signature holds this frame's already)
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  render_draw_data(p, ImGui::GetDrawData());
  const Clock::time_point gl_done = Clock::now();
  phases.gl_ms = ms_between(signature_done, gl_done);
  phases.drawn = true;
  cs::app::app_record_frame_time(p.state, ms_between(frame_start, gl_done), phases);
  if (!p.png_requests.empty()) serve_png_requests(p);
  frame_drawn(p, frame_start, last_frame);
  SDL_GL_SwapWindow(p.window);
}

}  // namespace cs::platform

// [SECTION] platform_api.h: the parts both builds share -------------------------------------------------

namespace cs::app {

using cs::platform::g_platform;

void platform_open_path(const char* path) {
  cs::app::AppState& state = g_platform->state;
  std::string name = path ? path : "";
  FILE* f = name.empty() ? nullptr : std::fopen(name.c_str(), "rb");
  if (!f) return app_notice(state, cs::fmt(tr(S::notice_open_failed), name.c_str(), std::strerror(errno)));
  std::vector<uint8_t> bytes;
  constexpr size_t kCap = (size_t(64) << 20) + 1;  // one past the app's limit, so it can say "too large"
  uint8_t chunk[65536];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0 && bytes.size() < kCap) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  app_open_file(state, name, bytes.data(), bytes.size());
}

void platform_request_png(const char* file_name, float x, float y, float width, float height) {
  g_platform->png_requests.push_back({file_name ? file_name : "panel.png", x, y, width, height});
}

void platform_set_extra_font(std::shared_ptr<const std::vector<uint8_t>> ttf, std::vector<ImWchar> ranges) {
  g_platform->extra_font = std::move(ttf);
  g_platform->extra_ranges = std::move(ranges);
  if (g_platform->extra_ranges.empty() || g_platform->extra_ranges.back() != 0) g_platform->extra_ranges.push_back(0);
  g_platform->font_dpr = 0.0f;  // the atlas is rebuilt before the next frame
}

bool platform_finger_down() { return g_platform->finger_down || g_platform->finger_came_down; }

bool platform_function_key_pressed(int n) {
  if (n < 1 || n > 12) return false;
  return (g_platform->function_keys_pressed >> (n - 1)) & 1u;
}

CanvasInfo platform_canvas_info() {
  CanvasInfo c;
  SDL_GetWindowSize(g_platform->window, &c.css_width, &c.css_height);
  cs::platform::drawable_size(*g_platform, &c.canvas_width, &c.canvas_height);
  c.dpr = g_platform->css_dpr > 0 ? g_platform->css_dpr : platform_device_pixel_ratio();
  return c;
}

float platform_device_pixel_ratio() {
  float s = ImGui::GetIO().DisplayFramebufferScale.x;
  return s > 0 ? s : 1.0f;
}

double platform_time_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - g_platform->t0).count();
}

}  // namespace cs::app

// [SECTION] main ------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  using namespace cs::platform;
  static Platform platform;  // outlives main() in the browser, where the loop keeps running
  Platform& p = platform;
  g_platform = &p;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) {
      p.max_frames = std::atoll(argv[++i]);
    } else if (!std::strcmp(argv[i], "--screenshot") && i + 1 < argc) {
      p.screenshot_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--state") && i + 1 < argc) {
      p.start_state = argv[++i];
    } else if (!std::strcmp(argv[i], "--then") && i + 1 < argc) {
      p.later_states.push_back(argv[++i]);
    } else if (!std::strcmp(argv[i], "--dump-state") && i + 1 < argc) {
      p.dump_state_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--dump-panels") && i + 1 < argc) {
      p.dump_panels_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--dump-items") && i + 1 < argc) {
      p.dump_items_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: convscope-desktop [--frames N] [--screenshot out.png] [--dump-state out.json]\n"
                  "                         [--dump-panels out.json] [--dump-items out.json] [--state JSON] [--then JSON]\n"
                  "  --frames N        render N frames and exit 0 (smoke test)\n"
                  "  --screenshot F    with --frames: save the last frame as PNG\n"
                  "  --dump-state F    with --frames: write the app state after the last frame as JSON,\n"
                  "                    the same as the page's ConvScope.state()\n"
                  "  --dump-panels F   with --frames: the same for ConvScope.panels() (panel rectangles)\n"
                  "  --dump-items F    with --frames: the same for ConvScope.items() (named controls)\n"
                  "  --state JSON      start in this state, as the page's ConvScope.setState takes it,\n"
                  "                    e.g. '{\"workspace\": \"digit-lab\"}'\n"
                  "  --then JSON       with --frames: a later setState, from halfway through the frames\n"
                  "                    (repeatable: one a frame, in order; a refusal exits 2)\n");
      return 0;
    } else {
      std::fprintf(stderr, "convscope-desktop: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }

  prepare_sdl();
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "convscope-desktop: SDL_Init failed: %s\n", SDL_GetError());
    return 1;
  }
  const SDL_WindowFlags window_flags = configure_gl(p);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  int window_w = 1280, window_h = 800;
  initial_window_size(&window_w, &window_h);
  p.window = SDL_CreateWindow("ConvScope", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, window_w, window_h, window_flags);
  if (!p.window) {
    std::fprintf(stderr, "convscope-desktop: could not create a window: %s\n", SDL_GetError());
    return 1;
  }
  p.gl = SDL_GL_CreateContext(p.window);
  if (!p.gl) {
    std::fprintf(stderr, "convscope-desktop: could not create an OpenGL 3.3 context: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(p.window, p.gl);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layouts come from code and the URL, not from a stray file
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplSDL2_InitForOpenGL(p.window, p.gl);
  ImGui_ImplOpenGL3_Init(p.glsl_version);
  cs::app::app_init(p.state);
  if (!p.start_state.empty()) {
    const std::string refused = cs::app::app_set_state(p.state, p.start_state);
    if (!refused.empty()) {
      std::fprintf(stderr, "convscope-desktop: --state refused: %s\n", refused.c_str());
      return 2;
    }
  }

  run_main_loop(p);
  return p.exit_code;
}
