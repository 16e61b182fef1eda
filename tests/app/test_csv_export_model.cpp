// test_csv_export_model.cpp — CSV of the SE heatmap and of an activation: header, row and column
// counts, every number reading back as the same float, and the refusals (incomplete pass, no block).
#include <doctest/doctest.h>

#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "app/csv_export_model.h"

using namespace cs::app;

namespace {

std::vector<std::vector<std::string>> parse(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// Two blocks with odd sums (means that need all nine digits) over a complete pass of 37 digits.
SeStats stats_fixture() {
  SeStats s;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int b = 0; b < 2; ++b) {
    SeStats::Block bl;
    bl.name = b == 0 ? "blocks.0.se" : "blocks.2.se";
    bl.channels = b == 0 ? 3 : 7;
    bl.sum.resize(10 * bl.channels);
    bl.sumsq.resize(10 * bl.channels);
    for (double& x : bl.sum) x = u(rng) * 4;
    s.blocks.push_back(bl);
  }
  for (int d = 0; d < 10; ++d) s.count[d] = 3 + d % 2;
  s.total = s.done = 37;
  return s;
}

}  // namespace

TEST_CASE("csv: SE weights are rows of digits and columns of channels, numbers exact") {
  const SeStats s = stats_fixture();
  cs::Result<std::string> r = se_weights_csv(s, 1);
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  const auto rows = parse(r.value());
  REQUIRE(rows.size() == 11);
  CHECK(rows[0] == std::vector<std::string>{"digit", "c0", "c1", "c2", "c3", "c4", "c5", "c6"});
  for (int d = 0; d < 10; ++d) {
    REQUIRE(rows[d + 1].size() == 8);
    CHECK(rows[d + 1][0] == std::to_string(d));
    for (int c = 0; c < 7; ++c) CHECK(std::strtof(rows[d + 1][c + 1].c_str(), nullptr) == s.mean(1, d, c));
  }
  CHECK(parse(se_weights_csv(s, 0).value())[0].size() == 4);  // the other block has 3 channels
}

TEST_CASE("csv: SE weights are refused while the pass is incomplete or the block is missing") {
  SeStats s = stats_fixture();
  CHECK(se_weights_csv(s, 2).message() == "SE block 2 does not exist (the network has 2)");
  CHECK_FALSE(se_weights_csv(s, -1).is_ok());
  s.done = 20;
  CHECK(se_weights_csv(s, 0).message() == "the SE statistics are not ready yet (20 of 37 digits done)");
}

TEST_CASE("csv: an activation (1, C, H, W) is one row per value with its channel, y and x") {
  cs::Tensor t({1, 3, 2, 4});
  std::mt19937 rng(9);
  for (size_t i = 0; i < t.numel(); ++i) t[i] = std::uniform_real_distribution<float>(-50, 50)(rng) * 1e-3f * (i + 1);
  const auto rows = parse(activation_csv(t).value());
  REQUIRE(rows.size() == 1 + 3 * 2 * 4);
  CHECK(rows[0] == std::vector<std::string>{"channel", "y", "x", "value"});
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 4; ++x) {
        const auto& row = rows[1 + (c * 2 + y) * 4 + x];
        REQUIRE(row.size() == 4);
        CHECK(row[0] == std::to_string(c));
        CHECK(row[1] == std::to_string(y));
        CHECK(row[2] == std::to_string(x));
        CHECK(std::strtof(row[3].c_str(), nullptr) == t.at(0, c, y, x));
      }
}

TEST_CASE("csv: flat activations, batches and empty tensors") {
  cs::Tensor logits({1, 10});
  for (int i = 0; i < 10; ++i) logits[static_cast<size_t>(i)] = 0.1f * i - 0.35f;
  const auto rows = parse(activation_csv(logits).value());
  REQUIRE(rows.size() == 11);
  CHECK(rows[0] == std::vector<std::string>{"index", "value"});
  CHECK(rows[10][0] == "9");
  CHECK(std::strtof(rows[10][1].c_str(), nullptr) == logits[9]);
  cs::Tensor b({2, 3});
  const auto brows = parse(activation_csv(b).value());
  CHECK(brows[0] == std::vector<std::string>{"n", "index", "value"});
  CHECK(brows.size() == 7);
  CHECK(brows[4][0] == "1");
  CHECK(brows[4][1] == "0");
  CHECK_FALSE(activation_csv(cs::Tensor()).is_ok());
}

TEST_CASE("csv: file names keep only safe characters") {
  CHECK(csv_file_name("se", "blocks.1.se") == "convscope-se-blocks.1.se.csv");
  CHECK(csv_file_name("activation", "a/b c\\..") == "convscope-activation-a_b_c_...csv");
}
