// saliency.h — why did the network answer that? Input-gradient saliency and Grad-CAM for one input and
// one class, through the model's own forward and backward passes:
//   score           s = logits[0, cls]                          (before the softmax)
//   input gradient  g = ds / dx                                  (1, C, H, W), signed
//   Grad-CAM        A = the activation traced as `cam_layer`      (1, K, h, w), e.g. DigitNet's "head"
//                   alpha_k = mean_ij ds / dA[k, i, j]            (K)
//                   cam = ReLU(sum_k alpha_k A[k])                (h, w)
//                   cam_upsampled = cam resized to (H, W) as F.interpolate(mode="bilinear", align_corners=False)
// (Simonyan et al. 2014; Selvaraju et al. 2017.) Side effects are kept away from training: the passes run
// in eval mode (the previous mode is restored) and every parameter gradient is saved and restored, so an
// optimizer step taken later sees the gradients it would have seen. Layer caches hold this input afterwards
// (the next forward pass replaces them, as always).
#pragma once
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "model.h"
#include "trace.h"

namespace cs {

struct SaliencyMaps {
  int cls = -1;
  std::string cam_layer;
  Tensor logits;                   // (1, classes)
  Tensor input_gradient;           // (1, C, H, W), signed
  Tensor cam;                      // (h, w), >= 0
  Tensor cam_upsampled;            // (H, W), >= 0
  std::vector<float> cam_weights;  // alpha_k
  Trace trace;                     // the forward pass the maps explain (storage reused between calls)
};

// `input` must be one image (1, C, H, W); `cls` in [0, classes); `cam_layer` a Trace name whose
// output gradient Model::output_gradient can give (a part reached through Sequentials), rank 4.
Status compute_saliency(Model& model, const Tensor& input, int cls, const std::string& cam_layer, SaliencyMaps& out);

// Where Grad-CAM looks by default: the Trace name of the last top-level part whose output in the last
// forward pass is a spatial map (rank 4, h*w > 1) — the last convolutional stage before pooling, as
// Selvaraju et al. choose ("head" in DigitNet). Looks inside transparent containers. "" if none.
std::string default_cam_layer(const Model& model);

// in (h, w) -> out (H, W), bilinear with half-pixel centres and edge clamping: PyTorch's
// F.interpolate(mode="bilinear", align_corners=False) for upsampling.
Status resize_bilinear(const Tensor& in, int H, int W, Tensor& out);

}  // namespace cs
