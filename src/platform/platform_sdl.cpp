// platform_sdl.cpp — the only file that knows SDL2, OpenGL/WebGL2 and Emscripten. It creates the
// window and GL context, runs the main loop (native loop on desktop, emscripten_set_main_loop_arg in
// the browser), keeps fonts crisp at any devicePixelRatio, owns GPU textures (restored after a WebGL
// context loss), draws scalar fields through shaders/colormap.frag, and exposes the app's JSON hook
// to JavaScript (web/hook.js builds window.ConvScope on top of it).
#include <SDL.h>
static_assert(SDL_MAJOR_VERSION == 2, "SDL2 headers expected (not Emscripten's SDL1 headers)");

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <SDL_opengl.h>
#endif
// PNG encoding for panel exports and the desktop screenshot (both platforms).
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/embedded_assets.h"
#include "app/platform_api.h"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"

namespace {

using cs::app::AppState;
using cs::app::ColorMap;
using cs::app::app_notice;
using cs::app::app_open_file;

// [SECTION] Platform state --------------------------------------------------------------------

struct Texture {
  GLuint id = 0;  // 0 = must be (re)created (first use or after a context loss)
  int width = 0, height = 0;
  bool single_channel = false;
  std::vector<uint8_t> pixels;  // CPU copy: lets a lost context be restored without the app
  bool dirty = true;
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
  float font_dpr = 0.0f;       // dpr/scale the font atlas was built for
  float font_scale = 0.0f;
  bool context_lost = false;
  bool context_restored = false;
  int css_width = 0, css_height = 0;  // browser window size last applied to the canvas
  float css_dpr = 0.0f;
  std::map<std::string, Texture> textures;
  std::vector<uint8_t> scalar_bytes;        // scratch for platform_draw_scalar_field
  std::deque<ColormapDraw> colormap_draws;  // per frame; deque keeps addresses stable
  GLuint colormap_program = 0;
  GLint colormap_loc_proj = -1, colormap_loc_tex = -1, colormap_loc_map = -1;
  GLint imgui_program_seen = 0;
  std::string json_out;  // buffer for strings returned to JavaScript
  // F1..F12 key-down events of this frame (bit n-1 for Fn), taken from SDL's events: ImGui 1.86 keeps
  // only key state, so a key pressed and released between two frames would never be seen as pressed.
  unsigned function_keys_pressed = 0;
  struct PngRequest {
    std::string file_name;
    float x = 0, y = 0, width = 0, height = 0;
  };
  std::vector<PngRequest> png_requests;  // captured after this frame's draw, before the swap
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
};

Platform* g_platform = nullptr;

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
  io.FontGlobalScale = 1.0f / dpr;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

// [SECTION] Textures ------------------------------------------------------------------------------

void upload(Texture& t) {
  if (t.id == 0) {
    glGenTextures(1, &t.id);
    glBindTexture(GL_TEXTURE_2D, t.id);
    // Nearest: every cell of a grid stays a crisp square, as the lessons need.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  } else {
    glBindTexture(GL_TEXTURE_2D, t.id);
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (t.single_channel)
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, t.width, t.height, 0, GL_RED, GL_UNSIGNED_BYTE, t.pixels.data());
  else
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, t.width, t.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, t.pixels.data());
  t.dirty = false;
}

Texture& texture_slot(Platform& p, const char* key, int width, int height, bool single_channel,
                      const uint8_t* bytes) {
  Texture& t = p.textures[key];
  size_t n = static_cast<size_t>(width) * height * (single_channel ? 1 : 4);
  if (t.width != width || t.height != height || t.single_channel != single_channel || t.pixels.size() != n ||
      std::memcmp(t.pixels.data(), bytes, n) != 0) {
    t.width = width;
    t.height = height;
    t.single_channel = single_channel;
    t.pixels.assign(bytes, bytes + n);
    t.dirty = true;
  }
  if ((t.dirty || t.id == 0) && !p.context_lost) upload(t);
  return t;
}

// [SECTION] Colour-map shader: runs as an ImDrawList callback inside ImGui's renderer -------------

std::string shader_source(const char* asset, bool fragment) {
  cs::app::EmbeddedAsset a = cs::app::embedded_asset(asset);
  std::string body = a ? std::string(reinterpret_cast<const char*>(a.data), a.size) : std::string();
#ifdef __EMSCRIPTEN__
  std::string head = "#version 300 es\n";
  if (!fragment) head += "precision highp float;\n";
#else
  std::string head = "#version 330 core\n";
  (void)fragment;  // desktop GLSL needs no precision line
#endif
  return head + body;
}

GLuint compile(GLenum kind, const std::string& src) {
  GLuint s = glCreateShader(kind);
  const char* text = src.c_str();
  glShaderSource(s, 1, &text, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = {0};
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    std::fprintf(stderr, "ConvScope: colormap shader failed to compile: %s\n", log);
  }
  return s;
}

// Built lazily inside the render callback, where ImGui's program is current: our attribute
// locations are bound to ImGui's so its vertex layout feeds our shader unchanged.
bool ensure_colormap_program(Platform& p, GLint imgui_program) {
  if (p.colormap_program && imgui_program == p.imgui_program_seen) return true;
  if (p.colormap_program) glDeleteProgram(p.colormap_program);
  p.imgui_program_seen = imgui_program;
  GLuint vs = compile(GL_VERTEX_SHADER, shader_source("colormap.vert", false));
  GLuint fs = compile(GL_FRAGMENT_SHADER, shader_source("colormap.frag", true));
  GLuint prog = glCreateProgram();
  glAttachShader(prog, vs);
  glAttachShader(prog, fs);
  const char* attrs[] = {"Position", "UV", "Color"};
  for (const char* a : attrs) {
    GLint loc = glGetAttribLocation(static_cast<GLuint>(imgui_program), a);
    if (loc >= 0) glBindAttribLocation(prog, static_cast<GLuint>(loc), a);
  }
  glLinkProgram(prog);
  glDetachShader(prog, vs);
  glDetachShader(prog, fs);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(prog, GL_LINK_STATUS, &ok);
  if (!ok) {
    glDeleteProgram(prog);
    p.colormap_program = 0;
    return false;
  }
  p.colormap_program = prog;
  p.colormap_loc_proj = glGetUniformLocation(prog, "ProjMtx");
  p.colormap_loc_tex = glGetUniformLocation(prog, "Texture");
  p.colormap_loc_map = glGetUniformLocation(prog, "ColorMapId");
  return true;
}

void colormap_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  Platform& p = *g_platform;
  GLint imgui_program = 0;
  glGetIntegerv(GL_CURRENT_PROGRAM, &imgui_program);
  if (!imgui_program || !ensure_colormap_program(p, imgui_program)) return;
  float proj[16];
  glGetUniformfv(static_cast<GLuint>(imgui_program), glGetUniformLocation(static_cast<GLuint>(imgui_program), "ProjMtx"), proj);
  glUseProgram(p.colormap_program);
  glUniformMatrix4fv(p.colormap_loc_proj, 1, GL_FALSE, proj);
  glUniform1i(p.colormap_loc_tex, 0);
  glUniform1i(p.colormap_loc_map, static_cast<const ColormapDraw*>(cmd->UserCallbackData)->map);
}

// [SECTION] Context loss (browser): drop every GL object, rebuild them on restore -----------------

void forget_gl_objects(Platform& p) {
  for (auto& [key, t] : p.textures) t.id = 0;
  p.colormap_program = 0;
  p.imgui_program_seen = 0;
}

#ifdef __EMSCRIPTEN__
EM_BOOL on_context_lost(int, const void*, void* user) {
  auto* p = static_cast<Platform*>(user);
  p->context_lost = true;
  EM_ASM(console.warn("ConvScope: WebGL context lost; waiting for restore"));
  return EM_TRUE;  // preventDefault: tells the browser we want the context back
}

EM_BOOL on_context_restored(int, const void*, void* user) {
  static_cast<Platform*>(user)->context_restored = true;
  return EM_TRUE;
}
#endif

void recover_context(Platform& p) {
  // ImGui 1.86 keeps stale buffer sizes across a lost context; a full re-init avoids
  // "Insufficient buffer size" and an empty canvas (TOOLCHAIN.md).
  ImGui_ImplOpenGL3_Shutdown();
  forget_gl_objects(p);
  ImGui_ImplOpenGL3_Init(p.glsl_version);
  p.font_dpr = 0.0f;  // forces the font atlas texture to be rebuilt
  p.context_lost = false;
  p.context_restored = false;
}

// [SECTION] Window size: the canvas follows the browser window -----------------------------------

void follow_browser_window(Platform& p) {
#ifdef __EMSCRIPTEN__
  int w = std::max(64, EM_ASM_INT({ return window.innerWidth | 0; }));
  int h = std::max(64, EM_ASM_INT({ return window.innerHeight | 0; }));
  float dpr = static_cast<float>(emscripten_get_device_pixel_ratio());
  // SDL sizes the canvas backing store to CSS size * devicePixelRatio (SDL_WINDOW_ALLOW_HIGHDPI).
  if (w != p.css_width || h != p.css_height || dpr != p.css_dpr) {
    p.css_width = w;
    p.css_height = h;
    p.css_dpr = dpr;
    SDL_SetWindowSize(p.window, w, h);
  }
#else
  (void)p;
#endif
}

// [SECTION] One frame ------------------------------------------------------------------------------

// Reads back a rectangle of the frame just drawn (framebuffer pixels) as top-down RGBA and encodes
// it as PNG. x/y/width/height are in framebuffer pixels.
std::vector<uint8_t> capture_png(int x, int y, int w, int h) {
  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(g_platform->window, &fb_w, &fb_h);
  x = std::clamp(x, 0, fb_w);
  y = std::clamp(y, 0, fb_h);
  w = std::clamp(w, 0, fb_w - x);
  h = std::clamp(h, 0, fb_h - y);
  if (w <= 0 || h <= 0) return {};
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4), flipped(rgba.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(x, fb_h - y - h, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  for (int row = 0; row < h; ++row)  // GL rows are bottom-up
    std::memcpy(&flipped[static_cast<size_t>(row) * w * 4], &rgba[static_cast<size_t>(h - 1 - row) * w * 4],
                static_cast<size_t>(w) * 4);
  for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // the canvas is opaque
  std::vector<uint8_t> png;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        auto* out = static_cast<std::vector<uint8_t>*>(ctx);
        out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
      },
      &png, w, h, 4, flipped.data(), w * 4);
  return png;
}

void serve_png_requests(Platform& p) {
  float s = ImGui::GetIO().DisplayFramebufferScale.x;
  for (const auto& r : p.png_requests) {
    std::vector<uint8_t> png = capture_png(static_cast<int>(r.x * s), static_cast<int>(r.y * s),
                                           static_cast<int>(r.width * s), static_cast<int>(r.height * s));
    if (png.empty()) {
      app_notice(p.state, "Nothing to export: " + r.file_name + " is off screen.");
      continue;
    }
    std::string where = cs::app::platform_save_file(r.file_name.c_str(), png.data(), png.size(), "image/png");
    app_notice(p.state, where);
  }
  p.png_requests.clear();
}

void frame(void* arg) {
  Platform& p = *static_cast<Platform*>(arg);
  auto frame_start = std::chrono::steady_clock::now();
  follow_browser_window(p);
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) p.quit = true;
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

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  rebuild_fonts_if_needed(p);
  // Coarse browser timers can make two frames share a timestamp; ImGui 1.86 asserts DeltaTime > 0.
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;
  ImGui::NewFrame();
  p.colormap_draws.clear();
  cs::app::app_frame(p.state);
  p.function_keys_pressed = 0;
  ImGui::Render();

  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(p.window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  cs::app::app_record_frame_time(
      p.state, std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - frame_start).count());
  if (!p.png_requests.empty()) serve_png_requests(p);
#ifndef __EMSCRIPTEN__
  if (p.max_frames >= 0 && p.state.frame >= p.max_frames) {
    if (!p.screenshot_path.empty()) {
      int w = 0, h = 0;
      SDL_GL_GetDrawableSize(p.window, &w, &h);
      std::vector<uint8_t> png = capture_png(0, 0, w, h);
      FILE* f = std::fopen(p.screenshot_path.c_str(), "wb");
      if (!f || std::fwrite(png.data(), 1, png.size(), f) != png.size())
        std::fprintf(stderr, "convscope-desktop: could not write %s\n", p.screenshot_path.c_str());
      if (f) std::fclose(f);
    }
    p.quit = true;
  }
#else
  if (p.state.frame == 3) EM_ASM({ if (Module.csReady) Module.csReady(); });
#endif
  SDL_GL_SwapWindow(p.window);
}

}  // namespace

// [SECTION] platform_api.h ---------------------------------------------------------------------------

namespace cs::app {

ImTextureID platform_texture_rgba(const char* key, int width, int height, const uint8_t* rgba) {
  Texture& t = texture_slot(*g_platform, key, width, height, false, rgba);
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.id));
}

void platform_draw_scalar_field(ImDrawList* draw_list, const char* key, int width, int height,
                                const float* values, float vmin, float vmax, ColorMap map, ImVec2 p0, ImVec2 p1) {
  if (width <= 0 || height <= 0 || !values) return;
  Platform& p = *g_platform;
  std::vector<uint8_t>& bytes = p.scalar_bytes;  // reused: panels draw many fields every frame
  bytes.resize(static_cast<size_t>(width) * height);
  float range = vmax - vmin;
  for (size_t i = 0; i < bytes.size(); ++i) {
    float t = range > 0 ? (values[i] - vmin) / range : 0.5f;
    if (!(t >= 0.0f)) t = 0.0f;  // NaN too
    if (t > 1.0f) t = 1.0f;
    bytes[i] = static_cast<uint8_t>(std::lround(t * 255.0f));
  }
  Texture& t = texture_slot(p, key, width, height, true, bytes.data());
  p.colormap_draws.push_back(ColormapDraw{static_cast<int>(map)});
  draw_list->AddCallback(colormap_callback, &p.colormap_draws.back());
  draw_list->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.id)), p0, p1);
  draw_list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void platform_open_file_dialog() {
#ifdef __EMSCRIPTEN__
  EM_ASM({ if (Module.csOpenFileDialog) Module.csOpenFileDialog(); });
#endif
}

void platform_open_path(const char* path) {
  AppState& state = g_platform->state;
  std::string name = path ? path : "";
  FILE* f = name.empty() ? nullptr : std::fopen(name.c_str(), "rb");
  if (!f) return app_notice(state, "Could not open '" + name + "': " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  constexpr size_t kCap = (size_t(64) << 20) + 1;  // one past the app's limit, so it can say "too large"
  uint8_t chunk[65536];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0 && bytes.size() < kCap) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  app_open_file(state, name, bytes.data(), bytes.size());
}

std::string platform_save_file(const char* file_name, const uint8_t* bytes, size_t size, const char* mime_type) {
  std::string name = file_name ? file_name : "convscope-export";
#ifdef __EMSCRIPTEN__
  EM_ASM({
    var bytes = HEAPU8.slice($1, $1 + $2);
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bytes], {type: UTF8ToString($3)}));
    a.download = UTF8ToString($0);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }, name.c_str(), bytes, static_cast<int>(size), mime_type ? mime_type : "application/octet-stream");
  return "Saved " + name + " (download)";
#else
  (void)mime_type;
  FILE* f = std::fopen(name.c_str(), "wb");
  if (!f) return "Could not save " + name + ": " + std::strerror(errno);
  bool ok = std::fwrite(bytes, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  return ok ? "Saved " + name : "Could not write all of " + name;
#endif
}

void platform_request_png(const char* file_name, float x, float y, float width, float height) {
  g_platform->png_requests.push_back({file_name ? file_name : "panel.png", x, y, width, height});
}

bool platform_function_key_pressed(int n) {
  if (n < 1 || n > 12) return false;
  return (g_platform->function_keys_pressed >> (n - 1)) & 1u;
}

std::string platform_url_hash() {
#ifdef __EMSCRIPTEN__
  // Length first (UTF-8 bytes, capped), then the bytes into a buffer we own: no JS-side malloc.
  const int n = EM_ASM_INT({ return Math.min(lengthBytesUTF8(location.hash), 1048577); });
  std::string out(static_cast<size_t>(n) + 1, '\0');
  EM_ASM({ stringToUTF8(location.hash, $0, $1); }, out.data(), n + 1);
  out.resize(std::strlen(out.c_str()));
  return out;
#else
  return "";
#endif
}

void platform_set_url_hash(const std::string& hash) {
#ifdef __EMSCRIPTEN__
  EM_ASM({
    var h = UTF8ToString($0);
    var url = location.href.split("#")[0] + (h ? "#" + h : "");
    try { history.replaceState(history.state, "", url); } catch (e) { location.replace(url); }
  }, hash.c_str());
#else
  (void)hash;
#endif
}

float platform_device_pixel_ratio() {
  float s = ImGui::GetIO().DisplayFramebufferScale.x;
  return s > 0 ? s : 1.0f;
}

void platform_toggle_fullscreen() {
#ifdef __EMSCRIPTEN__
  EM_ASM({
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  });
#else
  Uint32 flags = SDL_GetWindowFlags(g_platform->window);
  SDL_SetWindowFullscreen(g_platform->window, (flags & SDL_WINDOW_FULLSCREEN_DESKTOP) ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
#endif
}

bool platform_is_browser() {
#ifdef __EMSCRIPTEN__
  return true;
#else
  return false;
#endif
}

double platform_time_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - g_platform->t0).count();
}

}  // namespace cs::app

// [SECTION] JavaScript bridge (window.ConvScope in web/hook.js) ------------------------------------

#ifdef __EMSCRIPTEN__
extern "C" {
EMSCRIPTEN_KEEPALIVE const char* cs_state_json() {
  g_platform->json_out = cs::app::app_state_json(g_platform->state);
  return g_platform->json_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* cs_panels_json() {
  g_platform->json_out = cs::app::app_panels_json(g_platform->state);
  return g_platform->json_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* cs_items_json() {
  g_platform->json_out = cs::app::app_items_json(g_platform->state);
  return g_platform->json_out.c_str();
}
// A dropped or chosen file from web/hook.js (bytes copied into wasm memory by the caller).
EMSCRIPTEN_KEEPALIVE void cs_open_file(const char* name, const uint8_t* bytes, int size) {
  cs::app::app_open_file(g_platform->state, name ? name : "file", bytes, size > 0 ? static_cast<size_t>(size) : 0);
}
EMSCRIPTEN_KEEPALIVE void cs_notice(const char* message) {
  cs::app::app_notice(g_platform->state, message ? message : "");
}
EMSCRIPTEN_KEEPALIVE const char* cs_set_state(const char* partial_json) {
  g_platform->json_out = cs::app::app_set_state(g_platform->state, partial_json ? partial_json : "");
  return g_platform->json_out.c_str();
}
}
#endif

// [SECTION] main ------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  static Platform platform;  // outlives main() in the browser, where the loop keeps running
  Platform& p = platform;
  g_platform = &p;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) {
      p.max_frames = std::atoll(argv[++i]);
    } else if (!std::strcmp(argv[i], "--screenshot") && i + 1 < argc) {
      p.screenshot_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: convscope-desktop [--frames N] [--screenshot out.png]\n"
                  "  --frames N        render N frames and exit 0 (smoke test)\n"
                  "  --screenshot F    with --frames: save the last frame as PNG\n");
      return 0;
    } else {
      std::fprintf(stderr, "convscope-desktop: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }

#ifdef __EMSCRIPTEN__
  // Keyboard events go to the canvas only, so browser zoom, F5 and F11 keep working.
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
#endif
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "convscope-desktop: SDL_Init failed: %s\n", SDL_GetError());
    return 1;
  }
#ifdef __EMSCRIPTEN__
  p.glsl_version = "#version 300 es";  // WebGL2
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  auto window_flags = static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI);
#else
  p.glsl_version = "#version 330 core";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
  auto window_flags = static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
#endif
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  p.window = SDL_CreateWindow("ConvScope", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800, window_flags);
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
#ifndef __EMSCRIPTEN__
  SDL_GL_SetSwapInterval(p.max_frames >= 0 ? 0 : 1);  // vsync, except when racing through a smoke test
#endif  // (the browser paces frames with requestAnimationFrame)

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layouts come from code and the URL, not from a stray file
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplSDL2_InitForOpenGL(p.window, p.gl);
  ImGui_ImplOpenGL3_Init(p.glsl_version);
  cs::app::app_init(p.state);

#ifdef __EMSCRIPTEN__
  emscripten_set_webglcontextlost_callback("#canvas", &p, EM_FALSE, on_context_lost);
  emscripten_set_webglcontextrestored_callback("#canvas", &p, EM_FALSE, on_context_restored);
  emscripten_set_main_loop_arg(frame, &p, 0, true);
#else
  while (!p.quit) frame(&p);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(p.gl);
  SDL_DestroyWindow(p.window);
  SDL_Quit();
#endif
  return 0;
}
