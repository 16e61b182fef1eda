// receptive_field.cpp — box arithmetic back through the model's layers (see receptive_field.h).
#include "receptive_field.h"

#include <algorithm>

#include "layers.h"
#include "mbconv.h"
#include "pool_layers.h"
#include "residual.h"
#include "squeeze_excite.h"

namespace cs {

RfSpan conv_input_span(int out0, int out1, int kernel, int stride, int pad, int dilation, int in_size) {
  RfSpan s{in_size, -1};
  for (int o = out0; o <= out1; ++o)
    for (int k = 0; k < kernel; ++k) {
      const int i = conv_input_index(o, k, stride, pad, dilation);
      if (i < 0 || i >= in_size) continue;  // a padding tap reads nothing
      s.lo = std::min(s.lo, i);
      s.hi = std::max(s.hi, i);
    }
  if (s.lo > s.hi) return RfSpan{};
  return s;
}

namespace {

struct Walk {
  std::string global_via;  // overwritten going backwards, so it ends as the first one from the input
};

Size2 spatial(const Tensor& t) { return t.rank() == 4 ? Size2{t.dim(2), t.dim(3)} : Size2{1, 1}; }

RfBox whole(Size2 in) { return RfBox{0, 0, in.h - 1, in.w - 1}; }

RfBox span_box(const RfBox& b, Size2 kernel, Size2 stride, Size2 pad, Size2 dil, Size2 in) {
  if (b.empty()) return b;
  const RfSpan ys = conv_input_span(b.y0, b.y1, kernel.h, stride.h, pad.h, dil.h, in.h);
  const RfSpan xs = conv_input_span(b.x0, b.x1, kernel.w, stride.w, pad.w, dil.w, in.w);
  if (ys.lo > ys.hi || xs.lo > xs.hi) return RfBox{};
  return RfBox{ys.lo, xs.lo, ys.hi, xs.hi};
}

RfBox unite(const RfBox& a, const RfBox& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return RfBox{std::min(a.y0, b.y0), std::min(a.x0, b.x0), std::max(a.y1, b.y1), std::max(a.x1, b.x1)};
}

Status back_layer(const Layer& l, Size2 in, const RfBox& b, RfBox& out, Walk& w);

// Maps a box on the output of child `end - 1` of `s` to `s`'s input (size `in`).
Status back_sequential(const Sequential& s, Size2 in, size_t end, RfBox b, RfBox& out, Walk& w) {
  for (size_t i = end; i-- > 0;) {
    const Size2 child_in = i == 0 ? in : spatial(s.output(i - 1));
    CS_RETURN_IF_ERROR(back_layer(s.child(i), child_in, b, b, w));
  }
  out = b;
  return Status::ok();
}

Status back_layer(const Layer& l, Size2 in, const RfBox& b, RfBox& out, Walk& w) {
  if (auto* c = dynamic_cast<const Conv2d*>(&l)) {
    const Conv2dOptions& o = c->options();
    out = span_box(b, o.kernel_size, o.stride, o.padding, o.dilation, in);
  } else if (auto* mp = dynamic_cast<const MaxPool2d*>(&l)) {
    const MaxPool2dParams& p = mp->params();
    const Size2 stride = p.stride.h > 0 ? p.stride : p.kernel;  // stride None = kernel
    out = span_box(b, p.kernel, stride, p.padding, p.dilation, in);
  } else if (auto* ap = dynamic_cast<const AvgPool2d*>(&l)) {
    const AvgPool2dParams& p = ap->params();
    const Size2 stride = p.stride.h > 0 ? p.stride : p.kernel;
    out = span_box(b, p.kernel, stride, p.padding, Size2{1, 1}, in);
  } else if (auto* s = dynamic_cast<const Sequential*>(&l)) {
    return back_sequential(*s, in, s->size(), b, out, w);
  } else if (auto* mb = dynamic_cast<const MBConv*>(&l)) {
    RfBox body;
    CS_RETURN_IF_ERROR(back_sequential(mb->block(), in, mb->block().size(), b, body, w));
    out = mb->use_residual() ? unite(body, b) : body;  // the skip reads the same positions
  } else if (auto* r = dynamic_cast<const Residual*>(&l)) {
    // Residual offers only non-const accessors; nothing here modifies it.
    RfBox body, shortcut = b;
    CS_RETURN_IF_ERROR(back_layer(const_cast<Residual*>(r)->body(), in, b, body, w));
    if (Layer* sc = const_cast<Residual*>(r)->shortcut()) CS_RETURN_IF_ERROR(back_layer(*sc, in, b, shortcut, w));
    out = unite(body, shortcut);
  } else if (dynamic_cast<const SqueezeExcite*>(&l)) {
    out = b;  // position-wise scaling; the scales themselves come from the whole map
    w.global_via = "SqueezeExcitation";
  } else if (dynamic_cast<const BatchNorm2d*>(&l) || dynamic_cast<const LayerNorm2d*>(&l) ||
             dynamic_cast<const ActivationLayer*>(&l) || dynamic_cast<const Identity*>(&l) ||
             dynamic_cast<const Dropout*>(&l) || dynamic_cast<const PointwiseLinear*>(&l)) {
    out = b;  // per position
  } else {
    // Global pools, Flatten, Linear, and anything not modelled here: every output reads everything.
    out = whole(in);
    w.global_via = l.type();
  }
  return Status::ok();
}

// Finds `name` among the children of `s` (traced as prefix + label) and maps the unit's box back to
// `s`'s input. `found` says whether the name was there.
Status locate(const Sequential& s, const std::string& prefix, const std::string& name, Size2 in, int y, int x,
              bool& found, RfBox& out, Walk& w) {
  found = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const std::string& label = s.label(i);
    const std::string path = label.empty() ? prefix : prefix + label;
    const Size2 child_in = i == 0 ? in : spatial(s.output(i - 1));
    if (!label.empty() && path == name) {
      const Tensor& t = s.output(i);
      if (t.rank() == 0) return Status::error("receptive field: no forward pass has run yet (run the model first)");
      const Size2 sz = spatial(t);
      if (y < 0 || y >= sz.h || x < 0 || x >= sz.w)
        return Status::error(fmt("receptive field: unit (%d, %d) is outside '%s' (%dx%d)", y, x, name.c_str(), sz.h, sz.w));
      found = true;
      return back_sequential(s, in, i + 1, RfBox{y, x, y, x}, out, w);
    }
    const std::string inner = label.empty() ? prefix : path + ".";
    if (name.compare(0, inner.size(), inner) != 0) continue;
    // Inside a block: its inner Sequentials (a Sequential child is its own; MBConv's block, a
    // Residual's "body" / "shortcut") all read the block's input.
    std::vector<LayerChild> inside;
    Layer& child = const_cast<Layer&>(s.child(i));  // children() is non-const; nothing is modified
    if (dynamic_cast<Sequential*>(&child)) inside.push_back({"", &child});
    else child.children(inside);
    for (const LayerChild& c : inside) {
      const auto* sub = dynamic_cast<const Sequential*>(c.layer);
      if (!sub) continue;
      const std::string sub_prefix = c.label.empty() ? inner : inner + c.label + ".";
      RfBox at_child_in;
      CS_RETURN_IF_ERROR(locate(*sub, sub_prefix, name, child_in, y, x, found, at_child_in, w));
      if (found) return back_sequential(s, in, i, at_child_in, out, w);
    }
  }
  return Status::ok();
}

}  // namespace

Result<ReceptiveField> receptive_field(const Model& model, const std::string& name, int y, int x) {
  const Sequential& root = model.root();
  const Shape& in_shape = model.input_shape();
  if (root.size() == 0 || root.output(0).rank() == 0 || in_shape.size() != 4)
    return Status::error("receptive field: no forward pass of an image batch has run yet (run the model first)");
  const Size2 in{in_shape[2], in_shape[3]};
  ReceptiveField rf;
  rf.y = y;
  rf.x = x;
  std::string point = name;
  for (;;) {
    if (point == "input") {
      if (y < 0 || y >= in.h || x < 0 || x >= in.w)
        return Status::error(fmt("receptive field: unit (%d, %d) is outside 'input' (%dx%d)", y, x, in.h, in.w));
      rf.name = point;
      rf.box = RfBox{y, x, y, x};
      return Result<ReceptiveField>(rf);
    }
    Walk w;
    bool found = false;
    RfBox box;
    CS_RETURN_IF_ERROR(locate(root, "", point, in, y, x, found, box, w));
    if (found) {
      rf.name = point;
      rf.box = box;
      rf.global_via = w.global_via;
      return Result<ReceptiveField>(rf);
    }
    const size_t dot = point.rfind('.');
    if (dot == std::string::npos) return Status::error("receptive field: the model has no activation named '" + name + "'");
    point.resize(dot);
  }
}

}  // namespace cs
