// backward_stepper_model.cpp — the stepper's backward direction: dL/dY from the chosen loss, the
// engine's gradients (conv2d_backward, pool backward), partial sums by masked engine calls, the
// rotated-kernel and col2im views of dL/dX, one SGD step and the gradient check.
#include "backward_stepper_model.h"

#include <algorithm>
#include <cmath>

#include "engine/ops/conv2d.h"
#include "engine/ops/gemm.h"
#include "engine/ops/im2col.h"
#include "engine/ops/loss.h"
#include "engine/ops/pool.h"
#include "engine/train/optimizer.h"
#include "ui_strings.h"

namespace cs::app {

// [SECTION] names and shapes ---------------------------------------------------------------------------

namespace {

const char* const kGradNames[kGradChoiceCount] = {"ones", "random", "custom", "target"};

Tensor tensor_of(const std::vector<float>& v, Shape s) {
  const int64_t n = shape_numel(s);
  if (n < 0 || static_cast<size_t>(n) != v.size()) return Tensor(s, 0.0f);
  return Tensor(std::move(s), v);
}

Tensor input_tensor(const StepperConfig& c, const StepperData& d) { return tensor_of(d.input, {1, c.C, c.H, c.W}); }

Tensor weight_tensor(const BackwardResult& b, const std::vector<float>& w) {
  return tensor_of(w, {b.OC, b.cg, b.KH, b.KW});
}

// The engine's forward pass of the stepper's convolution with the given weights (bias included).
Status conv_forward(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                    const std::vector<float>& w, Tensor* out) {
  Tensor bias({b.OC}, c.bias);
  return conv2d_forward(*out, input_tensor(c, d), weight_tensor(b, w), &bias, b.conv, ConvAlgo::Reference);
}

// The choice's loss of an output Y (engine losses): sum(g*Y) or sum((Y-T)^2).
Status loss_of(const BackwardResult& b, const BackwardSettings& s, const Tensor& y, double* loss) {
  if (s.grad == GradChoice::Target) return mse_sum_forward(loss, y, b.target);
  return dot_loss_forward(loss, y, b.grad_output);
}

// Backward through the mode's op with the given dL/dY (engine): conv or pooling.
Status run_backward(const StepperConfig& c, const StepperData& d, const BackwardResult& b, const Tensor& gy,
                    Tensor* gx, Tensor* gw, Tensor* gb) {
  const Tensor in = input_tensor(c, d);
  if (c.mode == ConvMode::MaxPool) return max_pool2d_backward(*gx, gy, in, max_pool_params(c));
  if (c.mode == ConvMode::AvgPool) return avg_pool2d_backward(*gx, gy, in.shape(), avg_pool_params(c));
  return conv2d_backward(gx, gw, gb, gy, in, weight_tensor(b, d.weight), b.conv, ConvAlgo::Reference);
}

// A seeded generator, so "random" is the same gradient on every machine and after a reload.
int lcg_next(unsigned* s, int lo, int hi) {
  *s = *s * 1664525u + 1013904223u;
  return lo + static_cast<int>((*s >> 8) % static_cast<unsigned>(hi - lo + 1));
}

// Keeps the overlapping cells of an (OC, OH, OW) grid when the output changes size; zeros elsewhere.
void fit_grid(std::vector<float>* v, int OC, int OH, int OW) {
  const size_t n = static_cast<size_t>(OC) * OH * OW;
  if (v->size() == n) return;
  v->assign(n, 0.0f);
}

}  // namespace

const char* grad_choice_name(GradChoice g) { return kGradNames[static_cast<int>(g)]; }

bool parse_grad_choice(const std::string& name, GradChoice* out) {
  for (int i = 0; i < kGradChoiceCount; ++i)
    if (name == kGradNames[i]) {
      *out = static_cast<GradChoice>(i);
      return true;
    }
  return false;
}

std::string backward_unsupported(const StepperConfig& c) {
  if (c.mode == ConvMode::Transposed) return tr(S::bwd_no_transposed);
  return "";
}

// [SECTION] gradients and the three views of dL/dX ----------------------------------------------------------

namespace {

// dL/dX as a full convolution: dL/dY with stride-1 zeros between its cells, placed so that output row h
// reads rows h .. h + D(KH-1) (offset D(KH-1) - P, cropped where the padding is larger), convolved by
// the engine with the kernel rotated 180 degrees and its in/out channels swapped within each group.
Status rotated_view(const StepperConfig& c, const StepperData& d, BackwardResult& b) {
  const int Dh = c.dilation.h, Dw = c.dilation.w;
  const int Hp = c.H + Dh * (b.KH - 1), Wp = c.W + Dw * (b.KW - 1);
  const int qh = Dh * (b.KH - 1) - c.padding.h, qw = Dw * (b.KW - 1) - c.padding.w;
  b.dy_padded = Tensor({1, b.OC, Hp, Wp}, 0.0f);
  for (int o = 0; o < b.OC; ++o)
    for (int i = 0; i < b.OH; ++i)
      for (int j = 0; j < b.OW; ++j) {
        const int y = qh + i * c.stride.h, x = qw + j * c.stride.w;
        if (y >= 0 && y < Hp && x >= 0 && x < Wp) b.dy_padded.at(0, o, y, x) = b.grad_output.at(0, o, i, j);
      }
  const int ocg = b.OC / b.groups;
  const Tensor w = weight_tensor(b, d.weight);
  b.w_rotated = Tensor({c.C, ocg, b.KH, b.KW}, 0.0f);
  for (int ch = 0; ch < c.C; ++ch) {
    const int grp = ch / b.cg, l = ch % b.cg;
    for (int ol = 0; ol < ocg; ++ol)
      for (int y = 0; y < b.KH; ++y)
        for (int x = 0; x < b.KW; ++x)
          b.w_rotated.at(ch, ol, y, x) = w.at(grp * ocg + ol, l, b.KH - 1 - y, b.KW - 1 - x);
  }
  Conv2dParams p;
  p.dilation = c.dilation;
  p.groups = b.groups;
  return conv2d_forward(b.dx_rotated, b.dy_padded, b.w_rotated, nullptr, p, ConvAlgo::Reference);
}

// dL/dX as col2im(W^T . dL/dY): the column matrix's gradient (engine gemm per group: a group's rows
// are its channels' taps), folded back onto the image by the engine's col2im (the adjoint of im2col).
Status col2im_view(const StepperConfig& c, const StepperData& d, BackwardResult& b) {
  PatchGeometry pg;
  CS_RETURN_IF_ERROR(make_patch_geometry(c.C, c.H, c.W, Size2{b.KH, b.KW}, b.conv, &pg, "col2im"));
  const int L = b.OH * b.OW, kk = b.KH * b.KW, ocg = b.OC / b.groups, rows = b.cg * kk;
  b.cols = Tensor({c.C * kk, L}, 0.0f);
  for (int g = 0; g < b.groups; ++g)
    gemm(true, false, rows, L, ocg, d.weight.data() + static_cast<size_t>(g) * ocg * rows, rows,
         b.grad_output.data() + static_cast<size_t>(g) * ocg * L, L, 0.0f, b.cols.data() + static_cast<size_t>(g) * rows * L, L);
  b.dx_col2im = Tensor({1, c.C, c.H, c.W}, 0.0f);
  col2im(pg, b.cols.data(), b.dx_col2im.data());
  return Status::ok();
}

float max_diff(const Tensor& a, const Tensor& b) {
  if (a.numel() != b.numel()) return INFINITY;  // shown as a disagreement, never hidden
  float m = 0;
  for (size_t i = 0; i < a.numel(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace

BackwardResult compute_backward(const StepperConfig& c, const StepperData& d, const StepperResult& r,
                                BackwardSettings* settings) {
  BackwardResult b;
  b.error = backward_unsupported(c);
  if (!b.error.empty()) return b;
  if (!r.valid) {
    b.error = fmt(tr(S::bwd_no_forward), r.error.c_str());
    return b;
  }
  const StepperGeometry& ms = r.geo;  // the weight layout the forward pass used
  b.pool = mode_is_pool(c.mode);
  b.conv = ms.conv;
  b.OC = r.OC;
  b.OH = r.OH;
  b.OW = r.OW;
  b.groups = ms.groups;
  b.cg = ms.in_per_group;
  b.KH = b.pool ? c.KH : ms.KH;
  b.KW = b.pool ? c.KW : ms.KW;
  b.steps = r.OH * r.OW;
  fit_grid(&settings->custom, b.OC, b.OH, b.OW);
  fit_grid(&settings->target, b.OC, b.OH, b.OW);
  const Shape ys{1, b.OC, b.OH, b.OW};
  Status s = Status::ok();
  switch (settings->grad) {
    case GradChoice::Ones: b.grad_output = Tensor(ys, 1.0f); break;
    case GradChoice::Random: {
      b.grad_output = Tensor(ys, 0.0f);
      unsigned seed = c.seed * 2246822519u + 7u;
      for (size_t i = 0; i < b.grad_output.numel(); ++i) b.grad_output[i] = static_cast<float>(lcg_next(&seed, -2, 2));
      break;
    }
    case GradChoice::Custom: b.grad_output = tensor_of(settings->custom, ys); break;
    case GradChoice::Target:
      b.target = tensor_of(settings->target, ys);
      s = mse_sum_backward(b.grad_output, r.output, b.target);
      break;
  }
  if (s.is_ok()) s = loss_of(b, *settings, r.output, &b.loss);
  if (s.is_ok()) s = run_backward(c, d, b, b.grad_output, &b.grad_input, b.pool ? nullptr : &b.grad_weight,
                                  b.pool ? nullptr : &b.grad_bias);
  if (!s.is_ok()) {
    b.error = s.message();
    return b;
  }
  // Overlap counts by THE index formula: (output cell, tap) pairs that land on each unpadded input cell.
  b.overlap = Tensor({c.H, c.W}, 0.0f);
  for (int i = 0; i < b.OH; ++i)
    for (int kh = 0; kh < b.KH; ++kh) {
      const int y = conv_input_index(i, kh, c.stride.h, c.padding.h, c.dilation.h);
      if (y < 0 || y >= c.H) continue;
      for (int j = 0; j < b.OW; ++j)
        for (int kw = 0; kw < b.KW; ++kw) {
          const int x = conv_input_index(j, kw, c.stride.w, c.padding.w, c.dilation.w);
          if (x >= 0 && x < c.W) b.overlap[static_cast<size_t>(y) * c.W + x] += 1.0f;
        }
    }
  if (!b.pool) {
    s = rotated_view(c, d, b);
    if (s.is_ok()) s = col2im_view(c, d, b);
    if (!s.is_ok()) {
      b.error = s.message();
      return b;
    }
    b.views_max_diff = std::max(max_diff(b.grad_input, b.dx_rotated), max_diff(b.grad_input, b.dx_col2im));
  }
  b.valid = true;
  return b;
}

// [SECTION] the stepped accumulation -------------------------------------------------------------------

namespace {

std::string factor(float v) {
  const std::string s = num_text(v);
  return v < 0 ? "(" + s + ")" : s;
}

float input_at(const StepperConfig& c, const StepperData& d, int ch, int y, int x) {
  if (y < 0 || y >= c.H || x < 0 || x >= c.W) return 0.0f;  // padding: the zeros the forward pass read
  return d.input[(static_cast<size_t>(ch) * c.H + y) * c.W + x];
}

// dL/dY kept on the output cells 0..last (row-major, every channel), zero after: what the first
// last+1 steps have sent back.
Tensor masked(const BackwardResult& b, int last) {
  Tensor m = b.grad_output;
  for (int o = 0; o < b.OC; ++o)
    for (int t = last + 1; t < b.steps; ++t) m[static_cast<size_t>(o) * b.steps + t] = 0.0f;
  return m;
}

// Conv: the products of step (cell p) for output channel oc, then dW[oc][0][0,0] written as the full
// correlation of the input with dL/dY so far (its terms add up to the engine's partial entry).
std::string conv_arithmetic(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                            const BackwardStep& st, float db_so_far, int oc, int step, Cell p) {
  const float g = b.grad_output.at(0, oc, p.r, p.c);
  std::string s = fmt(tr(S::bwd_arith_step), step + 1, b.steps, oc, p.r, p.c, num_text(g).c_str()) + "\n";
  const int grp = oc / (b.OC / b.groups);
  s += fmt(tr(S::bwd_arith_dw), oc, factor(g).c_str()) + "\n";
  for (int l = 0; l < b.cg; ++l) {
    const int ch = grp * b.cg + l;
    s += fmt("ch%d:", ch);
    for (int kh = 0; kh < b.KH; ++kh)
      for (int kw = 0; kw < b.KW; ++kw) {
        const float x = input_at(c, d, ch, conv_input_index(p.r, kh, c.stride.h, c.padding.h, c.dilation.h),
                                 conv_input_index(p.c, kw, c.stride.w, c.padding.w, c.dilation.w));
        s += fmt("%s dW[%d,%d] += %s*%s", kh || kw ? "," : "", kh, kw, factor(x).c_str(), factor(g).c_str());
      }
    s += "\n";
  }
  s += fmt(tr(S::bwd_arith_dx), factor(g).c_str()) + "\n";
  for (int l = 0; l < b.cg; ++l) {
    const int ch = grp * b.cg + l;
    s += fmt("ch%d:", ch);
    int dropped = 0, shown = 0;
    for (int kh = 0; kh < b.KH; ++kh)
      for (int kw = 0; kw < b.KW; ++kw) {
        const int y = conv_input_index(p.r, kh, c.stride.h, c.padding.h, c.dilation.h);
        const int x = conv_input_index(p.c, kw, c.stride.w, c.padding.w, c.dilation.w);
        if (y < 0 || y >= c.H || x < 0 || x >= c.W) {
          ++dropped;
          continue;
        }
        const float w = d.weight[((static_cast<size_t>(oc) * b.cg + l) * b.KH + kh) * b.KW + kw];
        s += fmt("%s dX[%d,%d] += %s*%s", shown++ ? "," : "", y, x, factor(w).c_str(), factor(g).c_str());
      }
    if (dropped) s += fmt(tr(S::bwd_arith_dropped), dropped);
    s += "\n";
  }
  // dL/db so far: the engine's partial bias gradient (the sum of dL/dY over the visited cells).
  s += fmt(tr(S::bwd_arith_db), oc, factor(g).c_str(), num_text(db_so_far).c_str()) + "\n";
  // The full correlation for one weight, dW[oc][0][0,0] = sum over visited cells of x * g.
  const int ch0 = grp * b.cg;
  s += fmt("dW[%d][0][0,0] =", oc);
  for (int t = 0; t <= step; ++t) {
    const int i = t / b.OW, j = t % b.OW;
    const float x = input_at(c, d, ch0, conv_input_index(i, 0, c.stride.h, c.padding.h, c.dilation.h),
                             conv_input_index(j, 0, c.stride.w, c.padding.w, c.dilation.w));
    s += fmt("%s %s*%s", t ? " +" : "", factor(x).c_str(), factor(b.grad_output.at(0, oc, i, j)).c_str());
  }
  s += " = " + num_text(st.grad_weight.at(oc, 0, 0, 0));
  return s;
}

std::string pool_arithmetic(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                            const BackwardStep& st, int ch, int step, Cell p) {
  const float g = b.grad_output.at(0, ch, p.r, p.c);
  std::string s = fmt(tr(S::bwd_arith_step), step + 1, b.steps, ch, p.r, p.c, num_text(g).c_str()) + "\n";
  // What this one cell sends back, from the engine: the backward of a one-hot dL/dY.
  BackwardResult one = b;
  one.grad_output = Tensor(b.grad_output.shape(), 0.0f);
  one.grad_output.at(0, ch, p.r, p.c) = 1.0f;
  Tensor share;
  if (!run_backward(c, d, one, one.grad_output, &share, nullptr, nullptr).is_ok()) return s;
  std::vector<Cell> got;
  float part = 0;
  for (int y = 0; y < c.H; ++y)
    for (int x = 0; x < c.W; ++x)
      if (share.at(0, ch, y, x) != 0.0f) {
        got.push_back(Cell{y, x});
        part = share.at(0, ch, y, x);
      }
  if (got.empty()) {
    s += tr(S::bwd_arith_pool_none);
    return s;
  }
  if (c.mode == ConvMode::MaxPool) {
    const Cell a = got.front();
    s += fmt(tr(S::bwd_arith_max), ch, a.r, a.c, num_text(input_at(c, d, ch, a.r, a.c)).c_str()) + "\n";
    s += fmt("dX[%d][%d,%d] += %s", ch, a.r, a.c, num_text(g).c_str());
  } else {
    const int divisor = static_cast<int>(std::lround(1.0f / part));
    s += fmt(tr(S::bwd_arith_avg), divisor) + "\n";
    for (size_t k = 0; k < got.size(); ++k)
      s += fmt("%s dX[%d][%d,%d] += %s/%d", k ? "," : "", ch, got[k].r, got[k].c, factor(g).c_str(), divisor);
  }
  s += "\n" + fmt(tr(S::bwd_arith_so_far), ch, got.front().r, got.front().c,
                  num_text(st.grad_input.at(0, ch, got.front().r, got.front().c)).c_str());
  return s;
}

}  // namespace

BackwardStep backward_step(const StepperConfig& c, const StepperData& d, const StepperResult& r,
                           const BackwardResult& b, int oc, int step) {
  BackwardStep st;
  if (!b.valid || b.steps <= 0) return st;
  (void)r;
  step = std::clamp(step, 0, b.steps - 1);
  oc = std::clamp(oc, 0, b.OC - 1);
  Tensor gb;
  if (!run_backward(c, d, b, masked(b, step), &st.grad_input, b.pool ? nullptr : &st.grad_weight,
                    b.pool ? nullptr : &gb).is_ok())
    return st;
  const Cell p{step / b.OW, step % b.OW};
  if (b.pool) {
    st.arithmetic = pool_arithmetic(c, d, b, st, oc, step, p);
  } else {
    st.arithmetic = conv_arithmetic(c, d, b, st, gb[static_cast<size_t>(oc)], oc, step, p);
  }
  return st;
}

// [SECTION] one SGD step and the gradient check ---------------------------------------------------------------

bool backward_loss(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                   const BackwardSettings& settings, double* loss) {
  if (!b.valid || b.pool) return false;
  Tensor y;
  return conv_forward(c, d, b, d.weight, &y).is_ok() && loss_of(b, settings, y, loss).is_ok() && std::isfinite(*loss);
}

SgdReport sgd_step(const StepperConfig& c, StepperData* d, const StepperResult& r, const BackwardResult& b,
                   const BackwardSettings& settings, float lr) {
  SgdReport rep;
  rep.lr = lr;
  (void)r;
  if (!b.valid || b.pool) {
    rep.error = tr(S::bwd_needs_weights);
    return rep;
  }
  if (!(lr > 0.0f) || !std::isfinite(lr) || lr > 100.0f) {
    rep.error = fmt(tr(S::bwd_lr_range), static_cast<double>(lr));
    return rep;
  }
  if (!backward_loss(c, *d, b, settings, &rep.loss_before)) {
    rep.error = tr(S::bwd_diverged);
    return rep;
  }
  Tensor w = weight_tensor(b, d->weight), gw = b.grad_weight;
  SGDOptions o;
  o.lr = lr;
  SGD opt({NamedTensor{"weight", &w, &gw, true, false}}, o);
  opt.lr = lr;
  Status s = opt.step();
  bool finite = s.is_ok();
  for (size_t i = 0; finite && i < w.numel(); ++i) finite = std::isfinite(w[i]) && std::fabs(w[i]) <= 1e6f;
  StepperData next = *d;
  next.weight = w.values();
  double after = 0;
  if (!finite || !backward_loss(c, next, b, settings, &after) || std::fabs(after) > 1e30) {
    rep.error = tr(S::bwd_diverged);  // the last good weights stay
    return rep;
  }
  d->weight = next.weight;
  rep.loss_after = after;
  rep.done = true;
  return rep;
}

GradCheck grad_check(const StepperConfig& c, const StepperData& d, const BackwardResult& b,
                     const BackwardSettings& settings) {
  GradCheck gc;
  if (!b.valid || b.pool) {
    gc.error = tr(S::bwd_needs_weights);
    return gc;
  }
  std::vector<float> w = d.weight;
  gc.numeric.assign(w.size(), 0.0f);
  for (size_t i = 0; i < w.size(); ++i) {
    double lp = 0, lm = 0;
    Tensor y;
    const float keep = w[i];
    w[i] = keep + gc.eps;
    bool ok = conv_forward(c, d, b, w, &y).is_ok() && loss_of(b, settings, y, &lp).is_ok();
    w[i] = keep - gc.eps;
    ok = ok && conv_forward(c, d, b, w, &y).is_ok() && loss_of(b, settings, y, &lm).is_ok();
    w[i] = keep;
    if (!ok || !std::isfinite(lp) || !std::isfinite(lm)) {
      gc.error = tr(S::bwd_diverged);
      return gc;
    }
    const double fd = (lp - lm) / (2.0 * gc.eps), an = b.grad_weight[i];
    gc.numeric[i] = static_cast<float>(fd);
    const double err = std::fabs(an - fd) / std::max({std::fabs(an), std::fabs(fd), 1e-2});
    if (err > gc.max_rel_error || gc.worst < 0) {
      gc.max_rel_error = std::max(gc.max_rel_error, err);
      if (err >= gc.max_rel_error) gc.worst = static_cast<int>(i);
    }
  }
  gc.done = true;
  return gc;
}

}  // namespace cs::app
