// blocks_model.cpp — the blocks panel's config, description and state JSON (see blocks_model.h).
#include "blocks_model.h"

#include <algorithm>

#include "ui_strings.h"

namespace cs::app {

bool same_block_config(const cs::BlockConfig& a, const cs::BlockConfig& b) {
  return a.block == b.block && a.in_channels == b.in_channels && a.out_channels == b.out_channels &&
         a.height == b.height && a.width == b.width && a.kernel == b.kernel && a.stride == b.stride &&
         a.expand_ratio == b.expand_ratio && a.se == b.se && a.projection == b.projection;
}

void refresh_blocks(BlocksPanelState& B) {
  if (B.described_once && same_block_config(B.config, B.described)) return;
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
  } else {
    j["total_params"] = nullptr;
    j["total_macs"] = nullptr;
    j["output_shape"] = nullptr;
  }
  j["nodes"] = nodes;
  return j;
}

std::string apply_blocks_json(BlocksPanelState& B, const nlohmann::json& b) {
  if (!b.is_object()) return cs::fmt(tr(S::state_not_object), "blocks");
  BlocksPanelState next = B;
  cs::BlockConfig& c = next.config;
  static const char* kKnown[] = {"visible", "block",  "in_channels",  "out_channels", "height", "width",
                                 "kernel",  "stride", "expand_ratio", "se",           "projection"};
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
                           {"expand_ratio", &c.expand_ratio}};
  for (const IntField& f : ints) {
    if (!b.contains(f.key)) continue;
    const nlohmann::json& v = b[f.key];
    const std::string field = std::string("blocks.") + f.key;
    if (!v.is_number_integer()) return cs::fmt(tr(S::state_not_integer), field.c_str());
    if (v.get<int64_t>() < -100000 || v.get<int64_t>() > 100000)
      return cs::fmt(tr(S::state_out_of_range_value), field.c_str(), static_cast<long long>(v.get<int64_t>()));
    *f.value = v.get<int>();
  }
  for (const char* key : {"se", "projection", "visible"}) {
    if (!b.contains(key)) continue;
    if (!b[key].is_boolean()) return cs::fmt(tr(S::state_not_boolean), (std::string("blocks.") + key).c_str());
  }
  if (b.contains("se")) c.se = b["se"].get<bool>();
  if (b.contains("projection")) c.projection = b["projection"].get<bool>();
  if (b.contains("visible")) next.show = b["visible"].get<bool>();
  B = std::move(next);
  refresh_blocks(B);
  return "";
}

}  // namespace cs::app
