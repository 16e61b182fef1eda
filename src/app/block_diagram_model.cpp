// block_diagram_model.cpp — the blocks panel's diagram: branches from node names, lanes and rows,
// then pixels (see block_diagram_model.h).
#include "block_diagram_model.h"

#include <algorithm>
#include <cmath>

namespace cs::app {

const std::vector<std::string>& squeeze_excite_stages() {
  // The engine's trace labels inside a SqueezeExcitation (squeeze_excite.h), the gate last.
  static const std::vector<std::string> stages = {"squeeze", "fc1", "act", "fc2", "sigmoid"};
  return stages;
}

namespace {

// A stretch of nodes whose branches meet at `join`: `side` is the branch drawn beside the main path
// (the projection shortcut, the SE); empty for an identity skip.
struct Region {
  int start = 0, join = 0;
  std::vector<int> side;
  bool done = false;
};

std::string parent_path(const std::string& name) {
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? "" : name.substr(0, dot);
}

bool under(const std::string& name, const std::string& parent) {
  return parent.empty() || name.rfind(parent + ".", 0) == 0;
}

bool is_se_multiply(const std::vector<cs::BlockNode>& nodes, int j) {
  const cs::BlockNode& n = nodes[j];
  return n.join && n.op == "mul" && n.params == 0 && j > 0 && nodes[j - 1].op == "SqueezeExcitation";
}

bool is_add(const cs::BlockNode& n) { return n.join && n.op == "add"; }

std::vector<Region> find_regions(const std::vector<cs::BlockNode>& nodes) {
  std::vector<Region> regions;
  const int count = static_cast<int>(nodes.size());
  for (int j = 0; j < count; ++j) {
    if (is_se_multiply(nodes, j)) {
      regions.push_back({j - 1, j, {j - 1}});
    } else if (is_add(nodes[j])) {
      const std::string parent = parent_path(nodes[j].name);
      const std::string shortcut = parent.empty() ? "shortcut" : parent + ".shortcut";
      Region r{j, j, {}};
      for (int i = j - 1; i >= 0; --i)
        if (under(nodes[i].name, parent)) r.start = i;
      for (int i = r.start; i < j; ++i)
        if (nodes[i].name == shortcut || under(nodes[i].name, shortcut)) r.side.push_back(i);
      regions.push_back(std::move(r));
    }
  }
  return regions;
}

class Layout {
 public:
  Layout(const std::vector<cs::BlockNode>& nodes, std::vector<Region> regions, BlockDiagram& d)
      : nodes_(nodes), regions_(std::move(regions)), d_(d) {}

  // Lays out `list` (node indices in forward order) down `lane` from row `row`, the first fed by box
  // `prev`; returns the last box and sets *next_row to the first free row after it and *max_lane to
  // the rightmost lane used.
  int lay(const std::vector<int>& list, int lane, int prev, int row, int* next_row, int* max_lane) {
    *max_lane = std::max(*max_lane, lane);
    for (size_t k = 0; k < list.size(); ++k) {
      const int i = list[k];
      Region* r = outermost_region_at(i);
      if (!r) {
        const int b = add_box(i, lane, row);
        edge(prev, b, lane);
        prev = b;
        row += d_.boxes[b].rows;
        continue;
      }
      r->done = true;
      std::vector<int> main;
      for (int m = r->start; m < r->join; ++m)
        if (std::find(r->side.begin(), r->side.end(), m) == r->side.end()) main.push_back(m);
      int main_next = row, main_lane = lane;
      const int main_last = main.empty() ? prev : lay(main, lane, prev, row, &main_next, &main_lane);
      const int side_lane = main_lane + 1;  // right of everything the main path holds, so the skip goes round it
      int side_next = row, side_max = side_lane;
      const int side_last = r->side.empty() ? prev : lay(r->side, side_lane, prev, row, &side_next, &side_max);
      *max_lane = std::max({*max_lane, main_lane, side_max});
      const int join = add_box(r->join, lane, std::max(main_next, side_next));
      edge(main_last, join, lane);
      edge(side_last, join, side_lane);
      prev = join;
      row = d_.boxes[join].row + 1;
      while (k + 1 < list.size() && list[k + 1] <= r->join) ++k;  // the region's nodes are laid out
    }
    *next_row = row;
    return prev;
  }

 private:
  Region* outermost_region_at(int i) {
    Region* best = nullptr;
    for (Region& r : regions_)
      if (!r.done && r.start == i && (!best || r.join > best->join)) best = &r;
    return best;
  }

  int add_box(int i, int lane, int row) {
    const cs::BlockNode& n = nodes_[i];
    DiagramBox b;
    b.node = i;
    b.name = n.name;
    b.op = n.op;
    b.shape = n.shape;
    b.lane = lane;
    b.row = row;
    const bool meets = is_add(n) || is_se_multiply(nodes_, i);
    if (meets) b.kind = DiagramBoxKind::Join;
    else if (n.join && n.op == "mul") b.kind = DiagramBoxKind::Scale;
    if (n.op == "SqueezeExcitation") b.rows = 1 + static_cast<int>(squeeze_excite_stages().size());
    d_.boxes.push_back(std::move(b));
    return static_cast<int>(d_.boxes.size()) - 1;
  }

  void edge(int from, int to, int lane) { d_.edges.push_back({from, to, lane}); }

  const std::vector<cs::BlockNode>& nodes_;
  std::vector<Region> regions_;
  BlockDiagram& d_;
};

const char* kind_name(DiagramBoxKind k) {
  switch (k) {
    case DiagramBoxKind::Input: return "input";
    case DiagramBoxKind::Join: return "join";
    case DiagramBoxKind::Scale: return "scale";
    default: return "layer";
  }
}

}  // namespace

BlockDiagram layout_block_diagram(const std::vector<cs::BlockNode>& nodes, const std::vector<int>& input_shape) {
  BlockDiagram d;
  DiagramBox in;
  in.name = "input";
  in.op = "input";
  in.shape = input_shape;
  in.kind = DiagramBoxKind::Input;
  d.boxes.push_back(in);
  std::vector<int> all(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) all[i] = static_cast<int>(i);
  Layout layout(nodes, find_regions(nodes), d);
  int next_row = 1, max_lane = 0;
  layout.lay(all, 0, 0, 1, &next_row, &max_lane);
  d.lanes = 1;
  d.rows = 1;
  for (const DiagramBox& b : d.boxes) {
    d.lanes = std::max(d.lanes, b.lane + 1);
    d.rows = std::max(d.rows, b.row + b.rows);
  }
  for (const DiagramEdge& e : d.edges) d.lanes = std::max(d.lanes, e.lane + 1);
  return d;
}

nlohmann::json block_diagram_json(const BlockDiagram& d) {
  nlohmann::json boxes = nlohmann::json::array(), edges = nlohmann::json::array();
  for (const DiagramBox& b : d.boxes)
    boxes.push_back({{"name", b.name},
                     {"op", b.op},
                     {"kind", kind_name(b.kind)},
                     {"lane", b.lane},
                     {"row", b.row},
                     {"rows", b.rows},
                     {"join", b.kind == DiagramBoxKind::Join},
                     {"shape", b.shape}});
  for (const DiagramEdge& e : d.edges) edges.push_back({d.boxes[e.from].name, d.boxes[e.to].name});
  return {{"boxes", boxes}, {"edges", edges}, {"lanes", d.lanes}, {"rows", d.rows}};
}

// [SECTION] pixels

DiagramGeometry place_block_diagram(const BlockDiagram& d, const DiagramMetrics& m) {
  DiagramGeometry g;
  const float f = std::max(m.font, 1.0f);
  // A box holds one or two lines of text; on a touch screen it is a finger's target too.
  g.box_h = std::max(m.two_lines ? 2.5f * f : 1.6f * f, m.touch ? 26.0f : 0.0f);
  const float gap = std::max(0.8f * f, 10.0f);  // room for an arrow between two rows
  g.row_h = g.box_h + gap;

  // Lanes holding boxes share the width (the main path widest); lanes that only carry a skip arrow
  // are narrow gutters.
  std::vector<bool> has_boxes(d.lanes, false);
  for (const DiagramBox& b : d.boxes)
    if (b.kind != DiagramBoxKind::Join && b.kind != DiagramBoxKind::Scale) has_boxes[b.lane] = true;
  const float spacing = 0.6f * f, gutter = 1.4f * f;
  float weights = 0, fixed = spacing * (d.lanes - 1);
  for (int l = 0; l < d.lanes; ++l) {
    if (has_boxes[l]) weights += l == 0 ? 1.0f : 0.7f;
    else fixed += gutter;
  }
  const float unit = std::max(0.0f, m.width - fixed) / std::max(weights, 1.0f);
  std::vector<float> lane_x(d.lanes), lane_w(d.lanes);
  float x = 0;
  for (int l = 0; l < d.lanes; ++l) {
    // A wide panel does not stretch a box past what its words need.
    lane_w[l] = has_boxes[l] ? std::min(unit * (l == 0 ? 1.0f : 0.7f), (l == 0 ? 24.0f : 17.0f) * f) : gutter;
    if (l == 0 && !has_boxes[0]) lane_w[0] = std::min(unit, 24.0f * f);  // joins only: keep the main path's width
    lane_x[l] = x;
    x += lane_w[l] + spacing;
  }
  g.width = x - spacing;
  g.height = d.rows * g.row_h - gap;

  for (const DiagramBox& b : d.boxes) {
    const float top = b.row * g.row_h;
    if (b.kind == DiagramBoxKind::Join || b.kind == DiagramBoxKind::Scale) {
      const float side = g.box_h, cx = lane_x[b.lane] + lane_w[b.lane] * 0.5f;
      g.boxes.push_back({cx - side * 0.5f, top, side, side});
      g.circle_r.push_back(side * 0.4f);
    } else {
      g.boxes.push_back({lane_x[b.lane], top, lane_w[b.lane], b.rows * g.row_h - gap});
      g.circle_r.push_back(0);
    }
  }

  // An arrow goes down its lane: out of the source's bottom (or its right side when the lane is
  // another), into the target's top (or its right side).
  for (const DiagramEdge& e : d.edges) {
    const DiagramRect& a = g.boxes[e.from];
    const DiagramRect& b = g.boxes[e.to];
    const float ra = g.circle_r[e.from], rb = g.circle_r[e.to];
    const float acx = a.x + a.w * 0.5f, acy = a.y + a.h * 0.5f, bcx = b.x + b.w * 0.5f, bcy = b.y + b.h * 0.5f;
    const float lx = lane_x[e.lane] + lane_w[e.lane] * 0.5f;
    std::vector<DiagramPoint> p;
    if (d.boxes[e.from].lane == e.lane) {
      p.push_back({lx, ra > 0 ? acy + ra : a.y + a.h});
    } else {
      p.push_back({ra > 0 ? acx + ra : a.x + a.w, acy});
      p.push_back({lx, acy});
    }
    if (d.boxes[e.to].lane == e.lane) {
      p.push_back({lx, rb > 0 ? bcy - rb : b.y});
    } else {
      p.push_back({lx, bcy});
      p.push_back({rb > 0 ? bcx + rb : b.x + b.w, bcy});
    }
    g.edges.push_back(std::move(p));
  }
  return g;
}

}  // namespace cs::app
