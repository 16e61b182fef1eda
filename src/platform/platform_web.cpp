// platform_web.cpp — the browser's side of the platform (platform.h): the canvas follows the window,
// WebGL2 and its context loss, downloads, the URL's hash, files beside the page, idle callbacks, and
// the bridge web/hook.js builds window.ConvScope on.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "app/course_player.h"
#include "app/device_layout_model.h"
#include "app/a11y_mirror.h"
#include "app/platform_api.h"
#include "app/touch_ui.h"
#include "app/ui_strings.h"
#include "engine/status.h"
#include "platform.h"

namespace cs::platform {

namespace {

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

}  // namespace

void prepare_sdl() {
  // Keyboard events go to the canvas only, so browser zoom, F5 and F11 keep working.
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
}

SDL_WindowFlags configure_gl(Platform& p) {
  p.glsl_version = "#version 300 es";  // WebGL2
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  return static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI);
}

// The page's viewport in CSS px: the layout viewport (documentElement.client*), which a phone
// browser does not widen to fit an overflowing canvas, unlike innerWidth.
EM_JS(int, cs_viewport_width, (), { return (document.documentElement.clientWidth || window.innerWidth) | 0; });
EM_JS(int, cs_viewport_height, (), { return (document.documentElement.clientHeight || window.innerHeight) | 0; });

void initial_window_size(int* w, int* h) {
  *w = std::max(64, cs_viewport_width());
  *h = std::max(64, cs_viewport_height());
}

// The canvas follows the viewport (on load, rotation and resize): CSS size x devicePixelRatio, at a
// lower ratio where that would pass what the GL context can draw (a 1170x2532 phone canvas fits,
// but a dpr-3 tablet in a big window may not; an oversized canvas draws nothing at all).
void follow_window_size(Platform& p) {
  if (p.gl_max == 0) {
    GLint renderbuffer = 0, viewport[2] = {0, 0};
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &renderbuffer);
    glGetIntegerv(GL_MAX_VIEWPORT_DIMS, viewport);
    const int m = std::min<int>(renderbuffer, std::min<int>(viewport[0], viewport[1]));
    p.gl_max = m > 0 ? m : -1;  // -1: the context did not say; no cap
  }
  int w = 0, h = 0;
  initial_window_size(&w, &h);
  float dpr = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (w != p.css_width || h != p.css_height || dpr != p.css_dpr) {
    p.css_width = w;
    p.css_height = h;
    p.css_dpr = dpr;
    SDL_SetWindowSize(p.window, w, h);  // SDL's window (events, ImGui's display size) in CSS px
    // SDL sized the backing store to w*dpr x h*dpr; the capped size replaces it.
    const cs::app::CanvasSize c = cs::app::canvas_size_for(w, h, dpr, p.gl_max);
    emscripten_set_canvas_element_size("#canvas", c.width, c.height);
    emscripten_set_element_css_size("#canvas", w, h);
    p.canvas_width = c.width;
    p.canvas_height = c.height;
    p.canvas_ratio = c.ratio;
  }
}

void frame_built(Platform& p) {
  if (p.state.frame == 3) EM_ASM({ if (Module.csReady) Module.csReady(); });
}

void frame_not_drawn(Platform&, Clock::time_point) {}  // the browser paces frames itself
void frame_drawn(Platform&, Clock::time_point, bool) {}

void run_main_loop(Platform& p) {
  emscripten_set_webglcontextlost_callback("#canvas", &p, EM_FALSE, on_context_lost);
  emscripten_set_webglcontextrestored_callback("#canvas", &p, EM_FALSE, on_context_restored);
  emscripten_set_main_loop_arg(frame, &p, 0, true);
}

}  // namespace cs::platform

namespace cs::app {

using cs::platform::g_platform;

void platform_open_file_dialog() {
  EM_ASM({ if (Module.csOpenFileDialog) Module.csOpenFileDialog(); });
}

std::string platform_save_file(const char* file_name, const uint8_t* bytes, size_t size, const char* mime_type) {
  std::string name = file_name ? file_name : "convscope-export";
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
}

std::string platform_url_hash() {
  // Length first (UTF-8 bytes, capped), then the bytes into a buffer we own: no JS-side malloc.
  const int n = EM_ASM_INT({ return Math.min(lengthBytesUTF8(location.hash), 1048577); });
  std::string out(static_cast<size_t>(n) + 1, '\0');
  EM_ASM({ stringToUTF8(location.hash, $0, $1); }, out.data(), n + 1);
  out.resize(std::strlen(out.c_str()));
  return out;
}

void platform_set_url_hash(const std::string& hash) {
  EM_ASM({
    var h = UTF8ToString($0);
    var url = location.href.split("#")[0] + (h ? "#" + h : "");
    try { history.replaceState(history.state, "", url); } catch (e) { location.replace(url); }
  }, hash.c_str());
}

void platform_toggle_fullscreen() {
  EM_ASM({
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  });
}

bool platform_is_browser() { return true; }

std::string platform_page_url() {
  const int n = EM_ASM_INT({ return Math.min(lengthBytesUTF8(location.href.split("#")[0]), 8192); });
  std::string out(static_cast<size_t>(n) + 1, '\0');
  EM_ASM({ stringToUTF8(location.href.split("#")[0], $0, $1); }, out.data(), n + 1);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// localStorage may be missing or throw (private windows, blocked storage): then nothing is kept.
std::string platform_storage_get(const char* key) {
  const int n = EM_ASM_INT({
    try { var v = localStorage.getItem(UTF8ToString($0)); return v === null ? 0 : Math.min(lengthBytesUTF8(v), 4194304); }
    catch (e) { return 0; }
  }, key);
  if (n <= 0) return "";
  std::string out(static_cast<size_t>(n) + 1, '\0');
  EM_ASM({ try { stringToUTF8(localStorage.getItem(UTF8ToString($0)) || "", $1, $2); } catch (e) {} }, key, out.data(), n + 1);
  out.resize(std::strlen(out.c_str()));
  return out;
}

void platform_storage_set(const char* key, const std::string& value) {
  EM_ASM({ try { localStorage.setItem(UTF8ToString($0), UTF8ToString($1)); } catch (e) {} }, key, value.c_str());
}

std::string platform_record_clip(const char* file_name, double seconds) {
  const int ok = EM_ASM_INT({ return Module.csRecordClip ? Module.csRecordClip(UTF8ToString($0), $1) : 0; }, file_name, seconds);
  return ok ? "" : tr(S::course_clip_unsupported);
}

void platform_take_photo() {
  EM_ASM({ if (Module.csTakePhoto) Module.csTakePhoto(); });
}

}  // namespace cs::app

// [SECTION] Files beside the page (platform_fetch_file) ----------------------------------------------
// The page fetches them in JavaScript (or decodes the single file's inlined copy), copies the bytes
// into wasm memory and calls cs_fetch_done, which runs the app's callback between two frames.
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

bool cs::app::platform_fetch_file(const char* name, FetchDone done) {
  const int id = ++g_fetch_last_id;
  g_fetches[id] = std::move(done);
  cs_fetch_js(name, id);
  return true;
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

bool cs::app::platform_run_when_idle(IdleTask task) {
  g_idle_task = std::move(task);
  cs_idle_request_js(kIdleSliceMaxMs);
  return true;
}

// [SECTION] JavaScript bridge (window.ConvScope in web/hook.js) ------------------------------------

extern "C" {
EMSCRIPTEN_KEEPALIVE const char* cs_state_json() {
  cs::platform::g_platform->json_out = cs::app::app_state_json(cs::platform::g_platform->state);
  return cs::platform::g_platform->json_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* cs_panels_json() {
  cs::platform::g_platform->json_out = cs::app::app_panels_json(cs::platform::g_platform->state);
  return cs::platform::g_platform->json_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* cs_items_json() {
  cs::platform::g_platform->json_out = cs::app::app_items_json(cs::platform::g_platform->state);
  return cs::platform::g_platform->json_out.c_str();
}
// A dropped or chosen file from web/hook.js (bytes copied into wasm memory by the caller).
EMSCRIPTEN_KEEPALIVE void cs_open_file(const char* name, const uint8_t* bytes, int size) {
  cs::app::app_open_file(cs::platform::g_platform->state, name ? name : "file", bytes, size > 0 ? static_cast<size_t>(size) : 0);
}
// The photo path (web/hook.js openPhoto): headers first (returns width * 65536 + height to decode
// to, 0 when refused), then the decoded pixels, or why the browser could not decode them.
EMSCRIPTEN_KEEPALIVE int cs_photo_probe(const char* name, const uint8_t* bytes, int size) {
  int w = 0, h = 0;
  if (!cs::app::app_photo_probe(cs::platform::g_platform->state, name ? name : "photo", bytes,
                                size > 0 ? static_cast<size_t>(size) : 0, &w, &h))
    return 0;
  return w * 65536 + h;
}
EMSCRIPTEN_KEEPALIVE void cs_photo_pixels(const char* name, const uint8_t* rgba, int width, int height) {
  cs::app::app_photo_pixels(cs::platform::g_platform->state, name ? name : "photo", rgba, width, height);
}
EMSCRIPTEN_KEEPALIVE int cs_photo_failed(const char* name, const char* why) {
  cs::app::app_photo_failed(cs::platform::g_platform->state, name ? name : "photo", why ? why : "");
  return 0;
}
EMSCRIPTEN_KEEPALIVE void cs_notice(const char* message) {
  cs::app::app_notice(cs::platform::g_platform->state, message ? message : "");
}
EMSCRIPTEN_KEEPALIVE const char* cs_set_state(const char* partial_json) {
  cs::platform::g_platform->json_out = cs::app::app_set_state(cs::platform::g_platform->state, partial_json ? partial_json : "");
  return cs::platform::g_platform->json_out.c_str();
}
}
// [SECTION] The digit model's status for web/hook.js (its setState waits while the model is loading) --
extern "C" EMSCRIPTEN_KEEPALIVE int cs_lab_assets_status() { return cs::platform::g_platform->state.lab_assets.status; }
// [SECTION] The guided lessons for web/hook.js: ConvScope.lessons() ("" while their files are on the way)
// and whether a lesson asked for is still waiting for its file (setState and ready wait for it).
extern "C" EMSCRIPTEN_KEEPALIVE const char* cs_course_lessons_json() {
  cs::platform::g_platform->json_out = cs::app::course_lessons_json(cs::platform::g_platform->state);
  return cs::platform::g_platform->json_out.c_str();
}
extern "C" EMSCRIPTEN_KEEPALIVE int cs_course_loading() { return cs::app::course_loading(cs::platform::g_platform->state) ? 1 : 0; }

// [SECTION] Screen-reader mirror and keyboard (web/a11y.js builds #cs-a11y from the text) ------------
EM_JS(void, cs_a11y_publish_js, (const char* text), {
  if (Module.csA11yPublish) Module.csA11yPublish(UTF8ToString(text));
});
void cs::app::platform_a11y_publish(const std::string& text) { cs_a11y_publish_js(text.c_str()); }
EM_JS(void, cs_language_chosen_js, (const char* code, const char* name), {
  if (Module.csLanguageChosen) Module.csLanguageChosen(UTF8ToString(code), UTF8ToString(name));
});
void cs::app::platform_language_chosen(const char* code, const char* name) { cs_language_chosen_js(code, name); }
extern "C" {
// A mirror button pressed: "" or why nothing happened.
EMSCRIPTEN_KEEPALIVE const char* cs_a11y_press(const char* id) {
  cs::platform::g_platform->json_out = cs::app::a11y_mirror_press(cs::platform::g_platform->state, id ? id : "");
  return cs::platform::g_platform->json_out.c_str();
}
// Whether a Tab on the canvas is the app's (1) or moves the browser's focus out of it (0).
EMSCRIPTEN_KEEPALIVE int cs_a11y_wants_tab() { return cs::app::a11y_wants_tab(cs::platform::g_platform->state) ? 1 : 0; }
// The mirror's text now, rebuilt (the test hook's a11y()).
EMSCRIPTEN_KEEPALIVE const char* cs_a11y_text() {
  cs::platform::g_platform->json_out = cs::app::a11y_mirror_text(cs::platform::g_platform->state);
  return cs::platform::g_platform->json_out.c_str();
}
}
