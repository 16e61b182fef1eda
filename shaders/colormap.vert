// colormap.vert — ImGui's vertex layout (Position, UV, Color) and projection, so scalar-field
// images can be drawn inside an ImGui draw list with the colour-map fragment shader.
// The platform prepends "#version 300 es" (WebGL2) or "#version 330 core" (desktop).
uniform mat4 ProjMtx;
in vec2 Position;
in vec2 UV;
in vec4 Color;
out vec2 Frag_UV;
void main() {
  Frag_UV = UV;
  gl_Position = ProjMtx * vec4(Position.xy, 0.0, 1.0);
}
