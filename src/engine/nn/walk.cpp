// walk.cpp — depth-first walk of Layer::children() (see walk.h).
#include "walk.h"

namespace cs {

std::string join_layer_path(const std::string& parent, const std::string& label) {
  if (parent.empty()) return label;
  if (label.empty()) return parent;
  return parent + "." + label;
}

void walk_layers(Layer& root, const std::function<void(Layer& layer, const std::string& path)>& visit) {
  struct Step {
    Layer* layer;
    std::string path;
  };
  std::vector<Step> stack{{&root, ""}};  // explicit stack: a deep hostile model cannot overflow it
  std::vector<LayerChild> kids;
  while (!stack.empty()) {
    Step s = std::move(stack.back());
    stack.pop_back();
    visit(*s.layer, s.path);
    kids.clear();
    s.layer->children(kids);
    for (size_t i = kids.size(); i-- > 0;)  // reversed onto the stack: visited in forward order
      if (kids[i].layer) stack.push_back({kids[i].layer, join_layer_path(s.path, kids[i].label)});
  }
}

}  // namespace cs
