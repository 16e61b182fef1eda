// block_probe.cpp — a block fed a seeded random batch; every node's output and its statistics
// (see block_probe.h).
#include "block_probe.h"

#include <algorithm>
#include <cmath>

#include "init.h"
#include "trace.h"

namespace cs {

TensorStats tensor_stats(const Tensor& t, int bins) {
  TensorStats s;
  const size_t n = t.numel();
  if (n == 0 || t.rank() < 2 || bins < 1) return s;
  const float* v = t.data();
  double sum = 0;
  int64_t zeros = 0;
  s.min = s.max = v[0];
  for (size_t i = 0; i < n; ++i) {
    s.min = std::min(s.min, v[i]);
    s.max = std::max(s.max, v[i]);
    sum += v[i];
    zeros += v[i] == 0.0f;
  }
  const double mean = sum / static_cast<double>(n);
  double sq = 0;
  for (size_t i = 0; i < n; ++i) sq += (v[i] - mean) * (v[i] - mean);
  s.mean = static_cast<float>(mean);
  s.std = static_cast<float>(std::sqrt(sq / static_cast<double>(n)));
  s.zero_fraction = static_cast<double>(zeros) / static_cast<double>(n);

  s.histogram.assign(bins, 0);
  s.histogram_lo = s.min;
  s.histogram_hi = s.max;
  const double width = (static_cast<double>(s.max) - s.min) / bins;
  for (size_t i = 0; i < n; ++i) {
    int b = width > 0 ? static_cast<int>((v[i] - static_cast<double>(s.min)) / width) : 0;
    s.histogram[std::clamp(b, 0, bins - 1)]++;
  }

  const int N = t.dim(0), C = t.dim(1);
  const size_t inner = n / (static_cast<size_t>(N) * C);  // positions per channel per sample
  s.channel_mean.assign(C, 0.0f);
  s.channel_var.assign(C, 0.0f);
  const double count = static_cast<double>(N) * inner;
  for (int c = 0; c < C; ++c) {
    double cs_sum = 0;
    for (int b = 0; b < N; ++b) {
      const float* p = v + (static_cast<size_t>(b) * C + c) * inner;
      for (size_t i = 0; i < inner; ++i) cs_sum += p[i];
    }
    const double m = cs_sum / count;
    double cs_sq = 0;
    for (int b = 0; b < N; ++b) {
      const float* p = v + (static_cast<size_t>(b) * C + c) * inner;
      for (size_t i = 0; i < inner; ++i) cs_sq += (p[i] - m) * (p[i] - m);
    }
    s.channel_mean[c] = static_cast<float>(m);
    s.channel_var[c] = static_cast<float>(cs_sq / count);
  }
  return s;
}

namespace {

// Standard normal values by Box-Muller from the engine's generator (deterministic for a seed).
void fill_standard_normal(Tensor& t, Rng& rng) {
  float* v = t.data();
  const size_t n = t.numel();
  for (size_t i = 0; i < n; i += 2) {
    const double u1 = 1.0 - rng.uniform();  // (0, 1]: the log stays finite
    const double u2 = rng.uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    v[i] = static_cast<float>(r * std::cos(6.283185307179586 * u2));
    if (i + 1 < n) v[i + 1] = static_cast<float>(r * std::sin(6.283185307179586 * u2));
  }
}

}  // namespace

Result<BlockProbe> probe_block(const BlockConfig& c, uint32_t seed, int batch, bool training) {
  if (batch < 1 || batch > kProbeMaxBatch)
    return Status::error(fmt("batch must be 1..%d, got %d", kProbeMaxBatch, batch));
  Result<BlockDescription> d = describe_block(c);  // validates, and gives every node's size at N = 1
  if (!d) return d.status();
  int64_t values = static_cast<int64_t>(c.in_channels) * c.height * c.width;
  for (const BlockNode& n : d->nodes) values += shape_numel(n.shape);
  if (values * batch > kProbeMaxValues)
    return Status::error(fmt("feeding this block a batch of %d would keep %lld values, more than %lld: make the "
                             "channels, the input or the batch smaller",
                             batch, static_cast<long long>(values * batch), static_cast<long long>(kProbeMaxValues)));

  Rng rng(seed);
  Result<LayerPtr> built = build_block(c, rng);
  if (!built) return built.status();
  Layer& root = *built.value();
  root.set_training(training);
  BlockProbe p;
  p.seed = seed;
  p.batch = batch;
  p.training = training;
  p.input = Tensor(Shape{batch, c.in_channels, c.height, c.width});
  fill_standard_normal(p.input, rng);
  Tensor out;
  CS_RETURN_IF_ERROR(root.forward(p.input, out));
  Trace trace;
  root.trace_internals("", trace);
  std::vector<const Tensor*> tensors;
  p.nodes = list_block_nodes(root, out, trace, &tensors);
  p.input_stats = tensor_stats(p.input, kProbeHistogramBins);
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (!tensors[i]) return Status::error("block probe: node " + p.nodes[i].name + " recorded no output");
    p.outputs.push_back(*tensors[i]);
    p.stats.push_back(tensor_stats(*tensors[i], kProbeHistogramBins));
  }
  return p;
}

}  // namespace cs
