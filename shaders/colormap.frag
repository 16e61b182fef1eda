// colormap.frag — maps a one-channel texture (value in [0,1]) through a colour map, per pixel.
// Same polynomials as src/app/colormap.cpp (the CPU mirror used for legends and tests).
precision mediump float;
uniform sampler2D Texture;
uniform int ColorMapId;  // 0 viridis, 1 diverging, 2 grey, 3 cividis
in vec2 Frag_UV;
out vec4 Out_Color;

vec3 poly6(vec3 c0, vec3 c1, vec3 c2, vec3 c3, vec3 c4, vec3 c5, vec3 c6, float t) {
  return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}

vec3 viridis(float t) {
  return poly6(vec3(0.2777273272234177, 0.005407344544966578, 0.3340998053353061),
               vec3(0.1050930431085774, 1.404613529898575, 1.384590162594685),
               vec3(-0.3308618287255563, 0.214847559468213, 0.09509516302823659),
               vec3(-4.634230498983486, -5.799100973351585, -19.33244095627987),
               vec3(6.228269936347081, 14.17993336680509, 56.69055260068105),
               vec3(4.776384997670288, -13.74514537774601, -65.35303263337234),
               vec3(-5.435455855934631, 4.645852612178535, 26.3124352495832), t);
}

vec3 cividis(float t) {
  return poly6(vec3(-0.008973, 0.136756, 0.29349), vec3(-0.346, 0.6436, 2.5697),
               vec3(3.9458, -0.9125, -10.6398), vec3(-11.2886, 4.4525, 22.3452),
               vec3(15.2958, -7.6085, -23.3307), vec3(-8.2906, 5.1936, 11.4406),
               vec3(1.6148, -1.0117, -2.1237), t);
}

vec3 diverging(float t) {
  vec3 blue = vec3(0.230, 0.299, 0.754), white = vec3(0.97), red = vec3(0.706, 0.016, 0.150);
  return t < 0.5 ? mix(blue, white, 2.0 * t) : mix(white, red, 2.0 * t - 1.0);
}

void main() {
  float t = clamp(texture(Texture, Frag_UV).r, 0.0, 1.0);
  vec3 c = ColorMapId == 0 ? viridis(t) : ColorMapId == 1 ? diverging(t) : ColorMapId == 3 ? cividis(t) : vec3(t);
  Out_Color = vec4(clamp(c, 0.0, 1.0), 1.0);
}
