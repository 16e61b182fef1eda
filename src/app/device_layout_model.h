// device_layout_model.h — which layout a screen gets (desktop, tablet, phone) from its size in CSS
// pixels, how large the canvas's backing store may be (CSS px x devicePixelRatio, within what the GL
// context can draw), and where the panels go in the touch layouts: a main pane and tabs for the
// others. Pure maths, tested without GL (tests/app/test_device_layout_model.cpp).
#pragma once

namespace cs::app {

enum class DeviceLayout : int { Desktop = 0, Tablet = 1, Phone = 2 };

// The screen the app is drawn on: the window (the page's viewport) in CSS px, the device's pixel
// ratio, and the canvas's backing store in pixels (CSS px x dpr unless capped at the GL limit).
struct CanvasInfo {
  int css_width = 0, css_height = 0;
  float dpr = 1.0f;
  int canvas_width = 0, canvas_height = 0;
};

// Phone: the shorter side under 600 CSS px (any phone, either way round). Tablet: what the desktop
// layout (made for 1280x800, usable from about 1200x700) does not fit. Else desktop.
DeviceLayout choose_device_layout(float css_width, float css_height);
const char* device_layout_name(DeviceLayout layout);  // "desktop" | "tablet" | "phone"

// The canvas's backing store: CSS size x dpr, unless a side would pass `gl_max` (the smaller of the
// context's MAX_RENDERBUFFER_SIZE and MAX_VIEWPORT_DIMS): then every side gets the same lower ratio,
// so the picture stays undistorted, only less sharp. gl_max <= 0: unknown, no cap.
struct CanvasSize {
  int width = 0, height = 0;
  float ratio = 1.0f;  // backing-store pixels per CSS pixel
};
CanvasSize canvas_size_for(int css_width, int css_height, float dpr, int gl_max);

struct TouchRect {
  float x = 0, y = 0, w = 0, h = 0;
};

// Touch layouts. Phone: the tab bar at the top, then one pane, full width, showing the chosen tab
// (the workspace's main panel is a tab too). Tablet: the main panel in its own pane (top half in
// portrait, left half in landscape) and the tab bar over a second pane for the other panels.
// `top`: the menu bar's height; `tabs_h`: the tab bar's height (its buttons may wrap onto rows).
struct TouchLayout {
  TouchRect tabs, main, side;  // phone: main == side (one pane)
  bool one_pane = false;
};
TouchLayout touch_layout(DeviceLayout layout, float width, float height, float top, float tabs_h);

// Tab buttons laid out left to right, wrapping onto a new row when the next would pass `width`;
// returns the rows' total height. widths[i]: each button's width; x/y receive the positions.
float wrap_tabs(const float* widths, int count, float width, float row_h, float gap, float* x, float* y);

}  // namespace cs::app
