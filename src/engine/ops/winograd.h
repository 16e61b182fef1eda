// winograd.h — Winograd F(2x2, 3x3): a 2x2 output tile of a 3x3 convolution from a 4x4 input tile
// with 16 multiplications instead of 36.  Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A.
// The three tile transforms are public so the UI can render one tile step by step; the
// convolution itself (conv2d_forward_winograd, declared in conv2d.h) batches them into 16 GEMMs.
// All arrays are row-major: d[4*r + c], g[3*r + c], y[2*r + c].
#pragma once

namespace cs {

extern const float kWinogradBT[4][4];  // B^T
extern const float kWinogradG[4][3];   // G
extern const float kWinogradAT[2][4];  // A^T

void winograd_input_transform(const float d[16], float v[16]);   // v = B^T d B  (4x4 -> 4x4)
void winograd_kernel_transform(const float g[9], float u[16]);   // u = G g G^T  (3x3 -> 4x4)
void winograd_output_transform(const float m[16], float y[4]);   // y = A^T m A  (4x4 -> 2x2)

// One tile end to end (the UI's worked example): y = A^T [(G g G^T) ⊙ (B^T d B)] A, which equals
// the 2x2 "valid" cross-correlation of the 4x4 tile d with the 3x3 kernel g.
void winograd_tile(const float d[16], const float g[9], float y[4]);

}  // namespace cs
