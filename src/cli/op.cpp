// op.cpp — `convscope op <name>`: runs one engine op on .npy files and writes the result as .npy.
// The same ops as the engine's tests, so a user can compare against PyTorch on their own data:
//   conv2d, conv2d-backward, conv-transpose2d, max-pool2d, avg-pool2d, im2col (= torch unfold).
// Sizes are one number or H,W; defaults are PyTorch's. Bad usage or input: message on stderr, exit 2.
#include <cstdio>
#include <cstring>
#include <string>

#include "args.h"
#include "commands.h"
#include "engine/data/npy.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/conv_transpose2d.h"
#include "engine/ops/im2col.h"
#include "engine/ops/pool.h"

namespace cs::cli {

namespace {

constexpr int kBadUsage = 2;
constexpr int kRuntimeFailure = 1;

const char* const kUsage =
    "usage: convscope op <name> [options]   (tensors are float32 .npy files, NCHW)\n\n"
    "  conv2d            --input X.npy --weight W.npy [--bias B.npy] [--stride S] [--padding P]\n"
    "                    [--dilation D] [--groups G] [--algo reference|im2col|winograd|auto] --output Y.npy\n"
    "  conv2d-backward   --input X.npy --weight W.npy --grad-output GY.npy [conv2d options]\n"
    "                    --grad-input GX.npy --grad-weight GW.npy [--grad-bias GB.npy]\n"
    "  conv-transpose2d  --input X.npy --weight W.npy [--bias B.npy] [--stride S] [--padding P]\n"
    "                    [--output-padding P] [--dilation D] [--groups G] --output Y.npy\n"
    "  max-pool2d        --input X.npy --kernel K [--stride S] [--padding P] [--dilation D] [--ceil-mode]\n"
    "                    --output Y.npy\n"
    "  avg-pool2d        --input X.npy --kernel K [--stride S] [--padding P] [--ceil-mode]\n"
    "                    [--no-count-include-pad] --output Y.npy\n"
    "  im2col            --input X.npy --kernel K [--stride S] [--padding P] [--dilation D] --output COLS.npy\n"
    "                    (COLS is (N, C*kH*kW, L), the layout of torch.nn.functional.unfold)\n\n"
    "Sizes are one integer or H,W. Defaults are PyTorch's: stride 1 (pooling: = kernel), padding 0,\n"
    "dilation 1, groups 1, output-padding 0, algo auto. `--algo winograd` needs a 3x3 kernel,\n"
    "stride 1 and dilation 1; anything else is an error, never a silent fallback.\n";

int fail(const std::string& op, const Status& s, int code = kBadUsage) {
  std::fprintf(stderr, "convscope op %s: %s\n", op.c_str(), s.message().c_str());
  return code;
}

Status require(const Args& a, const char* name) {
  if (a.get(name).empty()) return Status::error(std::string("missing required option --") + name);
  return Status::ok();
}

Status load(const Args& a, const char* name, Tensor* out) {
  CS_RETURN_IF_ERROR(require(a, name));
  Result<Tensor> t = npy_read(a.get(name));
  if (!t) return Status::error(std::string("--") + name + " " + t.message());
  *out = std::move(t).value();
  return Status::ok();
}

Status pair(const Args& a, const char* name, int fallback, int min_value, Size2* out) {
  Result<std::vector<int>> v = a.get_pair(name, fallback, min_value);
  if (!v) return v.status();
  *out = Size2{(*v)[0], (*v)[1]};
  return Status::ok();
}

Status conv_params(const Args& a, Conv2dParams* p) {
  CS_RETURN_IF_ERROR(pair(a, "stride", 1, 1, &p->stride));
  CS_RETURN_IF_ERROR(pair(a, "padding", 0, 0, &p->padding));
  CS_RETURN_IF_ERROR(pair(a, "dilation", 1, 1, &p->dilation));
  Result<int> groups = a.get_int("groups", 1, 1, 1 << 20);
  if (!groups) return groups.status();
  p->groups = *groups;
  return Status::ok();
}

Status conv_algo(const Args& a, ConvAlgo* algo) {
  const std::string name = a.get("algo", "auto");
  if (!parse_conv_algo(name.c_str(), algo))
    return Status::error("--algo must be reference, im2col, winograd or auto, got '" + name + "'");
  return Status::ok();
}

// Parses argv for one op; `help` is set when --help was given.
Status parse(Args& a, int argc, char** argv, bool* help) {
  CS_RETURN_IF_ERROR(a.parse(argc, argv));
  if (!a.positional().empty()) return Status::error("unexpected argument '" + a.positional()[0] + "'");
  *help = a.has("help");
  return Status::ok();
}

// Writes, mapping failure to exit 1 (the input was fine; the disk was not).
int save(const std::string& op, const std::string& path, const Tensor& t) {
  Status s = npy_write(path, t);
  if (!s) return fail(op, s, kRuntimeFailure);
  return 0;
}

const std::set<std::string> kConvOptions = {"input", "weight", "bias", "stride", "padding", "dilation", "groups",
                                            "algo", "output"};

int op_conv2d(int argc, char** argv) {
  const std::string op = "conv2d";
  Args a(kConvOptions, {"help"});
  bool help = false;
  Tensor x, w, b, y;
  Conv2dParams p;
  ConvAlgo algo = ConvAlgo::Auto;
  Status s = parse(a, argc, argv, &help);
  if (s && help) return std::fputs(kUsage, stdout), 0;
  if (s) s = load(a, "input", &x);
  if (s) s = load(a, "weight", &w);
  if (s && a.has("bias")) s = load(a, "bias", &b);
  if (s) s = conv_params(a, &p);
  if (s) s = conv_algo(a, &algo);
  if (s) s = require(a, "output");
  if (s) s = conv2d_forward(y, x, w, b.empty() ? nullptr : &b, p, algo);
  if (!s) return fail(op, s);
  return save(op, a.get("output"), y);
}

int op_conv2d_backward(int argc, char** argv) {
  const std::string op = "conv2d-backward";
  std::set<std::string> opts = kConvOptions;
  opts.erase("output");
  opts.insert({"grad-output", "grad-input", "grad-weight", "grad-bias"});
  Args a(opts, {"help"});
  bool help = false;
  Tensor x, w, b, gy, gx, gw, gb;
  Conv2dParams p;
  ConvAlgo algo = ConvAlgo::Auto;
  Status s = parse(a, argc, argv, &help);
  if (s && help) return std::fputs(kUsage, stdout), 0;
  if (s) s = load(a, "input", &x);
  if (s) s = load(a, "weight", &w);
  // The same options as conv2d, so one command line serves both: the gradients do not depend on
  // the bias, but a bias that conv2d would refuse is refused here too.
  if (s && a.has("bias")) s = load(a, "bias", &b);
  if (s) s = load(a, "grad-output", &gy);
  if (s) s = conv_params(a, &p);
  if (s && !b.empty() && w.rank() >= 1) s = expect_shape(b, {w.shape()[0]}, "Conv2d", "bias");
  if (s) s = conv_algo(a, &algo);
  if (s) s = require(a, "grad-input");
  if (s) s = require(a, "grad-weight");
  const bool want_bias = a.has("grad-bias");
  if (s) s = conv2d_backward(&gx, &gw, want_bias ? &gb : nullptr, gy, x, w, p, algo);
  if (!s) return fail(op, s);
  int rc = save(op, a.get("grad-input"), gx);
  if (!rc) rc = save(op, a.get("grad-weight"), gw);
  if (!rc && want_bias) rc = save(op, a.get("grad-bias"), gb);
  return rc;
}

int op_conv_transpose2d(int argc, char** argv) {
  const std::string op = "conv-transpose2d";
  std::set<std::string> opts = kConvOptions;
  opts.erase("algo");
  opts.insert("output-padding");
  Args a(opts, {"help"});
  bool help = false;
  Tensor x, w, b, y;
  Conv2dParams cp;
  ConvTranspose2dParams p;
  Status s = parse(a, argc, argv, &help);
  if (s && help) return std::fputs(kUsage, stdout), 0;
  if (s) s = load(a, "input", &x);
  if (s) s = load(a, "weight", &w);
  if (s && a.has("bias")) s = load(a, "bias", &b);
  if (s) s = conv_params(a, &cp);
  if (s) s = pair(a, "output-padding", 0, 0, &p.output_padding);
  if (s) s = require(a, "output");
  p.stride = cp.stride;
  p.padding = cp.padding;
  p.dilation = cp.dilation;
  p.groups = cp.groups;
  if (s) s = conv_transpose2d_forward(y, x, w, b.empty() ? nullptr : &b, p);
  if (!s) return fail(op, s);
  return save(op, a.get("output"), y);
}

int op_max_pool2d(int argc, char** argv) {
  const std::string op = "max-pool2d";
  Args a({"input", "kernel", "stride", "padding", "dilation", "output"}, {"ceil-mode", "help"});
  bool help = false;
  Tensor x, y;
  MaxPool2dParams p;
  Status s = parse(a, argc, argv, &help);
  if (s && help) return std::fputs(kUsage, stdout), 0;
  if (s) s = load(a, "input", &x);
  if (s) s = require(a, "kernel");
  if (s) s = pair(a, "kernel", 0, 1, &p.kernel);
  if (s) s = pair(a, "stride", 0, 1, &p.stride);  // absent -> 0 -> "= kernel", as PyTorch's None
  if (s) s = pair(a, "padding", 0, 0, &p.padding);
  if (s) s = pair(a, "dilation", 1, 1, &p.dilation);
  p.ceil_mode = a.has("ceil-mode");
  if (s) s = require(a, "output");
  if (s) s = max_pool2d_forward(y, x, p);
  if (!s) return fail(op, s);
  return save(op, a.get("output"), y);
}

int op_avg_pool2d(int argc, char** argv) {
  const std::string op = "avg-pool2d";
  Args a({"input", "kernel", "stride", "padding", "output"}, {"ceil-mode", "no-count-include-pad", "help"});
  bool help = false;
  Tensor x, y;
  AvgPool2dParams p;
  Status s = parse(a, argc, argv, &help);
  if (s && help) return std::fputs(kUsage, stdout), 0;
  if (s) s = load(a, "input", &x);
  if (s) s = require(a, "kernel");
  if (s) s = pair(a, "kernel", 0, 1, &p.kernel);
  if (s) s = pair(a, "stride", 0, 1, &p.stride);
  if (s) s = pair(a, "padding", 0, 0, &p.padding);
  p.ceil_mode = a.has("ceil-mode");
  p.count_include_pad = !a.has("no-count-include-pad");
  if (s) s = require(a, "output");
  if (s) s = avg_pool2d_forward(y, x, p);
  if (!s) return fail(op, s);
  return save(op, a.get("output"), y);
}

int op_im2col(int argc, char** argv) {
  const std::string op = "im2col";
  Args a({"input", "kernel", "stride", "padding", "dilation", "output"}, {"help"});
  bool help = false;
  Tensor x, cols;
  Size2 kernel;
  Conv2dParams p;
  Status s = parse(a, argc, argv, &help);
  if (s && help) return std::fputs(kUsage, stdout), 0;
  if (s) s = load(a, "input", &x);
  if (s) s = require(a, "kernel");
  if (s) s = pair(a, "kernel", 0, 1, &kernel);
  if (s) s = pair(a, "stride", 1, 1, &p.stride);
  if (s) s = pair(a, "padding", 0, 0, &p.padding);
  if (s) s = pair(a, "dilation", 1, 1, &p.dilation);
  if (s) s = require(a, "output");
  if (s) s = im2col(cols, x, kernel, p);
  if (!s) return fail(op, s);
  return save(op, a.get("output"), cols);
}

struct SubOp {
  const char* name;
  int (*run)(int argc, char** argv);
};

const SubOp kOps[] = {
    {"conv2d", op_conv2d},         {"conv2d-backward", op_conv2d_backward}, {"conv-transpose2d", op_conv_transpose2d},
    {"max-pool2d", op_max_pool2d}, {"avg-pool2d", op_avg_pool2d},           {"im2col", op_im2col},
};

}  // namespace

int run_op(int argc, char** argv) {
  if (argc < 1) {
    std::fputs(kUsage, stderr);
    return kBadUsage;
  }
  if (!std::strcmp(argv[0], "--help") || !std::strcmp(argv[0], "-h") || !std::strcmp(argv[0], "help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  for (const SubOp& o : kOps)
    if (!std::strcmp(argv[0], o.name)) return o.run(argc - 1, argv + 1);
  std::fprintf(stderr, "convscope op: unknown op '%s' (see convscope op --help)\n", argv[0]);
  return kBadUsage;
}

}  // namespace cs::cli
