// predict.cpp — `convscope predict IMAGE`: a PNG/JPEG/BMP photo or drawing, preprocessed exactly as
// the page does (engine/data/digit_input), classified by DigitNet; prints the class and the ten
// probabilities, or {"class": k, "probabilities": [...]} with --json.
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "digit_common.h"
#include "engine/data/digit_input.h"
#include "engine/data/image.h"
#include "engine/ops/activation.h"

namespace cs::cli {

int run_predict(int argc, char** argv) {
  const char* kUsage =
      "usage: convscope predict IMAGE [--weights FILE] [--json]\n"
      "  IMAGE      PNG, JPEG or BMP, at most 4096x4096: a digit, dark on light or light on dark\n"
      "  --weights  DigitNet safetensors (default assets/digitnet.safetensors)\n";
  Args args({"weights"}, {"json", "help"});
  Status s = args.parse(argc, argv);
  if (s && !args.has("help") && args.positional().size() != 1)
    s = Status::error(args.positional().empty() ? "missing IMAGE" : "expected one IMAGE");
  if (!s || args.has("help")) {
    if (!s) std::fprintf(stderr, "convscope predict: %s\n", s.message().c_str());
    std::fprintf(s ? stdout : stderr, "%s", kUsage);
    return s ? 0 : kExitUsage;
  }
  auto image = read_image_file(args.positional()[0]);
  if (!image) return command_error("predict", image.message(), kExitUsage);
  DigitSteps steps = prepare_digit(to_grey(*image));
  if (!steps.has_ink) return command_error("predict", args.positional()[0] + ": " + steps.message, kExitUsage);
  auto model = load_digitnet(args.get("weights", kDefaultWeights));
  if (!model) return command_error("predict", model.message(), kExitUsage);
  Tensor logits, probs;
  Status f = (*model)->forward(digit_tensor(steps), logits);
  if (f) f = softmax_forward(probs, logits);
  if (!f) return command_error("predict", f.message(), kExitRuntime);
  int best = 0;
  for (int c = 1; c < 10; ++c)
    if (probs[c] > probs[best]) best = c;
  if (args.has("json")) {
    std::printf("{\"class\": %d, \"probabilities\": [", best);
    for (int c = 0; c < 10; ++c) std::printf("%s%.6f", c ? ", " : "", probs[c]);
    std::printf("], \"inverted\": %s, \"sheet\": %s, \"ink_box\": [%d, %d, %d, %d]}\n",
                steps.inverted ? "true" : "false", steps.sheet ? "true" : "false", steps.box_x, steps.box_y,
                steps.box_w, steps.box_h);
    return 0;
  }
  std::printf("digit: %d (%.1f%%)\n", best, 100.0 * probs[best]);
  for (int c = 0; c < 10; ++c) std::printf("  %d: %6.2f%%\n", c, 100.0 * probs[c]);
  return 0;
}

}  // namespace cs::cli
