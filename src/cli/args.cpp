// args.cpp — parsing and typed access for cli::Args; every error names the option and its value.
#include "args.h"

#include <cerrno>
#include <cstdlib>

namespace cs::cli {

Status Args::parse(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_inline = false;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    if (flag_options_.count(name)) {
      if (has_inline) return Status::error("option --" + name + " takes no value");
      flags_.insert(name);
    } else if (value_options_.count(name)) {
      if (!has_inline) {
        if (i + 1 >= argc) return Status::error("option --" + name + " needs a value");
        value = argv[++i];
      }
      values_[name] = value;
    } else {
      return Status::error("unknown option --" + name);
    }
  }
  return Status::ok();
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

static bool parse_long(const std::string& s, long& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtol(s.c_str(), &end, 10);
  return errno == 0 && end && *end == '\0';
}

Result<int> Args::get_int(const std::string& name, int fallback, int min_value, int max_value) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  long v = 0;
  if (!parse_long(it->second, v)) return Status::error("--" + name + " must be an integer, got '" + it->second + "'");
  if (v < min_value || v > max_value)
    return Status::error(fmt("--%s must be in [%d, %d], got %ld", name.c_str(), min_value, max_value, v));
  return static_cast<int>(v);
}

Result<double> Args::get_double(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || errno || !end || *end)
    return Status::error("--" + name + " must be a number, got '" + it->second + "'");
  return v;
}

Result<std::vector<int>> Args::get_pair(const std::string& name, int fallback, int min_value) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::vector<int>{fallback, fallback};
  const std::string& s = it->second;
  size_t comma = s.find(',');
  std::vector<std::string> parts = comma == std::string::npos
                                       ? std::vector<std::string>{s, s}
                                       : std::vector<std::string>{s.substr(0, comma), s.substr(comma + 1)};
  std::vector<int> out;
  for (const std::string& p : parts) {
    long v = 0;
    if (!parse_long(p, v) || v < min_value || v > 1000000)
      return Status::error(fmt("--%s must be one integer >= %d or H,W, got '%s'", name.c_str(), min_value, s.c_str()));
    out.push_back(static_cast<int>(v));
  }
  return out;
}

}  // namespace cs::cli
