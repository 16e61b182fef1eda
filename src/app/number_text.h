// number_text.h — counts as the panels write them: 1234567 -> "1,234,567" (parameters, MACs and bytes
// run to millions, and grouped digits are read at a glance).
#pragma once
#include <cstdint>
#include <string>

namespace cs::app {

std::string grouped_count(int64_t v);

}  // namespace cs::app
