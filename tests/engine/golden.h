// golden.h — access to the PyTorch golden cases written by tests/golden/make_golden.py:
// the manifest's cases (op, params, files by role) and their tensors via the .npy reader.
#pragma once
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "engine/data/npy.h"
#include "engine/ops/conv_geometry.h"

namespace cs::test {

inline std::string golden_dir() { return std::string(CS_TEST_DATA_DIR) + "/golden/"; }

// All manifest cases whose "op" is `op` (fails the test if the manifest is missing).
inline std::vector<nlohmann::json> golden_cases(const std::string& op) {
  std::ifstream f(golden_dir() + "manifest.json");
  REQUIRE_MESSAGE(f.good(), "missing " << golden_dir() << "manifest.json (run tests/golden/make_golden.py)");
  nlohmann::json m = nlohmann::json::parse(f, nullptr, false);
  REQUIRE_MESSAGE(!m.is_discarded(), "manifest.json is not valid JSON");
  std::vector<nlohmann::json> out;
  for (const auto& c : m["cases"])
    if (c["op"] == op) out.push_back(c);
  return out;
}

inline bool golden_has(const nlohmann::json& c, const std::string& role) { return c["files"].contains(role); }

inline Tensor golden_tensor(const nlohmann::json& c, const std::string& role) {
  REQUIRE_MESSAGE(golden_has(c, role), c["name"].get<std::string>() << " has no '" << role << "' file");
  Result<Tensor> t = npy_read(golden_dir() + c["files"][role].get<std::string>());
  REQUIRE_MESSAGE(t.is_ok(), t.message());
  return std::move(t).value();
}

inline Size2 golden_pair(const nlohmann::json& c, const std::string& key) {
  const auto& v = c["params"][key];
  return Size2{v[0].get<int>(), v[1].get<int>()};
}

}  // namespace cs::test
