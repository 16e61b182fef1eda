// se_stats.cpp — `convscope se-stats`: for each Squeeze-and-Excitation block of DigitNet, the mean
// excitation vector per digit over the MNIST test set (10 x C): the data behind the SE panel.
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "digit_common.h"
#include "engine/nn/se_stats.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/parallel.h"

namespace cs::cli {

int run_se_stats(int argc, char** argv) {
  const char* kUsage =
      "usage: convscope se-stats [--weights FILE] [--data DIR] [--threads T] [--limit N] [--levels 16] [--json]\n"
      "  mean SE excitation per digit (rows 0..9) and channel, for every SE block, over the test set\n"
      "  --limit N    only the first N test images (default: all 10,000)\n"
      "  --levels 16  first reduce the digits to 16 grey levels as the page's bundled digits are\n"
      "               (level = (g * 15 + 127) / 255, grey = level * 17; scripts/pack_digits.mjs)\n";
  Args args({"weights", "data", "threads", "limit", "levels"}, {"json", "help"});
  Status s = args.parse(argc, argv);
  if (!s || args.has("help")) {
    if (!s) std::fprintf(stderr, "convscope se-stats: %s\n", s.message().c_str());
    std::fprintf(s ? stdout : stderr, "%s", kUsage);
    return s ? 0 : kExitUsage;
  }
  Result<int> threads = args.get_int("threads", 0, 0, 256);
  if (!threads) return command_error("se-stats", threads.message(), kExitUsage);
  set_num_threads(*threads);
  Result<int> limit = args.get_int("limit", 0, 1, 1 << 30);
  if (!limit) return command_error("se-stats", limit.message(), kExitUsage);
  auto model = load_digitnet(args.get("weights", kDefaultWeights));
  if (!model) return command_error("se-stats", model.message(), kExitUsage);
  auto test = load_mnist(args.get("data", kDefaultMnistDir), "t10k");
  if (!test) return command_error("se-stats", test.message(), kExitUsage);
  keep_first(*test, *limit);
  const std::string levels = args.get("levels", "256");
  if (levels != "256" && levels != "16")
    return command_error("se-stats", "--levels " + levels + ": expected 16 (the page's bundled digits) or 256", kExitUsage);
  // The page's bundled digits keep 16 grey levels (the engine's one formula): the page's SE
  // statistics over them can be checked against this command.
  if (levels == "16")
    for (uint8_t& g : test->images) g = mnist_grey_quantised16(g);

  // The same engine function as the page's SE pass (accumulate_se_class_sums), over every test image.
  std::vector<SeBlock> blocks = digitnet_se_blocks(**model);
  SeClassSums sums;
  sums.reset(blocks);
  const int* count = sums.count;
  Tensor x, logits;
  std::vector<int> labels;
  const int batch = 250, px = test->rows * test->cols;
  (*model)->eval();
  for (int start = 0; start < test->count; start += batch) {
    const int n = std::min(batch, test->count - start);
    x.resize({n, 1, test->rows, test->cols});
    for (size_t i = 0; i < static_cast<size_t>(n) * px; ++i)
      x[i] = test->images[static_cast<size_t>(start) * px + i] / 255.0f;
    labels.assign(test->labels.begin() + start, test->labels.begin() + start + n);
    Status f = accumulate_se_class_sums(**model, blocks, x, labels.data(), sums, logits);
    if (!f) return command_error("se-stats", f.message(), kExitRuntime);
  }
  std::vector<std::vector<double>> sum(blocks.size());
  for (size_t b = 0; b < blocks.size(); ++b) sum[b] = sums.blocks[b].sum;
  const bool json = args.has("json");
  if (json) std::printf("{\"count\": [");
  if (json)
    for (int d = 0; d < 10; ++d) std::printf("%s%d", d ? ", " : "", count[d]);
  if (json) std::printf("], \"blocks\": [");
  for (size_t b = 0; b < blocks.size(); ++b) {
    const int C = blocks[b].se->channels();
    if (json) std::printf("%s{\"name\": \"%s\", \"channels\": %d, \"mean\": [", b ? ", " : "", blocks[b].name.c_str(), C);
    else std::printf("%s (%d channels): mean excitation per digit\n", blocks[b].name.c_str(), C);
    for (int d = 0; d < 10; ++d) {
      if (json) std::printf("%s[", d ? ", " : "");
      else std::printf("  %d:", d);
      for (int c = 0; c < C; ++c) {
        const double m = count[d] ? sum[b][static_cast<size_t>(d) * C + c] / count[d] : 0.0;
        if (json) std::printf("%s%.5f", c ? ", " : "", m);
        else std::printf(" %.3f", m);
      }
      std::printf(json ? "]" : "\n");
    }
    if (json) std::printf("]}");
  }
  if (json) std::printf("]}\n");
  return 0;
}

}  // namespace cs::cli
