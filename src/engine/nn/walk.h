// walk.h — the one walk of a model's layer tree: every place that looks for layers inside a model
// (its SE blocks, its convolutions, a receptive field's path) goes through Layer::children() here,
// so a new kind of block is found everywhere once it lists its children.
// Paths are those the Trace records activations under ("features.3.se", "res.body.0").
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "layer.h"

namespace cs {

// "a" + "b" -> "a.b"; an empty side adds nothing (a child traced under its parent's own prefix).
std::string join_layer_path(const std::string& parent, const std::string& label);

// Visits `root` (path "") and every layer inside it, depth first, in forward order.
void walk_layers(Layer& root, const std::function<void(Layer& layer, const std::string& path)>& visit);

// The layers of type T under `root`, with their paths, in forward order.
template <class T>
std::vector<std::pair<std::string, T*>> find_layers(Layer& root) {
  std::vector<std::pair<std::string, T*>> out;
  walk_layers(root, [&](Layer& l, const std::string& path) {
    if (auto* t = dynamic_cast<T*>(&l)) out.emplace_back(path, t);
  });
  return out;
}

}  // namespace cs
