// app.h — the ImGui application, identical on desktop and in the browser, as the platform sees it:
// app_init once, app_frame between ImGui::NewFrame and ImGui::Render, the JSON functions for the
// browser test hook (window.ConvScope), files and frame times coming in. The panels do not include
// this: what they may call is app_services.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "app_services.h"
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

}  // namespace cs::app
