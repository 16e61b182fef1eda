// block_diagram_model.h — the blocks panel's data-flow diagram without ImGui: the engine's node list
// (forward order) in, boxes on lanes and rows and the arrows between them out; then, for a width and
// a font size, where each box and arrow goes in pixels. The panel only draws what these lay out.
//
// The branch structure comes from the nodes the engine lists: an "add" join closes the composite
// named by its path's parent (its nodes under "<parent>.shortcut" are the side branch, the rest the
// main path; no shortcut nodes: the skip is an arrow of its own), and a "mul" join right after a
// SqueezeExcitation node is where the SE branch rescales the main path.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/nn/block_catalog.h"

namespace cs::app {

enum class DiagramBoxKind {
  Input,  // the block's input (not one of the engine's nodes)
  Layer,  // a layer, or a join with one input (the ReLU after a residual add)
  Join,   // where two branches meet: a residual add, the SE's multiply (two incoming arrows)
  Scale,  // a multiply by the block's own parameters (ConvNeXt's layer scale): one incoming arrow
};

// The stages inside a SqueezeExcitation node, its box's rows after the title.
const std::vector<std::string>& squeeze_excite_stages();

struct DiagramBox {
  int node = -1;  // index into the node list; -1 for the input
  std::string name, op;
  std::vector<int> shape;
  DiagramBoxKind kind = DiagramBoxKind::Layer;
  int lane = 0;  // 0: the main path; 1, 2, ...: side branches, further right
  int row = 0;   // top to bottom in forward order; parallel branches share rows
  int rows = 1;  // a SqueezeExcitation spans its title and its stages
};

struct DiagramEdge {
  int from = 0, to = 0;  // box indices
  int lane = 0;          // the lane its vertical run goes down (a skip goes around the branches it passes)
};

struct BlockDiagram {
  std::vector<DiagramBox> boxes;  // boxes[0] is the input
  std::vector<DiagramEdge> edges;
  int lanes = 1, rows = 1;
};

// `input_shape`: what the block is fed, (1, C, H, W).
BlockDiagram layout_block_diagram(const std::vector<cs::BlockNode>& nodes, const std::vector<int>& input_shape);

// {boxes: [{name, op, kind, lane, row, rows, join, shape}], edges: [[from, to], ...], lanes, rows}:
// join is true where two branches meet; edges name boxes.
nlohmann::json block_diagram_json(const BlockDiagram& d);

// [SECTION] pixels

struct DiagramRect {
  float x = 0, y = 0, w = 0, h = 0;
};
struct DiagramPoint {
  float x = 0, y = 0;
};

struct DiagramMetrics {
  float width = 400;      // what the panel offers
  float font = 13;        // font size
  bool touch = false;     // phones and tablets: every box at least 24 px tall, for a finger
  bool two_lines = false; // narrow lanes: a box says its layer and its shape on two lines
};

struct DiagramGeometry {
  float width = 0, height = 0;            // of the whole diagram
  float box_h = 0, row_h = 0;             // one row's box, and the pitch from row to row
  std::vector<DiagramRect> boxes;         // per box, from the diagram's top left; a join's is the square round its circle
  std::vector<float> circle_r;            // per box: the radius of a join's (or scale's) circle, 0 for a box
  std::vector<std::vector<DiagramPoint>> edges;  // per edge, a polyline ending on the target's border
};

DiagramGeometry place_block_diagram(const BlockDiagram& d, const DiagramMetrics& m);

}  // namespace cs::app
