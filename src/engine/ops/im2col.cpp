// im2col.cpp — patch unfolding (im2col / im2col_rows) and its adjoint col2im, raw and on Tensors.
// Every input coordinate comes from conv_input_index(), the one index formula.
#include "im2col.h"

#include <cstring>

namespace cs {

PatchGeometry patch_geometry(const ConvGeometry& g) {
  PatchGeometry pg;
  pg.C = g.C;
  pg.H = g.H;
  pg.W = g.W;
  pg.KH = g.KH;
  pg.KW = g.KW;
  pg.OH = g.OH;
  pg.OW = g.OW;
  pg.stride = g.p.stride;
  pg.padding = g.p.padding;
  pg.dilation = g.p.dilation;
  return pg;
}

Status make_patch_geometry(int C, int H, int W, Size2 kernel, const Conv2dParams& p, PatchGeometry* out,
                           const char* who) {
  if (C < 1) return Status::error(fmt("%s: channels must be >= 1, got %d", who, C));
  Conv2dParams q = p;
  q.groups = 1;  // patches do not know about groups
  CS_RETURN_IF_ERROR(check_conv_params(H, W, kernel.h, kernel.w, q, who));
  long long OH = conv_output_size(H, kernel.h, p.stride.h, p.padding.h, p.dilation.h);
  long long OW = conv_output_size(W, kernel.w, p.stride.w, p.padding.w, p.dilation.w);
  long long rows = static_cast<long long>(C) * kernel.h * kernel.w;  // each factor < 2^31: fits
  if (rows > kMaxTensorElements || (OH * OW > 0 && rows > kMaxTensorElements / (OH * OW)))
    return Status::error(fmt("%s: %lld x %lld patch matrix exceeds the limit of %lld elements", who, rows, OH * OW,
                             static_cast<long long>(kMaxTensorElements)));
  out->C = C;
  out->H = H;
  out->W = W;
  out->KH = kernel.h;
  out->KW = kernel.w;
  out->OH = static_cast<int>(OH);
  out->OW = static_cast<int>(OW);
  out->stride = p.stride;
  out->padding = p.padding;
  out->dilation = p.dilation;
  return Status::ok();
}

// [SECTION] raw kernels

void im2col(const PatchGeometry& pg, const float* data_im, float* data_col) {
  const int channels_col = pg.rows();
  const size_t L = static_cast<size_t>(pg.cols());
  for (int c_col = 0; c_col < channels_col; ++c_col) {
    const int kw = c_col % pg.KW;
    const int kh = (c_col / pg.KW) % pg.KH;
    const int c_im = c_col / (pg.KW * pg.KH);
    const float* plane = data_im + static_cast<size_t>(c_im) * pg.H * pg.W;
    float* row = data_col + static_cast<size_t>(c_col) * L;
    for (int oh = 0; oh < pg.OH; ++oh) {
      const int ih = conv_input_index(oh, kh, pg.stride.h, pg.padding.h, pg.dilation.h);
      float* dst = row + static_cast<size_t>(oh) * pg.OW;
      if (ih < 0 || ih >= pg.H) {  // the whole output row reads the padding
        std::memset(dst, 0, sizeof(float) * static_cast<size_t>(pg.OW));
        continue;
      }
      const float* src = plane + static_cast<size_t>(ih) * pg.W;
      for (int ow = 0; ow < pg.OW; ++ow) {
        const int iw = conv_input_index(ow, kw, pg.stride.w, pg.padding.w, pg.dilation.w);
        dst[ow] = (iw >= 0 && iw < pg.W) ? src[iw] : 0.0f;
      }
    }
  }
}

void im2col_rows(const PatchGeometry& pg, const float* data_im, float* data_rows) {
  const size_t R = static_cast<size_t>(pg.rows());
  for (int oh = 0; oh < pg.OH; ++oh)
    for (int ow = 0; ow < pg.OW; ++ow) {
      float* dst = data_rows + (static_cast<size_t>(oh) * pg.OW + ow) * R;
      for (int c = 0; c < pg.C; ++c)
        for (int kh = 0; kh < pg.KH; ++kh) {
          const int ih = conv_input_index(oh, kh, pg.stride.h, pg.padding.h, pg.dilation.h);
          for (int kw = 0; kw < pg.KW; ++kw) {
            const int iw = conv_input_index(ow, kw, pg.stride.w, pg.padding.w, pg.dilation.w);
            const bool inside = ih >= 0 && ih < pg.H && iw >= 0 && iw < pg.W;
            *dst++ = inside ? data_im[(static_cast<size_t>(c) * pg.H + ih) * pg.W + iw] : 0.0f;
          }
        }
    }
}

void col2im(const PatchGeometry& pg, const float* data_col, float* data_im) {
  std::memset(data_im, 0, sizeof(float) * static_cast<size_t>(pg.C) * pg.H * pg.W);
  const int channels_col = pg.rows();
  const size_t L = static_cast<size_t>(pg.cols());
  for (int c_col = 0; c_col < channels_col; ++c_col) {
    const int kw = c_col % pg.KW;
    const int kh = (c_col / pg.KW) % pg.KH;
    const int c_im = c_col / (pg.KW * pg.KH);
    float* plane = data_im + static_cast<size_t>(c_im) * pg.H * pg.W;
    const float* row = data_col + static_cast<size_t>(c_col) * L;
    for (int oh = 0; oh < pg.OH; ++oh) {
      const int ih = conv_input_index(oh, kh, pg.stride.h, pg.padding.h, pg.dilation.h);
      if (ih < 0 || ih >= pg.H) continue;  // padding taps have no input to flow back to
      const float* src = row + static_cast<size_t>(oh) * pg.OW;
      float* dst = plane + static_cast<size_t>(ih) * pg.W;
      for (int ow = 0; ow < pg.OW; ++ow) {
        const int iw = conv_input_index(ow, kw, pg.stride.w, pg.padding.w, pg.dilation.w);
        if (iw >= 0 && iw < pg.W) dst[iw] += src[ow];
      }
    }
  }
}

// [SECTION] tensor level

Status im2col(Tensor& cols, const Tensor& in, Size2 kernel, const Conv2dParams& p, bool patches_as_rows) {
  CS_RETURN_IF_ERROR(expect_rank(in, 4, "im2col", "(batch, channels, height, width)"));
  PatchGeometry pg;
  CS_RETURN_IF_ERROR(make_patch_geometry(in.dim(1), in.dim(2), in.dim(3), kernel, p, &pg));
  const int N = in.dim(0);
  const long long per_image = static_cast<long long>(pg.rows()) * pg.cols();
  if (N > 0 && per_image > kMaxTensorElements / N)
    return Status::error(fmt("im2col: %d images x %lld patch values exceed the limit of %lld elements", N,
                             per_image, static_cast<long long>(kMaxTensorElements)));
  cols.resize(patches_as_rows ? Shape{N, pg.cols(), pg.rows()} : Shape{N, pg.rows(), pg.cols()});
  const size_t in_stride = static_cast<size_t>(pg.C) * pg.H * pg.W;
  for (int n = 0; n < N; ++n) {
    const float* x = in.data() + n * in_stride;
    float* c = cols.data() + static_cast<size_t>(n) * static_cast<size_t>(per_image);
    if (patches_as_rows)
      im2col_rows(pg, x, c);
    else
      im2col(pg, x, c);
  }
  return Status::ok();
}

Status col2im(Tensor& out, const Tensor& cols, Size2 output_size, Size2 kernel, const Conv2dParams& p) {
  if (cols.rank() != 3)
    return Status::error(fmt("col2im expected 3D input (batch, channels*kernel_h*kernel_w, positions), got %s",
                             cols.shape_string().c_str()));
  const int kk = kernel.h * kernel.w;
  if (kernel.h < 1 || kernel.w < 1 || kk < 1 || cols.dim(1) % kk != 0)
    return Status::error(fmt("col2im: dimension 1 of %s must be divisible by kernel %dx%d",
                             cols.shape_string().c_str(), kernel.h, kernel.w));
  PatchGeometry pg;
  CS_RETURN_IF_ERROR(make_patch_geometry(cols.dim(1) / kk, output_size.h, output_size.w, kernel, p, &pg, "col2im"));
  if (cols.dim(2) != pg.cols())
    return Status::error(fmt("col2im: output size %dx%d with kernel %dx%d gives %dx%d = %d positions, but input %s has %d",
                             output_size.h, output_size.w, kernel.h, kernel.w, pg.OH, pg.OW, pg.cols(),
                             cols.shape_string().c_str(), cols.dim(2)));
  const int N = cols.dim(0);
  const long long per_image = static_cast<long long>(pg.C) * pg.H * pg.W;
  if (N > 0 && per_image > kMaxTensorElements / N)
    return Status::error("col2im: output exceeds the tensor size limit");
  out.resize({N, pg.C, pg.H, pg.W});
  const size_t col_stride = static_cast<size_t>(pg.rows()) * pg.cols();
  for (int n = 0; n < N; ++n)
    col2im(pg, cols.data() + n * col_stride, out.data() + static_cast<size_t>(n) * static_cast<size_t>(per_image));
  return Status::ok();
}

}  // namespace cs
