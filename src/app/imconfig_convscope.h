// imconfig_convscope.h — Dear ImGui compile-time configuration, used by ImGui itself and all app code
// (IMGUI_USER_CONFIG), identical for desktop and browser.
#pragma once
// 32-bit draw indices: big grids overflow 16-bit indices, and the 1.86 GLES3/WebGL2 backend does
// not enable RendererHasVtxOffset, so large ImDrawLists would assert or corrupt (TOOLCHAIN.md).
#define ImDrawIdx unsigned int
// Old names removed so the app does not start depending on API that 1.87+ drops.
#define IMGUI_DISABLE_OBSOLETE_FUNCTIONS
// Not used by the app (no ShowDemoWindow / ShowMetricsWindow call): compiled out rather than left to
// the linker, which keeps the debug hooks NewFrame and the ID stack call (first-load budget).
#define IMGUI_DISABLE_DEMO_WINDOWS
#define IMGUI_DISABLE_METRICS_WINDOW
