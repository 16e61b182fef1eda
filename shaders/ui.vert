// ui.vert — ImGui's vertex layout (Position, UV, Color) through the frame's orthographic projection:
// every widget, text glyph and image of the UI.
// The platform prepends "#version 300 es" (WebGL2) or "#version 330 core" (desktop).
uniform mat4 ProjMtx;
in vec2 Position;
in vec2 UV;
in vec4 Color;
out vec2 Frag_UV;
out vec4 Frag_Color;
void main() {
  Frag_UV = UV;
  Frag_Color = Color;
  gl_Position = ProjMtx * vec4(Position.xy, 0.0, 1.0);
}
