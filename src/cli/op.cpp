// op.cpp — `convscope op <name>`: runs one engine op on .npy files (filled in by the engine work).
#include <cstdio>

#include "commands.h"

namespace cs::cli {

int run_op(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "convscope op: not built yet\n");
  return 2;
}

}  // namespace cs::cli
