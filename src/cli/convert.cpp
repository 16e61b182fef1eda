// convert.cpp — `convscope convert IN OUT --dtype f16|f32`: rewrites a safetensors file with every
// tensor stored as F16 or F32, names, shapes and metadata unchanged (the page ships DigitNet's
// weights as F16 to halve them, for its first-load budget). The result is checked by reading it back.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "args.h"
#include "commands.h"
#include "digit_common.h"
#include "engine/data/safetensors.h"

namespace cs::cli {

int run_convert(int argc, char** argv) {
  const char* kUsage =
      "usage: convscope convert IN OUT [--dtype f16|f32]\n"
      "  rewrites the safetensors file IN as OUT with every tensor stored as --dtype (default f16);\n"
      "  metadata is kept and gains \"stored_dtype\". F16 refuses values beyond +-65504.\n";
  Args args({"dtype"}, {"help"});
  Status s = args.parse(argc, argv);
  if (s && !args.has("help") && args.positional().size() != 2)
    s = Status::error(fmt("expected IN and OUT, got %zu file names", args.positional().size()));
  if (!s || args.has("help")) {
    if (!s) std::fprintf(stderr, "convscope convert: %s\n", s.message().c_str());
    std::fprintf(s ? stdout : stderr, "%s", kUsage);
    return s ? 0 : kExitUsage;
  }
  Result<SafetensorsDtype> dtype = parse_safetensors_dtype(args.get("dtype", "f16"));
  if (!dtype) return command_error("convert", "--dtype: " + dtype.message(), kExitUsage);
  const std::string in = args.positional()[0], out = args.positional()[1];
  Result<SafeTensors> st = read_safetensors(in);
  if (!st) return command_error("convert", st.message(), kExitUsage);
  st->metadata["stored_dtype"] = *dtype == SafetensorsDtype::F16 ? "F16" : "F32";
  Status w = write_safetensors(out, *st, *dtype);
  if (!w) return command_error("convert", w.message(), kExitRuntime);
  Result<SafeTensors> back = read_safetensors(out);
  if (!back) return command_error("convert", "reading the result back: " + back.message(), kExitRuntime);
  double worst = 0;
  for (const auto& kv : st->tensors) {
    const Tensor* t = back->find(kv.first);
    if (!t || t->shape() != kv.second.shape())
      return command_error("convert", "tensor '" + kv.first + "' did not survive the conversion", kExitRuntime);
    for (size_t i = 0; i < t->numel(); ++i) worst = std::max(worst, std::fabs(double((*t)[i]) - kv.second[i]));
  }
  std::printf("%s -> %s: %zu tensors as %s, largest change %.3g\n", in.c_str(), out.c_str(), st->tensors.size(),
              st->metadata["stored_dtype"].c_str(), worst);
  return 0;
}

}  // namespace cs::cli
