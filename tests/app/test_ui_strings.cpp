// test_ui_strings.cpp — the UI string table: every id has English text, the pseudo table keeps each
// string's printf placeholders and stays inside the bundled font's glyphs, labels carry a stable ImGui
// ID in every language, and no panel passes a user-visible literal to an ImGui widget any more.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/ui_strings.h"

using namespace cs::app;

namespace {

// The printf conversions of a string, in order ("%d", "%.2f", "%s"; "%%" included).
std::vector<std::string> placeholders(const std::string& s) {
  static const std::regex spec(R"re(%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcsp%])re");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), spec); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

// Code points of a UTF-8 string (-1 for a malformed sequence).
std::vector<long> code_points(const std::string& s) {
  std::vector<long> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return {-1};
    long cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

// The glyph ranges the platform rasterises from the bundled DejaVu subset (platform_sdl.cpp,
// scripts/setup.sh): a character outside them would draw as '?'.
bool font_has(long cp) {
  static const long ranges[][2] = {{0x20, 0x7E}, {0xA0, 0xFF}, {0x394, 0x394}, {0x3A3, 0x3A3}, {0x3B1, 0x3C9},
                                   {0x2190, 0x2193}, {0x2212, 0x2212}, {0x2022, 0x2022}, {0x2026, 0x2026},
                                   {0x221E, 0x221E}, {0x2248, 0x2248}, {0x2264, 0x2265}, {0x25A0, 0x25A0},
                                   {0x25B6, 0x25B6}, {'\n', '\n'}};
  for (const auto& r : ranges)
    if (cp >= r[0] && cp <= r[1]) return true;
  return false;
}

std::string visible(const std::string& s) { return s.substr(0, s.find("##")); }

}  // namespace

TEST_CASE("every string id has non-empty English text and a unique name") {
  std::set<std::string> names;
  for (int i = 0; i < kUiStringCount; ++i) {
    const S id = static_cast<S>(i);
    CAPTURE(ui_string_name(id));
    CHECK_FALSE(visible(ui_string(Language::English, id)).empty());
    CHECK(names.insert(ui_string_name(id)).second);
  }
  CHECK(kUiStringCount > 200);
}

TEST_CASE("the pseudo table keeps every placeholder, changes every word and stays inside the font") {
  int changed = 0;
  for (int i = 0; i < kUiStringCount; ++i) {
    const S id = static_cast<S>(i);
    const std::string en = ui_string(Language::English, id), ps = ui_string(Language::Pseudo, id);
    CAPTURE(ui_string_name(id));
    CAPTURE(en);
    CAPTURE(ps);
    CHECK(placeholders(en) == placeholders(ps));
    CHECK(ps != en);
    changed += ps != en;
    CHECK(ps.front() == '[');
    for (long cp : code_points(ps)) CHECK_MESSAGE(font_has(cp), "code point " << cp << " is not in the font subset");
  }
  CHECK(changed == kUiStringCount);
}

TEST_CASE("pseudo_localise: placeholders, line breaks and a ###id survive") {
  CHECK(pseudo_localise("step %d") == "[st\xC3\xA9\xC3\xBE %d]");
  CHECK(pseudo_localise("%.1f%% sure") == "[%.1f%% s\xC3\xBCr\xC3\xA9]");
  CHECK(pseudo_localise("%-5.2lf|%+d") == "[%-5.2lf|%+d]");
  CHECK(pseudo_localise("a\nb") == "[\xC3\xA5]\n[b]");
  CHECK(pseudo_localise("Kernel stepper###stepper") == "[K\xC3\xA9r\xC3\xB1\xC3\xA9l st\xC3\xA9\xC3\xBE\xC3\xBE\xC3\xA9r]###stepper");
}

TEST_CASE("labels carry the same ImGui ID in every language") {
  for (int i = 0; i < kUiStringCount; ++i) {
    const S id = static_cast<S>(i);
    CAPTURE(ui_string_name(id));
    std::string ids[kLanguageCount], texts[kLanguageCount];
    for (int l = 0; l < kLanguageCount; ++l) {
      set_ui_language(static_cast<Language>(l));
      const std::string label = tr_label(id);
      const size_t at = label.find("###");
      REQUIRE(at != std::string::npos);
      ids[l] = label.substr(at);
      texts[l] = label.substr(0, at);
      CHECK(texts[l] == visible(tr(id)));
    }
    CHECK(ids[0] == ids[1]);
    CHECK(texts[0] != texts[1]);
  }
  set_ui_language(Language::English);
  CHECK(std::string(tr_label(S::stepper_play)) == "Play###stepper_play");
  CHECK(std::string(tr_label(S::stepper_title)) == "Kernel stepper###stepper");  // its own stable id kept
  Language l = Language::English;
  CHECK(parse_language("pseudo", &l));
  CHECK(l == Language::Pseudo);
  CHECK_FALSE(parse_language("klingon", &l));
}

// [the grep] Every ImGui widget call in src/app: a string literal it gets must be an ID only
// ("##name"), or a format without words ("%d", "(%d, %d)"); words come from the table.
TEST_CASE("no user-visible string literal is passed to an ImGui widget in src/app") {
  static const std::regex call(
      R"re(ImGui::(Text|TextUnformatted|TextWrapped|TextDisabled|TextColored|LabelText|BulletText|Button|SmallButton|)re"
      R"re(MenuItem|BeginMenu|Begin|Checkbox|SliderInt|SliderFloat|SliderInt2|DragInt|DragFloat|InputInt|InputFloat|)re"
      R"re(InputText|Combo|BeginCombo|Selectable|RadioButton|SetTooltip|CollapsingHeader|TreeNode|BeginTabItem|)re"
      R"re(TableSetupColumn|ProgressBar|PlotLines|PlotHistogram|ArrowButton)\s*\()re");
  static const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
  static const std::regex spec(R"re(%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcsp%])re");
  static const std::regex escape(R"re(\\[nt"\\])re");
  static const std::regex letter("[A-Za-z]");
  int files = 0, calls = 0;
  std::vector<std::string> offenders;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CS_TEST_DATA_DIR) + "/../src/app")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (text.find("ImGui::") == std::string::npos) continue;  // pure files draw nothing
    ++files;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
      ++calls;
      // The call's arguments: up to the matching parenthesis (strings skipped).
      size_t j = static_cast<size_t>(it->position() + it->length());
      const size_t start = j;
      for (int depth = 1; j < text.size() && depth > 0; ++j) {
        if (text[j] == '"') {
          for (++j; j < text.size() && text[j] != '"'; ++j)
            if (text[j] == '\\') ++j;
        } else if (text[j] == '(') {
          ++depth;
        } else if (text[j] == ')') {
          --depth;
        }
      }
      const std::string args = text.substr(start, j - start);
      for (auto l = std::sregex_iterator(args.begin(), args.end(), literal); l != std::sregex_iterator(); ++l) {
        std::string v = visible((*l)[1].str());
        v = std::regex_replace(std::regex_replace(v, spec, ""), escape, "");
        if (std::regex_search(v, letter)) {
          const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + it->position(), '\n'));
          offenders.push_back(entry.path().filename().string() + ":" + std::to_string(line) + ": " + l->str());
        }
      }
    }
  }
  for (const std::string& o : offenders) MESSAGE(o);
  CHECK(offenders.empty());
  CHECK(files >= 10);   // the scan found the panels...
  CHECK(calls >= 200);  // ...and their widget calls
}
