// test_block_diagram_model.cpp — the blocks panel's diagram for every block the engine offers: each
// node is one box, every arrow joins two boxes and flows downwards, a join has two incoming arrows,
// there is one input and one output, side branches (projection shortcut, SE) are in a lane of their
// own and meet the main path at the join; and in pixels nothing overlaps or leaves a phone's width.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "app/block_diagram_model.h"

using namespace cs::app;

namespace {

std::vector<cs::BlockConfig> configs_of_every_block() {
  std::vector<cs::BlockConfig> out;
  for (const std::string& name : cs::block_names()) {
    for (int variant = 0; variant < 4; ++variant) {
      cs::BlockConfig c;
      c.block = name;
      c.in_channels = 8;
      c.out_channels = (name == "se" || name == "convnext") ? 8 : (variant % 2 ? 16 : 8);
      c.height = c.width = 6;
      c.kernel = name == "convnext" ? 7 : 3;
      c.stride = (name == "convnext" || variant < 2) ? 1 : 2;
      c.se = variant % 2 == 0;
      c.projection = variant == 1 || variant == 2;
      c.expand_ratio = variant == 3 ? 1 : 4;  // ratio 1: an MBConv without its expansion
      out.push_back(c);
    }
  }
  return out;
}

std::string describe(const cs::BlockConfig& c) {
  return cs::fmt("%s in %d out %d stride %d se %d projection %d expand %d", c.block.c_str(), c.in_channels,
                 c.out_channels, c.stride, c.se, c.projection, c.expand_ratio);
}

int box_named(const BlockDiagram& d, const std::string& name) {
  for (size_t i = 0; i < d.boxes.size(); ++i)
    if (d.boxes[i].name == name) return static_cast<int>(i);
  return -1;
}

bool rects_overlap(const DiagramRect& a, const DiagramRect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

}  // namespace

TEST_CASE("block diagram: every block is one connected flow from one input to one output") {
  for (const cs::BlockConfig& c : configs_of_every_block()) {
    CAPTURE(describe(c));
    cs::Result<cs::BlockDescription> desc = cs::describe_block(c);
    REQUIRE(desc.is_ok());
    const std::vector<cs::BlockNode>& nodes = desc.value().nodes;
    const BlockDiagram d = layout_block_diagram(nodes, {1, c.in_channels, c.height, c.width});
    REQUIRE(d.boxes.size() == nodes.size() + 1);
    CHECK(d.boxes[0].kind == DiagramBoxKind::Input);
    // Each node appears once, with the engine's name, op and shape.
    std::vector<int> seen(nodes.size(), 0);
    for (const DiagramBox& b : d.boxes) {
      if (b.node < 0) continue;
      REQUIRE(b.node < static_cast<int>(nodes.size()));
      ++seen[b.node];
      CHECK(b.name == nodes[b.node].name);
      CHECK(b.op == nodes[b.node].op);
      CHECK(b.shape == nodes[b.node].shape);
    }
    for (size_t i = 0; i < nodes.size(); ++i) CHECK_MESSAGE(seen[i] == 1, nodes[i].name);
    // Arrows join existing boxes and flow downwards; count what goes in and out of each box.
    std::vector<int> in(d.boxes.size(), 0), out(d.boxes.size(), 0);
    for (const DiagramEdge& e : d.edges) {
      REQUIRE(e.from >= 0);
      REQUIRE(e.to >= 0);
      REQUIRE(e.from < static_cast<int>(d.boxes.size()));
      REQUIRE(e.to < static_cast<int>(d.boxes.size()));
      CHECK(d.boxes[e.from].row + d.boxes[e.from].rows <= d.boxes[e.to].row);
      CHECK(e.lane < d.lanes);
      ++in[e.to];
      ++out[e.from];
    }
    int inputs = 0, outputs = 0;
    for (size_t i = 0; i < d.boxes.size(); ++i) {
      const DiagramBox& b = d.boxes[i];
      CAPTURE(b.name);
      inputs += in[i] == 0;
      outputs += out[i] == 0;
      if (b.kind == DiagramBoxKind::Join) CHECK(in[i] == 2);
      else if (b.kind != DiagramBoxKind::Input) CHECK(in[i] == 1);
    }
    CHECK(inputs == 1);
    CHECK(outputs == 1);
    CHECK(in[0] == 0);
    CHECK(out[d.boxes.size() - 1] == 0);  // the last node is the block's output
    // Every node the engine calls a meeting of branches is a join, on the main path.
    for (size_t i = 1; i < d.boxes.size(); ++i) {
      const cs::BlockNode& n = nodes[d.boxes[i].node];
      const bool meets = n.join && (n.op == "add" || (n.op == "mul" && n.params == 0));
      CHECK((d.boxes[i].kind == DiagramBoxKind::Join) == meets);
      if (meets) CHECK(d.boxes[i].lane == 0);
    }
    // No two boxes share a lane's rows.
    for (size_t i = 0; i < d.boxes.size(); ++i)
      for (size_t j = i + 1; j < d.boxes.size(); ++j) {
        const DiagramBox &a = d.boxes[i], &b = d.boxes[j];
        if (a.lane == b.lane) CHECK_MESSAGE((a.row + a.rows <= b.row || b.row + b.rows <= a.row), (a.name + " / " + b.name));
      }
  }
}

TEST_CASE("block diagram: the shortcut and the SE are side lanes that meet the main path at the join") {
  cs::BlockConfig c;
  c.block = "residual";
  c.in_channels = 8;
  c.out_channels = 16;
  c.stride = 2;
  BlockDiagram d = layout_block_diagram(cs::describe_block(c).value().nodes, {1, 8, 8, 8});
  const int sum = box_named(d, "sum"), sc_conv = box_named(d, "shortcut.conv"), sc_bn = box_named(d, "shortcut.bn");
  const int body_bn = box_named(d, "body.1.bn"), body_conv = box_named(d, "body.0.conv");
  REQUIRE(sum > 0);
  REQUIRE(sc_conv > 0);
  CHECK(d.boxes[sc_conv].lane == 1);
  CHECK(d.boxes[sc_bn].lane == 1);
  CHECK(d.boxes[body_bn].lane == 0);
  CHECK(d.boxes[sc_conv].row == d.boxes[body_conv].row);  // the two branches side by side
  auto has_edge = [&](int from, int to) {
    return std::any_of(d.edges.begin(), d.edges.end(), [&](const DiagramEdge& e) { return e.from == from && e.to == to; });
  };
  CHECK(has_edge(0, sc_conv));  // the input splits
  CHECK(has_edge(0, body_conv));
  CHECK(has_edge(sc_conv, sc_bn));
  CHECK(has_edge(sc_bn, sum));  // and meets again at the add
  CHECK(has_edge(body_bn, sum));
  CHECK(d.boxes[box_named(d, "act")].kind == DiagramBoxKind::Layer);  // the ReLU after the add has one input

  // Without a projection the skip is an arrow of its own from the input to the add.
  c.out_channels = 8;
  c.stride = 1;
  d = layout_block_diagram(cs::describe_block(c).value().nodes, {1, 8, 8, 8});
  CHECK(d.lanes == 2);
  const int plain_sum = box_named(d, "sum");
  CHECK(std::any_of(d.edges.begin(), d.edges.end(), [&](const DiagramEdge& e) { return e.from == 0 && e.to == plain_sum && e.lane == 1; }));

  // MBConv with SE and a residual: the SE beside depthwise -> mul, the skip in a lane further out.
  c = cs::BlockConfig{};
  c.block = "mbconv";
  d = layout_block_diagram(cs::describe_block(c).value().nodes, {1, 16, 8, 8});
  const int se = box_named(d, "se"), mul = box_named(d, "se.scale"), dw = box_named(d, "depthwise.act");
  const int res = box_named(d, "residual");
  REQUIRE(se > 0);
  CHECK(d.boxes[se].lane == 1);
  CHECK(d.boxes[se].rows == 1 + static_cast<int>(squeeze_excite_stages().size()));
  CHECK(d.boxes[mul].kind == DiagramBoxKind::Join);
  CHECK(d.boxes[mul].lane == 0);
  CHECK(has_edge(dw, se));
  CHECK(has_edge(dw, mul));  // the main path is what the SE rescales
  CHECK(has_edge(se, mul));
  CHECK(std::any_of(d.edges.begin(), d.edges.end(), [&](const DiagramEdge& e) { return e.from == 0 && e.to == res && e.lane == 2; }));
  CHECK(d.lanes == 3);

  // ConvNeXt: the layer scale multiplies by the block's own parameters (one arrow in), then the add.
  c = cs::BlockConfig{};
  c.block = "convnext";
  c.kernel = 7;
  d = layout_block_diagram(cs::describe_block(c).value().nodes, {1, 16, 8, 8});
  CHECK(d.boxes[box_named(d, "layer_scale")].kind == DiagramBoxKind::Scale);
  CHECK(d.boxes[box_named(d, "residual")].kind == DiagramBoxKind::Join);

  const nlohmann::json j = block_diagram_json(d);
  CHECK(j["boxes"][0]["name"] == "input");
  CHECK(j["edges"][0] == nlohmann::json::array({"input", "dwconv"}));
}

TEST_CASE("block diagram: in pixels boxes do not overlap and fit a phone's width; arrows end on their targets") {
  for (const cs::BlockConfig& c : configs_of_every_block()) {
    CAPTURE(describe(c));
    const BlockDiagram d = layout_block_diagram(cs::describe_block(c).value().nodes, {1, c.in_channels, c.height, c.width});
    for (const DiagramMetrics m : {DiagramMetrics{350, 16, true, true}, DiagramMetrics{900, 13, false, false}}) {
      CAPTURE(m.width);
      const DiagramGeometry g = place_block_diagram(d, m);
      REQUIRE(g.boxes.size() == d.boxes.size());
      CHECK(g.width <= m.width + 0.01f);
      if (m.touch) CHECK(g.box_h >= 24.0f);
      for (size_t i = 0; i < g.boxes.size(); ++i) {
        const DiagramRect& r = g.boxes[i];
        CHECK(r.x >= 0);
        CHECK(r.x + r.w <= g.width + 0.01f);
        CHECK(r.y + r.h <= g.height + 0.01f);
        CHECK(r.w >= (m.touch ? 24.0f : 8.0f));
        for (size_t k = i + 1; k < g.boxes.size(); ++k) CHECK_MESSAGE(!rects_overlap(r, g.boxes[k]), (d.boxes[i].name + " / " + d.boxes[k].name));
      }
      for (size_t e = 0; e < d.edges.size(); ++e) {
        const std::vector<DiagramPoint>& p = g.edges[e];
        REQUIRE(p.size() >= 2);
        const DiagramRect& t = g.boxes[d.edges[e].to];
        // The arrow's tip touches the target's box (or its circle, inside the square).
        CHECK(p.back().x >= t.x - 0.01f);
        CHECK(p.back().x <= t.x + t.w + 0.01f);
        CHECK(p.back().y >= t.y - 0.01f);
        CHECK(p.back().y <= t.y + t.h + 0.01f);
        for (size_t s = 1; s < p.size(); ++s) CHECK((p[s].x == p[s - 1].x || p[s].y == p[s - 1].y));  // straight runs
      }
    }
  }
}
