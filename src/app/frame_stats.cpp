// frame_stats.cpp — the frame-time window the platform feeds after each frame (app_record_frame_time):
// percentiles of the whole frame, of the app's part and of what the platform did around it, and the
// median of each phase over the slow frames; read by state().perf and the metrics window.
#include <algorithm>
#include <utility>

#include "app.h"

namespace cs::app {

namespace {

// The window's frames whose time is at least `from_ms`: how many, how many were drawn, and the median
// of each part (medians: one frame stalled for 200 ms by a garbage collection would swamp a mean).
FrameStats::Split split_of(const FrameStats& f, float from_ms) {
  FrameStats::Split s;
  int picked[FrameStats::kWindow];
  for (int i = 0; i < f.count; ++i)
    if (f.samples_ms[i] >= from_ms) {
      picked[s.frames++] = i;
      s.drawn += f.phases[i].drawn ? 1 : 0;
    }
  if (s.frames == 0) return s;
  FramePhases& p = s.phases;
  float* const out[] = {&s.total_ms, &s.app_ms, &p.input_ms, &p.new_frame_ms, &p.upload_ms, &p.render_ms, &p.signature_ms, &p.gl_ms};
  float values[FrameStats::kWindow];
  for (int part = 0; part < 8; ++part) {
    for (int k = 0; k < s.frames; ++k) {
      const int i = picked[k];
      const FramePhases& q = f.phases[i];
      const float parts[8] = {f.samples_ms[i], f.app_ms[i], q.input_ms, q.new_frame_ms, q.upload_ms, q.render_ms, q.signature_ms, q.gl_ms};
      values[k] = parts[part];
    }
    std::sort(values, values + s.frames);  // (the percentiles' sort: no second algorithm in the page's code)
    *out[part] = values[s.frames / 2];
  }
  return s;
}

}  // namespace

void app_record_frame_time(AppState& state, float ms, const FramePhases& phases) {
  const float app_ms = state.perf.last_app_ms;
  if (state.perf_workspace != state.workspace) {  // one workspace's frames never count in another's
    state.perf = FrameStats{};
    state.perf_workspace = state.workspace;
  }
  FrameStats& f = state.perf;
  f.samples_ms[f.next] = ms;
  f.app_ms[f.next] = app_ms;
  f.outside_ms[f.next] = std::max(0.0f, ms - app_ms);
  f.phases[f.next] = phases;
  f.next = (f.next + 1) % FrameStats::kWindow;
  f.count = std::min(f.count + 1, FrameStats::kWindow);
  if (state.frame % 30 != 0) return;  // percentiles twice a second are plenty
  float sorted[FrameStats::kWindow];
  std::copy(f.samples_ms, f.samples_ms + f.count, sorted);
  std::sort(sorted, sorted + f.count);
  f.p50_ms = sorted[f.count / 2];
  f.p95_ms = sorted[std::min(f.count - 1, f.count * 95 / 100)];
  f.max_ms = sorted[f.count - 1];
  for (auto [from, to] : {std::pair{f.app_ms, &f.app_p95_ms}, std::pair{f.outside_ms, &f.outside_p95_ms}}) {
    std::copy(from, from + f.count, sorted);
    std::sort(sorted, sorted + f.count);
    *to = sorted[std::min(f.count - 1, f.count * 95 / 100)];
  }
  f.slow = split_of(f, f.p95_ms);
  f.all = split_of(f, -1.0f);
}

float FrameStats::recent_outside_ms() const {
  float m = 0.0f;
  for (int i = 1; i <= std::min(count, 8); ++i) m = std::max(m, outside_ms[(next - i + kWindow) % kWindow]);
  return m;
}

}  // namespace cs::app
