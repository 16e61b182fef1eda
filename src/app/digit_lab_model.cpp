// digit_lab_model.cpp — LabSession's own job, input and prediction: the drawing, gallery digit or
// photo through the engine's preprocessing, the network that reads it (built, loaded), and what it
// says (prediction, saliency, SE overrides). It lends its network and digits to the SE pass
// (lab_se_pass_model.h) and to training (lab_training_model.h).
#include "digit_lab_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "engine/data/safetensors.h"
#include "engine/nn/digitnet.h"
#include "engine/ops/activation.h"
#include "ui_strings.h"

namespace cs::app {

double lab_clock_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

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
  const double t0 = lab_clock_ms();
  // The pad is 10x MNIST; half of that is plenty for a 20x20 result and keeps live preprocessing
  // cheap enough for every stroke segment in the browser.
  cs::DigitInputOptions o;
  o.max_working_side = std::min(pad.side(), 140);
  o.find_sheet = false;  // a drawing has no table around it; a thick stroke must not pass for one
  steps_ = cs::prepare_digit(pad.pixels().data(), pad.side(), pad.side(), o);
  prepare_ms_ = lab_clock_ms() - t0;
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
  const double t0 = lab_clock_ms();
  steps_ = cs::prepare_digit(grey, {}, &photo_stages_);
  prepare_ms_ = lab_clock_ms() - t0;
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

// [SECTION] network and prediction ------------------------------------------------------------

namespace {

int argmax_row(const float* row, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (row[i] > row[best]) best = i;
  return best;
}

}  // namespace

std::vector<SeBlockRef> find_se_blocks(cs::Model& model) { return cs::digitnet_se_blocks(model); }

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
  training_.forget_step();  // its engine step refers to the network being replaced
  model_ = std::move(m);
  ++model_revision_;
  model_->eval();
  se_ = find_se_blocks(*model_);
  overrides_.resize(se_.size());
  for (size_t b = 0; b < se_.size(); ++b)
    overrides_[b].resize(static_cast<size_t>(se_[b].se->channels()), std::numeric_limits<float>::quiet_NaN());
  apply_overrides();
  parameter_count_ = model_->parameter_count();
  training_.restart_history();  // a fresh network starts a fresh training history
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
  training_.forget_step();  // Adam's moments (and a half-accumulated step) belong to the old weights
  weights_step_ = training_.info().step;
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

void LabSession::start_training() {
  if (!model_ || !digits_ok_ || digits_->train.count == 0) {  // the page fetches its training digits later
    training_.refuse(tr(!model_ ? S::lab_err_no_network : digits_ok_ ? S::lab_err_training_digits_later : S::lab_err_no_training_digits));
    return;
  }
  training_.start();
}

int LabSession::step_training(double budget_ms) {
  if (!training_.info().running || !model_) return 0;
  // The overrides are an inference experiment; training updates the real network.
  for (const SeBlockRef& r : se_) r.se->clear_excitation_overrides();
  const int steps = training_.run(*model_, digits_->train, learning_rate, budget_ms, [this] { after_weights_changed(); });
  apply_overrides();
  return steps;
}

SePassInputs LabSession::se_pass_view() const {
  SePassInputs in;
  in.model = model_.get();
  in.se = &se_;
  in.set = digits_ok_ ? &digits_->test : nullptr;
  in.weights_revision = weights_revision_;
  in.training = training_.info().running;
  return in;
}

SePassInputs LabSession::se_pass_inputs() {
  SePassInputs in = se_pass_view();
  in.restore_overrides = [this] { apply_overrides(); };
  return in;
}

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
  const double t0 = lab_clock_ms();
  cs::Status st = model_->forward(x_, logits_, &trace_);
  if (st) st = cs::softmax_forward(probs_t_, logits_);
  inference_ms_ = lab_clock_ms() - t0;
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
  const double t0 = lab_clock_ms();
  // The layer is found from the shapes of the last forward pass (update_prediction's, or any before it).
  const std::string cam_layer = cs::default_cam_layer(*model_);
  cs::Status st = cs::compute_saliency(*model_, x_, cls, cam_layer, saliency_);
  saliency_ms_ = lab_clock_ms() - t0;
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

}  // namespace cs::app
