// test_blocks_model.cpp — the blocks panel's state contract: state().blocks lists the engine's nodes
// and totals, setState({blocks}) applies a config or refuses a bad field in words, and a config the
// engine refuses shows the engine's reason instead of nodes.
#include <doctest/doctest.h>
#include <cmath>

#include "app/blocks_model.h"

using namespace cs::app;
using nlohmann::json;

TEST_CASE("blocks model: the default block is described with nodes and totals") {
  BlocksPanelState B;
  refresh_blocks(B);
  const json j = blocks_json(B);
  CHECK(j["block"] == "conv_bn_relu");
  CHECK(j["error"] == "");
  REQUIRE(j["nodes"].size() == 3);
  CHECK(j["nodes"][0]["op"] == "Conv2d");
  CHECK(j["nodes"][0]["shape"] == json::array({1, 16, 8, 8}));
  CHECK(j["total_params"] == 16 * 16 * 9 + 32);
  CHECK(j["total_macs"] == 64 * 16 * 16 * 9);
}

TEST_CASE("blocks model: setState applies a config and the description follows it") {
  BlocksPanelState B;
  REQUIRE(apply_blocks_json(B, json{{"block", "residual"}, {"in_channels", 4}, {"out_channels", 8}, {"stride", 2}}) ==
          "");
  const json j = blocks_json(B);
  CHECK(j["config"]["in_channels"] == 4);
  CHECK(j["output_shape"] == json::array({1, 8, 4, 4}));
  CHECK(j["total_params"] == (4 * 8 * 9 + 16) + (8 * 8 * 9 + 16) + (4 * 8 + 16));
  bool has_add = false;
  for (const json& n : j["nodes"]) has_add = has_add || (n["op"] == "add" && n["join"] == true);
  CHECK(has_add);
}

TEST_CASE("blocks model: bad fields are refused in words and change nothing") {
  BlocksPanelState B;
  const std::string unknown = apply_blocks_json(B, json{{"block", "resnet"}});
  CHECK(unknown.find("blocks.block") != std::string::npos);
  CHECK(unknown.find("mbconv") != std::string::npos);  // lists the valid names
  CHECK(apply_blocks_json(B, json{{"kernel", "3"}}).find("blocks.kernel") != std::string::npos);
  CHECK(apply_blocks_json(B, json{{"se", 1}}).find("blocks.se") != std::string::npos);
  CHECK(apply_blocks_json(B, json{{"colour", 1}}).find("colour") != std::string::npos);
  CHECK(apply_blocks_json(B, json::array()) != "");
  CHECK(B.config.block == "conv_bn_relu");
  CHECK(B.config.kernel == 3);
}

TEST_CASE("blocks model: a config the engine refuses shows its reason and no nodes") {
  BlocksPanelState B;
  REQUIRE(apply_blocks_json(B, json{{"block", "convnext"}, {"in_channels", 8}, {"out_channels", 16}}) == "");
  const json j = blocks_json(B);
  CHECK(j["error"].get<std::string>().find("out_channels 16 must equal in_channels 8") != std::string::npos);
  CHECK(j["nodes"].empty());
  CHECK(j["total_params"].is_null());
  REQUIRE(apply_blocks_json(B, json{{"out_channels", 8}}) == "");  // fixed: described again
  CHECK(blocks_json(B)["error"] == "");
  CHECK(blocks_json(B)["nodes"].size() > 0);
}

TEST_CASE("blocks model: a selected node's output, train vs eval mode, and refusals of the feed") {
  BlocksPanelState B;
  REQUIRE(apply_blocks_json(B, json{{"block", "conv_bn_relu"}, {"in_channels", 3}, {"out_channels", 4}, {"height", 6},
                                    {"width", 6}, {"seed", 5}, {"batch", 8}, {"training", true}, {"selected", "bn"}}) == "");
  json p = blocks_json(B)["probe"];
  CHECK(p["seed"] == 5);
  CHECK(p["batch"] == 8);
  CHECK(p["error"] == "");
  REQUIRE(p["node"].is_object());
  CHECK(p["node"]["name"] == "bn");
  CHECK(p["node"]["sample"].size() == 4);     // one map per channel
  CHECK(p["node"]["sample"][0].size() == 36);  // 6 x 6
  for (const json& v : p["node"]["stats"]["channel_var"]) CHECK(v.get<double>() == doctest::Approx(1.0).epsilon(1e-3));
  REQUIRE(apply_blocks_json(B, json{{"training", false}}) == "");
  p = blocks_json(B)["probe"];
  CHECK(p["training"] == false);
  CHECK(std::fabs(p["node"]["stats"]["channel_var"][0].get<double>() - 1.0) > 0.05);
  // A node the block does not have is refused with the names it does have; nothing changes.
  const std::string why = apply_blocks_json(B, json{{"selected", "body.0.conv"}});
  CHECK(why.find("blocks.selected") != std::string::npos);
  CHECK(why.find("conv, bn, act") != std::string::npos);
  CHECK(B.selected == "bn");
  CHECK(apply_blocks_json(B, json{{"seed", -1}}).find("blocks.seed") != std::string::npos);
  // A batch the engine refuses is shown in its words, as a refused config is.
  REQUIRE(apply_blocks_json(B, json{{"batch", 40}}) == "");
  p = blocks_json(B)["probe"];
  CHECK(p["error"].get<std::string>().find("batch must be 1..16, got 40") != std::string::npos);
  CHECK(p["node"].is_null());
  // Another block: the old selection is gone.
  REQUIRE(apply_blocks_json(B, json{{"batch", 4}, {"block", "gap_head"}}) == "");
  CHECK(B.selected == "");
  CHECK(blocks_json(B)["probe"]["node"].is_null());
}
