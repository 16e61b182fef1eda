// blocks_model.cpp — the blocks panel's config, description and state JSON (see blocks_model.h).
#include "blocks_model.h"

#include <algorithm>

#include "block_diagram_model.h"
#include "ui_strings.h"

namespace cs::app {

bool same_block_config(const cs::BlockConfig& a, const cs::BlockConfig& b) {
  return a.block == b.block && a.in_channels == b.in_channels && a.out_channels == b.out_channels &&
         a.height == b.height && a.width == b.width && a.kernel == b.kernel && a.stride == b.stride &&
         a.expand_ratio == b.expand_ratio && a.se == b.se && a.projection == b.projection;
}

namespace {

void refresh_probe(BlocksPanelState& B) {
  if (!B.description) {
    B.probe.reset();
    B.probe_error.clear();
    return;
  }
  if (B.probed_once && same_block_config(B.config, B.probed) && B.seed == B.probed_seed && B.batch == B.probed_batch &&
      B.training == B.probed_training)
    return;
  B.probed = B.config;
  B.probed_seed = B.seed;
  B.probed_batch = B.batch;
  B.probed_training = B.training;
  B.probed_once = true;
  cs::Result<cs::BlockProbe> p = cs::probe_block(B.config, B.seed, B.batch, B.training);
  if (p.is_ok()) {
    B.probe = std::make_shared<const cs::BlockProbe>(std::move(p).value());
    B.probe_error.clear();
  } else {
    B.probe.reset();
    B.probe_error = p.message();
  }
}

nlohmann::json stats_json(const cs::TensorStats& s) {
  return {{"min", s.min},
          {"mean", s.mean},
          {"max", s.max},
          {"std", s.std},
          {"zero_fraction", s.zero_fraction},
          {"histogram", s.histogram},
          {"histogram_range", {s.histogram_lo, s.histogram_hi}},
          {"channel_mean", s.channel_mean},
          {"channel_var", s.channel_var}};
}

}  // namespace

std::vector<int> diagram_input_shape(const BlocksPanelState& B) {
  return {1, B.described.in_channels, B.described.height, B.described.width};
}

int selected_node(const BlocksPanelState& B) {
  if (!B.probe || B.selected.empty()) return -1;
  for (size_t i = 0; i < B.probe->nodes.size(); ++i)
    if (B.probe->nodes[i].name == B.selected) return static_cast<int>(i);
  return -1;
}

void refresh_blocks(BlocksPanelState& B) {
  if (B.described_once && same_block_config(B.config, B.described)) {
    refresh_probe(B);
    return;
  }
  B.described = B.config;
  B.described_once = true;
  cs::Result<cs::BlockDescription> d = cs::describe_block(B.config);
  if (d.is_ok()) {
    B.description = std::make_shared<const cs::BlockDescription>(std::move(d).value());
    B.error.clear();
  } else {
    B.description.reset();
    B.error = d.message();
  }
  refresh_probe(B);
  if (B.probe && selected_node(B) < 0) B.selected.clear();
}

nlohmann::json blocks_json(const BlocksPanelState& B) {
  const cs::BlockConfig& c = B.config;
  nlohmann::json j = {{"visible", B.show},
                      {"block", c.block},
                      {"config",
                       {{"in_channels", c.in_channels},
                        {"out_channels", c.out_channels},
                        {"height", c.height},
                        {"width", c.width},
                        {"kernel", c.kernel},
                        {"stride", c.stride},
                        {"expand_ratio", c.expand_ratio},
                        {"se", c.se},
                        {"projection", c.projection}}},
                      {"error", B.error}};
  nlohmann::json nodes = nlohmann::json::array();
  if (B.description) {
    for (const cs::BlockNode& n : B.description->nodes)
      nodes.push_back({{"name", n.name}, {"op", n.op}, {"shape", n.shape}, {"params", n.params}, {"macs", n.macs},
                       {"join", n.join}});
    j["total_params"] = B.description->total_params;
    j["total_macs"] = B.description->total_macs;
    j["output_shape"] = B.description->output_shape;
    j["diagram"] = block_diagram_json(layout_block_diagram(B.description->nodes, diagram_input_shape(B)));
  } else {
    j["diagram"] = nullptr;
    j["total_params"] = nullptr;
    j["total_macs"] = nullptr;
    j["output_shape"] = nullptr;
  }
  j["nodes"] = nodes;
  j["pytorch"] = B.description ? cs::block_pytorch(c) : "";  // what "Copy as PyTorch" copies
  j["pytorch_copies"] = B.pytorch_copies;
  nlohmann::json probe = {{"seed", B.seed}, {"batch", B.batch}, {"training", B.training}, {"selected", B.selected},
                          {"error", B.probe_error}, {"input", nullptr}, {"node", nullptr}};
  if (B.probe) {
    probe["input"] = stats_json(B.probe->input_stats);
    const int i = selected_node(B);
    if (i >= 0) {
      const cs::BlockNode& n = B.probe->nodes[i];
      const cs::Tensor& t = B.probe->outputs[i];
      // The first input's output, channel by channel (a (N, C) output gives one value per channel).
      const int C = t.dim(1);
      const size_t per_channel = t.numel() / (static_cast<size_t>(t.dim(0)) * C);
      nlohmann::json sample = nlohmann::json::array();
      for (int c = 0; c < C; ++c)
        sample.push_back(std::vector<float>(t.data() + c * per_channel, t.data() + (c + 1) * per_channel));
      probe["node"] = {{"name", n.name}, {"op", n.op}, {"shape", n.shape}, {"stats", stats_json(B.probe->stats[i])},
                       {"sample", sample}};
    }
  }
  j["probe"] = probe;
  return j;
}

std::string apply_blocks_json(BlocksPanelState& B, const nlohmann::json& b) {
  if (!b.is_object()) return cs::fmt(tr(S::state_not_object), "blocks");
  BlocksPanelState next = B;
  cs::BlockConfig& c = next.config;
  static const char* kKnown[] = {"visible", "block",      "in_channels", "out_channels", "height", "width",
                                 "kernel",  "stride",     "expand_ratio", "se",          "projection", "seed",
                                 "batch",   "training",   "selected"};
  for (auto it = b.begin(); it != b.end(); ++it)
    if (std::none_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return it.key() == k; }))
      return cs::fmt(tr(S::state_no_field), "blocks", it.key().c_str());
  if (b.contains("block")) {
    const auto& names = cs::block_names();
    const std::string name = b["block"].is_string() ? b["block"].get<std::string>() : "";
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      return cs::fmt(tr(S::state_one_of), "blocks.block", list.c_str());
    }
    c.block = name;
  }
  struct IntField {
    const char* key;
    int* value;
  };
  const IntField ints[] = {{"in_channels", &c.in_channels}, {"out_channels", &c.out_channels},
                           {"height", &c.height},           {"width", &c.width},
                           {"kernel", &c.kernel},           {"stride", &c.stride},
                           {"expand_ratio", &c.expand_ratio}, {"batch", &next.batch}};
  for (const IntField& f : ints) {
    if (!b.contains(f.key)) continue;
    const nlohmann::json& v = b[f.key];
    const std::string field = std::string("blocks.") + f.key;
    if (!v.is_number_integer()) return cs::fmt(tr(S::state_not_integer), field.c_str());
    if (v.get<int64_t>() < -100000 || v.get<int64_t>() > 100000)
      return cs::fmt(tr(S::state_out_of_range_value), field.c_str(), static_cast<long long>(v.get<int64_t>()));
    *f.value = v.get<int>();
  }
  if (b.contains("seed")) {
    const nlohmann::json& v = b["seed"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 0xffffffffLL)
      return cs::fmt(tr(S::state_not_seed), "blocks.seed");
    next.seed = static_cast<uint32_t>(v.get<int64_t>());
  }
  for (const char* key : {"se", "projection", "visible", "training"}) {
    if (!b.contains(key)) continue;
    if (!b[key].is_boolean()) return cs::fmt(tr(S::state_not_boolean), (std::string("blocks.") + key).c_str());
  }
  if (b.contains("se")) c.se = b["se"].get<bool>();
  if (b.contains("projection")) c.projection = b["projection"].get<bool>();
  if (b.contains("visible")) next.show = b["visible"].get<bool>();
  if (b.contains("training")) next.training = b["training"].get<bool>();
  const bool select = b.contains("selected");
  const std::string wanted = select && b["selected"].is_string() ? b["selected"].get<std::string>() : "?";
  if (select) next.selected = wanted;
  refresh_blocks(next);
  const bool known = next.description && std::any_of(next.description->nodes.begin(), next.description->nodes.end(),
                                                     [&](const cs::BlockNode& n) { return n.name == wanted; });
  if (select && !wanted.empty() && !known) {
    std::string list = "\"\"";  // "" deselects
    if (next.description)
      for (const cs::BlockNode& n : next.description->nodes) list += ", " + n.name;
    return cs::fmt(tr(S::state_one_of), "blocks.selected", list.c_str());
  }
  B = std::move(next);
  return "";
}

}  // namespace cs::app
