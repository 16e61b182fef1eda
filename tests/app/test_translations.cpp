// test_translations.cpp — the real languages (assets/lang/<code>.tsv, installed by the app from the
// JSON scripts/lang_json.mjs makes of them): every string id of the table present and non-empty in
// each, printf placeholders as in English, no unknown ids, Latin languages inside the bundled font's
// glyphs; and the installer's handling of bad files (English kept, every problem named).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/ui_strings.h"

using namespace cs::app;
using nlohmann::json;

namespace {

// The source format (scripts/lang_json.mjs): "<id><TAB><text>" lines, "\n" escapes, "#" comments.
json read_tsv(const std::string& path, std::vector<std::string>* errors) {
  std::ifstream in(path);
  if (!in) errors->push_back("cannot read " + path);
  json j = json::object();
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      errors->push_back(path + ":" + std::to_string(n) + ": no <id><TAB><text>");
      continue;
    }
    std::string text = line.substr(tab + 1);
    for (size_t at; (at = text.find("\\n")) != std::string::npos;) text.replace(at, 2, "\n");
    if (j.contains(line.substr(0, tab))) errors->push_back(path + ":" + std::to_string(n) + ": repeated id");
    j[line.substr(0, tab)] = text;
  }
  return j;
}

std::vector<long> code_points(const std::string& s) {
  std::vector<long> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return {-1};
    long cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

// The bundled DejaVu subset's ranges (window_loop.cpp): Spanish and German must stay inside them.
bool latin_font_has(long cp) {
  static const long ranges[][2] = {{0x20, 0x7E}, {0xA0, 0xFF}, {0x394, 0x394}, {0x3A3, 0x3A3}, {0x3B1, 0x3C9},
                                   {0x2190, 0x2193}, {0x2212, 0x2212}, {0x2022, 0x2022}, {0x2026, 0x2026},
                                   {0x221E, 0x221E}, {0x2248, 0x2248}, {0x2264, 0x2265}, {0x25A0, 0x25A0},
                                   {0x25B6, 0x25B6}, {'\n', '\n'}};
  for (const auto& r : ranges)
    if (cp >= r[0] && cp <= r[1]) return true;
  return false;
}

const struct {
  Language lang;
  const char* file;
  bool latin;
} kLanguages[] = {{Language::Spanish, "es", true}, {Language::German, "de", true}, {Language::Chinese, "zh", false}};

}  // namespace

TEST_CASE("every real language has every string id, non-empty, with English's placeholders") {
  for (const auto& L : kLanguages) {
    CAPTURE(L.file);
    std::vector<std::string> errors;
    const json j = read_tsv(std::string(CS_TEST_DATA_DIR) + "/../assets/lang/" + L.file + ".tsv", &errors);
    CHECK_MESSAGE(errors.empty(), errors.size() << " source errors, first: " << (errors.empty() ? "" : errors[0]));
    std::vector<std::string> missing, problems;
    for (int i = 0; i < kUiStringCount; ++i)
      if (!j.contains(ui_string_name(static_cast<S>(i)))) missing.push_back(ui_string_name(static_cast<S>(i)));
    std::string list;
    for (const std::string& m : missing) list += m + " ";
    CHECK_MESSAGE(missing.empty(), L.file << ".tsv lacks " << missing.size() << " ids: " << list);
    // The app's own installer: it names every id it had to keep in English (missing, empty, other
    // placeholders) and ids the table does not know.
    REQUIRE(install_ui_translation(L.lang, j.dump(), &problems) == "");
    std::string all;
    for (const std::string& p : problems) all += p + "; ";
    CHECK_MESSAGE(problems.empty(), L.file << ": " << all);
    CHECK(ui_language_installed(L.lang));
    int differs = 0;
    for (int i = 0; i < kUiStringCount; ++i) {
      const S id = static_cast<S>(i);
      const std::string en = ui_string(Language::English, id), tr_text = ui_string(L.lang, id);
      CAPTURE(ui_string_name(id));
      CHECK(printf_placeholders(tr_text) == printf_placeholders(en));
      CHECK_FALSE(tr_text.substr(0, tr_text.find("###")).empty());
      differs += tr_text != en;
      if (L.latin)
        for (long cp : code_points(tr_text)) CHECK_MESSAGE(latin_font_has(cp), "code point " << cp << " is not in the UI font");
      else
        for (long cp : code_points(tr_text)) CHECK(cp > 0);  // well-formed UTF-8 (the glyphs: test_languages.mjs)
    }
    CHECK(differs > kUiStringCount * 3 / 4);  // translated, not copied (numbers, "F1", "im2col" stay)
  }
}

TEST_CASE("a bad translation file keeps English where it must and says why") {
  std::vector<std::string> problems;
  CHECK(install_ui_translation(Language::German, "[1, 2]", &problems) != "");
  CHECK(install_ui_translation(Language::German, "{not json", &problems) != "");
  CHECK(install_ui_translation(Language::English, "{}", &problems) != "");
  json j = {{"app_file", "Datei"}, {"stepper_play", ""}, {"app_fps_ms_frame", "%s fps"}, {"no_such_id", "x"},
            {"stepper_title", "Kernel-Schrittfolge"}};
  problems.clear();
  REQUIRE(install_ui_translation(Language::German, j.dump(), &problems) == "");
  CHECK(ui_string(Language::German, S::app_file) == std::string("Datei"));
  CHECK(ui_string(Language::German, S::stepper_play) == std::string("Play"));                      // empty: English
  CHECK(ui_string(Language::German, S::app_fps_ms_frame) == std::string(ui_string(Language::English, S::app_fps_ms_frame)));
  CHECK(ui_string(Language::German, S::stepper_title) == std::string("Kernel-Schrittfolge###stepper"));  // the ID stays
  auto named = [&](const std::string& what) {
    for (const std::string& p : problems)
      if (p.find(what) != std::string::npos) return true;
    return false;
  };
  CHECK(named("stepper_play: empty"));
  CHECK(named("app_fps_ms_frame: placeholders"));
  CHECK(named("app_help: missing"));
  CHECK(named("unknown ids"));
  // Languages by name, as state() and setState use them.
  Language l = Language::English;
  CHECK(parse_language("chinese", &l));
  CHECK(l == Language::Chinese);
  CHECK(std::string(language_file(Language::Spanish)) == "lang-es.json");
}
