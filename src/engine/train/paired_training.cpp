// paired_training.cpp — two configurable CNNs on the same micro-batches: each side's step, its
// per-step records (loss, accuracy, gradient norms, activation statistics), and the shared draw.
#include "paired_training.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace cs {

namespace {

// splitmix64: the batch draw is the same on every platform and standard library (the
// distributions of <random> are not), so a seed names the same batches in the page and natively.
uint64_t next_draw(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

double l2_norm(const Tensor& t) {
  double s = 0;
  for (float v : t.values()) s += static_cast<double>(v) * v;
  return std::sqrt(s);
}

}  // namespace

const char* optimizer_kind_name(OptimizerKind k) {
  switch (k) {
    case OptimizerKind::SGD: return "sgd";
    case OptimizerKind::Momentum: return "momentum";
    case OptimizerKind::Adam: return "adam";
  }
  return "sgd";
}

bool parse_optimizer_kind(const std::string& name, OptimizerKind* out) {
  for (OptimizerKind k : {OptimizerKind::SGD, OptimizerKind::Momentum, OptimizerKind::Adam})
    if (name == optimizer_kind_name(k)) {
      *out = k;
      return true;
    }
  return false;
}

bool TrainingSideConfig::operator==(const TrainingSideConfig& o) const {
  const CnnConfig &a = net, &b = o.net;
  return a.depth == b.depth && a.width == b.width && a.batch_norm == b.batch_norm && a.residual == b.residual &&
         a.squeeze_excite == b.squeeze_excite && a.activation == b.activation && a.init_scale == b.init_scale &&
         a.in_channels == b.in_channels && a.image_size == b.image_size && a.classes == b.classes &&
         optimizer == o.optimizer && learning_rate == o.learning_rate;
}

namespace {

TrainingSideConfig preset_side(int depth, bool bn, bool residual, float lr, OptimizerKind opt, float init_scale = 1.0f) {
  TrainingSideConfig c;
  c.net.depth = depth;
  c.net.width = 8;
  c.net.batch_norm = bn;
  c.net.residual = residual;
  c.net.init_scale = init_scale;
  c.learning_rate = lr;
  c.optimizer = opt;
  return c;
}

}  // namespace

const std::vector<PairedPreset>& paired_training_presets() {
  using K = OptimizerKind;
  static const std::vector<PairedPreset> presets = {
      {"plain-vs-residual", preset_side(20, false, false, 0.003f, K::Adam), preset_side(20, false, true, 0.003f, K::Adam)},
      {"batchnorm", preset_side(8, false, false, 0.5f, K::SGD), preset_side(8, true, false, 0.5f, K::SGD)},
      {"init", preset_side(10, false, false, 0.05f, K::Momentum, 0.3f),
       preset_side(10, false, false, 0.05f, K::Momentum, 4.0f)},
      {"same", preset_side(8, true, true, 0.003f, K::Adam), preset_side(8, true, true, 0.003f, K::Adam)},
  };
  return presets;
}

const PairedPreset* find_paired_preset(const std::string& id) {
  for (const PairedPreset& p : paired_training_presets())
    if (id == p.id) return &p;
  return nullptr;
}

bool same_history(const TrainingHistory& a, const TrainingHistory& b) {
  if (!same_floats(a.loss, b.loss) || !same_floats(a.accuracy, b.accuracy) || a.grad_norm.size() != b.grad_norm.size())
    return false;
  for (size_t i = 0; i < a.grad_norm.size(); ++i)
    if (!same_floats(a.grad_norm[i], b.grad_norm[i])) return false;
  return a.diverged_at == b.diverged_at;
}

Status validate_training_side(const TrainingSideConfig& c) {
  CS_RETURN_IF_ERROR(validate_cnn(c.net));
  if (!(c.learning_rate > 0.0f && c.learning_rate <= 10.0f))
    return Status::error(fmt("learning rate must be in (0, 10], got %g", static_cast<double>(c.learning_rate)));
  return Status::ok();
}

Status TrainingSide::configure(const TrainingSideConfig& c, uint32_t seed, int batch_size) {
  step_.reset();
  optimizer_.reset();
  model_.reset();
  history_ = TrainingHistory{};
  CS_RETURN_IF_ERROR(validate_training_side(c));
  config_ = c;
  Result<std::unique_ptr<Model>> built = build_cnn(c.net, seed);
  CS_RETURN_IF_ERROR(built.status());
  model_ = std::move(built.value());
  if (c.optimizer == OptimizerKind::Adam) {
    AdamOptions o;
    o.lr = c.learning_rate;
    optimizer_ = std::make_unique<Adam>(model_->parameters(), o);
  } else {
    SGDOptions o;
    o.lr = c.learning_rate;
    o.momentum = c.optimizer == OptimizerKind::Momentum ? 0.9f : 0.0f;
    optimizer_ = std::make_unique<SGD>(model_->parameters(), o);
  }
  step_ = std::make_unique<AccumulatedStep>(*model_, *optimizer_, batch_size);
  CS_RETURN_IF_ERROR(step_->init_status());
  convs_ = cnn_conv_layers(*model_);
  outputs_ = cnn_layer_outputs(c.net);
  for (const auto& [path, conv] : convs_) history_.layer_names.push_back(path);
  history_.grad_norm.assign(convs_.size(), {});
  history_.activation.assign(convs_.size(), {});
  return Status::ok();
}

Status TrainingSide::add_micro_batch(const Tensor& x, const std::vector<int>& labels, bool* stepped) {
  *stepped = false;
  if (!step_) return Status::error("training side: not configured");
  if (stopped()) return Status::ok();
  // The micro-batch that completes the step is traced: its activations are the step's statistics.
  const bool last = static_cast<int>(labels.size()) == step_->remaining();
  trace_.clear();
  const Status st = step_->add_micro_batch(x, labels, stepped, last ? &trace_ : nullptr);
  if (!st) {
    if (step_->diverged()) history_.diverged_at = static_cast<long long>(history_.loss.size()) + 1;
    history_.error = st.message();
    return Status::ok();
  }
  if (*stepped) record_step();
  return Status::ok();
}

void TrainingSide::record_step() {
  const AccumulatedStepResult& r = step_->last_step();
  history_.loss.push_back(static_cast<float>(r.loss));
  history_.accuracy.push_back(r.samples > 0 ? static_cast<float>(r.correct) / r.samples : 0.0f);
  // After the step the parameters' gradients hold the whole step's (accumulated) gradient.
  for (size_t i = 0; i < convs_.size(); ++i) {
    std::vector<NamedTensor> tensors;
    convs_[i].second->named_tensors("", tensors);
    double norm = 0;
    for (const NamedTensor& t : tensors)
      if (t.name == "weight" && t.grad) norm = l2_norm(*t.grad);
    history_.grad_norm[i].push_back(static_cast<float>(norm));
    if (!(norm <= std::numeric_limits<float>::max()) && history_.error.empty())
      history_.error = fmt("training diverged: the gradient of %s is %g at step %zu", convs_[i].first.c_str(), norm,
                           history_.loss.size());
  }
  // A weight that is no longer a finite number ends the run even when the loss stays finite (a ReLU
  // that outputs 0 for NaN hides it from the loss: the network is dead, not training).
  for (const NamedTensor& p : model_->parameters()) {
    if (!history_.error.empty()) break;
    for (float v : p.value->values())
      if (!std::isfinite(v)) {
        history_.error = fmt("training diverged: %s is no longer a finite number after step %zu", p.name.c_str(),
                             history_.loss.size());
        break;
      }
  }
  if (!history_.error.empty()) history_.diverged_at = static_cast<long long>(history_.loss.size());
  for (size_t i = 0; i < outputs_.size() && i < history_.activation.size(); ++i) {
    const Tensor* a = trace_.find(outputs_[i]);
    LayerActivation s;
    if (a && a->numel() > 0) {
      double sum = 0, sq = 0;
      size_t zeros = 0;
      for (float v : a->values()) {
        sum += v;
        sq += static_cast<double>(v) * v;
        zeros += v == 0.0f;
      }
      const double n = static_cast<double>(a->numel());
      const double mean = sum / n;
      s.mean = static_cast<float>(mean);
      s.std = static_cast<float>(std::sqrt(std::max(0.0, sq / n - mean * mean)));
      s.zero_fraction = static_cast<float>(zeros / n);
    }
    history_.activation[i] = s;
  }
}

Status PairedTraining::configure(const TrainingSideConfig& left, const TrainingSideConfig& right, uint32_t seed,
                                 int batch_size, int micro_batch) {
  steps_ = 0;
  in_step_ = 0;
  if (batch_size < 1 || batch_size > 256) return Status::error(fmt("batch size must be 1..256, got %d", batch_size));
  if (micro_batch < 1 || micro_batch > batch_size)
    return Status::error(fmt("micro-batch must be 1..%d (the batch size), got %d", batch_size, micro_batch));
  seed_ = seed;
  draw_state_ = seed;
  batch_size_ = batch_size;
  micro_batch_ = micro_batch;
  const Status a = sides_[0].configure(left, seed, batch_size);
  if (!a) return Status::error("left: " + a.message());
  const Status b = sides_[1].configure(right, seed, batch_size);
  if (!b) return Status::error("right: " + b.message());
  // One image forward through each network counts its MACs; backward costs about twice forward.
  double macs_per_image = 0;
  for (TrainingSide& side : sides_) {
    const CnnConfig& n = side.config().net;
    Tensor x(Shape{1, n.in_channels, n.image_size, n.image_size}, 0.0f), y;
    side.model()->eval();  // no BatchNorm statistics are updated by this count
    CS_RETURN_IF_ERROR(side.model()->forward(x, y));
    side.model()->train();
    macs_per_image += 3.0 * static_cast<double>(side.model()->macs());
  }
  const int affordable = static_cast<int>(std::max(1.0, std::floor(kMaxPieceMacs / std::max(1.0, macs_per_image))));
  micro_batch_ = std::min(micro_batch_, affordable);
  return Status::ok();
}

bool PairedTraining::finished() const {
  return steps_ >= kMaxSteps || (sides_[0].stopped() && sides_[1].stopped());
}

Status PairedTraining::run_piece(const DigitSet& data, bool* stepped) {
  *stepped = false;
  if (data.count < 1) return Status::error("paired training: no training digits");
  if (!sides_[0].model() || !sides_[1].model()) return Status::error("paired training: not configured");
  if (finished()) return Status::ok();
  const int n = std::min(micro_batch_, batch_size_ - in_step_);
  indices_.resize(n);
  labels_.resize(n);
  for (int k = 0; k < n; ++k) {
    indices_[k] = static_cast<int>((next_draw(draw_state_) >> 32) * static_cast<uint64_t>(data.count) >> 32);
    labels_[k] = data.labels[indices_[k]];
  }
  digit_batch(x_, data, indices_.data(), n);
  for (TrainingSide& side : sides_) {
    bool side_stepped = false;
    CS_RETURN_IF_ERROR(side.add_micro_batch(x_, labels_, &side_stepped));
  }
  in_step_ += n;
  if (in_step_ == batch_size_) {
    in_step_ = 0;
    ++steps_;
    *stepped = true;
  }
  return Status::ok();
}

}  // namespace cs
