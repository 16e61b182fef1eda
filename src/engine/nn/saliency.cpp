// saliency.cpp — input gradient and Grad-CAM from one forward/backward pass (see saliency.h).
#include "saliency.h"

#include <algorithm>
#include <cmath>

namespace cs {

namespace {

// Saves every parameter gradient on construction and puts it back on destruction, and restores
// train/eval mode, so an explanation computed between two training steps changes nothing they read.
class KeepTrainingState {
 public:
  explicit KeepTrainingState(Model& m) : model_(m), training_(m.training()), params_(m.parameters()) {
    saved_.reserve(params_.size());
    for (const NamedTensor& p : params_) saved_.push_back(p.grad ? *p.grad : Tensor());
  }
  ~KeepTrainingState() {
    for (size_t i = 0; i < params_.size(); ++i)
      if (params_[i].grad) *params_[i].grad = saved_[i];
    if (training_) model_.train();
    else model_.eval();
  }
  KeepTrainingState(const KeepTrainingState&) = delete;
  KeepTrainingState& operator=(const KeepTrainingState&) = delete;

 private:
  Model& model_;
  bool training_;
  std::vector<NamedTensor> params_;
  std::vector<Tensor> saved_;
};

}  // namespace

namespace {
void last_spatial_part(const Sequential& s, std::string& best) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.label(i).empty()) {  // transparent container: its children are top-level names
      if (auto* sub = dynamic_cast<const Sequential*>(&s.child(i))) last_spatial_part(*sub, best);
      continue;
    }
    const Tensor& t = s.output(i);
    if (t.rank() == 4 && t.dim(2) * t.dim(3) > 1) best = s.label(i);
  }
}
}  // namespace

std::string default_cam_layer(const Model& model) {
  std::string best;
  last_spatial_part(model.root(), best);
  return best;
}

Status resize_bilinear(const Tensor& in, int H, int W, Tensor& out) {
  if (in.rank() != 2 || in.dim(0) < 1 || in.dim(1) < 1)
    return Status::error("resize_bilinear: input must be (h, w) with h, w >= 1, got " + in.shape_string());
  if (H < 1 || W < 1) return Status::error(fmt("resize_bilinear: output size must be >= 1, got %dx%d", H, W));
  const int h = in.dim(0), w = in.dim(1);
  out.resize({H, W});
  const float* v = in.data();
  auto at = [&](int y, int x) { return v[static_cast<size_t>(y) * w + x]; };
  // PyTorch's area_pixel_compute_source_index: src = (dst + 0.5) * in/out - 0.5, clamped at 0.
  auto source = [](int dst, int n_in, int n_out, int* i0, int* i1, float* t) {
    const float scale = static_cast<float>(n_in) / static_cast<float>(n_out);
    const float src = std::max(0.0f, (static_cast<float>(dst) + 0.5f) * scale - 0.5f);
    *i0 = std::min(static_cast<int>(src), n_in - 1);
    *i1 = std::min(*i0 + 1, n_in - 1);
    *t = src - static_cast<float>(*i0);
  };
  for (int y = 0; y < H; ++y) {
    int y0, y1;
    float ty;
    source(y, h, H, &y0, &y1, &ty);
    for (int x = 0; x < W; ++x) {
      int x0, x1;
      float tx;
      source(x, w, W, &x0, &x1, &tx);
      const float top = (1.0f - tx) * at(y0, x0) + tx * at(y0, x1);
      const float bottom = (1.0f - tx) * at(y1, x0) + tx * at(y1, x1);
      out[static_cast<size_t>(y) * W + x] = (1.0f - ty) * top + ty * bottom;
    }
  }
  return Status::ok();
}

Status compute_saliency(Model& model, const Tensor& input, int cls, const std::string& cam_layer, SaliencyMaps& out) {
  if (input.rank() != 4 || input.dim(0) != 1)
    return Status::error("saliency: input must be one image (1, C, H, W), got " + input.shape_string());
  KeepTrainingState keep(model);
  model.eval();
  CS_RETURN_IF_ERROR(model.forward(input, out.logits, &out.trace));
  if (out.logits.rank() != 2 || out.logits.dim(0) != 1)
    return Status::error("saliency: the model's output must be logits (1, classes), got " + out.logits.shape_string());
  const int classes = out.logits.dim(1);
  if (cls < 0 || cls >= classes) return Status::error(fmt("saliency: class must be in 0..%d, got %d", classes - 1, cls));
  const Tensor* act = out.trace.find(cam_layer);
  if (!act) return Status::error("saliency: the trace has no activation named '" + cam_layer + "'");
  if (act->rank() != 4)
    return Status::error("saliency: Grad-CAM needs a (1, K, h, w) activation, '" + cam_layer + "' is " + act->shape_string());

  Tensor grad_logits(out.logits.shape(), 0.0f);
  grad_logits[static_cast<size_t>(cls)] = 1.0f;  // d score / d logits
  CS_RETURN_IF_ERROR(model.backward(grad_logits, &out.input_gradient));
  const Tensor* g = model.output_gradient(cam_layer);
  if (!g || g->shape() != act->shape())
    return Status::error("saliency: no gradient recorded at '" + cam_layer + "' (" + (g ? g->shape_string() : "none") +
                         ", activation " + act->shape_string() + ")");

  const int K = act->dim(1), h = act->dim(2), w = act->dim(3);
  const size_t hw = static_cast<size_t>(h) * w;
  out.cls = cls;
  out.cam_layer = cam_layer;
  out.cam_weights.assign(static_cast<size_t>(K), 0.0f);
  std::vector<double> cam(hw, 0.0);
  for (int k = 0; k < K; ++k) {
    const float* gk = g->data() + static_cast<size_t>(k) * hw;
    double sum = 0.0;
    for (size_t i = 0; i < hw; ++i) sum += gk[i];
    const double alpha = sum / static_cast<double>(hw);
    out.cam_weights[static_cast<size_t>(k)] = static_cast<float>(alpha);
    const float* ak = act->data() + static_cast<size_t>(k) * hw;
    for (size_t i = 0; i < hw; ++i) cam[i] += alpha * ak[i];
  }
  out.cam.resize({h, w});
  for (size_t i = 0; i < hw; ++i) out.cam[i] = static_cast<float>(std::max(0.0, cam[i]));
  return resize_bilinear(out.cam, input.dim(2), input.dim(3), out.cam_upsampled);
}

}  // namespace cs
