// temp_dir.h — a private scratch folder for the doctests' files: made with mkdtemp on first use
// (under $TMPDIR, else /tmp), one per test process, removed with everything in it when the process
// ends. Fixed names such as /tmp/cs_test_x collide when two checkouts (or two lanes) test at once.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

namespace cs_test {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/convscope_test_XXXXXX";
    if (char* made = mkdtemp(pattern.data())) path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// temp_path("x.safetensors"): that name inside this process's private folder.
inline std::string temp_path(const std::string& name) {
  static TempDir dir;
  REQUIRE_MESSAGE(!dir.path().empty(), "could not create a private temporary folder");
  return dir.path() + "/" + name;
}

}  // namespace cs_test
