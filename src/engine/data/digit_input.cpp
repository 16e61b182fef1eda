// digit_input.cpp — photo/canvas -> MNIST-like 28x28: polarity, background removal, ink levels,
// speck removal, crop, fit into 20x20, centre of mass placement.
#include "digit_input.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "idx.h"

namespace cs {
namespace {

float clamp01(float v) { return std::isfinite(v) ? std::min(1.0f, std::max(0.0f, v)) : 0.0f; }

// The mean of the 3x3 neighbourhood of (x, y), clipped at the image's edges: single noisy pixels
// must not decide the polarity or open a path through the paper.
float box3(const GreyImage& g, int x, int y) {
  float sum = 0;
  int n = 0;
  for (int yy = std::max(0, y - 1); yy <= std::min(g.height - 1, y + 1); ++yy)
    for (int xx = std::max(0, x - 1); xx <= std::min(g.width - 1, x + 1); ++xx) sum += g.at(xx, yy), ++n;
  return sum / n;
}

// q-quantile (0..1) of the values, by partial sort of a copy.
float quantile(std::vector<float> v, float q) {
  if (v.empty()) return 0.0f;
  size_t k = static_cast<size_t>(q * (v.size() - 1) + 0.5f);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// Median of a ring along the image border (about 3% of the side, at least one pixel): the paper
// nearly always dominates the border, even when a stroke touches it.
float border_median(const GreyImage& g) {
  const int r = std::max(1, std::min(g.width, g.height) * 3 / 100);
  std::vector<float> ring;
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x)
      if (x < r || y < r || x >= g.width - r || y >= g.height - r) ring.push_back(g.at(x, y));
  return quantile(std::move(ring), 0.5f);
}

// Smooth background estimate for uneven lighting: per block the 25th percentile (ink is the
// minority), then the minimum over the 3x3 neighbouring blocks (so a block full of thick stroke
// does not count as background), bilinearly interpolated between block centres.
std::vector<float> background_map(const GreyImage& g) {
  const int block = std::max(8, std::max(g.width, g.height) / 8);
  const int gx = (g.width + block - 1) / block, gy = (g.height + block - 1) / block;
  std::vector<float> level(static_cast<size_t>(gx) * gy);
  std::vector<float> values;
  for (int by = 0; by < gy; ++by)
    for (int bx = 0; bx < gx; ++bx) {
      values.clear();
      for (int y = by * block; y < std::min(g.height, (by + 1) * block); ++y)
        for (int x = bx * block; x < std::min(g.width, (bx + 1) * block); ++x) values.push_back(g.at(x, y));
      level[static_cast<size_t>(by) * gx + bx] = quantile(values, 0.25f);
    }
  std::vector<float> low(level.size());
  for (int by = 0; by < gy; ++by)
    for (int bx = 0; bx < gx; ++bx) {
      float m = 1.0f;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          int x = bx + dx, y = by + dy;
          if (x >= 0 && y >= 0 && x < gx && y < gy) m = std::min(m, level[static_cast<size_t>(y) * gx + x]);
        }
      low[static_cast<size_t>(by) * gx + bx] = m;
    }
  std::vector<float> bg(static_cast<size_t>(g.width) * g.height);
  for (int y = 0; y < g.height; ++y) {
    float fy = std::min(std::max((y + 0.5f) / block - 0.5f, 0.0f), static_cast<float>(gy - 1));
    int y0 = static_cast<int>(fy), y1 = std::min(y0 + 1, gy - 1);
    float wy = fy - y0;
    for (int x = 0; x < g.width; ++x) {
      float fx = std::min(std::max((x + 0.5f) / block - 0.5f, 0.0f), static_cast<float>(gx - 1));
      int x0 = static_cast<int>(fx), x1 = std::min(x0 + 1, gx - 1);
      float wx = fx - x0;
      float top = low[static_cast<size_t>(y0) * gx + x0] * (1 - wx) + low[static_cast<size_t>(y0) * gx + x1] * wx;
      float bot = low[static_cast<size_t>(y1) * gx + x0] * (1 - wx) + low[static_cast<size_t>(y1) * gx + x1] * wx;
      bg[static_cast<size_t>(y) * g.width + x] = top * (1 - wy) + bot * wy;
    }
  }
  return bg;
}

// Keeps the 8-connected ink blobs whose mass is at least `fraction` of the heaviest blob.
void remove_specks(GreyImage* ink, float fraction) {
  const int w = ink->width, h = ink->height;
  std::vector<int> label(static_cast<size_t>(w) * h, -1);
  std::vector<float> mass;
  std::vector<int> stack;
  for (int start = 0; start < w * h; ++start) {
    if (ink->pixels[start] <= 0.0f || label[start] >= 0) continue;
    const int id = static_cast<int>(mass.size());
    float m = 0;
    stack.push_back(start);
    label[start] = id;
    while (!stack.empty()) {
      int p = stack.back();
      stack.pop_back();
      m += ink->pixels[p];
      int px = p % w, py = p / w;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          int x = px + dx, y = py + dy;
          if (x < 0 || y < 0 || x >= w || y >= h) continue;
          int q = y * w + x;
          if (ink->pixels[q] > 0.0f && label[q] < 0) {
            label[q] = id;
            stack.push_back(q);
          }
        }
    }
    mass.push_back(m);
  }
  if (mass.size() < 2) return;
  const float keep = fraction * *std::max_element(mass.begin(), mass.end());
  for (size_t i = 0; i < label.size(); ++i)
    if (label[i] >= 0 && mass[label[i]] < keep) ink->pixels[i] = 0.0f;
}

// A photographed sheet of paper on a darker (or lighter) surface: the surface fills the image's
// border, so the border's level is not the paper's and the sheet itself would pass for ink. Found
// as the pixels connected to the border that sit on the border's side of the halfway level between
// the border and the centre of the image (where the sheet is), when they cover most of the border
// and what they enclose is mostly paper. Those pixels (and a thin seam around them, the sheet's
// edge) are then replaced row by row with the nearest paper pixel's value, which keeps the paper's
// shading continuous for the background estimate. Returns whether a sheet was found.
bool isolate_sheet(GreyImage* g) {
  const int w = g->width, h = g->height;
  if (w < 16 || h < 16) return false;
  const float border = border_median(*g);
  std::vector<float> centre;
  for (int y = h / 4; y < h - h / 4; ++y)
    for (int x = w / 4; x < w - w / 4; ++x) centre.push_back(g->at(x, y));
  const float paper = quantile(std::move(centre), 0.5f);
  if (std::fabs(paper - border) < 0.1f) return false;
  // Classified on a 3x3 box blur, so paper noise cannot open a path from the border inwards.
  const float mid = 0.5f * (paper + border);
  const bool surface_darker = border < paper;
  std::vector<uint8_t> surface_like(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float v = box3(*g, x, y);
      surface_like[static_cast<size_t>(y) * w + x] = surface_darker ? v < mid : v > mid;
    }
  // Flood fill (4-connected) from the border through surface-like pixels.
  std::vector<uint8_t> surface(surface_like.size(), 0);
  std::vector<int> stack;
  auto seed = [&](int x, int y) {
    const size_t i = static_cast<size_t>(y) * w + x;
    if (surface_like[i] && !surface[i]) surface[i] = 1, stack.push_back(static_cast<int>(i));
  };
  for (int x = 0; x < w; ++x) seed(x, 0), seed(x, h - 1);
  for (int y = 0; y < h; ++y) seed(0, y), seed(w - 1, y);
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    const int x = i % w, y = i / w;
    if (x > 0) seed(x - 1, y);
    if (x < w - 1) seed(x + 1, y);
    if (y > 0) seed(x, y - 1);
    if (y < h - 1) seed(x, y + 1);
  }
  // The surface must run along most of the border (a stroke or a shadow touching it does not), and
  // what it encloses must be a sheet: a quarter of the image or more, three quarters of it paper.
  int ring = 0, ring_surface = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1) ++ring, ring_surface += surface[static_cast<size_t>(y) * w + x];
  if (ring_surface < 0.6 * ring) return false;
  size_t inside = 0, inside_paper = 0;
  std::vector<float> enclosed;  // the surface-like pixels the sheet encloses: its ink
  for (size_t i = 0; i < surface.size(); ++i)
    if (!surface[i]) {
      ++inside, inside_paper += !surface_like[i];
      if (surface_like[i]) enclosed.push_back(g->pixels[i]);
    }
  if (inside < surface.size() / 4 || inside_paper < 0.75 * inside) return false;
  // A bold digit filling the centre looks the same: the "sheet" is its ink and the paper around it
  // the "surface", and what it encloses (its holes) is the border's own paper. Paper is nearly
  // always the light part of a photo, so a "sheet" darker than its surroundings must be framed all
  // round, cover nearly half the image, and enclose something of another level than the border
  // (a bold 9 in a photo: 0.38 of it, the surface along 0.67 of the border, holes at the border's
  // level; sheets measured 0.48 and more, along all of it). A light sheet on a dark table may keep
  // ink of the table's own darkness.
  if (!surface_darker &&
      (inside < 0.45 * surface.size() || ring_surface < 0.85 * ring ||
       (!enclosed.empty() && std::fabs(quantile(std::move(enclosed), 0.5f) - border) < 0.1f)))
    return false;
  // The sheet's edge (blur, shadow) is a seam of mixed pixels: widen the surface over it.
  const int seam = std::max(1, std::max(w, h) / 100);
  std::vector<uint8_t> wide(surface);
  for (int pass = 0; pass < seam; ++pass) {
    std::vector<uint8_t> grown(wide);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (!wide[static_cast<size_t>(y) * w + x] &&
            ((x > 0 && wide[static_cast<size_t>(y) * w + x - 1]) || (x < w - 1 && wide[static_cast<size_t>(y) * w + x + 1]) ||
             (y > 0 && wide[static_cast<size_t>(y - 1) * w + x]) || (y < h - 1 && wide[static_cast<size_t>(y + 1) * w + x])))
          grown[static_cast<size_t>(y) * w + x] = 1;
    wide.swap(grown);
  }
  // Fill: each surface pixel takes the value of the nearest paper pixel in its row; rows without
  // paper copy the nearest row that has some.
  std::vector<uint8_t> row_has_paper(h, 0);
  std::vector<int> left(w);  // per row: the nearest paper column at or left of x (-1: none)
  for (int y = 0; y < h; ++y) {
    const uint8_t* m = &wide[static_cast<size_t>(y) * w];
    int last = -1;
    for (int x = 0; x < w; ++x) {
      if (!m[x]) last = x;
      left[x] = last;
    }
    if (last < 0) continue;
    row_has_paper[y] = 1;
    int next = -1;
    for (int x = w - 1; x >= 0; --x) {
      if (!m[x]) {
        next = x;
        continue;
      }
      const int l = left[x];
      const int src = l < 0 ? next : next < 0 ? l : (x - l <= next - x ? l : next);
      g->at(x, y) = g->at(src, y);
    }
  }
  int nearest = -1;
  for (int y = 0; y < h && nearest < 0; ++y)
    if (row_has_paper[y]) nearest = y;
  if (nearest < 0) return false;  // unreachable: the inside is a quarter of the image
  for (int y = 0; y < h; ++y) {
    if (row_has_paper[y]) {
      nearest = y;
      continue;
    }
    // the nearest row with paper: the last one above, or the first one below
    int below = y + 1;
    while (below < h && !row_has_paper[below]) ++below;
    const int src = (nearest < y && (below >= h || y - nearest <= below - y)) ? nearest : below;
    for (int x = 0; x < w; ++x) g->at(x, y) = g->at(x, src);
  }
  return true;
}

DigitSteps no_ink(DigitSteps s, const std::string& why) {
  s.has_ink = false;
  s.message = "no ink: " + why;
  s.digit.width = s.digit.height = kMnistSide;
  s.digit.pixels.assign(kMnistPixels, 0.0f);
  return s;
}

}  // namespace

DigitSteps prepare_digit(const GreyImage& input, const DigitInputOptions& opt, DigitStages* stages) {
  DigitSteps s;
  if (input.width <= 0 || input.height <= 0 ||
      input.pixels.size() != static_cast<size_t>(input.width) * input.height)
    return no_ink(std::move(s), "the image is empty");

  // [1] working copy: clamped to [0,1] (NaN -> 0), downsampled when large.
  GreyImage g = input;
  for (float& v : g.pixels) v = clamp01(v);
  const int side = std::max(g.width, g.height);
  if (side > opt.max_working_side) {
    s.work_scale = static_cast<float>(opt.max_working_side) / side;
    g = resize_area(g, std::max(1, static_cast<int>(std::lround(g.width * s.work_scale))),
                    std::max(1, static_cast<int>(std::lround(g.height * s.work_scale))));
  }

  if (stages) stages->grey = g;
  // [1b] a photographed sheet on a table: only the sheet counts (isolate_sheet).
  if (opt.find_sheet) s.sheet = isolate_sheet(&g);
  if (stages) stages->sheet = g;

  // [2] polarity: the ink is the extreme farther from the border's level. Extremes are taken after
  //     a 3x3 box blur so single noisy pixels cannot decide it (a tiny digit may be < 0.1% of
  //     the pixels, so percentiles would miss it).
  float bg = border_median(g);
  float p_lo = 1.0f, p_hi = 0.0f;
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) {
      const float v = box3(g, x, y);
      p_lo = std::min(p_lo, v);
      p_hi = std::max(p_hi, v);
    }
  if (bg - p_lo > p_hi - bg) {
    s.inverted = true;
    for (float& v : g.pixels) v = 1.0f - v;
    bg = 1.0f - bg;
  }
  s.background = bg;
  if (stages) stages->polarity = g;

  // [3] subtract the local background, then scale so that typical ink is 1 and noise is 0.
  std::vector<float> bgmap = background_map(g);
  std::vector<float> r(g.pixels.size());
  float peak = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    r[i] = std::max(0.0f, g.pixels[i] - bgmap[i]);
    peak = std::max(peak, r[i]);
  }
  s.ink.width = g.width;
  s.ink.height = g.height;
  s.ink.pixels.assign(r.size(), 0.0f);
  if (peak < opt.min_contrast)
    return no_ink(std::move(s), fmt("nothing stands out from the background (contrast %.3f < %.3f)",
                                     static_cast<double>(peak), static_cast<double>(opt.min_contrast)));
  std::vector<float> strong;
  for (float v : r)
    if (v > 0.5f * peak) strong.push_back(v);
  const float level = quantile(std::move(strong), 0.5f);
  // Noise floor from the data: with the background at its 25th percentile, the median residual of
  // mostly-paper pixels is ~0.67 sigma of the paper's noise, so 5.5x that is ~3 sigma above the
  // paper. Clean canvases get a floor near 0 and keep their anti-aliased edges; noisy photos get
  // a higher one, capped at noise_floor * level.
  const float noise = quantile(r, 0.5f);
  const float floor = std::min(opt.noise_floor * level, std::max(0.02f * level, 5.5f * noise));
  s.ink_level = level;
  for (size_t i = 0; i < r.size(); ++i) s.ink.pixels[i] = clamp01((r[i] - floor) / (level - floor));
  remove_specks(&s.ink, opt.min_component_mass);

  // [4] bounding box of the ink.
  int x0 = s.ink.width, y0 = s.ink.height, x1 = -1, y1 = -1;
  for (int y = 0; y < s.ink.height; ++y)
    for (int x = 0; x < s.ink.width; ++x)
      if (s.ink.at(x, y) > 0.0f) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  if (x1 < 0) return no_ink(std::move(s), "no ink pixels after noise removal");
  const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  s.box_x = static_cast<int>(std::floor(x0 / s.work_scale));
  s.box_y = static_cast<int>(std::floor(y0 / s.work_scale));
  s.box_w = std::min(input.width - s.box_x, static_cast<int>(std::ceil(bw / s.work_scale)));
  s.box_h = std::min(input.height - s.box_y, static_cast<int>(std::ceil(bh / s.work_scale)));

  // [5] crop and fit into 20x20, aspect kept, area resampling (anti-aliased like MNIST's).
  GreyImage crop;
  crop.width = bw;
  crop.height = bh;
  crop.pixels.resize(static_cast<size_t>(bw) * bh);
  for (int y = 0; y < bh; ++y)
    for (int x = 0; x < bw; ++x) crop.at(x, y) = s.ink.at(x0 + x, y0 + y);
  const float fit = 20.0f / std::max(bw, bh);
  const int fw = std::min(20, std::max(1, static_cast<int>(std::lround(bw * fit))));
  const int fh = std::min(20, std::max(1, static_cast<int>(std::lround(bh * fit))));
  s.fit20 = resize_area(crop, fw, fh);
  // Thin strokes from a big canvas average down to faint grey; MNIST strokes peak at full ink.
  const float top = *std::max_element(s.fit20.pixels.begin(), s.fit20.pixels.end());
  if (top <= 0.0f) return no_ink(std::move(s), "the ink vanished when fitted into 20x20");
  for (float& v : s.fit20.pixels) v = std::min(1.0f, v / top);

  // [6] centre the 20x20 box, then shift by whole pixels so the centre of mass lands on (14, 14),
  //     as far as the box stays inside the 28x28 field.
  const int ox = (kMnistSide - fw) / 2, oy = (kMnistSide - fh) / 2;
  double m = 0, mx = 0, my = 0;
  for (int y = 0; y < fh; ++y)
    for (int x = 0; x < fw; ++x) {
      double v = s.fit20.at(x, y);
      m += v, mx += v * (ox + x), my += v * (oy + y);
    }
  s.com_x = static_cast<float>(mx / m);
  s.com_y = static_cast<float>(my / m);
  if (stages) {
    stages->centred.width = stages->centred.height = kMnistSide;
    stages->centred.pixels.assign(kMnistPixels, 0.0f);
    for (int y = 0; y < fh; ++y)
      for (int x = 0; x < fw; ++x) stages->centred.at(ox + x, oy + y) = s.fit20.at(x, y);
  }
  s.shift_x = std::min(kMnistSide - fw - ox, std::max(-ox, static_cast<int>(std::lround(kMnistCentre - s.com_x))));
  s.shift_y = std::min(kMnistSide - fh - oy, std::max(-oy, static_cast<int>(std::lround(kMnistCentre - s.com_y))));
  s.digit.width = s.digit.height = kMnistSide;
  s.digit.pixels.assign(kMnistPixels, 0.0f);
  for (int y = 0; y < fh; ++y)
    for (int x = 0; x < fw; ++x) s.digit.at(ox + s.shift_x + x, oy + s.shift_y + y) = s.fit20.at(x, y);
  // The inverse of steps 5-6: fit20 column fx (digit column ox + shift_x + fx) covers ink-map columns
  // x0 + fx * bw / fw onwards; ink-map pixels are 1 / work_scale input pixels.
  const float sx = static_cast<float>(bw) / fw, sy = static_cast<float>(bh) / fh;
  s.frame_x = (x0 - (ox + s.shift_x) * sx) / s.work_scale;
  s.frame_y = (y0 - (oy + s.shift_y) * sy) / s.work_scale;
  s.frame_w = kMnistSide * sx / s.work_scale;
  s.frame_h = kMnistSide * sy / s.work_scale;
  s.has_ink = true;
  return s;
}

DigitSteps prepare_digit(const uint8_t* grey, int width, int height, const DigitInputOptions& options) {
  if (!grey || width <= 0 || height <= 0) return prepare_digit(GreyImage{}, options);
  return prepare_digit(grey_from_bytes(grey, width, height), options);
}

Tensor digit_tensor(const DigitSteps& steps) {
  Tensor t({1, 1, kMnistSide, kMnistSide});
  for (size_t i = 0; i < kMnistPixels && i < steps.digit.pixels.size(); ++i) t[i] = steps.digit.pixels[i];
  return t;
}

}  // namespace cs
