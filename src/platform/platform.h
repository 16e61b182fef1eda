// platform.h — what the platform's files share (the app sees only app/platform_api.h): the GL
// headers of the build, the platform's state, and what each file offers the others.
//   window_loop.cpp       the window, the GL context, fonts and the frame loop (both builds);
//   gl_renderer.cpp       ImGui's draw data and the app's textures and colour maps drawn with GL,
//                         the unchanged-frame check, context-loss recovery, PNG capture;
//   platform_web.cpp      the browser: canvas size, WebGL context loss, downloads, the URL, files
//                         beside the page, idle callbacks, the JavaScript bridge (web/hook.js);
//   platform_desktop.cpp  the desktop: files, fullscreen, idle time, --screenshot / --dump-state.
// CMake builds window_loop + gl_renderer with one of the last two.
#pragma once
#include <SDL.h>
static_assert(SDL_MAJOR_VERSION == 2, "SDL2 headers expected (not Emscripten's SDL1 headers)");

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <SDL_opengl.h>
#endif

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "app/app.h"
#include "imgui.h"

namespace cs::platform {

struct Texture {
  GLuint id = 0;  // 0 = must be (re)created (first use or after a context loss)
  int width = 0, height = 0;
  bool single_channel = false;
  std::vector<uint8_t> pixels;  // CPU copy: lets a lost context be restored without the app
  bool dirty = true;
  long long revision = -1;  // the caller's version of `pixels` (-1: none given, compare the bytes)
};

struct ColormapDraw {
  int map = 0;
};

struct Platform {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  const char* glsl_version = nullptr;
  cs::app::AppState state;
  bool quit = false;
  long long max_frames = -1;  // --frames N (desktop smoke test)
  std::string screenshot_path;
  std::string start_state;  // --state JSON (desktop): applied once after app_init
  std::vector<std::string> later_states;  // --then JSON (desktop, repeatable): applied from halfway through --frames
  std::string dump_state_path;   // --dump-state FILE (desktop): state() as JSON after the last frame
  std::string dump_panels_path;  // --dump-panels FILE (desktop): panels() as JSON after the last frame
  std::string dump_items_path;   // --dump-items FILE (desktop): items() as JSON (lesson spotlights are checked on it)
  int exit_code = 0;
  float font_dpr = 0.0f;       // dpr/scale the font atlas was built for
  float font_scale = 0.0f;
  bool context_lost = false;
  bool context_restored = false;
  int css_width = 0, css_height = 0;  // browser window size last applied to the canvas
  float css_dpr = 0.0f;
  // The canvas's backing store as the page sized it (CSS px x dpr, capped at gl_max; 0: the SDL
  // drawable size is right, the desktop) and the GL context's largest drawable side (0: not asked yet).
  int canvas_width = 0, canvas_height = 0;
  float canvas_ratio = 0.0f;
  int gl_max = 0;
  std::map<std::string, Texture> textures;
  std::vector<uint8_t> scalar_bytes;        // scratch for platform_draw_scalar_field
  std::deque<ColormapDraw> colormap_draws;  // per frame; deque keeps addresses stable
  GLuint colormap_program = 0;
  GLint colormap_loc_proj = -1, colormap_loc_tex = -1, colormap_loc_map = -1;
  // Uniforms the colour-map program holds already (uniforms live in the program): the projection
  // is set once per frame, the map only when it changes.
  bool colormap_proj_set = false;
  int colormap_map_set = -1;
  // Our own ImGui renderer (see [SECTION] Renderer): 0 = must be (re)created.
  GLuint ui_program = 0, ui_vbo = 0, ui_ebo = 0, ui_vao = 0;
  GLint ui_loc_proj = -1, ui_loc_tex = -1;
  float ui_proj[16] = {};  // this frame's orthographic projection, shared with the colour-map shader
  std::string json_out;  // buffer for strings returned to JavaScript
  // F1..F12 key-down events of this frame (bit n-1 for Fn), taken from SDL's events: ImGui 1.86 keeps
  // only key state, so a key pressed and released between two frames would never be seen as pressed.
  unsigned function_keys_pressed = 0;
  // A finger, unlike a mouse, leaves the screen: after it lifts (from the next frame, so the release
  // still clicks where it was) nothing is hovered, and hover-only help (tooltips, the stepper's trace)
  // shows while a finger rests on a thing: touch-and-hold where a mouse hovers. A real mouse move ends it.
  bool finger_lifted = false;
  long long finger_lifted_frame = -1;
  // A finger on the screen now, or one that came down during this frame's events (a tap quicker than
  // a frame still reaches the app as a press): platform_finger_down().
  bool finger_down = false, finger_came_down = false;
  struct PngRequest {
    std::string file_name;
    float x = 0, y = 0, width = 0, height = 0;
  };
  std::vector<PngRequest> png_requests;  // captured after this frame's draw, before the swap
  // Frames that would put the same pixels on screen are not drawn (see [SECTION] Unchanged frames).
  std::vector<uint8_t> drawn_signature;  // the last drawn frame's draw data (same_as_drawn_frame)
  bool gpu_changed = true;  // a texture or the font atlas was (re)uploaded since the last draw
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  float frame_upload_ms = 0;  // this frame's texture work for the app (FramePhases::upload_ms)
  // A font merged into the UI font for a language whose script it lacks (platform_set_extra_font):
  // its bytes and the glyphs to bake (ImGui ranges, 0-terminated).
  std::shared_ptr<const std::vector<uint8_t>> extra_font;
  std::vector<ImWchar> extra_ranges;
};

extern Platform* g_platform;  // the one platform state (window_loop.cpp)

using Clock = std::chrono::steady_clock;
inline float ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<float, std::milli>(b - a).count();
}

// [SECTION] gl_renderer.cpp -------------------------------------------------------------------------
bool equal_bytes(const uint8_t* a, const uint8_t* b, size_t n);
Texture& texture_slot(Platform& p, const char* key, int width, int height, bool single_channel,
                      const uint8_t* bytes, long long revision = -1);
void render_draw_data(Platform& p, const ImDrawData* dd);
void forget_gl_objects(Platform& p);
void recover_context(Platform& p);
// True when this frame's draw data equals the last drawn frame's (`drawn` then holds this frame's).
bool same_as_drawn_frame(const ImDrawData* dd, int fb_w, int fb_h, std::vector<uint8_t>& drawn);
// A rectangle of the frame just drawn (framebuffer pixels) as PNG bytes; empty if off screen.
std::vector<uint8_t> capture_png(int x, int y, int w, int h);

// [SECTION] platform_web.cpp or platform_desktop.cpp --------------------------------------------------
void prepare_sdl();                         // before SDL_Init
SDL_WindowFlags configure_gl(Platform& p);  // GL attributes and p.glsl_version; the window's flags
void follow_window_size(Platform& p);       // each frame, before the events
void frame_built(Platform& p);              // after ImGui::Render
void frame_not_drawn(Platform& p, Clock::time_point frame_start);                  // an unchanged frame
void frame_drawn(Platform& p, Clock::time_point frame_start, bool last_frame);     // before the swap
void run_main_loop(Platform& p);            // returns when the program should exit
void initial_window_size(int* w, int* h);   // the window's size at creation (the page: its viewport)
void frame(void* platform);                 // window_loop.cpp: one frame
void drawable_size(Platform& p, int* w, int* h);  // window_loop.cpp: the framebuffer's pixels

}  // namespace cs::platform
