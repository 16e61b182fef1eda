// commands.h — the `convscope` subcommands; each lives in its own cli/<name>.cpp.
// A command gets the arguments after its name and returns the process exit code
// (0 ok, 1 runtime failure, 2 bad usage or bad input).
#pragma once

namespace cs::cli {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

// The table lives in main.cpp; add a line there and a declaration here for a new command.
int run_op(int argc, char** argv);
int run_train(int argc, char** argv);
int run_eval(int argc, char** argv);
int run_predict(int argc, char** argv);
int run_se_stats(int argc, char** argv);
int run_bench(int argc, char** argv);
int run_saliency(int argc, char** argv);
int run_convert(int argc, char** argv);

}  // namespace cs::cli
