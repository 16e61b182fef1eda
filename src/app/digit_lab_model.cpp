// digit_lab_model.cpp — LabSession: inputs through the engine's preprocessing, gallery rows, and
// DigitNet: prediction, SE statistics in slices, training in time-boxed slices.
#include "digit_lab_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/data/safetensors.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/mbconv.h"
#include "engine/nn/residual.h"
#include "engine/nn/sequential.h"
#include "engine/ops/activation.h"
#include "engine/ops/loss.h"
#include "ui_strings.h"

namespace cs::app {

namespace {
double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void LabSession::use_digits(std::shared_ptr<const DigitBundle> digits, const std::string& why_missing) {
  if (!digits) {
    digits_ = std::make_shared<const DigitBundle>();
    digits_ok_ = false;
    digits_error_ = why_missing;
    gallery_order_.clear();
    return;
  }
  digits_ = std::move(digits);
  digits_ok_ = true;
  digits_error_.clear();
  gallery_order_ = cs::app::gallery_order(digits_->test);
}

bool LabSession::use_drawing(const DrawPad& pad) {
  if (!from_gallery_ && pad.revision() == pad_revision_ && input_revision_ > 0) return false;
  pad_revision_ = pad.revision();
  from_gallery_ = false;
  const double t0 = now_ms();
  // The pad is 10x MNIST; half of that is plenty for a 20x20 result and keeps live preprocessing
  // cheap enough for every stroke segment in the browser.
  cs::DigitInputOptions o;
  o.max_working_side = std::min(pad.side(), 140);
  o.find_sheet = false;  // a drawing has no table around it; a thick stroke must not pass for one
  steps_ = cs::prepare_digit(pad.pixels().data(), pad.side(), pad.side(), o);
  prepare_ms_ = now_ms() - t0;
  has_input_ = steps_.has_ink;
  const std::vector<float>& d = steps_.digit.pixels;
  if (d.size() == input28_.size()) std::copy(d.begin(), d.end(), input28_.begin());
  else std::fill(input28_.begin(), input28_.end(), 0.0f);
  ++input_revision_;
  return true;
}

bool LabSession::use_gallery(int test_index) {
  if (!digits_ok_ || test_index < 0 || test_index >= digits_->test.count) return false;
  const uint8_t* img = digits_->test.image(test_index);
  for (int i = 0; i < kDigitPixels; ++i) input28_[i] = img[i] / 255.0f;
  steps_ = cs::DigitSteps{};
  from_gallery_ = true;
  has_input_ = true;
  pad_revision_ = -1;
  prepare_ms_ = 0;
  ++input_revision_;
  return true;
}

bool LabSession::use_photo(const cs::GreyImage& grey) {
  from_gallery_ = false;
  // The pad shows the photo at the pad's resolution (a 4000x3000 photo would be a 48 MB texture).
  const int side = DrawPad::kDefaultSide, longer = std::max(grey.width, grey.height);
  if (longer > side)
    photo_preview_ = cs::resize_area(grey, std::max(1, grey.width * side / longer), std::max(1, grey.height * side / longer));
  else
    photo_preview_ = grey;
  const double t0 = now_ms();
  steps_ = cs::prepare_digit(grey, {}, &photo_stages_);
  prepare_ms_ = now_ms() - t0;
  has_input_ = steps_.has_ink;
  const std::vector<float>& d = steps_.digit.pixels;
  if (d.size() == input28_.size()) std::copy(d.begin(), d.end(), input28_.begin());
  else std::fill(input28_.begin(), input28_.end(), 0.0f);
  pad_revision_ = -1;
  ++input_revision_;
  return true;
}

std::vector<LabSession::GalleryRow> LabSession::gallery_rows(int columns) const {
  std::vector<GalleryRow> rows;
  columns = std::max(1, columns);
  const std::vector<uint8_t>& labels = digits_->test.labels;
  size_t k = 0;
  while (k < gallery_order_.size()) {
    const int label = labels[gallery_order_[k]];
    size_t end = k;
    while (end < gallery_order_.size() && labels[gallery_order_[end]] == label) ++end;
    for (size_t s = k; s < end; s += columns)
      rows.push_back(GalleryRow{label, static_cast<int>(s), static_cast<int>(std::min(end - s, size_t(columns)))});
    k = end;
  }
  return rows;
}

// [SECTION] network, prediction, SE statistics, training ------------------------------------------

namespace {

// (n, 1, 28, 28) in [0, 1] from MNIST bytes.
void batch_tensor(cs::Tensor& x, const DigitSet& set, const int* indices, int n) {
  x.resize({n, 1, kDigitSide, kDigitSide});
  float* d = x.data();
  for (int k = 0; k < n; ++k) {
    const uint8_t* img = set.image(indices[k]);
    for (int i = 0; i < kDigitPixels; ++i) d[static_cast<size_t>(k) * kDigitPixels + i] = img[i] / 255.0f;
  }
}

int argmax_row(const float* row, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (row[i] > row[best]) best = i;
  return best;
}

void push_curve(std::vector<float>& curve, float v, size_t cap) {
  curve.push_back(v);
  // Keep the whole history at a bounded size: halve the resolution when full.
  if (curve.size() >= cap) {
    size_t j = 0;
    for (size_t i = 0; i + 1 < curve.size(); i += 2) curve[j++] = 0.5f * (curve[i] + curve[i + 1]);
    curve.resize(j);
  }
}

}  // namespace

std::vector<SeBlockRef> find_se_blocks(cs::Model& model) { return cs::digitnet_se_blocks(model); }

float SeStats::mean(int b, int digit, int c) const {
  const Block& bl = blocks[b];
  return count[digit] > 0 ? static_cast<float>(bl.sum[digit * bl.channels + c] / count[digit]) : 0.0f;
}

float SeStats::stddev(int b, int digit, int c) const {
  const Block& bl = blocks[b];
  const int n = count[digit];
  if (n < 2) return 0.0f;
  const double m = bl.sum[digit * bl.channels + c] / n;
  const double var = std::max(0.0, bl.sumsq[digit * bl.channels + c] / n - m * m);
  return static_cast<float>(std::sqrt(var));
}

std::vector<int> SeStats::order_by_variance(int b) const {
  const int C = blocks[b].channels;
  std::vector<double> var(C, 0.0);
  for (int c = 0; c < C; ++c) {
    // Two passes: the means are close to each other, so E[x^2] - E[x]^2 would cancel.
    double m = 0;
    for (int d = 0; d < 10; ++d) m += mean(b, d, c);
    m /= 10;
    for (int d = 0; d < 10; ++d) var[c] += (mean(b, d, c) - m) * (mean(b, d, c) - m);
  }
  std::vector<int> order(C);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int c) { return var[a] > var[c]; });
  return order;
}

cs::Status LabSession::init_network(ModelFactory factory, const uint8_t* weights, size_t size) {
  factory_ = std::move(factory);
  shipped_.assign(weights, weights + size);
  if (!factory_) return cs::Status::error(tr(S::lab_err_no_factory));
  cs::Status st = reinitialise(1);
  if (!st) return st;
  if (!shipped_.empty()) return reset_to_shipped();
  return cs::Status::ok();
}

cs::Status LabSession::reinitialise(uint32_t seed) {
  if (!factory_) return cs::Status::error(tr(S::lab_err_no_factory));
  std::unique_ptr<cs::Model> m = factory_(seed);
  if (!m) {
    network_error_ = tr(S::lab_err_factory_nothing);
    return cs::Status::error(network_error_);
  }
  model_ = std::move(m);
  ++model_revision_;
  model_->eval();
  se_ = find_se_blocks(*model_);
  overrides_.resize(se_.size());
  for (size_t b = 0; b < se_.size(); ++b)
    overrides_[b].resize(static_cast<size_t>(se_[b].se->channels()), std::numeric_limits<float>::quiet_NaN());
  apply_overrides();
  parameter_count_ = model_->parameter_count();
  optimizer_.reset();
  const bool running = train_.running;
  train_ = TrainInfo{};  // a fresh network starts a fresh training history
  train_.running = running;
  recent_acc_.clear();
  network_error_.clear();
  weights_source_ = WeightsSource::Scratch;
  weights_name_.clear();
  weights_step_ = 0;
  after_weights_changed();
  return cs::Status::ok();
}

cs::Status LabSession::load_checked(const uint8_t* bytes, size_t size, const std::string& name) {
  if (!model_) return cs::Status::error(tr(S::lab_err_no_network_for_weights));
  auto st = cs::parse_safetensors(bytes, size, name);
  if (!st.is_ok()) return st.status();
  CS_RETURN_IF_ERROR(cs::load_digitnet_state(*model_, st.value(), name));
  optimizer_.reset();  // Adam's moments (and a half-accumulated step) belong to the old weights
  weights_step_ = train_.step;
  after_weights_changed();
  return cs::Status::ok();
}

cs::Status LabSession::load_weights(const uint8_t* bytes, size_t size, const std::string& name) {
  CS_RETURN_IF_ERROR(load_checked(bytes, size, name));
  weights_source_ = WeightsSource::File;
  weights_name_ = name;
  return cs::Status::ok();
}

cs::Status LabSession::reset_to_shipped() {
  if (shipped_.empty()) return cs::Status::error(tr(S::lab_err_no_shipped_weights));
  const std::string name = "digitnet.safetensors";
  CS_RETURN_IF_ERROR(load_checked(shipped_.data(), shipped_.size(), name));
  weights_source_ = WeightsSource::Shipped;
  weights_name_ = name;
  return cs::Status::ok();
}

void LabSession::after_weights_changed() { ++weights_revision_; }

void LabSession::apply_overrides() {
  for (size_t b = 0; b < se_.size(); ++b)
    for (size_t c = 0; c < overrides_[b].size(); ++c) {
      if (std::isnan(overrides_[b][c])) se_[b].se->clear_excitation_override(static_cast<int>(c));
      else (void)se_[b].se->set_excitation_override(static_cast<int>(c), overrides_[b][c]);
    }
}

cs::Status LabSession::set_se_override(int block, int channel, float value) {
  if (block < 0 || block >= static_cast<int>(se_.size()))
    return cs::Status::error(cs::fmt(tr(S::lab_err_se_no_block), block, se_.size()));
  if (channel < 0 || channel >= static_cast<int>(overrides_[block].size()))
    return cs::Status::error(cs::fmt(tr(S::lab_err_se_no_channel), block, overrides_[block].size(), channel));
  if (std::isnan(value)) {
    se_[block].se->clear_excitation_override(channel);
  } else {
    CS_RETURN_IF_ERROR(se_[block].se->set_excitation_override(channel, value));
  }
  overrides_[block][channel] = value;
  ++override_revision_;
  return cs::Status::ok();
}

float LabSession::se_override(int block, int channel) const {
  if (block < 0 || block >= static_cast<int>(overrides_.size()) || channel < 0 ||
      channel >= static_cast<int>(overrides_[block].size()))
    return std::numeric_limits<float>::quiet_NaN();
  return overrides_[block][channel];
}

void LabSession::clear_se_overrides() {
  for (auto& o : overrides_) std::fill(o.begin(), o.end(), std::numeric_limits<float>::quiet_NaN());
  apply_overrides();
  ++override_revision_;
}

bool LabSession::update_prediction() {
  if (!model_) return false;
  if (seen_input_ == input_revision_ && seen_weights_ == weights_revision_ && seen_overrides_ == override_revision_)
    return false;
  seen_input_ = input_revision_;
  seen_weights_ = weights_revision_;
  seen_overrides_ = override_revision_;
  ++prediction_revision_;
  if (!has_input_) {
    predicted_ = -1;
    probs_.clear();
    trace_.clear();
    return true;
  }
  x_.resize({1, 1, kDigitSide, kDigitSide});
  std::copy(input28_.begin(), input28_.end(), x_.data());
  model_->eval();
  const double t0 = now_ms();
  cs::Status st = model_->forward(x_, logits_, &trace_);
  if (st) st = cs::softmax_forward(probs_t_, logits_);
  inference_ms_ = now_ms() - t0;
  if (!st) {
    network_error_ = st.message();
    predicted_ = -1;
    probs_.clear();
    return true;
  }
  probs_.assign(probs_t_.values().begin(), probs_t_.values().end());
  predicted_ = argmax_row(probs_.data(), static_cast<int>(probs_.size()));
  return true;
}

std::vector<float> LabSession::current_excitation(int block) const {
  if (block < 0 || block >= static_cast<int>(se_.size()) || !has_input_) return {};
  const cs::Tensor* t = trace_.find(se_[block].name + ".excitation_raw");
  if (!t) return {};
  return std::vector<float>(t->values().begin(), t->values().end());
}

ShownSaliency shown_saliency_map(const LabSession& s, int mode) {
  ShownSaliency out;
  if (!s.has_saliency() || (mode != 1 && mode != 2)) return out;
  out.map = mode == 1 ? s.saliency().cam_upsampled.data() : s.saliency_magnitude().data();
  out.max = *std::max_element(out.map, out.map + kDigitPixels);
  return out;
}

bool LabSession::update_saliency(int cls) {
  if (saliency_revision_ == prediction_revision_ && saliency_class_ == cls) return false;
  saliency_revision_ = prediction_revision_;
  saliency_class_ = cls;
  saliency_ok_ = false;
  saliency_error_.clear();
  if (!model_ || !has_input_) {
    saliency_error_ = tr(S::lab_err_no_input);
    return true;
  }
  x_.resize({1, 1, kDigitSide, kDigitSide});
  std::copy(input28_.begin(), input28_.end(), x_.data());
  const double t0 = now_ms();
  // The layer is found from the shapes of the last forward pass (update_prediction's, or any before it).
  const std::string cam_layer = cs::default_cam_layer(*model_);
  cs::Status st = cs::compute_saliency(*model_, x_, cls, cam_layer, saliency_);
  saliency_ms_ = now_ms() - t0;
  if (!st) {
    saliency_error_ = st.message();
    return true;
  }
  saliency_abs_.resize(saliency_.input_gradient.numel());
  for (size_t i = 0; i < saliency_abs_.size(); ++i) saliency_abs_[i] = std::fabs(saliency_.input_gradient[i]);
  saliency_ok_ = true;
  return true;
}

cs::Result<cs::ReceptiveField> LabSession::receptive_field(const std::string& name, int y, int x) const {
  if (!model_) return cs::Status::error(tr(S::lab_err_no_network));
  return cs::receptive_field(*model_, name, y, x);
}

void SpeedEstimate::add(double ms, int items) {
  if (items < 1) return;
  recent_[next_] = ms / items;
  next_ = (next_ + 1) % kRemembered;
  count_ = std::min(count_ + 1, kRemembered);
}

double SpeedEstimate::ms_per_item() const {
  if (count_ == 0) return 0.0;
  return *std::min_element(recent_, recent_ + count_);
}

SeFramePlan se_frame_plan(const SeFrameInputs& in) {
  SeFramePlan plan;
  if (in.idle_service && in.frames_without_idle_progress < kSeIdleGraceFrames) return plan;
  plan.run = true;
  plan.budget_ms = std::max(0.0, kSeFrameTargetMs - in.spent_ms - in.outside_ms);
  plan.max_idle_calls = kSeMaxIdleFrames;
  return plan;
}

TrainingSplit split_training_budget(double budget_ms) {
  TrainingSplit split;
  split.se_ms = std::max(1.0, budget_ms * kSeTrainingShare);
  split.train_ms = std::max(1.0, budget_ms - split.se_ms);
  return split;
}

bool LabSession::se_begin() {
  if (!model_ || !digits_ok_ || se_.empty()) return false;
  const DigitSet& set = digits_->test;
  // While training, the weights change every step: a pass then covers a sample of the digits and runs
  // to its end over changing weights (a live view, marked as not current) before the next one starts,
  // instead of restarting forever and never showing anything. A full pass follows when training stops.
  const bool live = train_.running;
  const bool stale = pending_.weights_revision != weights_revision_;
  const bool restart = pending_.total == 0 || (!live && pending_.live) ||
                       (stale && (!live || pending_.complete() || !pending_.live));
  if (restart) {
    pending_ = SeStats{};
    pending_.weights_revision = weights_revision_;
    pending_.population = set.count;
    pending_.live = live;
    // A sample holds the first kSeLiveSample / 10 digits of each class, so every row of the heatmap
    // is measured whatever order the bundle keeps its digits in.
    se_sample_.clear();
    if (live && set.count > kSeLiveSample) {
      int taken[10] = {0};
      for (int i = 0; i < set.count && static_cast<int>(se_sample_.size()) < kSeLiveSample; ++i) {
        const int d = set.labels[i];
        if (d >= 0 && d < 10 && taken[d] < kSeLiveSample / 10) {
          ++taken[d];
          se_sample_.push_back(i);
        }
      }
    }
    pending_.total = se_sample_.empty() ? set.count : static_cast<int>(se_sample_.size());
    pending_.started_ms = now_ms();
    for (const SeBlockRef& r : se_) {
      SeStats::Block b;
      b.name = r.name;
      b.channels = r.se->channels();
      b.sum.assign(10 * static_cast<size_t>(b.channels), 0.0);
      b.sumsq.assign(10 * static_cast<size_t>(b.channels), 0.0);
      pending_.blocks.push_back(std::move(b));
    }
  }
  return !pending_.complete();  // complete: up to date, stats_ took the pass when it completed
}

bool LabSession::se_pass_running() const {
  if (!model_ || !digits_ok_ || se_.empty()) return false;
  return !pending_.complete() || pending_.weights_revision != weights_revision_ ||
         (!train_.running && pending_.live);
}

// Each batch holds as many digits as fit in what is left of the budget at the speed measured so far
// (with a 25% margin: a small batch costs more per digit), one while the speed is unknown. A batch that
// does not fit is not started, so the budget holds however coarse a digit is. Eval mode: every digit's
// excitations are the same whatever batch it is in, so the sums do not depend on the split.
int LabSession::se_run_batches(double budget_ms, int batch, bool force_first, int* batches) {
  constexpr double kMargin = 1.25;
  const DigitSet& set = digits_->test;
  int digits = 0;
  bool lifted = false;
  const double t0 = now_ms();
  for (bool first = true; !pending_.complete(); first = false) {
    const double left = budget_ms - (now_ms() - t0);
    int n = std::min(batch, pending_.total - pending_.done);
    // Clamped as a double before the cast: a very fast forward (or a coarse clock) makes the quotient
    // huge, and an out-of-range float-to-int conversion traps in wasm.
    const double per = se_speed_.ms_per_item();
    const double fit = per > 0 ? left / (per * kMargin) : 1.0;
    if (fit < 1.0 && !(first && force_first)) break;
    n = static_cast<int>(std::clamp(fit, 1.0, double(n)));
    if (!lifted) {
      // The statistics describe the network itself: overrides are lifted for these passes.
      for (const SeBlockRef& r : se_) r.se->clear_excitation_overrides();
      model_->eval();
      lifted = true;
    }
    se_idx_.resize(n);
    for (int k = 0; k < n; ++k) se_idx_[k] = se_sample_.empty() ? pending_.done + k : se_sample_[pending_.done + k];
    batch_tensor(se_x_, set, se_idx_.data(), n);
    const double tb = now_ms();
    if (!model_->forward(se_x_, se_logits_, nullptr)) break;
    pending_.forward_ms += now_ms() - tb;
    se_speed_.add(now_ms() - tb, n);
    for (size_t b = 0; b < se_.size(); ++b) {
      const cs::Tensor& e = se_[b].se->excitation_raw();  // (n, C)
      SeStats::Block& bl = pending_.blocks[b];
      for (int k = 0; k < n; ++k) {
        const int d = set.labels[se_idx_[k]];
        for (int c = 0; c < bl.channels; ++c) {
          const double v = e[static_cast<size_t>(k) * bl.channels + c];
          bl.sum[d * bl.channels + c] += v;
          bl.sumsq[d * bl.channels + c] += v * v;
        }
      }
    }
    const int K = se_logits_.dim(1);
    for (int k = 0; k < n; ++k) {
      pending_.count[set.labels[se_idx_[k]]]++;
      if (argmax_row(se_logits_.data() + static_cast<size_t>(k) * K, K) == set.labels[se_idx_[k]]) pending_.correct++;
    }
    pending_.done += n;
    digits += n;
    ++*batches;
  }
  if (lifted) apply_overrides();
  if (pending_.complete()) {
    pending_.wall_ms = now_ms() - pending_.started_ms;
    stats_ = pending_;
    ++se_passes_;
  }
  return digits;
}

void LabSession::step_se_stats(double budget_ms, int batch, int max_idle_calls) {
  se_step_.ms = 0;
  se_step_.digits = se_step_.batches = 0;
  if (!se_begin()) return;
  // A call that can start no batch is idle; after max_idle_calls of those one digit runs anyway.
  constexpr double kMargin = 1.25;
  const bool starved = se_step_.idle_calls >= max_idle_calls;
  const double per = se_speed_.ms_per_item();
  if (per > 0 && budget_ms < per * kMargin && !starved) {
    se_step_.idle_calls++;
    return;
  }
  const double t0 = now_ms();
  se_step_.digits = se_run_batches(budget_ms, batch, /*force_first=*/true, &se_step_.batches);
  se_step_.ms = now_ms() - t0;
  se_step_.idle_calls = 0;
  se_step_.ms_per_digit = se_speed_.ms_per_item();
}

int LabSession::step_se_stats_idle(double budget_ms, int batch) {
  if (!se_begin()) return 0;
  const double t0 = now_ms();
  int batches = 0;
  const int digits = se_run_batches(budget_ms, batch, /*force_first=*/false, &batches);
  se_idle_.ms += now_ms() - t0;
  se_idle_.digits += digits;
  se_idle_.slices++;
  se_idle_.empty_slices += digits == 0;
  return digits;
}

void LabSession::start_training() {
  if (!model_ || !digits_ok_ || digits_->train.count == 0) {  // the page fetches its training digits later
    train_.error = tr(!model_ ? S::lab_err_no_network : digits_ok_ ? S::lab_err_training_digits_later : S::lab_err_no_training_digits);
    return;
  }
  train_.error.clear();
  train_.running = true;
}

// Gradient accumulation: the step's gradient is sum_i (n_i / N) grad_i over its micro-batches (each
// loss is a mean over its n_i samples), identical to one batch of N except for BatchNorm, which
// normalises each micro-batch with its own statistics. It keeps one piece of work small enough for
// a frame's budget even when a whole batch is not.
cs::Status LabSession::train_micro_batch() {
  const DigitSet& set = digits_->train;
  const int N = train_.batch_size;
  const int n = std::min(train_.micro_batch, N - step_samples_);
  std::uniform_int_distribution<int> pick(0, set.count - 1);
  std::vector<int> idx(n);
  for (int& i : idx) i = pick(train_rng_);
  batch_tensor(tx_, set, idx.data(), n);
  tlabels_.resize(n);
  for (int k = 0; k < n; ++k) tlabels_[k] = set.labels[idx[k]];
  if (!optimizer_) {
    cs::AdamOptions o;
    o.lr = learning_rate;
    params_ = model_->parameters();
    optimizer_ = std::make_unique<cs::Adam>(params_, o);
    accum_.clear();
    for (const cs::NamedTensor& p : params_) accum_.emplace_back(p.value->shape(), 0.0f);
    step_samples_ = step_correct_ = 0;
    step_loss_ = 0;
  }
  model_->train();
  float loss = 0;
  CS_RETURN_IF_ERROR(model_->forward(tx_, tlogits_, nullptr));
  CS_RETURN_IF_ERROR(cs::cross_entropy_forward(&loss, &tprobs_, tlogits_, tlabels_));
  CS_RETURN_IF_ERROR(cs::cross_entropy_backward(tgrad_, tprobs_, tlabels_));
  CS_RETURN_IF_ERROR(model_->backward(tgrad_, nullptr));
  model_->eval();
  const float w = static_cast<float>(n) / N;
  for (size_t i = 0; i < params_.size(); ++i) {
    const float* g = params_[i].grad->data();
    float* a = accum_[i].data();
    for (size_t j = 0; j < accum_[i].numel(); ++j) a[j] += w * g[j];
  }
  const int K = tprobs_.dim(1);
  for (int k = 0; k < n; ++k) step_correct_ += argmax_row(tprobs_.data() + static_cast<size_t>(k) * K, K) == tlabels_[k];
  step_loss_ += static_cast<double>(loss) * n;
  step_samples_ += n;
  if (step_samples_ < N) return cs::Status::ok();

  // The batch is complete: hand the accumulated gradient to Adam.
  for (size_t i = 0; i < params_.size(); ++i) {
    std::copy(accum_[i].values().begin(), accum_[i].values().end(), params_[i].grad->values().begin());
    accum_[i].fill(0.0f);
  }
  optimizer_->lr = learning_rate;
  CS_RETURN_IF_ERROR(optimizer_->step());
  recent_acc_.push_back(static_cast<float>(step_correct_) / N);
  if (recent_acc_.size() > static_cast<size_t>(kWindow)) recent_acc_.erase(recent_acc_.begin());
  train_.loss = static_cast<float>(step_loss_ / N);
  train_.accuracy = std::accumulate(recent_acc_.begin(), recent_acc_.end(), 0.0f) / recent_acc_.size();
  train_.step++;
  push_curve(train_.loss_curve, train_.loss, kCurveMax);
  push_curve(train_.accuracy_curve, train_.accuracy, kCurveMax);
  step_samples_ = step_correct_ = 0;
  step_loss_ = 0;
  after_weights_changed();
  return cs::Status::ok();
}

int LabSession::step_training(double budget_ms) {
  if (!train_.running || !model_) return 0;
  const double t0 = now_ms();
  const long long step0 = train_.step;
  int pieces = 0;
  // The overrides are an inference experiment; training updates the real network.
  for (const SeBlockRef& r : se_) r.se->clear_excitation_overrides();
  do {
    cs::Status st = train_micro_batch();
    if (!st) {
      train_.error = st.message();
      train_.running = false;
      break;
    }
    ++pieces;
  } while (now_ms() - t0 + (now_ms() - t0) / pieces < budget_ms);  // stop before a piece would overrun
  apply_overrides();
  train_.last_slice_ms = now_ms() - t0;
  return static_cast<int>(train_.step - step0);
}

}  // namespace cs::app
