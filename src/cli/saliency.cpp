// saliency.cpp — `convscope saliency IMAGE`: why DigitNet answers what it does. The image is
// preprocessed as the page does (or taken as-is with --mnist), then engine/nn/saliency gives the
// input gradient d logit_k / d x and Grad-CAM at "head" for class k (the prediction by default).
// Prints an ASCII map, or JSON with the 28x28 maps (row-major) for tests and notebooks.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "digit_common.h"
#include "engine/data/digit_input.h"
#include "engine/data/idx.h"
#include "engine/data/image.h"
#include "engine/nn/saliency.h"

namespace cs::cli {

namespace {

constexpr int kSide = kMnistSide;  // MNIST's, DigitNet's input

void print_array(const char* key, const float* v, size_t n, bool last = false) {
  std::printf("\"%s\": [", key);
  for (size_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? ", " : "", v[i]);
  std::printf("]%s\n", last ? "" : ",");
}

// A map as characters, darkest to brightest, scaled to its own maximum.
void print_ascii(const float* v, int h, int w) {
  const char* ramp = " .:-=+*#%@";
  float hi = 0.0f;
  for (int i = 0; i < h * w; ++i) hi = std::max(hi, v[i]);
  for (int y = 0; y < h; ++y) {
    std::string row;
    for (int x = 0; x < w; ++x) {
      const int k = hi > 0 ? std::min(9, static_cast<int>(v[y * w + x] / hi * 9.999f)) : 0;
      row += ramp[k];
      row += ramp[k];  // two characters a pixel keep the aspect ratio of a terminal
    }
    std::printf("  |%s|\n", row.c_str());
  }
}

}  // namespace

int run_saliency(int argc, char** argv) {
  const char* kUsage =
      "usage: convscope saliency IMAGE [--class K] [--mnist] [--weights FILE] [--json]\n"
      "  IMAGE      PNG, JPEG or BMP: a digit, preprocessed as `convscope predict` does\n"
      "  --mnist    IMAGE is already the network's 28x28 input (light ink on black, as MNIST): no preprocessing\n"
      "  --class    explain class K (0-9) instead of the predicted one\n"
      "  --weights  DigitNet safetensors (default assets/digitnet.safetensors)\n"
      "  --json     {class, predicted, logits, input_gradient, saliency = |input_gradient|, grad_cam (28x28),\n"
      "              grad_cam_7x7, cam_layer} with 28x28 maps row-major\n";
  Args args({"weights", "class"}, {"json", "mnist", "help"});
  Status s = args.parse(argc, argv);
  if (s && !args.has("help") && args.positional().size() != 1)
    s = Status::error(args.positional().empty() ? "missing IMAGE" : "expected one IMAGE");
  Result<int> cls_arg = args.get_int("class", -1, 0, 9);
  if (s && !cls_arg) s = cls_arg.status();
  if (!s || args.has("help")) {
    if (!s) std::fprintf(stderr, "convscope saliency: %s\n", s.message().c_str());
    std::fprintf(s ? stdout : stderr, "%s", kUsage);
    return s ? 0 : kExitUsage;
  }
  const std::string& path = args.positional()[0];
  auto image = read_image_file(path);
  if (!image) return command_error("saliency", image.message(), kExitUsage);
  const GreyImage grey = to_grey(*image);
  Tensor x;
  if (args.has("mnist")) {
    if (grey.width != kSide || grey.height != kSide)
      return command_error("saliency", fmt("%s: --mnist needs a %dx%d image, got %dx%d", path.c_str(), kSide,
                                           kSide, grey.width, grey.height), kExitUsage);
    x = Tensor(Shape{1, 1, kSide, kSide}, grey.pixels);
  } else {
    DigitSteps steps = prepare_digit(grey);
    if (!steps.has_ink) return command_error("saliency", path + ": " + steps.message, kExitUsage);
    x = digit_tensor(steps);
  }
  auto model = load_digitnet(args.get("weights", kDefaultWeights));
  if (!model) return command_error("saliency", model.message(), kExitUsage);
  // The prediction first (class 0's pass gives the logits), then the class to explain.
  SaliencyMaps maps;
  Status r = compute_saliency(**model, x, 0, "head", maps);
  if (!r) return command_error("saliency", r.message(), kExitRuntime);
  const std::vector<float>& l = maps.logits.values();
  const int predicted = static_cast<int>(std::max_element(l.begin(), l.end()) - l.begin());
  const int cls = *cls_arg >= 0 ? *cls_arg : predicted;
  if (cls != 0) r = compute_saliency(**model, x, cls, "head", maps);
  if (!r) return command_error("saliency", r.message(), kExitRuntime);
  std::vector<float> magnitude(maps.input_gradient.numel());
  for (size_t i = 0; i < magnitude.size(); ++i) magnitude[i] = std::fabs(maps.input_gradient[i]);
  if (args.has("json")) {
    std::printf("{\"class\": %d, \"predicted\": %d, \"cam_layer\": \"%s\",\n", cls, predicted, maps.cam_layer.c_str());
    print_array("logits", l.data(), l.size());
    print_array("input_gradient", maps.input_gradient.data(), maps.input_gradient.numel());
    print_array("saliency", magnitude.data(), magnitude.size());
    print_array("grad_cam", maps.cam_upsampled.data(), maps.cam_upsampled.numel());
    print_array("grad_cam_7x7", maps.cam.data(), maps.cam.numel(), true);
    std::printf("}\n");
    return 0;
  }
  const float gmax = *std::max_element(magnitude.begin(), magnitude.end());
  const float cmax = *std::max_element(maps.cam_upsampled.values().begin(), maps.cam_upsampled.values().end());
  std::printf("predicted %d; explaining class %d (logit %.3f)\n", predicted, cls, l[static_cast<size_t>(cls)]);
  std::printf("input gradient |d logit / d x|, max %.4g:\n", gmax);
  print_ascii(magnitude.data(), kSide, kSide);
  std::printf("Grad-CAM at '%s' (%dx%d, resized to 28x28), max %.4g:\n", maps.cam_layer.c_str(), maps.cam.dim(0),
              maps.cam.dim(1), cmax);
  print_ascii(maps.cam_upsampled.data(), kSide, kSide);
  return 0;
}

}  // namespace cs::cli
