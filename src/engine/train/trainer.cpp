// trainer.cpp — the DigitNet training loop: data order, augmentation, AdamW one-cycle, checkpoints.
#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "../ops/loss.h"

namespace cs {
namespace {

// SplitMix64: a tiny counter-based generator, so each image's randomness is a pure function of
// (seed, epoch, index) and identical natively and in wasm.
struct Mix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }  // [0, 1)
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
};

uint64_t key(uint64_t seed, uint64_t epoch, uint64_t index) {
  Mix m{seed * 0x100000001B3ull ^ (epoch << 32) ^ index};
  return m.next();
}

constexpr int kSide = kMnistSide, kPixels = kMnistPixels;

}  // namespace

void augment_digit(const float* in, float* out, const AugmentOptions& o, uint64_t rng_state) {
  Mix rng{rng_state};
  float src[kPixels];
  // Stroke thickness: grey dilation or erosion over the 3x3 cross.
  const float t = rng.uniform();
  const int morph = t < o.thicken_prob ? 1 : (t < o.thicken_prob + o.thin_prob ? -1 : 0);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      float v = in[y * kSide + x];
      if (morph != 0) {
        const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
        for (int k = 0; k < 4; ++k) {
          int xx = x + dx[k], yy = y + dy[k];
          float n = (xx >= 0 && yy >= 0 && xx < kSide && yy < kSide) ? in[yy * kSide + xx] : 0.0f;
          v = morph > 0 ? std::max(v, n) : std::min(v, n);
        }
      }
      src[y * kSide + x] = v;
    }
  // Affine: out(p) = src(A^-1 (p - c - shift) + c), bilinear, zero outside.
  const float angle = rng.uniform(-o.max_rotation_deg, o.max_rotation_deg) * 3.14159265f / 180.0f;
  const float scale = rng.uniform(o.min_scale, o.max_scale);
  const float sx = rng.uniform(-o.max_shift, o.max_shift), sy = rng.uniform(-o.max_shift, o.max_shift);
  const float c = std::cos(angle) / scale, s = std::sin(angle) / scale;
  const float centre = 13.5f;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const float px = x - centre - sx, py = y - centre - sy;
      const float u = c * px + s * py + centre, v = -s * px + c * py + centre;
      const int u0 = static_cast<int>(std::floor(u)), v0 = static_cast<int>(std::floor(v));
      const float fu = u - u0, fv = v - v0;
      auto at = [&](int xx, int yy) {
        return (xx >= 0 && yy >= 0 && xx < kSide && yy < kSide) ? src[yy * kSide + xx] : 0.0f;
      };
      out[y * kSide + x] = (1 - fv) * ((1 - fu) * at(u0, v0) + fu * at(u0 + 1, v0)) +
                           fv * ((1 - fu) * at(u0, v0 + 1) + fu * at(u0 + 1, v0 + 1));
    }
}

double EvalResult::class_accuracy(int c) const {
  int total = 0;
  for (int p = 0; p < 10; ++p) total += confusion[c][p];
  return total ? static_cast<double>(confusion[c][c]) / total : 0.0;
}

Result<EvalResult> evaluate_digits(Model& model, const MnistSet& set, int begin, int count, int batch) {
  if (begin < 0 || count < 0 || begin + count > set.count)
    return Status::error(fmt("evaluate: images [%d, %d) are outside the set of %d", begin, begin + count, set.count));
  if (set.rows != kSide || set.cols != kSide)
    return Status::error(fmt("evaluate: DigitNet needs 28x28 images, got %dx%d", set.rows, set.cols));
  model.eval();
  EvalResult r;
  Tensor x, logits, probs;
  std::vector<int> labels, predicted;
  double loss_sum = 0;
  for (int b = begin; b < begin + count; b += batch) {
    const int n = std::min(batch, begin + count - b);
    x.resize({n, 1, kSide, kSide});
    labels.resize(n);
    for (int i = 0; i < n; ++i) {
      const uint8_t* img = &set.images[static_cast<size_t>(b + i) * kPixels];
      for (int p = 0; p < kPixels; ++p) x[static_cast<size_t>(i) * kPixels + p] = img[p] / 255.0f;
      labels[i] = set.labels[b + i];
    }
    CS_RETURN_IF_ERROR(model.forward(x, logits));
    float loss = 0;
    CS_RETURN_IF_ERROR(cross_entropy_forward(&loss, &probs, logits, labels));
    CS_RETURN_IF_ERROR(argmax_rows(predicted, logits));
    loss_sum += static_cast<double>(loss) * n;
    for (int i = 0; i < n; ++i) {
      r.confusion[labels[i]][predicted[i]]++;
      r.correct += predicted[i] == labels[i];
    }
    r.count += n;
  }
  r.accuracy = r.count ? static_cast<double>(r.correct) / r.count : 0.0;
  r.loss = r.count ? loss_sum / r.count : 0.0;
  return r;
}

Trainer::Trainer(Model& model, const MnistSet& train, const TrainerOptions& options)
    : model_(model), data_(train), o_(options) {
  if (o_.epochs < 1 || o_.batch_size < 1)
    status_ = Status::error(fmt("trainer: epochs and batch size must be >= 1, got %d and %d", o_.epochs, o_.batch_size));
  else if (train.rows != kSide || train.cols != kSide)
    status_ = Status::error(fmt("trainer: DigitNet needs 28x28 images, got %dx%d", train.rows, train.cols));
  else if (o_.validation_size < 0 || o_.validation_size >= train.count)
    status_ = Status::error(fmt("trainer: validation size %d must be in [0, %d)", o_.validation_size, train.count));
  val_count_ = o_.validation_size;
  train_count_ = train.count - val_count_;
  progress_.steps_per_epoch = std::max(1, train_count_ / std::max(1, o_.batch_size));  // drop the last partial batch
  progress_.total_steps = static_cast<int64_t>(progress_.steps_per_epoch) * std::max(1, o_.epochs);
  AdamOptions ao;
  ao.lr = o_.max_lr;
  ao.weight_decay = o_.weight_decay;
  ao.decoupled = true;
  adam_ = std::make_unique<Adam>(model_.parameters(), ao);
  step_ = std::make_unique<AccumulatedStep>(model_, *adam_, o_.batch_size);
}

float Trainer::lr_at(int64_t step) const {
  const double total = static_cast<double>(progress_.total_steps);
  const double warm = std::max(1.0, o_.warmup_fraction * total);
  const double s = static_cast<double>(step);
  if (s < warm) return static_cast<float>(o_.max_lr * (0.04 + 0.96 * s / warm));
  const double t = std::min(1.0, (s - warm) / std::max(1.0, total - warm));
  return static_cast<float>(o_.max_lr * (0.002 + 0.998 * 0.5 * (1.0 + std::cos(3.14159265358979 * t))));
}

void Trainer::shuffle_epoch(int epoch) {
  if (order_epoch_ == epoch) return;
  order_.resize(train_count_);
  for (int i = 0; i < train_count_; ++i) order_[i] = i;
  Mix rng{key(o_.seed, static_cast<uint64_t>(epoch), 0xFFFFFFFFull)};
  for (int i = train_count_ - 1; i > 0; --i) std::swap(order_[i], order_[rng.next() % static_cast<uint64_t>(i + 1)]);
  order_epoch_ = epoch;
}

void Trainer::make_batch(int epoch, int step_in_epoch) {
  shuffle_epoch(epoch);
  const int n = o_.batch_size;
  x_.resize({n, 1, kSide, kSide});
  labels_.resize(n);
  float in[kPixels];
  for (int i = 0; i < n; ++i) {
    const int idx = order_[static_cast<size_t>(step_in_epoch) * n + i];
    const uint8_t* img = &data_.images[static_cast<size_t>(idx) * kPixels];
    float* dst = x_.data() + static_cast<size_t>(i) * kPixels;
    for (int p = 0; p < kPixels; ++p) in[p] = img[p] / 255.0f;
    if (o_.augment) augment_digit(in, dst, o_.aug, key(o_.seed, static_cast<uint64_t>(epoch), static_cast<uint64_t>(idx)));
    else std::copy(in, in + kPixels, dst);
    labels_[i] = data_.labels[idx];
  }
}

Status Trainer::run_steps(int max_steps) {
  CS_RETURN_IF_ERROR(status_);
  double loss_sum = 0;
  int correct = 0, seen = 0, steps = 0;
  model_.train();
  while (steps < max_steps && progress_.step < progress_.total_steps) {
    const int epoch = static_cast<int>(progress_.step / progress_.steps_per_epoch);
    const int in_epoch = static_cast<int>(progress_.step % progress_.steps_per_epoch);
    make_batch(epoch, in_epoch);
    adam_->lr = lr_at(progress_.step);
    bool stepped = false;  // always: each batch is one micro-batch
    CS_RETURN_IF_ERROR(step_->add_micro_batch(x_, labels_, &stepped));
    correct += step_->last_step().correct;
    seen += step_->last_step().samples;
    loss_sum += step_->last_step().loss;
    ++steps;
    ++progress_.step;
  }
  progress_.epoch = static_cast<int>(progress_.step / progress_.steps_per_epoch);
  progress_.step_in_epoch = static_cast<int>(progress_.step % progress_.steps_per_epoch);
  progress_.lr = adam_->lr;
  progress_.images = seen;
  progress_.last_loss = steps ? loss_sum / steps : 0.0;
  progress_.last_accuracy = seen ? static_cast<double>(correct) / seen : 0.0;
  progress_.finished = progress_.step >= progress_.total_steps;
  return Status::ok();
}

Result<EvalResult> Trainer::validate(int batch) {
  Result<EvalResult> r = evaluate_digits(model_, data_, train_count_, val_count_, batch);
  model_.train();
  return r;
}

SafeTensors Trainer::checkpoint(const std::map<std::string, std::string>& extra_metadata) {
  SafeTensors st;
  for (const NamedTensor& t : model_.state_dict())
    if (!t.integer) st.tensors.emplace("model." + t.name, *t.value);
  for (const NamedTensor& t : adam_->state_tensors()) st.tensors.emplace("optim." + t.name, *t.value);
  st.metadata = extra_metadata;
  st.metadata["checkpoint_step"] = std::to_string(progress_.step);
  st.metadata["adam_steps"] = std::to_string(adam_->steps());
  st.metadata["seed"] = std::to_string(o_.seed);
  st.metadata["epochs"] = std::to_string(o_.epochs);
  st.metadata["batch_size"] = std::to_string(o_.batch_size);
  return st;
}

Status Trainer::restore(const SafeTensors& ck, const std::string& source) {
  const char* src = source.c_str();
  auto meta = [&](const char* k) -> long long {
    auto it = ck.metadata.find(k);
    return it == ck.metadata.end() ? -1 : std::atoll(it->second.c_str());
  };
  const long long step = meta("checkpoint_step"), adam_steps = meta("adam_steps");
  if (step < 0 || adam_steps < 0) return Status::error(fmt("%s: not a training checkpoint (no checkpoint_step)", src));
  if (meta("seed") != o_.seed || meta("epochs") != o_.epochs || meta("batch_size") != o_.batch_size)
    return Status::error(fmt("%s: checkpoint was made with seed %lld, epochs %lld, batch %lld; this run has %u, %d, %d",
                             src, meta("seed"), meta("epochs"), meta("batch_size"), o_.seed, o_.epochs, o_.batch_size));
  std::vector<LoadedTensor> weights;
  for (const auto& kv : ck.tensors)
    if (kv.first.rfind("model.", 0) == 0) weights.push_back(LoadedTensor{kv.first.substr(6), kv.second});
  Status s = load_state_dict(model_, weights, /*strict=*/true);
  if (!s) return Status::error(source + ": " + s.message());
  if (adam_steps > 0) {
    adam_->init_state();  // allocates the moments so they can be filled from the file
    for (const NamedTensor& t : adam_->state_tensors()) {
      const Tensor* saved = ck.find("optim." + t.name);
      if (!saved || saved->shape() != t.value->shape())
        return Status::error(fmt("%s: optimizer state 'optim.%s' is missing or has the wrong shape", src, t.name.c_str()));
      *t.value = *saved;
    }
    adam_->set_steps(adam_steps);
  }
  progress_.step = step;
  progress_.epoch = static_cast<int>(step / progress_.steps_per_epoch);
  progress_.step_in_epoch = static_cast<int>(step % progress_.steps_per_epoch);
  progress_.finished = step >= progress_.total_steps;
  return Status::ok();
}

}  // namespace cs
