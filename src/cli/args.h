// args.h — a small command-line option parser shared by every `convscope` subcommand:
// `--name value`, `--name=value` and `--flag`; unknown options and missing values are errors.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/status.h"

namespace cs::cli {

class Args {
 public:
  // value_options take a value; flag_options do not. Everything else starting with "--" is an error.
  Args(std::set<std::string> value_options, std::set<std::string> flag_options)
      : value_options_(std::move(value_options)), flag_options_(std::move(flag_options)) {}
  Status parse(int argc, char** argv);  // argv[0] is the first argument after the subcommand

  bool has(const std::string& name) const { return values_.count(name) || flags_.count(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  Result<int> get_int(const std::string& name, int fallback, int min_value, int max_value) const;
  Result<double> get_double(const std::string& name, double fallback) const;
  // "3" -> {3,3}; "2,3" -> {2,3} (H,W), as PyTorch's int-or-tuple sizes.
  Result<std::vector<int>> get_pair(const std::string& name, int fallback, int min_value) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::set<std::string> value_options_, flag_options_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace cs::cli
