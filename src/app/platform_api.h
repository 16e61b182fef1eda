// platform_api.h — what the app may ask of the platform, in app terms (no SDL/GL/Emscripten types).
// Implemented in src/platform/ (platform.h says which file does what), for the desktop and the browser.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "colormap.h"
#include "device_layout_model.h"
#include "imgui.h"

namespace cs::app {

// A texture the platform owns and restores after a WebGL context loss. `key` names it; the pixels
// are kept on the CPU side, so re-uploading after a lost context needs nothing from the app.
//   rgba: width*height*4 bytes.  Returns an ImTextureID for ImGui::Image / AddImage.
// Without a revision the bytes are compared with the texture's every call (uploaded when they
// differ); with `revision` >= 0 (the caller's version number of the pixels) the same key, size and
// revision as last time means "unchanged" and the bytes are not even read: for big images drawn
// every frame (the 280x280 pad, the gallery's 3 MB atlas).
ImTextureID platform_texture_rgba(const char* key, int width, int height, const uint8_t* rgba, long long revision = -1);

// A scalar field drawn through the colour-map shader (shaders/colormap.frag): values are mapped
// linearly from [vmin, vmax] to [0, 1] on the CPU (one byte per cell, 256 levels as the colour map
// has), the colour is computed per pixel on the GPU. Adds the image to `draw_list` at [p0, p1].
void platform_draw_scalar_field(ImDrawList* draw_list, const char* key, int width, int height,
                                const float* values, float vmin, float vmax, ColorMap map,
                                ImVec2 p0, ImVec2 p1);

// Browser: opens the file chooser; the chosen file arrives through app_open_file.
void platform_open_file_dialog();
// Desktop: reads a file (size-capped) and hands it to app_open_file; errors become notices.
void platform_open_path(const char* path);

// F1..F12 pressed this frame (ImGui 1.86 has no named function keys; the backend indexes keys by
// SDL scancode, which only the platform may know).
bool platform_function_key_pressed(int n);
// A finger is on the screen (or came down since the last frame): the pointer is a finger, not a
// mouse, and hover waits for a long press (touch_press_model.h).
bool platform_finger_down();

// Saves bytes as a file the user keeps: a download in the browser, a file in the current folder
// on the desktop. Returns where it went (file name) or an error in words.
std::string platform_save_file(const char* file_name, const uint8_t* bytes, size_t size, const char* mime_type);
// Asks for a PNG of a screen rectangle (CSS px) as it looks at the end of this frame; it is saved
// with platform_save_file once the frame is drawn.
void platform_request_png(const char* file_name, float x, float y, float width, float height);

// The page's URL hash ("#lesson=1&..."; "" on the desktop, at most ~1 MiB is read) and replacing it
// in place (history.replaceState: no new history entry; a no-op on the desktop).
std::string platform_url_hash();
void platform_set_url_hash(const std::string& hash);

// Fetches a file that ships beside the page, by name (e.g. "digits-train.bin": data the page needs
// only later, kept out of its first load). The hosted build fetches it from its folder (the service
// worker keeps a copy for offline use); the single offline file carries it inlined
// (Module.csInlineFiles[name], base64). `done` runs once, later, between frames: with the bytes, or
// with bytes == nullptr and the error in words. Returns false, and never calls `done`, on the
// desktop, which embeds such files instead.
using FetchDone = std::function<void(const uint8_t* bytes, size_t size, const std::string& error)>;
bool platform_fetch_file(const char* name, FetchDone done);

// Runs `task` once, later, in time found idle between two frames, with the milliseconds it may use
// (at most kIdleSliceMaxMs, so input waits no longer than that): in the browser from
// requestIdleCallback (where there is none, a message right after the frame); on the desktop at the
// end of a frame, in what is left of the display's frame period before the swap. Work there does not
// delay a frame. A request while one is pending replaces its task. Returns true when it will run.
using IdleTask = std::function<void(double budget_ms)>;
constexpr double kIdleSliceMaxMs = 10.0;
bool platform_run_when_idle(IdleTask task);

// The screen-reader mirror's text (a11y_mirror.h's line format) for the page's #cs-a11y, called
// only when it changed. A no-op on the desktop.
void platform_a11y_publish(const std::string& text);

// A font merged into the UI font from the next frame on (Chinese: the glyph subset fetched when the
// language is chosen): the TTF's bytes and the glyphs to bake (ImGui ranges: pairs, 0-terminated).
// Null bytes remove it.
void platform_set_extra_font(std::shared_ptr<const std::vector<uint8_t>> ttf, std::vector<ImWchar> ranges);
// The language chosen in the menu, remembered by the page for the next visit (localStorage) and set as
// the document's lang; a no-op on the desktop.
void platform_language_chosen(const char* code, const char* name);

float platform_device_pixel_ratio();
// The screen the app is drawn on (CanvasInfo: device_layout_model.h).
CanvasInfo platform_canvas_info();
// Phones and tablets: opens the camera (the browser's own capture, a file input with
// capture="environment"); the photo arrives like an opened file. A no-op on the desktop.
void platform_take_photo();
void platform_toggle_fullscreen();
bool platform_is_browser();
double platform_time_seconds();

// [guided lessons] The page's address without its hash ("" on the desktop): the presenter's QR code.
std::string platform_page_url();
// Small texts kept between visits (progress, the lesson being built): the browser's localStorage, a
// file in the desktop's config folder. "" when there is none (or storage is blocked).
std::string platform_storage_get(const char* key);
void platform_storage_set(const char* key, const std::string& value);
// Records the page's canvas for `seconds` as a WebM clip downloaded as `file_name` (the browser's
// MediaRecorder). "" when recording started, else why not (the desktop has none).
std::string platform_record_clip(const char* file_name, double seconds);

}  // namespace cs::app
