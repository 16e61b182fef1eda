// test_digit_lab_model.cpp — the digit lab's session on a tiny SE network: SE statistics built in
// slices equal a direct per-digit computation, overrides change the prediction and are lifted for
// the statistics, training in slices lowers the loss, saliency comes from the backward pass.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "app/digit_lab_model.h"
#include "engine/data/safetensors.h"
#include "engine/nn/layers.h"
#include "engine/nn/sequential.h"

using namespace cs::app;

namespace {

// A digit of class d: a short bar whose position and direction encode d, with small jitter by k.
std::vector<uint8_t> toy_digit(int d, int k) {
  std::vector<uint8_t> im(kDigitPixels, 0);
  const int pos = 4 + 2 * d + (k % 2);
  for (int t = 6; t < 22; ++t) {
    if (d % 2) im[pos * 28 + t] = uint8_t(200 + k);
    else im[t * 28 + pos] = uint8_t(200 + k);
  }
  return im;
}

// digits.bin as scripts/pack_digits.mjs writes it (the bundle's own encoder: 16 grey levels, range coded).
DigitSet toy_set(const char* name, int per_class) {
  DigitSet set;
  set.name = name;
  for (int k = 0; k < per_class; ++k)
    for (int d = 0; d < 10; ++d) {
      std::vector<uint8_t> im = toy_digit(d, k);
      set.images.insert(set.images.end(), im.begin(), im.end());
      set.labels.push_back(uint8_t(d));
      set.source_index.push_back(uint32_t(set.count++));
    }
  return set;
}

std::vector<uint8_t> toy_bundle(int test_per_class = 3) {
  DigitBundle d;
  d.test = toy_set("t10k", test_per_class);
  d.train = toy_set("train", 6);
  auto b = encode_digit_bundle(d);
  REQUIRE_MESSAGE(b.is_ok(), b.message());
  return b.value();
}

// conv 1->8 (3x3, stride 2) -> ReLU -> SE(8, 2) -> conv 8->8 stride 2 -> SE(8, 4) -> flatten -> linear 10
// (the SE blocks need distinct labels: Trace::find returns the first of equal names)
std::unique_ptr<cs::Model> tiny(uint32_t seed) {
  cs::Rng rng(seed);
  auto m = std::make_unique<cs::Model>();
  auto body = std::make_unique<cs::Sequential>();
  body->add(cs::LayerPtr(new cs::Conv2d({1, 8, {3, 3}, {2, 2}, {1, 1}}, rng)), "0", "conv1");
  body->add(cs::make_activation(cs::Activation::ReLU), "1", "act1");
  body->add(cs::LayerPtr(new cs::SqueezeExcite(8, 2, rng)), "2", "se1");
  body->add(cs::LayerPtr(new cs::Conv2d({8, 8, {3, 3}, {2, 2}, {1, 1}}, rng)), "3", "conv2");
  body->add(cs::LayerPtr(new cs::SqueezeExcite(8, 4, rng)), "4", "se2");
  m->add(std::move(body), "features", "features");
  m->add(cs::LayerPtr(new cs::Flatten()), "flatten", "flatten");
  m->add(cs::LayerPtr(new cs::Linear(8 * 7 * 7, 10, rng)), "head", "head");
  return m;
}

LabSession ready_session(int test_per_class = 3) {
  LabSession s;
  std::vector<uint8_t> b = toy_bundle(test_per_class);
  cs::Result<DigitBundle> parsed = parse_digit_bundle(b.data(), b.size());  // the app's one parser
  REQUIRE_MESSAGE(parsed.is_ok(), parsed.message());
  s.use_digits(std::make_shared<const DigitBundle>(std::move(parsed.value())));
  REQUIRE(s.has_digits());
  REQUIRE(s.init_network(tiny, nullptr, 0).is_ok());
  return s;
}

}  // namespace

TEST_CASE("SE blocks are found in forward order with their Trace names") {
  LabSession s = ready_session();
  REQUIRE(s.se_blocks().size() == 2);
  CHECK(s.se_blocks()[0].name == "features.se1");
  CHECK(s.se_blocks()[1].name == "features.se2");
  CHECK(s.se_blocks()[0].se->channels() == 8);
  REQUIRE(s.use_gallery(4));
  CHECK(s.update_prediction());
  CHECK_FALSE(s.update_prediction());  // nothing changed: cached
  // The trace holds the excitation under the block's name, and current_excitation reads it.
  CHECK(s.trace().find("features.se2.excitation_raw") != nullptr);
  CHECK(s.current_excitation(0).size() == 8);
  CHECK(s.probabilities().size() == 10);
  CHECK(std::accumulate(s.probabilities().begin(), s.probabilities().end(), 0.0f) == doctest::Approx(1.0f).epsilon(1e-5));
}

TEST_CASE("SE statistics: a batch that does not fit the budget is not started; idle calls are bounded") {
  LabSession s = ready_session();
  s.step_se_stats(0.0, 4, 3);  // the speed is unknown: one digit measures it
  REQUIRE(s.last_se_step().digits == 1);
  REQUIRE(s.last_se_step().ms_per_digit > 0.0);
  // No budget: three idle calls, then one digit (the pass never stalls), then idle again.
  for (int i = 1; i <= 3; ++i) {
    s.step_se_stats(0.0, 4, 3);
    CHECK(s.last_se_step().digits == 0);
    CHECK(s.last_se_step().idle_calls == i);
  }
  CHECK(s.pending().done == 1);
  s.step_se_stats(0.0, 4, 3);
  CHECK(s.last_se_step().digits == 1);
  CHECK(s.last_se_step().idle_calls == 0);
  CHECK(s.pending().done == 2);
  s.step_se_stats(0.0, 4, 3);
  CHECK(s.last_se_step().digits == 0);
  // A budget for about two digits (with the 25% margin): a few, and at least one.
  const double per = s.last_se_step().ms_per_digit;
  s.step_se_stats(per * 2.6, 4, 3);
  CHECK(s.last_se_step().digits >= 1);
  CHECK(s.last_se_step().digits <= 4);
  CHECK(s.last_se_step().batches >= 1);
}

TEST_CASE("SE statistics built a batch at a time equal per-digit forward passes") {
  LabSession s = ready_session();
  // Slices: no budget -> one digit per call (a batch never overruns the budget).
  int calls = 0;
  while (!s.stats().complete() && calls < 100) {
    s.step_se_stats(0.0, 4);
    ++calls;
  }
  REQUIRE(s.stats().complete());
  CHECK(calls == 30);  // 30 digits, one per call
  // A budget: batches grow up to `batch` digits as the speed is measured, never past it.
  LabSession big = ready_session();  // the same network (seed 1)
  int big_calls = 0;
  while (!big.stats().complete() && big_calls < 100) {
    big.step_se_stats(1000.0, 4);
    ++big_calls;
  }
  CHECK(big_calls == 1);  // a generous budget finishes the pass in one call
  for (int d = 0; d < 10; ++d)
    for (int c = 0; c < 8; ++c) CHECK(big.stats().mean(1, d, c) == doctest::Approx(s.stats().mean(1, d, c)).epsilon(1e-5));
  const SeStats& st = s.stats();
  CHECK(st.total == 30);
  for (int d = 0; d < 10; ++d) CHECK(st.count[d] == 3);
  // Direct: each test digit alone, reading the excitation from the prediction's trace.
  std::vector<double> want(10 * 8, 0.0);
  for (int i = 0; i < s.digits().test.count; ++i) {
    REQUIRE(s.use_gallery(i));
    s.update_prediction();
    std::vector<float> e = s.current_excitation(1);
    REQUIRE(e.size() == 8);
    for (int c = 0; c < 8; ++c) want[s.digits().test.labels[i] * 8 + c] += e[c] / 3.0;
  }
  for (int d = 0; d < 10; ++d)
    for (int c = 0; c < 8; ++c) CHECK(st.mean(1, d, c) == doctest::Approx(want[d * 8 + c]).epsilon(1e-5));
  // Ordering by variance across digits: first channel has the largest variance of its means.
  std::vector<int> order = st.order_by_variance(1);
  auto var = [&](int c) {
    double m = 0, v = 0;
    for (int d = 0; d < 10; ++d) m += st.mean(1, d, c) / 10.0;
    for (int d = 0; d < 10; ++d) v += (st.mean(1, d, c) - m) * (st.mean(1, d, c) - m);
    return v;
  };
  for (size_t i = 1; i < order.size(); ++i) CHECK(var(order[i - 1]) >= var(order[i]));
  // Cached until the weights change.
  s.step_se_stats(100.0);
  CHECK(st.complete());
}

TEST_CASE("SE statistics from idle slices and frame slices equal the one-shot pass bit for bit") {
  LabSession once = ready_session();
  once.step_se_stats(1e9, 1000);  // one call: a digit measures the speed, the other 29 in one batch
  REQUIRE(once.stats().complete());
  REQUIRE(once.last_se_step().batches == 2);
  LabSession s = ready_session();  // the same network (seed 1)
  CHECK(s.se_pass_running());
  // The speed is unknown: an idle slice runs one digit to measure it, whatever its budget.
  CHECK(s.step_se_stats_idle(0.0) == 1);
  // A slice too short for one digit does nothing (never forced: the frame's pass guarantees progress).
  CHECK(s.step_se_stats_idle(0.0) == 0);
  CHECK(s.se_idle().empty_slices == 1);
  CHECK(s.pending().done == 1);
  // Frame slices (one digit each, no budget) interleaved with idle slices of a few digits.
  int rounds = 0;
  while (!s.stats().complete() && rounds < 100) {
    s.step_se_stats(0.0, 4, 0);
    s.step_se_stats_idle(s.last_se_step().ms_per_digit * 1.25 * 3.5, 3);
    ++rounds;
  }
  REQUIRE(s.stats().complete());
  CHECK(rounds < 30);  // idle slices did part of the work
  CHECK(s.se_idle().digits > 0);
  CHECK_FALSE(s.se_pass_running());
  const SeStats &a = s.stats(), &b = once.stats();
  CHECK(a.done == b.done);
  CHECK(a.correct == b.correct);
  for (int d = 0; d < 10; ++d) CHECK(a.count[d] == b.count[d]);
  REQUIRE(a.blocks.size() == b.blocks.size());
  for (size_t k = 0; k < a.blocks.size(); ++k) {
    CAPTURE(k);
    CHECK(a.blocks[k].sum == b.blocks[k].sum);  // exact: the same digits summed in the same order
    CHECK(a.blocks[k].sumsq == b.blocks[k].sumsq);
  }
  // Up to date: neither kind of slice runs anything until the weights change.
  CHECK(s.step_se_stats_idle(1e9) == 0);
  REQUIRE(s.reinitialise(7).is_ok());
  CHECK(s.se_pass_running());
  CHECK(s.step_se_stats_idle(1e9) == 30);
  CHECK(s.stats().weights_revision == s.weights_revision());
}

TEST_CASE("an SE override changes the prediction, is not in the statistics, and can be removed") {
  LabSession s = ready_session();
  REQUIRE(s.use_gallery(3));
  s.update_prediction();
  const std::vector<float> before = s.probabilities();
  const std::vector<float> e_before = s.current_excitation(1);
  for (int c = 0; c < 8; ++c) REQUIRE(s.set_se_override(1, c, 0.0f).is_ok());
  CHECK(s.update_prediction());
  // All channels of the last block off: the head sees zeros, so the logits are its bias only.
  CHECK(s.probabilities() != before);
  CHECK(s.current_excitation(1) == e_before);  // the computed excitation is still what it was
  CHECK_FALSE(s.set_se_override(1, 8, 0.0f).is_ok());
  CHECK_FALSE(s.set_se_override(5, 0, 0.0f).is_ok());
  while (!s.stats().complete()) s.step_se_stats(100.0);
  // The statistics ignore overrides: no excitation is exactly 0 after a sigmoid.
  for (int d = 0; d < 10; ++d) CHECK(s.stats().mean(1, d, 0) > 0.0f);
  // And the override is back in place for the next prediction.
  REQUIRE(s.use_gallery(3));
  s.update_prediction();
  CHECK(s.probabilities() != before);
  s.clear_se_overrides();
  s.update_prediction();
  for (int k = 0; k < 10; ++k) CHECK(s.probabilities()[k] == doctest::Approx(before[k]).epsilon(1e-6));
}

TEST_CASE("training in slices lowers the loss, changes the weights and restarts the SE statistics") {
  LabSession s = ready_session();
  while (!s.stats().complete()) s.step_se_stats(100.0);
  const long long w0 = s.weights_revision();
  s.learning_rate = 3e-3f;
  s.start_training();
  REQUIRE(s.training().running);
  int steps = 0;
  int calls = 0;
  for (; calls < 2000 && steps < 120; ++calls) steps += s.step_training(0.0);  // one micro-batch per call
  CHECK(steps == 120);
  CHECK(calls == 120 * s.training().batch_size / s.training().micro_batch);  // a step is spread over several calls
  CHECK(s.training().step == steps);
  CHECK(s.weights_revision() > w0);
  const std::vector<float>& curve = s.training().loss_curve;
  REQUIRE(curve.size() >= 20);
  const float first = std::accumulate(curve.begin(), curve.begin() + 10, 0.0f) / 10;
  const float last = std::accumulate(curve.end() - 10, curve.end(), 0.0f) / 10;
  CHECK(last < 0.5f * first);
  CHECK(s.training().accuracy > 0.5f);
  // While training, a pass over changing weights runs to its end (then restarts) instead of
  // restarting at every step.
  s.step_se_stats(0.0, 4);
  const long long pass_start = s.pending().weights_revision;
  for (int i = 0; i < 40 && !s.pending().complete(); ++i) {
    s.step_training(0.0);  // weights change...
    s.step_se_stats(0.0, 4);
    CHECK(s.pending().weights_revision == pass_start);  // ...the pass goes on
  }
  CHECK(s.stats().complete());
  s.pause_training();
  CHECK(s.step_training(10.0) == 0);
  CHECK(s.pending().weights_revision != s.weights_revision());  // the old pass is stale
  s.step_se_stats(0.0);
  CHECK(s.pending().weights_revision == s.weights_revision());
  // Reinitialising gives fresh random weights: loss back up.
  REQUIRE(s.reinitialise(7).is_ok());
  CHECK_FALSE(s.reset_to_shipped().is_ok());  // none given in this test
}

TEST_CASE("training whose loss stops being finite stops with a sentence; a fresh network trains again") {
  LabSession s = ready_session();
  s.learning_rate = 1e30f;  // every Adam step moves each weight by about 1e30: products overflow at once
  s.start_training();
  REQUIRE(s.training().running);
  for (int i = 0; i < 400 && s.training().running; ++i) s.step_training(0.0);
  CHECK_FALSE(s.training().running);
  CHECK(s.training().error.find("the loss is no longer a finite number") != std::string::npos);
  CHECK(s.training().error.find("Lower the learning rate") != std::string::npos);
  REQUIRE(s.reinitialise(7).is_ok());
  s.learning_rate = 3e-3f;
  s.start_training();
  CHECK(s.training().error.empty());
  for (int i = 0; i < 40; ++i) s.step_training(0.0);
  CHECK(s.training().running);
  CHECK(std::isfinite(s.training().loss));
}

TEST_CASE("saliency: computed once per prediction and class, from the engine's backward pass") {
  LabSession s = ready_session();
  CHECK(s.update_saliency(5));
  CHECK_FALSE(s.has_saliency());  // no input yet
  CHECK(s.saliency_error() == "no input to explain");
  REQUIRE(s.use_gallery(2));
  s.update_prediction();
  REQUIRE(s.update_saliency(5));
  REQUIRE(s.has_saliency());
  const long long runs = s.saliency_runs();
  CHECK_FALSE(s.update_saliency(5));  // cached: same prediction, same class
  CHECK(s.saliency_runs() == runs);
  const std::vector<float>& g = s.saliency_magnitude();
  REQUIRE(g.size() == size_t(kDigitPixels));
  CHECK(*std::max_element(g.begin(), g.end()) > 0.0f);
  for (size_t i = 0; i < g.size(); ++i) REQUIRE(g[i] == std::fabs(s.saliency().input_gradient[i]));
  CHECK(s.saliency().cam_upsampled.shape() == cs::Shape{kDigitSide, kDigitSide});
  CHECK(s.saliency().cls == 5);
  CHECK(s.update_saliency(6));  // another class
  CHECK(s.saliency().cls == 6);
  REQUIRE(s.use_gallery(3));
  s.update_prediction();
  CHECK(s.update_saliency(6));  // another input
  CHECK(s.update_saliency(10));
  CHECK_FALSE(s.has_saliency());
  CHECK(s.saliency_error().find("got 10") != std::string::npos);
}

TEST_CASE("shown_saliency_map: mode 1 is Grad-CAM resized, 2 is |gradient|, with the map's maximum") {
  LabSession s = ready_session();
  CHECK(shown_saliency_map(s, 1).map == nullptr);  // nothing computed yet
  REQUIRE(s.use_gallery(4));
  s.update_prediction();
  REQUIRE(s.update_saliency(s.predicted()));
  REQUIRE(s.has_saliency());
  for (int mode : {-1, 0, 3}) {
    CHECK(shown_saliency_map(s, mode).map == nullptr);
    CHECK(shown_saliency_map(s, mode).max == 0.0f);
  }
  const ShownSaliency cam = shown_saliency_map(s, 1), grad = shown_saliency_map(s, 2);
  REQUIRE(cam.map == s.saliency().cam_upsampled.data());
  REQUIRE(grad.map == s.saliency_magnitude().data());
  const std::vector<float>& cv = s.saliency().cam_upsampled.values();
  const std::vector<float>& gv = s.saliency_magnitude();
  CHECK(cam.max == *std::max_element(cv.begin(), cv.end()));
  CHECK(grad.max == *std::max_element(gv.begin(), gv.end()));
  CHECK(grad.max > 0.0f);
  CHECK(cam.max != grad.max);  // two different maps, not one shown twice
}

TEST_CASE("use_digits without a bundle: no gallery, the reason kept for the panels") {
  LabSession s = ready_session();
  REQUIRE(s.has_digits());
  s.use_digits(nullptr, "digits.bin: bad magic");
  CHECK_FALSE(s.has_digits());
  CHECK(s.digits_error() == "digits.bin: bad magic");
  CHECK(s.gallery_order().empty());
  CHECK_FALSE(s.use_gallery(0));
}

TEST_CASE("receptive field of a clicked unit comes from the engine after a forward pass") {
  LabSession s = ready_session();
  REQUIRE(s.use_gallery(0));
  s.update_prediction();
  // features.conv1 is 3x3, stride 2, padding 1 on 28x28: output (0, 13) reads rows -1..1, columns 25..27.
  auto rf = s.receptive_field("features.conv1", 0, 13);
  REQUIRE_MESSAGE(rf.is_ok(), rf.message());
  CHECK(rf->box == cs::RfBox{0, 25, 1, 27});
  CHECK(rf->global_via.empty());
  auto after_se = s.receptive_field("features.conv2", 0, 0);
  REQUIRE(after_se.is_ok());
  CHECK(after_se->global_via == "SqueezeExcitation");
  auto bad = s.receptive_field("features.conv1", 14, 0);
  CHECK_FALSE(bad.is_ok());
}

TEST_CASE("transparent containers (empty label) add no name component, as in the Trace") {
  cs::Rng rng(3);
  cs::Model m;
  auto inner = std::make_unique<cs::Sequential>();
  inner->add(cs::LayerPtr(new cs::SqueezeExcite(4, 2, rng)), "0", "se");
  auto mid = std::make_unique<cs::Sequential>();
  mid->add(std::move(inner), "0", "block1");
  m.add(std::move(mid), "blocks", std::string());
  std::vector<SeBlockRef> se = find_se_blocks(m);
  REQUIRE(se.size() == 1);
  CHECK(se[0].name == "block1.se");
  cs::Tensor x({1, 4, 3, 3}, 0.5f), y;
  cs::Trace trace;
  REQUIRE(m.forward(x, y, &trace).is_ok());
  CHECK(trace.find(se[0].name + ".excitation_raw") != nullptr);
}

TEST_CASE("SpeedEstimate: the fastest of the last batches; one preempted batch does not inflate it") {
  SpeedEstimate e;
  CHECK(e.ms_per_item() == 0.0);  // unknown until a batch is measured
  e.add(7.0, 10);
  CHECK(e.ms_per_item() == doctest::Approx(0.7));
  e.add(40.0, 1);  // a slice the thread was preempted in
  CHECK(e.ms_per_item() == doctest::Approx(0.7));
  e.add(6.0, 10);
  CHECK(e.ms_per_item() == doctest::Approx(0.6));
  e.add(5.0, 0);  // no items: nothing to learn from
  CHECK(e.ms_per_item() == doctest::Approx(0.6));
  // A real slowdown shows once every remembered batch is slow.
  for (int i = 0; i < SpeedEstimate::kRemembered - 1; ++i) e.add(20.0, 10);
  CHECK(e.ms_per_item() == doctest::Approx(0.6));
  e.add(20.0, 10);
  CHECK(e.ms_per_item() == doctest::Approx(2.0));
}

TEST_CASE("se_frame_plan: no SE in frames while idle slices deliver; bounded slices otherwise") {
  SeFrameInputs in;
  in.idle_service = true;
  in.spent_ms = 1.0;
  in.outside_ms = 0.5;
  // Idle slices are running the pass: the frame does none of it, not even a forced digit.
  for (int f : {0, 1, kSeIdleGraceFrames - 1}) {
    in.frames_without_idle_progress = f;
    CHECK_FALSE(se_frame_plan(in).run);
  }
  // Starved that long: frames take what is left under the target, with the starvation bound.
  in.frames_without_idle_progress = kSeIdleGraceFrames;
  SeFramePlan p = se_frame_plan(in);
  CHECK(p.run);
  CHECK(p.budget_ms == doctest::Approx(kSeFrameTargetMs - 1.5));
  CHECK(p.max_idle_calls == kSeMaxIdleFrames);
  // No idle service (or not asked: training): frame slices from the first frame.
  in.idle_service = false;
  in.frames_without_idle_progress = 0;
  CHECK(se_frame_plan(in).run);
  // A frame already past the target gets no budget (step_se_stats then counts an idle call).
  in.spent_ms = 5.0;
  p = se_frame_plan(in);
  CHECK(p.run);
  CHECK(p.budget_ms == 0.0);
  CHECK(kSeFrameTargetMs < 4.0);  // issue 8's budget, with room for the jitter of a loaded machine
}

namespace {

// A safetensors file of a tiny network's state (the names and shapes the session's network has),
// every value scaled by `scale`, stored as `dtype`.
std::vector<uint8_t> tiny_weights(uint32_t seed, float scale = 1.0f, cs::SafetensorsDtype dtype = cs::SafetensorsDtype::F32) {
  std::unique_ptr<cs::Model> m = tiny(seed);
  cs::SafeTensors st;
  for (const cs::NamedTensor& t : m->state_dict()) {
    if (t.integer) continue;
    cs::Tensor v = *t.value;
    for (float& x : v.values()) x *= scale;
    st.tensors.emplace(t.name, v);
  }
  auto bytes = cs::serialize_safetensors(st, dtype);
  REQUIRE_MESSAGE(bytes.is_ok(), bytes.message());
  return bytes.value();
}

std::vector<float> predict(LabSession& s) {
  s.update_prediction();
  return s.probabilities();
}

}  // namespace

TEST_CASE("opened weights: a valid file is loaded and named; hostile ones are refused, the weights kept") {
  LabSession s;
  std::vector<uint8_t> b = toy_bundle();
  cs::Result<DigitBundle> parsed = parse_digit_bundle(b.data(), b.size());
  REQUIRE(parsed.is_ok());
  s.use_digits(std::make_shared<const DigitBundle>(std::move(parsed.value())));
  const std::vector<uint8_t> shipped = tiny_weights(1);
  REQUIRE(s.init_network(tiny, shipped.data(), shipped.size()).is_ok());
  CHECK(s.weights_source() == LabSession::WeightsSource::Shipped);
  CHECK(s.weights_name() == "digitnet.safetensors");
  REQUIRE(s.use_gallery(3));
  const std::vector<float> p_shipped = predict(s);
  REQUIRE(p_shipped.size() == 10);

  // Other weights (another seed, stored as F16): a different prediction, the file's name shown.
  const std::vector<uint8_t> mine = tiny_weights(9, 1.5f, cs::SafetensorsDtype::F16);
  const long long w0 = s.weights_revision();
  REQUIRE_MESSAGE(s.load_weights(mine.data(), mine.size(), "mine.safetensors").is_ok(), "valid file refused");
  CHECK(s.weights_revision() == w0 + 1);
  CHECK(s.weights_source() == LabSession::WeightsSource::File);
  CHECK(s.weights_name() == "mine.safetensors");
  const std::vector<float> p_mine = predict(s);
  CHECK(p_mine != p_shipped);

  // Hostile files: each refused with a reason naming the problem; weights, revision and prediction kept.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> hostile;
  {  // a tensor of the wrong shape
    std::unique_ptr<cs::Model> m = tiny(2);
    cs::SafeTensors st;
    for (const cs::NamedTensor& t : m->state_dict())
      if (!t.integer) st.tensors.emplace(t.name, *t.value);
    st.tensors["head.weight"] = cs::Tensor({10, 7}, 0.5f);
    hostile.push_back({"shape", cs::serialize_safetensors(st).value()});
  }
  {  // a missing tensor, and an extra one
    std::unique_ptr<cs::Model> m = tiny(2);
    cs::SafeTensors st;
    for (const cs::NamedTensor& t : m->state_dict())
      if (!t.integer && t.name != "head.bias") st.tensors.emplace(t.name, *t.value);
    hostile.push_back({"missing", cs::serialize_safetensors(st).value()});
    st.tensors.emplace("head.bias", cs::Tensor({10}, 0.0f));
    st.tensors.emplace("extra.weight", cs::Tensor({3}, 1.0f));
    hostile.push_back({"unexpected", cs::serialize_safetensors(st).value()});
  }
  {  // the dtype I32 (same length as F32 in the header)
    std::vector<uint8_t> f = tiny_weights(2);
    const std::string text(f.begin(), f.end());
    const size_t at = text.find("\"F32\"");
    REQUIRE(at != std::string::npos);
    f[at + 1] = 'I';
    hostile.push_back({"I32", f});
  }
  {  // the header cut short, and the data cut short
    const std::vector<uint8_t> f = tiny_weights(2);
    hostile.push_back({"header", std::vector<uint8_t>(f.begin(), f.begin() + 40)});
    hostile.push_back({"data", std::vector<uint8_t>(f.begin(), f.end() - 16)});
  }
  {  // garbage after a plausible length
    std::vector<uint8_t> f(300, 0xAB);
    f[0] = 200, f[1] = f[2] = f[3] = f[4] = f[5] = f[6] = f[7] = 0, f[8] = '{';
    hostile.push_back({"garbage", f});
  }
  {  // another architecture named in the metadata
    std::unique_ptr<cs::Model> m = tiny(2);
    cs::SafeTensors st;
    for (const cs::NamedTensor& t : m->state_dict())
      if (!t.integer) st.tensors.emplace(t.name, *t.value);
    st.metadata["architecture"] = "ResNet-50";
    hostile.push_back({"architecture", cs::serialize_safetensors(st).value()});
  }
  const long long w1 = s.weights_revision();
  for (const auto& file : hostile) {
    const std::string& what = file.first;  // (not a structured binding: clang 14 cannot capture one)
    const std::vector<uint8_t>& bytes = file.second;
    CAPTURE(what);
    const cs::Status st = s.load_weights(bytes.data(), bytes.size(), "bad.safetensors");
    CHECK_FALSE(st.is_ok());
    CHECK(st.message().find("bad.safetensors") != std::string::npos);  // names the file
    CHECK(s.weights_revision() == w1);
    CHECK(s.weights_name() == "mine.safetensors");
    CHECK(predict(s) == p_mine);
  }
  // Back to the shipped weights: the first prediction again.
  REQUIRE(s.reset_to_shipped().is_ok());
  CHECK(s.weights_source() == LabSession::WeightsSource::Shipped);
  CHECK(predict(s) == p_shipped);
  // Training changes them: counted from the load.
  s.start_training();
  while (s.training().step < 2) s.step_training(0.0);
  CHECK(s.steps_since_weights() == 2);
  REQUIRE(s.load_weights(mine.data(), mine.size(), "mine.safetensors").is_ok());
  CHECK(s.steps_since_weights() == 0);
  REQUIRE(s.reinitialise(5).is_ok());
  CHECK(s.weights_source() == LabSession::WeightsSource::Scratch);
}

TEST_CASE("SE pass while training: a sample spread over the digits, refreshed as the weights change; full again after") {
  LabSession s = ready_session(20);  // 200 test digits
  while (!s.stats().complete()) s.step_se_stats(1000.0);
  CHECK_FALSE(s.stats().sampled());
  CHECK(s.stats().total == 200);
  const long long passes0 = s.se_passes();
  s.start_training();
  REQUIRE(s.training().running);
  // Sharing a frame as the lab does: training's share, then the pass's (at least a digit a call).
  const TrainingSplit split = split_training_budget(8.0);
  CHECK(split.train_ms + split.se_ms == doctest::Approx(8.0));
  CHECK(split.se_ms >= 1.0);
  CHECK(split.train_ms > split.se_ms);
  std::vector<std::vector<double>> seen;  // block 0's sums of each completed pass
  for (int frame = 0; frame < 3000 && seen.size() < 3; ++frame) {
    s.step_training(0.0);
    s.step_se_stats(0.0, 2, 0);
    if (s.se_passes() > passes0 + static_cast<long long>(seen.size())) {
      CHECK(s.stats().sampled());
      CHECK(s.stats().live);
      CHECK(s.stats().total == kSeLiveSample);
      CHECK(s.stats().population == 200);
      int per_class = 0;
      for (int d = 0; d < 10; ++d) per_class += s.stats().count[d] == kSeLiveSample / 10;
      CHECK(per_class == 10);  // the same number of every class
      seen.push_back(s.stats().blocks[0].sum);
    }
  }
  REQUIRE(seen.size() == 3);  // the heatmap moved three times while training ran
  CHECK(seen[0] != seen[1]);
  CHECK(seen[1] != seen[2]);
  // Training stops: the next pass covers every digit again.
  s.pause_training();
  CHECK(s.se_pass_running());
  while (s.se_pass_running()) s.step_se_stats(1000.0);
  CHECK_FALSE(s.stats().sampled());
  CHECK(s.stats().total == 200);
  CHECK(s.stats().weights_revision == s.weights_revision());
}
