// csv_export_model.cpp — SeStats / Trace tensors -> CSV text (shortest round-trip floats, '\n' rows).
#include "csv_export_model.h"

#include "url_state_model.h"  // float_text: the shortest text that reads back as the same float
#include "ui_strings.h"

namespace cs::app {

cs::Result<std::string> se_weights_csv(const SeStats& stats, int block) {
  if (block < 0 || block >= static_cast<int>(stats.blocks.size()))
    return cs::Status::error(cs::fmt(tr(S::csv_err_no_block), block, stats.blocks.size()));
  if (!stats.complete())
    return cs::Status::error(cs::fmt(tr(S::csv_err_not_ready), stats.done, stats.total));
  const int C = stats.blocks[static_cast<size_t>(block)].channels;
  std::string out = "digit";
  for (int c = 0; c < C; ++c) out += ",c" + std::to_string(c);
  out += '\n';
  for (int d = 0; d < 10; ++d) {
    out += std::to_string(d);
    for (int c = 0; c < C; ++c) out += "," + float_text(stats.mean(block, d, c));
    out += '\n';
  }
  return out;
}

cs::Result<std::string> activation_csv(const cs::Tensor& t) {
  if (t.empty() || t.rank() < 1) return cs::Status::error(tr(S::csv_err_empty_activation));
  const int rank = t.rank();
  const bool batch = t.dim(0) != 1;
  std::string out = batch ? "n," : "";
  if (rank == 4) out += "channel,y,x,value\n";
  else if (rank == 2) out += "index,value\n";
  else {
    for (int d = 1; d < rank; ++d) out += "i" + std::to_string(d) + ",";
    out += "value\n";
  }
  // Row-major walk with the multi-index kept alongside the flat position.
  std::vector<int> idx(static_cast<size_t>(rank), 0);
  const float* v = t.data();
  const size_t n = t.numel();
  out.reserve(n * 16);
  for (size_t i = 0; i < n; ++i) {
    for (int d = batch ? 0 : 1; d < rank; ++d) out += std::to_string(idx[static_cast<size_t>(d)]) + ",";
    out += float_text(v[i]);
    out += '\n';
    for (int d = rank - 1; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < t.dim(d)) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
  return out;
}

std::string csv_file_name(const std::string& kind, const std::string& name) {
  std::string out = "convscope-" + kind + "-";
  for (char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                    ch == '-' || ch == '_';
    out += ok ? ch : '_';
  }
  return out + ".csv";
}

}  // namespace cs::app
