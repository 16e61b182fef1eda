// test_block_costs.cpp — the blocks' cost comparison: every row's output shape, parameters and MACs
// equal PyTorch's (tests/golden/block_costs.json, from make_block_costs.py), the hand formulas of
// the standard and separable convs, and impossible queries refused in words.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/nn/block_costs.h"

using namespace cs;

TEST_CASE("block costs: standard and separable convs follow the course's formulas") {
  BlockCostQuery q;
  q.channels = 32;
  q.height = q.width = 28;
  q.kernel = 3;
  auto r = compare_block_costs(q);
  REQUIRE(r.is_ok());
  REQUIRE(r->blocks.size() == 4);
  REQUIRE(r->heads.size() == 2);
  const BlockCostRow& std_row = r->blocks[0];
  const BlockCostRow& sep = r->blocks[1];
  CHECK(std_row.id == "standard");
  CHECK(std_row.params == 32 * 32 * 9);
  CHECK(std_row.macs == 28LL * 28 * 32 * 32 * 9);
  CHECK(sep.id == "separable");
  CHECK(sep.params == 32 * 9 + 32 * 32);
  CHECK(sep.macs == 28LL * 28 * (32 * 9 + 32 * 32));
  // The exact ratio is 1/C + 1/K^2; the course's 1/K^2 is its limit for many channels.
  CHECK(sep.params_ratio == doctest::Approx(r->separable_exact));
  CHECK(sep.macs_ratio == doctest::Approx(r->separable_exact));
  CHECK(r->separable_exact == doctest::Approx(1.0 / 32 + 1.0 / 9));
  CHECK(r->separable_rounded == doctest::Approx(1.0 / 9));
  CHECK(std_row.params_ratio == 1.0);
  CHECK(r->heads[0].id == "flatten_head");
  CHECK(r->heads[0].params == 32LL * 28 * 28 * 10 + 10);
  CHECK(r->heads[1].params == 32 * 10 + 10);
  CHECK(r->heads[1].params_ratio == doctest::Approx(330.0 / 250890.0));
  CHECK(r->blocks[2].layers.find("SqueezeExcitation") != std::string::npos);
  CHECK(r->blocks[3].layers.find("LayerNorm") != std::string::npos);
}

TEST_CASE("block costs: every row equals PyTorch's output shape, parameters and MACs") {
  std::ifstream f(std::string(CS_TEST_DATA_DIR) + "/golden/block_costs.json");
  REQUIRE_MESSAGE(f.good(), "missing tests/golden/block_costs.json (run tests/golden/make_block_costs.py)");
  const nlohmann::json g = nlohmann::json::parse(f, nullptr, false);
  REQUIRE(!g.is_discarded());
  REQUIRE(g["cases"].size() >= 6);
  for (const auto& c : g["cases"]) {
    BlockCostQuery q;
    q.channels = c["query"]["channels"];
    q.height = c["query"]["height"];
    q.width = c["query"]["width"];
    q.kernel = c["query"]["kernel"];
    q.classes = c["query"]["classes"];
    auto r = compare_block_costs(q);
    REQUIRE_MESSAGE(r.is_ok(), r.message());
    std::vector<BlockCostRow> rows = r->blocks;
    rows.insert(rows.end(), r->heads.begin(), r->heads.end());
    REQUIRE(rows.size() == c["rows"].size());
    for (const BlockCostRow& row : rows) {
      INFO("C=" << q.channels << " H=" << q.height << " W=" << q.width << " K=" << q.kernel << " " << row.id);
      REQUIRE(c["rows"].contains(row.id));
      const auto& t = c["rows"][row.id];
      CHECK(row.output == t["output"].get<Shape>());
      CHECK(row.params == t["params"].get<int64_t>());
      CHECK(row.macs == t["macs"].get<int64_t>());
    }
  }
}

TEST_CASE("block costs: impossible queries are refused with the offending value") {
  BlockCostQuery q;
  q.kernel = 4;
  auto r = compare_block_costs(q);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.message() == "kernel must be odd so padding (K-1)/2 keeps the map's size, got 4");
  q = BlockCostQuery{};
  q.channels = 0;
  CHECK(compare_block_costs(q).message() == "channels must be between 1 and 128, got 0");
  q = BlockCostQuery{};
  q.height = 65;
  CHECK(compare_block_costs(q).message() == "height must be between 1 and 64, got 65");
  q = BlockCostQuery{};
  q.kernel = -3;
  CHECK_FALSE(compare_block_costs(q).is_ok());
  q = BlockCostQuery{};
  q.classes = 1001;
  CHECK_FALSE(compare_block_costs(q).is_ok());
  q = BlockCostQuery{};
  q.channels = 128;
  q.height = q.width = 64;
  q.kernel = 15;
  r = compare_block_costs(q);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.message().find("15099494400") != std::string::npos);
}
