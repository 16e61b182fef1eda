// test_ab_lab_model.cpp — the side-by-side training lab's contract without a page: it opens on its
// first preset, setState applies sides, presets and the transport or refuses in words (nothing
// applied), a frame trains inside its time budget at the chosen speed and stops at a step target,
// identical settings report identical histories, a diverging side stops alone.
#include <doctest/doctest.h>

#include "app/ab_lab_model.h"

using namespace cs::app;
using nlohmann::json;

namespace {

cs::DigitSet striped_digits(int count) {
  cs::DigitSet set;
  set.count = count;
  set.labels.resize(count);
  set.images.assign(static_cast<size_t>(count) * cs::kMnistPixels, 0);
  for (int i = 0; i < count; ++i) {
    set.labels[i] = static_cast<uint8_t>(i % 10);
    for (int y = 2 * (i % 10) + 2; y < 2 * (i % 10) + 6; ++y)
      for (int x = 0; x < cs::kMnistSide; ++x) set.images[static_cast<size_t>(i) * cs::kMnistPixels + y * 28 + x] = 255;
  }
  return set;
}

// A clock that advances 1 ms each time it is read: a tick's budget is counted in readings.
struct FakeClock {
  double now = 0;
  double operator()() { return now += 1.0; }
};

}  // namespace

TEST_CASE("ab lab: opens on plain vs residual and lists its presets") {
  AbLabState s;
  json out;
  ab_lab_state_json(s, out);
  const json& j = out["ab_lab"];
  CHECK(j["preset"] == "plain-vs-residual");
  CHECK(j["left"]["config"]["depth"] == 20);
  CHECK(j["left"]["config"]["residual"] == false);
  CHECK(j["right"]["config"]["residual"] == true);
  CHECK(j["step"] == 0);
  CHECK(j["running"] == false);
  CHECK(j["presets"].size() == ab_lab_presets().size());
  CHECK(ab_lab_presets().size() == cs::paired_training_presets().size());  // every engine preset has its words
  CHECK(j["same_settings"] == false);
  CHECK(ab_lab_differences(s) == std::vector<S>{S::ab_residual});
  CHECK(ab_lab_apply_json(s, json{{"preset", "init"}}) == "");
  CHECK(ab_lab_differences(s) == std::vector<S>{S::ab_init_scale});
  CHECK(ab_lab_apply_json(s, json{{"preset", "same"}}) == "");
  CHECK(ab_lab_differences(s).empty());
  for (const AbLabPreset& p : ab_lab_presets()) {
    CHECK(cs::validate_training_side(p.settings->left).is_ok());
    CHECK(cs::validate_training_side(p.settings->right).is_ok());
  }
}

TEST_CASE("ab lab: setState applies a side and refuses bad fields in words, changing nothing") {
  AbLabState s;
  CHECK(ab_lab_apply_json(s, json{{"left", {{"depth", 4}, {"batch_norm", true}, {"optimizer", "adam"}}}}) == "");
  CHECK(s.left.net.depth == 4);
  CHECK(s.left.net.batch_norm);
  CHECK(s.left.optimizer == cs::OptimizerKind::Adam);
  CHECK(s.preset.empty());
  const AbLabState before = s;
  CHECK(ab_lab_apply_json(s, json{{"left", {{"depth", 0}}}}) == "ab_lab.left.depth must be in 2..20, got 0");
  CHECK(ab_lab_apply_json(s, json{{"right", {{"width", 65}}}}) == "ab_lab.right.width must be in 1..64, got 65");
  CHECK(ab_lab_apply_json(s, json{{"right", {{"learning_rate", 0}}}}).find("learning rate must be in (0, 10]") !=
        std::string::npos);
  CHECK(ab_lab_apply_json(s, json{{"right", {{"activation", "tanh"}}}}).find("relu, gelu, silu, sigmoid") !=
        std::string::npos);
  CHECK(ab_lab_apply_json(s, json{{"preset", "magic"}}).find("plain-vs-residual") != std::string::npos);
  CHECK(ab_lab_apply_json(s, json{{"colour", 1}}) == "ab_lab has no field \"colour\"");
  CHECK(ab_lab_apply_json(s, json{{"batch_size", 8}, {"micro_batch", 9}}) ==
        "ab_lab.micro_batch must be in 1..8, got 9");
  CHECK(ab_lab_apply_json(s, json{{"steps", -1}}) != "");
  CHECK(s.left == before.left);
  CHECK(s.right == before.right);
  CHECK(s.batch_size == before.batch_size);
  CHECK_FALSE(s.running);
}

TEST_CASE("ab lab: a frame trains within its budget, at the chosen speed, up to a step target") {
  const cs::DigitSet data = striped_digits(50);
  AbLabState s;
  REQUIRE(ab_lab_apply_json(s, json{{"left", {{"depth", 3}, {"width", 4}}},
                                    {"right", {{"depth", 3}, {"width", 4}, {"residual", true}}},
                                    {"batch_size", 8},
                                    {"micro_batch", 4},
                                    {"steps", 5}}) == "");
  CHECK(s.running);
  FakeClock clock;
  int frames = 0;
  while (s.running && frames < 100) {
    ab_lab_tick(s, data, 1.0 / 60, std::ref(clock));
    ++frames;
  }
  REQUIRE(s.run);
  CHECK(s.run->steps() == 5);  // stopped at the target, paused
  CHECK_FALSE(s.running);
  CHECK(frames > 1);  // a 10 ms budget of 1 ms readings does not hold 10 pieces
  json out;
  ab_lab_state_json(s, out);
  CHECK(out["ab_lab"]["left"]["loss"].size() == 5);
  CHECK(out["ab_lab"]["right"]["grad_norm"].size() == 3);
  CHECK(out["ab_lab"]["right"]["grad_norm"]["stem.conv"].size() == 5);
  // At 2 steps a second, a second of frames runs 2 steps.
  REQUIRE(ab_lab_apply_json(s, json{{"speed", 2}, {"run", true}}) == "");
  for (int f = 0; f < 60; ++f) ab_lab_tick(s, data, 1.0 / 60, std::ref(clock));
  CHECK(s.run->steps() >= 6);
  CHECK(s.run->steps() <= 8);
  // One step: exactly one more.
  REQUIRE(ab_lab_apply_json(s, json{{"run", false}, {"speed", 0}}) == "");
  const long long at = s.run->steps();
  ab_lab_request_one_step(s);
  for (int f = 0; f < 20; ++f) ab_lab_tick(s, data, 1.0 / 60, std::ref(clock));
  CHECK(s.run->steps() == at + 1);
  // A changed setting starts again from step 0.
  REQUIRE(ab_lab_apply_json(s, json{{"left", {{"width", 5}}}}) == "");
  CHECK_FALSE(s.run);
}

TEST_CASE("ab lab: identical settings give identical histories; a diverging side stops alone") {
  const cs::DigitSet data = striped_digits(40);
  AbLabState s;
  REQUIRE(ab_lab_apply_json(s, json{{"preset", "same"}, {"batch_size", 8}, {"micro_batch", 8}, {"steps", 4}}) == "");
  FakeClock clock;
  for (int f = 0; f < 50 && s.running; ++f) ab_lab_tick(s, data, 0.02, std::ref(clock));
  json out;
  ab_lab_state_json(s, out);
  CHECK(out["ab_lab"]["same_settings"] == true);
  CHECK(out["ab_lab"]["same_histories"] == true);
  CHECK(out["ab_lab"]["left"]["loss"] == out["ab_lab"]["right"]["loss"]);
  REQUIRE(ab_lab_apply_json(s, json{{"left", {{"depth", 3}, {"width", 4}}},
                                    {"right", {{"depth", 20}, {"width", 16}, {"init_scale", 10.0},
                                               {"batch_norm", false}, {"residual", false}, {"optimizer", "sgd"},
                                               {"learning_rate", 0.05}}},
                                    {"steps", 6}}) == "");
  for (int f = 0; f < 200 && s.running; ++f) ab_lab_tick(s, data, 0.02, std::ref(clock));
  ab_lab_state_json(s, out);
  CHECK(out["ab_lab"]["right"]["diverged_at"].get<long long>() >= 1);
  CHECK(out["ab_lab"]["left"]["loss"].size() == 6);
  CHECK(out["ab_lab"]["same_settings"] == false);
}
