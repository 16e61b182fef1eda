// main.cpp — `convscope`: the command-line entry. Dispatches to one subcommand per file.
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "engine/cpu.h"

namespace {

const cs::cli::Command kCommands[] = {
    {"op", "run one op (conv2d, conv2d-backward, conv-transpose2d, max-pool2d, avg-pool2d, im2col) on .npy files", cs::cli::run_op},
    {"train", "train DigitNet on MNIST (progress bar, checkpoints, --resume)", cs::cli::run_train},
    {"eval", "DigitNet's accuracy, per class and confusion matrix on the MNIST test set", cs::cli::run_eval},
    {"predict", "classify a digit in a PNG/JPEG/BMP image with DigitNet", cs::cli::run_predict},
    {"se-stats", "mean SE excitation per digit for each SE block of DigitNet", cs::cli::run_se_stats},
    {"saliency", "why DigitNet answers: input gradient and Grad-CAM of a digit image (--json for the maps)", cs::cli::run_saliency},
    {"convert", "rewrite a safetensors file with its tensors stored as f16 or f32 (--dtype)", cs::cli::run_convert},
    {"bench", "time the engine on the peers' cases (L1-L9, M1, T1); --json for the peers harness", cs::cli::run_bench},
};

void print_help() {
  std::printf(
      "ConvScope %s: a CNN engine that teaches convolution by showing it.\n\n"
      "usage: convscope <command> [options]\n       convscope --version | --help\n\ncommands:\n",
      CS_VERSION);
  for (const auto& c : kCommands) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("\n`convscope <command> --help` describes a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    print_help();
    return argc < 2 ? 2 : 0;
  }
  // CS_CPU names the CPU family every command runs with (cpu.h); one this CPU lacks is refused here,
  // before any work, rather than replaced by another.
  if (!cs::cpu_env_error().empty()) {
    std::fprintf(stderr, "convscope: %s\n", cs::cpu_env_error().c_str());
    return 2;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::string families;
    for (cs::CpuFamily f : cs::cpu_families()) families += (families.empty() ? "" : " ") + std::string(cs::cpu_family_name(f));
    std::printf("convscope %s\ncpu family: %s (this CPU has: %s)\ncpu features: %s\n", CS_VERSION,
                cs::cpu_family_name(cs::cpu_family()), families.c_str(), cs::cpu_features().c_str());
    return 0;
  }
  for (const auto& c : kCommands)
    if (!std::strcmp(argv[1], c.name)) return c.run(argc - 2, argv + 2);
  std::fprintf(stderr, "convscope: unknown command '%s' (see convscope --help)\n", argv[1]);
  return 2;
}
