// gl_renderer.cpp — draws with OpenGL 3.3 / WebGL2 (see platform.h): ImGui's draw data through
// shaders/ui.*, the app's scalar fields through shaders/colormap.*, textures kept with a CPU copy so a
// lost context can be restored, frames left undrawn when nothing changed, and PNG capture.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "app/embedded_assets.h"
#include "app/platform_api.h"
#include "imgui_impl_opengl3.h"
#include "platform.h"

namespace cs::platform {

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
                      const uint8_t* bytes, long long revision) {
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
  const std::string version = std::string(g_platform->glsl_version) + "\n";
  const bool es = version.find(" es") != std::string::npos;
  return version + (es && !fragment ? "precision highp float;\n" : "") + body;
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
// Reads back a rectangle of the frame just drawn (framebuffer pixels) as top-down RGBA and encodes
// it as PNG. x/y/width/height are in framebuffer pixels.
std::vector<uint8_t> capture_png(int x, int y, int w, int h) {
  int fb_w = 0, fb_h = 0;
  drawable_size(*g_platform, &fb_w, &fb_h);
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

}  // namespace cs::platform

// [SECTION] platform_api.h: textures and scalar fields ------------------------------------------------

namespace cs::app {

using cs::platform::Clock;
using cs::platform::ColormapDraw;
using cs::platform::Platform;
using cs::platform::Texture;
using cs::platform::g_platform;
using cs::platform::ms_between;

ImTextureID platform_texture_rgba(const char* key, int width, int height, const uint8_t* rgba, long long revision) {
  const Clock::time_point t0 = Clock::now();
  Texture& t = cs::platform::texture_slot(*g_platform, key, width, height, false, rgba, revision);
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
  Texture& t = cs::platform::texture_slot(p, key, width, height, true, bytes.data());
  p.frame_upload_ms += ms_between(t0, Clock::now());
  p.colormap_draws.push_back(ColormapDraw{static_cast<int>(map)});
  draw_list->AddCallback(cs::platform::colormap_callback, &p.colormap_draws.back());
  draw_list->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.id)), p0, p1);
  draw_list->AddCallback(cs::platform::colormap_end_callback, nullptr);
}

}  // namespace cs::app
