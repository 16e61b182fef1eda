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
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/embedded_assets.h"
#include "app/platform_api.h"
#include "app/ui_strings.h"
#include "engine/status.h"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"

namespace {

using cs::app::AppState;
using cs::app::ColorMap;
using cs::app::app_notice;
using cs::app::app_open_file;
using cs::app::S;
using cs::app::tr;

// [SECTION] Platform state --------------------------------------------------------------------

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
  std::string dump_state_path;   // --dump-state FILE (desktop): state() as JSON after the last frame
  std::string dump_panels_path;  // --dump-panels FILE (desktop): panels() as JSON after the last frame
  int exit_code = 0;
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
};

Platform* g_platform = nullptr;

using Clock = std::chrono::steady_clock;
float ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<float, std::milli>(b - a).count();
}

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
  p.gpu_changed = true;
}

// Equal byte ranges, 32 bytes a step: musl's memcmp (which std::vector's == ends in too) goes one byte
// at a time, and the unchanged-frame check compares the whole draw data every frame (0.5-0.7 ms per
// frame in the page with memcmp; under the page timer's 0.1 ms with this, at 1920x1080).
bool equal_bytes(const uint8_t* a, const uint8_t* b, size_t n) {
  auto word = [](const uint8_t* q) {
    uint64_t w;
    std::memcpy(&w, q, sizeof w);  // one unaligned 8-byte load
    return w;
  };
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    if (((word(a + i) ^ word(b + i)) | (word(a + i + 8) ^ word(b + i + 8)) | (word(a + i + 16) ^ word(b + i + 16)) |
         (word(a + i + 24) ^ word(b + i + 24))) != 0)
      return false;
  for (; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
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
  g_platform->gpu_changed = true;
}

Texture& texture_slot(Platform& p, const char* key, int width, int height, bool single_channel,
                      const uint8_t* bytes, long long revision = -1) {
  Texture& t = p.textures[key];
  size_t n = static_cast<size_t>(width) * height * (single_channel ? 1 : 4);
  const bool same_shape = t.width == width && t.height == height && t.single_channel == single_channel && t.pixels.size() == n;
  const bool same_revision = revision >= 0 && revision == t.revision;
  if (!same_shape || (!same_revision && !equal_bytes(t.pixels.data(), bytes, n))) {
    t.width = width;
    t.height = height;
    t.single_channel = single_channel;
    t.pixels.assign(bytes, bytes + n);
    t.dirty = true;
  }
  t.revision = revision;
  if ((t.dirty || t.id == 0) && !p.context_lost) upload(t);
  return t;
}

// [SECTION] Shaders (shaders/ui.* and shaders/colormap.*, compiled into the program as assets) -----

// GLSL version line for the platform: WebGL2's ES 3.00 (vertex shaders get a precision line,
// fragment shaders carry their own) or desktop 3.30 core, which needs none.
std::string with_version(const std::string& body, bool fragment) {
#ifdef __EMSCRIPTEN__
  return std::string(fragment ? "#version 300 es\n" : "#version 300 es\nprecision highp float;\n") + body;
#else
  (void)fragment;
  return "#version 330 core\n" + body;
#endif
}

std::string shader_source(const char* asset, bool fragment) {
  cs::app::EmbeddedAsset a = cs::app::embedded_asset(asset);
  return with_version(a ? std::string(reinterpret_cast<const char*>(a.data), a.size) : std::string(), fragment);
}

// The compile status is read only when linking failed: in the browser every status query waits
// for the compiler, and a program that links needs no further look.
GLuint compile(GLenum kind, const std::string& src) {
  GLuint s = glCreateShader(kind);
  const char* text = src.c_str();
  glShaderSource(s, 1, &text, nullptr);
  glCompileShader(s);
  return s;
}

void report_compile_errors(GLuint shader, const char* what) {
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok) return;
  char log[1024] = {0};
  glGetShaderInfoLog(shader, sizeof log, nullptr, log);
  std::fprintf(stderr, "ConvScope: a %s shader failed to compile: %s\n", what, log);
}

// Both programs read ImGui's vertex layout at the same fixed attribute locations, so one vertex
// array object feeds either of them unchanged.
constexpr GLuint kAttrPosition = 0, kAttrUV = 1, kAttrColor = 2;

GLuint link_program(const std::string& vs_src, const std::string& fs_src, const char* what) {
  GLuint vs = compile(GL_VERTEX_SHADER, vs_src);
  GLuint fs = compile(GL_FRAGMENT_SHADER, fs_src);
  GLuint prog = glCreateProgram();
  glAttachShader(prog, vs);
  glAttachShader(prog, fs);
  glBindAttribLocation(prog, kAttrPosition, "Position");
  glBindAttribLocation(prog, kAttrUV, "UV");
  glBindAttribLocation(prog, kAttrColor, "Color");
  glLinkProgram(prog);
  GLint ok = 0;
  glGetProgramiv(prog, GL_LINK_STATUS, &ok);
  if (!ok) {
    report_compile_errors(vs, what);
    report_compile_errors(fs, what);
    std::fprintf(stderr, "ConvScope: the %s shader program failed to link\n", what);
  }
  glDetachShader(prog, vs);
  glDetachShader(prog, fs);
  glDeleteShader(vs);
  glDeleteShader(fs);
  if (!ok) {
    glDeleteProgram(prog);
    return 0;
  }
  return prog;
}

bool ensure_colormap_program(Platform& p) {
  if (p.colormap_program) return true;
  GLuint prog = link_program(shader_source("colormap.vert", false), shader_source("colormap.frag", true), "colour-map");
  if (!prog) return false;
  p.colormap_program = prog;
  p.colormap_loc_proj = glGetUniformLocation(prog, "ProjMtx");
  p.colormap_loc_tex = glGetUniformLocation(prog, "Texture");
  p.colormap_loc_map = glGetUniformLocation(prog, "ColorMapId");
  glUseProgram(prog);
  glUniform1i(p.colormap_loc_tex, 0);  // texture unit 0, for good
  p.colormap_proj_set = false;
  p.colormap_map_set = -1;
  return true;
}

// Draw-list callbacks around each scalar field's image: switch to the colour-map program (same
// projection as the UI, nothing read back from GL), then back to the UI program.
void colormap_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  Platform& p = *g_platform;
  if (!ensure_colormap_program(p)) return;  // the image is then drawn as a plain grey texture
  glUseProgram(p.colormap_program);
  if (!p.colormap_proj_set) {
    glUniformMatrix4fv(p.colormap_loc_proj, 1, GL_FALSE, p.ui_proj);
    p.colormap_proj_set = true;
  }
  const int map = static_cast<const ColormapDraw*>(cmd->UserCallbackData)->map;
  if (map != p.colormap_map_set) {
    glUniform1i(p.colormap_loc_map, map);
    p.colormap_map_set = map;
  }
}

void colormap_end_callback(const ImDrawList*, const ImDrawCmd*) { glUseProgram(g_platform->ui_program); }

// [SECTION] Renderer: ImGui's draw data -> GL ------------------------------------------------------
// ImGui's OpenGL3 backend still creates the font texture, but the frame is drawn here: its
// RenderDrawData backs up and restores the GL state with ~10 glGet calls every frame, and in the
// browser most of them (blend functions, viewport, scissor box) are synchronous round trips to the
// GPU process that wait for the previous frame's rendering. This app owns the whole context, so
// there is nothing to back up: the renderer sets what it needs and never reads GL state.

bool ensure_renderer(Platform& p) {
  if (p.ui_program) return true;
  GLuint prog = link_program(shader_source("ui.vert", false), shader_source("ui.frag", true), "UI");
  if (!prog) return false;
  p.ui_program = prog;
  p.ui_loc_proj = glGetUniformLocation(prog, "ProjMtx");
  p.ui_loc_tex = glGetUniformLocation(prog, "Texture");
  glGenBuffers(1, &p.ui_vbo);
  glGenBuffers(1, &p.ui_ebo);
  glGenVertexArrays(1, &p.ui_vao);
  glBindVertexArray(p.ui_vao);
  glBindBuffer(GL_ARRAY_BUFFER, p.ui_vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, p.ui_ebo);  // recorded in the vertex array object
  glEnableVertexAttribArray(kAttrPosition);
  glEnableVertexAttribArray(kAttrUV);
  glEnableVertexAttribArray(kAttrColor);
  return true;
}

// Points the attributes at vertex `first` of the bound vertex buffer (ImDrawCmd::VtxOffset: a draw
// list longer than 16-bit indices reach, on the desktop where ImGui may use it).
void point_attributes(unsigned first) {
  const char* base = reinterpret_cast<const char*>(static_cast<uintptr_t>(first) * sizeof(ImDrawVert));
  glVertexAttribPointer(kAttrPosition, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), base + IM_OFFSETOF(ImDrawVert, pos));
  glVertexAttribPointer(kAttrUV, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), base + IM_OFFSETOF(ImDrawVert, uv));
  glVertexAttribPointer(kAttrColor, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), base + IM_OFFSETOF(ImDrawVert, col));
}

void setup_render_state(Platform& p, int fb_w, int fb_h) {
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glViewport(0, 0, fb_w, fb_h);
  glUseProgram(p.ui_program);
  glUniform1i(p.ui_loc_tex, 0);
  glUniformMatrix4fv(p.ui_loc_proj, 1, GL_FALSE, p.ui_proj);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(p.ui_vao);
  glBindBuffer(GL_ARRAY_BUFFER, p.ui_vbo);
}

void render_draw_data(Platform& p, const ImDrawData* dd) {
  const int fb_w = static_cast<int>(dd->DisplaySize.x * dd->FramebufferScale.x);
  const int fb_h = static_cast<int>(dd->DisplaySize.y * dd->FramebufferScale.y);
  if (fb_w <= 0 || fb_h <= 0 || !ensure_renderer(p)) return;
  // Orthographic projection of ImGui's display rectangle (column-major, y down).
  const float L = dd->DisplayPos.x, R = L + dd->DisplaySize.x, T = dd->DisplayPos.y, B = T + dd->DisplaySize.y;
  const float proj[16] = {2.0f / (R - L), 0, 0, 0, 0, 2.0f / (T - B), 0, 0, 0, 0, -1.0f, 0,
                          (R + L) / (L - R), (T + B) / (B - T), 0, 1.0f};
  std::memcpy(p.ui_proj, proj, sizeof proj);
  p.colormap_proj_set = false;
  setup_render_state(p, fb_w, fb_h);
  const ImVec2 off = dd->DisplayPos, scale = dd->FramebufferScale;
  for (int n = 0; n < dd->CmdListsCount; ++n) {
    const ImDrawList* list = dd->CmdLists[n];
    // Orphan-and-fill in one call per buffer: no stall on a buffer the GPU may still be reading.
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->VtxBuffer.Size) * sizeof(ImDrawVert),
                 list->VtxBuffer.Data, GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->IdxBuffer.Size) * sizeof(ImDrawIdx),
                 list->IdxBuffer.Data, GL_STREAM_DRAW);
    unsigned vtx_offset = 0;
    point_attributes(vtx_offset);
    GLuint bound_texture = 0;
    bool texture_known = false;
    int scissor[4] = {-1, -1, -1, -1};  // ImGui repeats a clip rectangle for many commands in a row
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
          setup_render_state(p, fb_w, fb_h);
          point_attributes(vtx_offset);
        } else {
          cmd.UserCallback(list, &cmd);
        }
        continue;
      }
      const float x0 = (cmd.ClipRect.x - off.x) * scale.x, y0 = (cmd.ClipRect.y - off.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - off.x) * scale.x, y1 = (cmd.ClipRect.w - off.y) * scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      const int box[4] = {static_cast<int>(x0), static_cast<int>(fb_h - y1), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0)};
      if (std::memcmp(box, scissor, sizeof box) != 0) {
        glScissor(box[0], box[1], box[2], box[3]);
        std::memcpy(scissor, box, sizeof box);
      }
      const GLuint tex = static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID()));
      if (!texture_known || tex != bound_texture) {
        glBindTexture(GL_TEXTURE_2D, tex);
        bound_texture = tex;
        texture_known = true;
      }
      if (cmd.VtxOffset != vtx_offset) {
        vtx_offset = cmd.VtxOffset;
        point_attributes(vtx_offset);
      }
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount),
                     sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     reinterpret_cast<const void*>(static_cast<uintptr_t>(cmd.IdxOffset) * sizeof(ImDrawIdx)));
    }
  }
  glDisable(GL_SCISSOR_TEST);  // the next frame's glClear covers the whole framebuffer
}

// [SECTION] Context loss (browser): drop every GL object, rebuild them on restore -----------------

void forget_gl_objects(Platform& p) {
  for (auto& [key, t] : p.textures) t.id = 0;
  p.colormap_program = 0;
  p.ui_program = p.ui_vbo = p.ui_ebo = p.ui_vao = 0;
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
  p.gpu_changed = true;
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

// [SECTION] Unchanged frames: drawn once, then left on screen ------------------------------------
// An idle page still builds its UI every frame (the app stays live: timers, background passes), but
// when the draw data is byte-for-byte the last drawn frame's and no texture changed, drawing it again
// would put the same pixels on screen. The frame is then not drawn: the browser keeps showing the
// canvas (nothing touched it this animation frame) and the desktop keeps its front buffer. Drawing
// is most of a frame's cost under software WebGL (~100 ms of GPU-process CPU per 1280x800 frame).

// The last drawn frame's signature, checked against this frame's bytes as they come: while they match
// nothing is copied (an unchanged frame costs one read of its draw data); from the first difference on,
// this frame's bytes replace the rest, so a changed frame leaves its own signature behind.
class SignatureMatch {
 public:
  explicit SignatureMatch(std::vector<uint8_t>& drawn) : sig_(drawn) {}
  template <typename T>
  void add(const T* data, size_t count) {
    add_bytes(reinterpret_cast<const uint8_t*>(data), count * sizeof(T));
  }
  void add_bytes(const uint8_t* b, size_t n) {
    if (same_) {
      if (pos_ + n <= sig_.size() && equal_bytes(sig_.data() + pos_, b, n)) {
        pos_ += n;
        return;
      }
      same_ = false;
      sig_.resize(pos_);
    }
    sig_.insert(sig_.end(), b, b + n);
  }
  // True when this frame's bytes were the whole of the last drawn frame's.
  bool finish() {
    if (same_ && pos_ != sig_.size()) {
      same_ = false;
      sig_.resize(pos_);
    }
    return same_;
  }

 private:
  std::vector<uint8_t>& sig_;
  size_t pos_ = 0;
  bool same_ = true;
};

// Everything that decides the pixels: framebuffer size, projection, and every list's vertices,
// indices and commands (a colour-map callback by its map, not by its per-frame pointer). Returns true
// when they equal `drawn`'s, which then holds this frame's either way.
bool same_as_drawn_frame(const ImDrawData* dd, int fb_w, int fb_h, std::vector<uint8_t>& drawn) {
  SignatureMatch sig(drawn);
  const float head[8] = {static_cast<float>(fb_w), static_cast<float>(fb_h), dd->DisplayPos.x, dd->DisplayPos.y,
                         dd->DisplaySize.x, dd->DisplaySize.y, dd->FramebufferScale.x, dd->FramebufferScale.y};
  sig.add(head, 8);
  for (int n = 0; n < dd->CmdListsCount; ++n) {
    const ImDrawList* list = dd->CmdLists[n];
    const int sizes[3] = {list->VtxBuffer.Size, list->IdxBuffer.Size, list->CmdBuffer.Size};
    sig.add(sizes, 3);
    sig.add(list->VtxBuffer.Data, static_cast<size_t>(list->VtxBuffer.Size));
    sig.add(list->IdxBuffer.Data, static_cast<size_t>(list->IdxBuffer.Size));
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      const uintptr_t words[5] = {reinterpret_cast<uintptr_t>(cmd.TextureId), cmd.VtxOffset, cmd.IdxOffset,
                                  cmd.ElemCount, reinterpret_cast<uintptr_t>(cmd.UserCallback)};
      sig.add(&cmd.ClipRect.x, 4);
      sig.add(words, 5);
      if (cmd.UserCallback == colormap_callback) sig.add(&static_cast<const ColormapDraw*>(cmd.UserCallbackData)->map, 1);
    }
  }
  return sig.finish();
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
      app_notice(p.state, cs::fmt(tr(S::notice_export_off_screen), r.file_name.c_str()));
      continue;
    }
    std::string where = cs::app::platform_save_file(r.file_name.c_str(), png.data(), png.size(), "image/png");
    app_notice(p.state, where);
  }
  p.png_requests.clear();
}

#ifndef __EMSCRIPTEN__
double native_frame_period_ms(SDL_Window* window);  // [SECTION] Idle time between frames
void run_idle_task_natively(SDL_Window* window, std::chrono::steady_clock::time_point frame_start);
#endif

void frame(void* arg) {
  Platform& p = *static_cast<Platform*>(arg);
  const Clock::time_point frame_start = Clock::now();
  cs::app::FramePhases phases;  // where this frame's time goes (state().perf.slow in the page)
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
  const Clock::time_point input_done = Clock::now();
  phases.input_ms = ms_between(frame_start, input_done);

  // No ImGui_ImplOpenGL3_NewFrame: it would only build the backend's own shader program, which this
  // renderer does not use (one shader compile less at start-up); the font texture is made below.
  ImGui_ImplSDL2_NewFrame();
  rebuild_fonts_if_needed(p);
  // Coarse browser timers can make two frames share a timestamp; ImGui 1.86 asserts DeltaTime > 0.
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;
  ImGui::NewFrame();
  const Clock::time_point new_frame_done = Clock::now();
  phases.new_frame_ms = ms_between(input_done, new_frame_done);
  p.colormap_draws.clear();
  p.frame_upload_ms = 0;
  cs::app::app_frame(p.state);
  phases.upload_ms = p.frame_upload_ms;
  p.function_keys_pressed = 0;
  const Clock::time_point app_done = Clock::now();
  ImGui::Render();
  const Clock::time_point render_done = Clock::now();
  phases.render_ms = ms_between(app_done, render_done);

#ifdef __EMSCRIPTEN__
  if (p.state.frame == 3) EM_ASM({ if (Module.csReady) Module.csReady(); });
#endif
  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(p.window, &fb_w, &fb_h);
  const bool last_frame = p.max_frames >= 0 && p.state.frame >= p.max_frames;
  const bool same = same_as_drawn_frame(ImGui::GetDrawData(), fb_w, fb_h, p.drawn_signature);
  // Exports and the desktop screenshot read the framebuffer back, so those frames are always drawn.
  const bool unchanged = !p.gpu_changed && p.png_requests.empty() && !last_frame && same;
  const Clock::time_point signature_done = Clock::now();
  phases.signature_ms = ms_between(render_done, signature_done);
  if (unchanged) {
    cs::app::app_record_frame_time(p.state, ms_between(frame_start, signature_done), phases);
#ifndef __EMSCRIPTEN__
    run_idle_task_natively(p.window, frame_start);
    // No swap to wait on: sleep until input or the next frame's time.
    const double spent_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count();
    SDL_WaitEventTimeout(nullptr, std::max(1, static_cast<int>(native_frame_period_ms(p.window) - spent_ms)));
#endif
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
#ifndef __EMSCRIPTEN__
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
    p.quit = true;
  }
  run_idle_task_natively(p.window, frame_start);
#endif
  SDL_GL_SwapWindow(p.window);
}

}  // namespace

// [SECTION] platform_api.h ---------------------------------------------------------------------------

namespace cs::app {

ImTextureID platform_texture_rgba(const char* key, int width, int height, const uint8_t* rgba, long long revision) {
  const Clock::time_point t0 = Clock::now();
  Texture& t = texture_slot(*g_platform, key, width, height, false, rgba, revision);
  g_platform->frame_upload_ms += ms_between(t0, Clock::now());
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.id));
}

void platform_draw_scalar_field(ImDrawList* draw_list, const char* key, int width, int height,
                                const float* values, float vmin, float vmax, ColorMap map, ImVec2 p0, ImVec2 p1) {
  if (width <= 0 || height <= 0 || !values) return;
  Platform& p = *g_platform;
  const Clock::time_point t0 = Clock::now();
  std::vector<uint8_t>& bytes = p.scalar_bytes;  // reused: panels draw many fields every frame
  bytes.resize(static_cast<size_t>(width) * height);
  // Every field is quantised every frame (then compared with the texture's bytes), so this loop is
  // kept free of calls and divisions: one multiply-add, two clamps and a truncation per value.
  const float range = vmax - vmin;
  const size_t n = bytes.size();
  uint8_t* out = bytes.data();
  if (!(range > 0)) {
    std::memset(out, 128, n);  // an empty range shows the middle of the map
  } else {
    const float k = 255.0f / range;
    for (size_t i = 0; i < n; ++i) {
      float x = (values[i] - vmin) * k;
      x = x >= 0.0f ? x : 0.0f;  // NaN too
      x = x <= 255.0f ? x : 255.0f;
      out[i] = static_cast<uint8_t>(x + 0.5f);
    }
  }
  Texture& t = texture_slot(p, key, width, height, true, bytes.data());
  p.frame_upload_ms += ms_between(t0, Clock::now());
  p.colormap_draws.push_back(ColormapDraw{static_cast<int>(map)});
  draw_list->AddCallback(colormap_callback, &p.colormap_draws.back());
  draw_list->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.id)), p0, p1);
  draw_list->AddCallback(colormap_end_callback, nullptr);
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
  if (!f) return app_notice(state, cs::fmt(tr(S::notice_open_failed), name.c_str(), std::strerror(errno)));
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
  return cs::fmt(tr(S::notice_saved_download), name.c_str());
#else
  (void)mime_type;
  FILE* f = std::fopen(name.c_str(), "wb");
  // A failure reads as the export's own refusal (notice_export_failed), which callers recognise.
  if (!f) return cs::fmt(tr(S::notice_export_failed), name.c_str(), std::strerror(errno));
  bool ok = std::fwrite(bytes, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  return ok ? cs::fmt(tr(S::notice_saved_file), name.c_str())
            : cs::fmt(tr(S::notice_export_failed), name.c_str(), tr(S::notice_save_incomplete));
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

// [SECTION] Files beside the page (platform_fetch_file) ----------------------------------------------
// The page fetches them in JavaScript (or decodes the single file's inlined copy), copies the bytes
// into wasm memory and calls cs_fetch_done, which runs the app's callback between two frames.
#ifdef __EMSCRIPTEN__
namespace {
std::map<int, cs::app::FetchDone> g_fetches;  // id -> the app's callback, until the answer comes
int g_fetch_last_id = 0;
}  // namespace
extern "C" EMSCRIPTEN_KEEPALIVE void cs_fetch_done(int id, const uint8_t* bytes, int size, const char* error) {
  auto it = g_fetches.find(id);
  if (it == g_fetches.end()) return;
  cs::app::FetchDone done = std::move(it->second);
  g_fetches.erase(it);
  const std::string err = error ? error : "";
  done(err.empty() ? bytes : nullptr, err.empty() && size > 0 ? static_cast<size_t>(size) : 0, err);
}
// EM_JS, not EM_ASM: EM_ASM's code is a macro argument, so a top-level comma would cut it short.
EM_JS(void, cs_fetch_js, (const char* name_ptr, int id), {
  var name = UTF8ToString(name_ptr);
  var finish = function (bytes, error) {
    var ptr = bytes && bytes.length ? _malloc(bytes.length) : 0;
    if (bytes && bytes.length && !ptr) error = 'not enough memory for ' + bytes.length + ' bytes';
    if (ptr) HEAPU8.set(bytes, ptr);
    ccall('cs_fetch_done', null, ['number', 'number', 'number', 'string'], [id, ptr, bytes ? bytes.length : 0, error || ""]);
    if (ptr) _free(ptr);
  };
  var inlined = Module.csInlineFiles && Module.csInlineFiles[name];
  if (inlined) {
    setTimeout(function () {
      var text = atob(inlined);
      var bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      finish(bytes, "");
    }, 0);
    return;
  }
  fetch(name).then(function (r) {
    if (!r.ok) throw new Error('HTTP ' + r.status + (r.statusText ? ' ' + r.statusText : ""));
    return r.arrayBuffer();
  }).then(function (buffer) { finish(new Uint8Array(buffer), ""); },
          function (e) { finish(null, (e && e.message) || String(e) || 'fetch failed'); });
});
#endif

bool cs::app::platform_fetch_file(const char* name, FetchDone done) {
#ifdef __EMSCRIPTEN__
  const int id = ++g_fetch_last_id;
  g_fetches[id] = std::move(done);
  cs_fetch_js(name, id);
  return true;
#else
  (void)name;
  (void)done;
  return false;
#endif
}

// [SECTION] Idle time between frames (platform_run_when_idle) --------------------------------------
// One request at a time: the task waits in g_idle_task. In the browser, cs_idle_run is called from
// requestIdleCallback (the browser's deadline ends before the next frame is due, and it knows about
// pending input and the display's rate) or, without that API (Safari), from a message posted to run
// right after the frame. On the desktop, run_idle_task_natively runs it at the end of a frame, in the
// time left before the next frame is due (the swap waits for the display anyway).
namespace {
cs::app::IdleTask g_idle_task;
}  // namespace
#ifdef __EMSCRIPTEN__
extern "C" EMSCRIPTEN_KEEPALIVE void cs_idle_run(double budget_ms) {
  cs::app::IdleTask task = std::move(g_idle_task);
  g_idle_task = nullptr;
  if (task) task(std::min(budget_ms, cs::app::kIdleSliceMaxMs));
}
EM_JS(void, cs_idle_request_js, (double cap_ms), {
  if (Module.csIdlePending) return;
  Module.csIdlePending = true;
  var run = function (ms) {
    Module.csIdlePending = false;
    ccall('cs_idle_run', null, ['number'], [Math.max(0, Math.min(cap_ms, ms))]);
  };
  if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(function (deadline) { run(deadline.timeRemaining() - 1); });
    return;
  }
  // No idle callbacks (Safari): a message right after this frame, ending 6 ms before the next frame
  // is due at 60 fps (the rest of this frame, the compositor and input keep that much).
  var due = performance.now() + 16.7 - 6;
  var channel = new MessageChannel();
  channel.port1.onmessage = function () { run(due - performance.now()); };
  channel.port2.postMessage(0);
});
#else
namespace {
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
#endif

bool cs::app::platform_run_when_idle(IdleTask task) {
  g_idle_task = std::move(task);
#ifdef __EMSCRIPTEN__
  cs_idle_request_js(kIdleSliceMaxMs);
#endif
  return true;
}

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

// [SECTION] The digit model's status for web/hook.js (its setState waits while the model is loading) --
#ifdef __EMSCRIPTEN__
extern "C" EMSCRIPTEN_KEEPALIVE int cs_lab_assets_status() { return g_platform->state.lab_assets.status; }
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
    } else if (!std::strcmp(argv[i], "--state") && i + 1 < argc) {
      p.start_state = argv[++i];
    } else if (!std::strcmp(argv[i], "--dump-state") && i + 1 < argc) {
      p.dump_state_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--dump-panels") && i + 1 < argc) {
      p.dump_panels_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: convscope-desktop [--frames N] [--screenshot out.png] [--dump-state out.json]\n"
                  "                         [--dump-panels out.json] [--state JSON]\n"
                  "  --frames N        render N frames and exit 0 (smoke test)\n"
                  "  --screenshot F    with --frames: save the last frame as PNG\n"
                  "  --dump-state F    with --frames: write the app state after the last frame as JSON,\n"
                  "                    the same as the page's ConvScope.state()\n"
                  "  --dump-panels F   with --frames: the same for ConvScope.panels() (panel rectangles)\n"
                  "  --state JSON      start in this state, as the page's ConvScope.setState takes it,\n"
                  "                    e.g. '{\"workspace\": \"digit-lab\"}'\n");
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
  if (!p.start_state.empty()) {
    const std::string refused = cs::app::app_set_state(p.state, p.start_state);
    if (!refused.empty()) {
      std::fprintf(stderr, "convscope-desktop: --state refused: %s\n", refused.c_str());
      return 2;
    }
  }

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
  return p.exit_code;
}
