// test_digitnet.cpp — DigitNet against its PyTorch mirror (both directions), save -> load, the
// trainer's augmentation, determinism and resume.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "engine/data/npy.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/train/trainer.h"
#include "engine/check.h"
#include "skip.h"
#include "temp_dir.h"

using namespace cs;
using cs::test::check_close;

namespace {

const std::string kGolden = std::string(CS_TEST_DATA_DIR) + "/golden/digitnet/";

bool exists(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f) std::fclose(f);
  return f != nullptr;
}

// A small synthetic MNIST-shaped set (deterministic), so trainer tests need no download.
MnistSet synthetic_set(int count) {
  MnistSet s;
  s.count = count;
  s.rows = s.cols = 28;
  s.images.resize(static_cast<size_t>(count) * 784);
  s.labels.resize(count);
  for (int i = 0; i < count; ++i) {
    s.labels[i] = static_cast<uint8_t>(i % 10);
    for (int p = 0; p < 784; ++p) {
      const int y = p / 28, x = p % 28;
      // A bar whose position depends on the label, plus a little texture.
      const bool ink = (x >= 4 + 2 * (i % 10) && x < 7 + 2 * (i % 10) && y > 5 && y < 23);
      s.images[static_cast<size_t>(i) * 784 + p] = static_cast<uint8_t>(ink ? 255 : ((i * 31 + p * 7) % 17));
    }
  }
  return s;
}

}  // namespace

TEST_CASE("digitnet: layout, parameter budget, state_dict names and SE blocks") {
  auto model = make_digitnet_model(1);
  CHECK(model->parameter_count() <= 100000);
  CHECK(model->parameter_count() == 41812);
  auto sd = model->state_dict();
  CHECK(sd.front().name == "stem.0.weight");
  CHECK(sd.back().name == "fc.bias");
  auto se = digitnet_se_blocks(*model);
  REQUIRE(se.size() == 4);
  CHECK(se[0].name == "block1.se");
  CHECK(se[3].se->channels() == 160);
  Tensor x({2, 1, 28, 28}, 0.5f), logits;
  Trace trace;
  model->eval();
  REQUIRE(model->forward(x, logits, &trace).is_ok());
  CHECK(logits.shape() == Shape{2, 10});
  CHECK(trace.find("block4.se.excitation_raw") != nullptr);
}

TEST_CASE("digitnet: PyTorch weights load into the engine and give torch's logits (1e-4)") {
  auto model = load_digitnet(kGolden + "torch_weights.safetensors");
  REQUIRE_MESSAGE(model.is_ok(), model.message());
  auto x = npy_read(kGolden + "inputs.npy");
  auto want = npy_read(kGolden + "torch_logits.npy");
  REQUIRE(x.is_ok());
  REQUIRE(want.is_ok());
  Tensor logits;
  REQUIRE((*model)->forward(*x, logits).is_ok());
  CHECK(check_close(logits, *want, 1e-4f, 1e-4f, "torch_logits"));
}

TEST_CASE("digitnet: the shipped, engine-trained weights give the same logits in PyTorch (1e-4)") {
  const std::string shipped = std::string(CS_SOURCE_DIR) + "/assets/digitnet.safetensors";
  if (!exists(shipped) || !exists(kGolden + "shipped_logits.npy")) {
    CS_SKIP("no shipped weights or shipped_logits.npy (tests/golden/digitnet_torch.py shipped)");
  }
  auto model = load_digitnet(shipped);
  REQUIRE_MESSAGE(model.is_ok(), model.message());
  auto x = npy_read(kGolden + "inputs.npy");
  auto want = npy_read(kGolden + "shipped_logits.npy");
  REQUIRE(x.is_ok());
  REQUIRE(want.is_ok());
  Tensor logits;
  REQUIRE((*model)->forward(*x, logits).is_ok());
  CHECK(check_close(logits, *want, 1e-4f, 1e-4f, "shipped_logits (regenerate with digitnet_torch.py shipped)"));
}

TEST_CASE("digitnet: save -> load gives identical outputs; wrong files are refused by name") {
  auto a = make_digitnet_model(3);
  // Make the BatchNorm statistics non-trivial with a few training-mode forwards.
  Tensor x({4, 1, 28, 28}), logits_a, logits_b;
  for (size_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>((i * 2654435761u) % 1000) / 1000.0f;
  for (int k = 0; k < 3; ++k) REQUIRE(a->forward(x, logits_a).is_ok());
  a->eval();
  REQUIRE(a->forward(x, logits_a).is_ok());
  const std::string path = cs_test::temp_path("digitnet.safetensors");
  REQUIRE(save_digitnet(*a, path).is_ok());
  auto b = load_digitnet(path);
  REQUIRE_MESSAGE(b.is_ok(), b.message());
  REQUIRE((*b)->forward(x, logits_b).is_ok());
  CHECK(logits_a.values() == logits_b.values());

  auto st = read_safetensors(path);
  REQUIRE(st.is_ok());
  SafeTensors renamed = *st;
  renamed.tensors["fc.wieght"] = renamed.tensors["fc.weight"];
  renamed.tensors.erase("fc.weight");
  auto m = make_digitnet_model(0);
  Status s = load_digitnet_state(*m, renamed, "x.safetensors");
  CHECK(s.message().find("x.safetensors: state_dict is missing key 'fc.weight'") == 0);
  SafeTensors reshaped = *st;
  reshaped.tensors["fc.weight"] = Tensor({10, 64});
  s = load_digitnet_state(*m, reshaped, "y.safetensors");
  CHECK(s.message().find("'fc.weight': shape (10, 64) in the file, (10, 128) in the model") != std::string::npos);
  SafeTensors other = *st;
  other.metadata["architecture"] = "ResNet";
  CHECK(load_digitnet_state(*m, other, "z").message() == "z: architecture is 'ResNet', expected 'DigitNet-v1'");
  std::remove(path.c_str());
}

TEST_CASE("trainer: augmentation is exact for the identity and a whole-pixel shift") {
  float in[784], out[784];
  for (int i = 0; i < 784; ++i) in[i] = static_cast<float>((i * 37) % 101) / 100.0f;
  AugmentOptions none;
  none.max_rotation_deg = 0;
  none.min_scale = none.max_scale = 1;
  none.max_shift = 0;
  none.thicken_prob = none.thin_prob = 0;
  augment_digit(in, out, none, 42);
  for (int i = 0; i < 784; ++i) REQUIRE(out[i] == doctest::Approx(in[i]).epsilon(1e-6));
  // Dilation only: every output pixel is the max of its 3x3 cross.
  AugmentOptions thick = none;
  thick.thicken_prob = 1;
  augment_digit(in, out, thick, 42);
  CHECK(out[14 * 28 + 14] == doctest::Approx(std::max({in[14 * 28 + 14], in[14 * 28 + 13], in[14 * 28 + 15],
                                                        in[13 * 28 + 14], in[15 * 28 + 14]})));
  // Random maps keep values in [0, 1] and differ between seeds.
  AugmentOptions def;
  float out2[784];
  augment_digit(in, out, def, 1);
  augment_digit(in, out2, def, 2);
  bool differ = false;
  for (int i = 0; i < 784; ++i) {
    REQUIRE(out[i] >= 0.0f);
    REQUIRE(out[i] <= 1.0f + 1e-6f);
    differ |= out[i] != out2[i];
  }
  CHECK(differ);
}

TEST_CASE("trainer: deterministic, and a resumed run equals the uninterrupted one") {
  MnistSet data = synthetic_set(200);
  TrainerOptions o;
  o.epochs = 2;
  o.batch_size = 16;
  o.validation_size = 40;  // 160 training images: 10 steps per epoch
  o.seed = 5;

  auto full = make_digitnet_model(o.seed);
  Trainer t_full(*full, data, o);
  REQUIRE(t_full.init_status().is_ok());
  CHECK(t_full.progress().total_steps == 20);
  REQUIRE(t_full.run_steps(14).is_ok());

  auto first = make_digitnet_model(o.seed);
  Trainer t_first(*first, data, o);
  REQUIRE(t_first.run_steps(8).is_ok());
  auto bytes = serialize_safetensors(t_first.checkpoint());
  REQUIRE(bytes.is_ok());
  auto ck = parse_safetensors(bytes->data(), bytes->size(), "ckpt");
  REQUIRE_MESSAGE(ck.is_ok(), ck.message());

  auto resumed = make_digitnet_model(99);  // different init: everything must come from the checkpoint
  Trainer t_resumed(*resumed, data, o);
  Status r = t_resumed.restore(*ck, "ckpt");
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  CHECK(t_resumed.progress().step == 8);
  REQUIRE(t_resumed.run_steps(6).is_ok());

  auto sa = full->state_dict(), sb = resumed->state_dict();
  REQUIRE(sa.size() == sb.size());
  size_t differing = 0;
  for (size_t i = 0; i < sa.size(); ++i)
    if (!sa[i].integer && sa[i].value->values() != sb[i].value->values()) {
      if (differing++ < 3) MESSAGE("differs: " << sa[i].name);
    }
  CHECK(differing == 0);
  CHECK(t_full.lr_at(0) < t_full.lr_at(3));    // warm-up
  CHECK(t_full.lr_at(19) < t_full.lr_at(5));   // cosine decay

  // A checkpoint from another configuration is refused.
  TrainerOptions other = o;
  other.seed = 6;
  auto m = make_digitnet_model(6);
  Trainer t_other(*m, data, other);
  CHECK(t_other.restore(*ck, "ckpt").message().find("ckpt: checkpoint was made with seed 5") == 0);

  auto v = t_full.validate();
  REQUIRE(v.is_ok());
  CHECK(v->count == 40);
}
