// app_services.h — what the workspaces' panels may ask of the app, below them (no panel includes
// app.h): a notice in the status line, the digit lab's data files (app_assets.cpp), and the item
// registry the browser test hook reads (item_registry.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "app_state.h"

namespace cs {
struct DigitBundle;  // engine/data/digit_bundle.h
}  // namespace cs

namespace cs::app {

using cs::DigitBundle;

// [SECTION] notices (app.cpp) ----------------------------------------------------------------------

// One sentence in the menu bar for `seconds`.
void app_notice(AppState& state, const std::string& message, double seconds = 6.0);

// [SECTION] files beside the page (app_assets.cpp) ---------------------------------------------------

// A file of the program (desktop) or fetched beside the page. `done` gets the state to change, the
// bytes (null with an error; null without one when this build has no such file and cannot fetch). An
// embedded file answers at once into `state`; a fetched one later into state.live (a setState copy
// that started it is gone by then).
using AppFileDone = std::function<void(AppState& state, const uint8_t* bytes, size_t size, const std::string& error)>;
void app_load_file(AppState& state, const char* name, AppFileDone done);

// [SECTION] the digit lab's data (app_assets.cpp) -------------------------------------------------------

// The digit lab's data (state.lab_assets: bundled test digits and DigitNet's weights). `request`:
// 0 only looks (a build that embeds them, the desktop, has them at once), 1 starts fetching them if
// nobody has yet, 2 also retries a failed fetch. The page fetches digits.bin and digitnet.safetensors
// from beside index.html (platform_fetch_file; the single offline file has them inlined); when both
// are there LabAssets::on_ready runs (app.cpp: the lab's session and the lessons take them, the
// deferred setState partials are applied). Returns the status after the call.
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

// [SECTION] item registry (item_registry.cpp) ------------------------------------------------------------

// Call right after ImGui::Begin of a panel: stores the window rectangle under `id` for the hook.
void record_panel_rect(AppState& state, const char* id);
// Call right after a widget: stores ImGui's last item rectangle under `id` ("home.button").
void record_item_rect(AppState& state, const char* id);
// Stores `r` under `id` for this frame (no allocation when the id was seen before).
void set_item_rect(AppState& state, std::string_view id, const PanelRect& r);

}  // namespace cs::app
