// app.h — the ImGui application, identical on desktop and in the browser. The platform file calls
// app_init once, app_frame between ImGui::NewFrame and ImGui::Render, and the JSON functions for
// the browser test hook (window.ConvScope).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "app_state.h"

namespace cs::app {

void app_init(AppState& state);
void app_frame(AppState& state);

std::string app_state_json(const AppState& state);   // window.ConvScope.state()
std::string app_panels_json(const AppState& state);  // window.ConvScope.panels()
std::string app_items_json(const AppState& state);   // window.ConvScope.items(): named widgets
// window.ConvScope.setState(partial): "" on success, else the error in words (state unchanged).
std::string app_set_state(AppState& state, const std::string& partial_json);

// A file the user dropped or opened: images go to inbox.image, .safetensors to inbox.weights;
// anything else (or a corrupt file) is refused with a notice and the state is kept.
void app_open_file(AppState& state, const std::string& name, const uint8_t* bytes, size_t size);

// Adds one frame's CPU time (and where it went) and refreshes the percentiles (called by the
// platform after each frame).
void app_record_frame_time(AppState& state, float ms, const FramePhases& phases = {});

void app_notice(AppState& state, const std::string& message, double seconds = 6.0);

// The digit lab's data (state.lab_assets: bundled test digits and DigitNet's weights). `request`:
// 0 only looks (a build that embeds them, the desktop, has them at once), 1 starts fetching them if
// nobody has yet, 2 also retries a failed fetch. The page fetches digits.bin and digitnet.safetensors
// from beside index.html (platform_fetch_file; the single offline file has them inlined); when both
// are there the lab's session and the lessons take them (digit_lab_assets_arrived) and the deferred
// setState partials are applied. Returns the status after the call.
LabAssets::Status app_lab_assets(AppState& state, int request = 0);

// The bundled digits once they have arrived (null before, or when the build has none or they do not
// parse; state.bundled_digits_error then says why).
std::shared_ptr<const DigitBundle> app_bundled_digits(AppState& state);

// The message the lab's panels and the lessons show while the digit model is not there: loading, or
// the failed fetch's reason. Empty once it has arrived.
std::string app_lab_assets_message(const AppState& state);

// The in-page training digits. The desktop embeds them in digits.bin; the page keeps them out of its
// first load: digits-train.bin, fetched on the first call (platform_fetch_file) and merged into
// state.bundled_digits (and the digit lab's session) when it arrives. True once they are there; until
// then state.training_digits_error says why not ("" while fetching). `request` (lab.request_train's
// values: 1 train, 2 from scratch) is replayed when they arrive, and retries a failed fetch.
bool app_training_digits(AppState& state, int request = 0);

}  // namespace cs::app
