// test_device_layout_model.cpp — layout choice for phones/tablets/desktops, the canvas capped at the
// GL limit (the 390x844 phone at dpr 3 would be 1170x2532: fine; a 1280-wide layout at dpr 3 was
// 3840x8313, past WebGL's 8192), and the touch panes inside the screen without overlap.
#include <doctest/doctest.h>

#include <string>

#include "app/device_layout_model.h"

using namespace cs::app;

namespace {
bool inside(const TouchRect& r, float w, float h) { return r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h && r.w > 0 && r.h > 0; }
bool overlap(const TouchRect& a, const TouchRect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
}  // namespace

TEST_CASE("the layout follows the viewport and its rotation") {
  CHECK(choose_device_layout(390, 844) == DeviceLayout::Phone);
  CHECK(choose_device_layout(844, 390) == DeviceLayout::Phone);
  CHECK(choose_device_layout(412, 915) == DeviceLayout::Phone);
  CHECK(choose_device_layout(768, 1024) == DeviceLayout::Tablet);
  CHECK(choose_device_layout(1024, 768) == DeviceLayout::Tablet);
  CHECK(choose_device_layout(1280, 800) == DeviceLayout::Desktop);
  CHECK(choose_device_layout(1366, 768) == DeviceLayout::Desktop);
  CHECK(choose_device_layout(1920, 1080) == DeviceLayout::Desktop);
  CHECK(std::string(device_layout_name(DeviceLayout::Phone)) == "phone");
}

TEST_CASE("the canvas is CSS px x dpr, at a lower ratio where the GL limit would be passed") {
  CanvasSize c = canvas_size_for(390, 844, 3.0f, 8192);
  CHECK(c.width == 1170);
  CHECK(c.height == 2532);
  CHECK(c.ratio == 3.0f);
  c = canvas_size_for(1280, 2771, 3.0f, 8192);  // the old too-wide phone page
  CHECK(c.height <= 8192);
  CHECK(c.width <= 8192);
  CHECK(c.ratio < 3.0f);
  CHECK(c.ratio == doctest::Approx(8192.0f / 2771.0f));
  CHECK(canvas_size_for(412, 915, 2.625f, 0).width == 1081);  // unknown limit: no cap
  CHECK(canvas_size_for(100, 100, 0.0f, 4096).ratio == 1.0f);  // a broken dpr counts as 1
}

TEST_CASE("touch panes lie inside the screen and do not overlap") {
  struct Case {
    float w, h;
  } cases[] = {{390, 844}, {412, 915}, {844, 390}, {768, 1024}, {1024, 768}};
  for (const Case& c : cases) {
    const DeviceLayout kind = choose_device_layout(c.w, c.h);
    const TouchLayout l = touch_layout(kind, c.w, c.h, 30, 80);
    CAPTURE(c.w);
    CAPTURE(c.h);
    CHECK(inside(l.tabs, c.w, c.h));
    CHECK(inside(l.main, c.w, c.h));
    CHECK(inside(l.side, c.w, c.h));
    CHECK(l.tabs.y >= 30);
    CHECK_FALSE(overlap(l.tabs, l.main));
    CHECK_FALSE(overlap(l.tabs, l.side));
    if (kind == DeviceLayout::Phone) {
      CHECK(l.one_pane);
      CHECK(l.main.w == doctest::Approx(c.w - 8));  // the main panel fills the width
    } else {
      CHECK_FALSE(overlap(l.main, l.side));
    }
  }
}

TEST_CASE("tab buttons wrap onto rows that fit the width") {
  const float widths[] = {120, 120, 120, 90};
  float x[4], y[4];
  const float h = wrap_tabs(widths, 4, 300, 40, 4, x, y);
  CHECK(x[0] == 0);
  CHECK(x[1] == 124);
  CHECK(y[2] == 44);  // the third did not fit: a new row
  CHECK(x[2] == 0);
  CHECK(y[3] == 44);
  CHECK(h == 84);
  for (int i = 0; i < 4; ++i) CHECK(x[i] + widths[i] <= 300);
}
