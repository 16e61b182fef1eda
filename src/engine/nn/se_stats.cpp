// se_stats.cpp — per-class excitation sums of the SE blocks over a batch of labelled images.
#include "se_stats.h"

#include "squeeze_excite.h"

namespace cs {

void SeClassSums::reset(const std::vector<SeBlock>& se) {
  blocks.clear();
  for (const SeBlock& r : se) {
    Block b;
    b.name = r.name;
    b.channels = r.se->channels();
    b.sum.assign(static_cast<size_t>(kDigitClasses) * b.channels, 0.0);
    b.sumsq.assign(static_cast<size_t>(kDigitClasses) * b.channels, 0.0);
    blocks.push_back(std::move(b));
  }
  for (int& c : count) c = 0;
  correct = 0;
}

Status accumulate_se_class_sums(Model& model, const std::vector<SeBlock>& se, const Tensor& x, const int* labels,
                                SeClassSums& sums, Tensor& logits) {
  if (sums.blocks.size() != se.size())
    return Status::error(fmt("se stats: %zu blocks of sums for %zu SE blocks (reset them first)", sums.blocks.size(), se.size()));
  const int n = x.rank() > 0 ? x.dim(0) : 0;
  for (int i = 0; i < n; ++i)
    if (labels[i] < 0 || labels[i] >= kDigitClasses) return Status::error(fmt("se stats: label %d of image %d is not 0..9", labels[i], i));
  CS_RETURN_IF_ERROR(model.forward(x, logits, nullptr));
  for (size_t b = 0; b < se.size(); ++b) {
    const Tensor& e = se[b].se->excitation_raw();  // (n, C)
    SeClassSums::Block& bl = sums.blocks[b];
    if (e.numel() != static_cast<size_t>(n) * bl.channels)
      return Status::error(fmt("se stats: block %s recorded %zu excitations for %d images of %d channels", bl.name.c_str(),
                               e.numel(), n, bl.channels));
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < bl.channels; ++c) {
        const double v = e[static_cast<size_t>(i) * bl.channels + c];
        bl.sum[static_cast<size_t>(labels[i]) * bl.channels + c] += v;
        bl.sumsq[static_cast<size_t>(labels[i]) * bl.channels + c] += v * v;
      }
  }
  const int K = logits.dim(1);
  for (int i = 0; i < n; ++i) {
    sums.count[labels[i]]++;
    const float* row = logits.data() + static_cast<size_t>(i) * K;
    int best = 0;
    for (int k = 1; k < K; ++k)
      if (row[k] > row[best]) best = k;
    sums.correct += best == labels[i];
  }
  return Status::ok();
}

}  // namespace cs
