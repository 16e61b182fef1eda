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

#include "app/digit_bundle_model.h"
#include "app/lesson_model.h"
#include "app/stepper_model.h"
#include "app/ui_strings.h"
#include "app/url_state_model.h"

using namespace cs::app;
using nlohmann::json;

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

// The glyph ranges the platform rasterises from the bundled DejaVu subset (window_loop.cpp,
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
// ("##name"), or a format without words ("%d", "(%d, %d)"); words come from the table. Text drawn
// with AddText, captions/labels formatted with snprintf and grid captions (captions.push_back) count
// as widgets; an snprintf literal
// that is an item key ("lab.act.%zu", "im2col-in-%d": no spaces, a '.' or '-') is a name, not text.
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t line_of(const std::string& text, size_t pos) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// The literal's words: printf conversions, escapes and a "##id" suffix removed.
std::string literal_words(const std::string& literal) {
  static const std::regex spec(R"re(%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcsp%])re");
  static const std::regex escape(R"re(\\[nt"\\])re");
  return std::regex_replace(std::regex_replace(visible(literal), spec, ""), escape, "");
}

// Widget calls (and AddText / snprintf) in `text` given a user-visible literal: "file:line: literal".
std::vector<std::string> widget_offenders(const std::string& text, const std::string& file, int* calls) {
  static const std::regex call(
      R"re(ImGui::(Text|TextUnformatted|TextWrapped|TextDisabled|TextColored|LabelText|BulletText|Button|SmallButton|)re"
      R"re(MenuItem|BeginMenu|Begin|Checkbox|SliderInt|SliderFloat|SliderInt2|DragInt|DragFloat|InputInt|InputFloat|)re"
      R"re(InputText|Combo|BeginCombo|Selectable|RadioButton|SetTooltip|CollapsingHeader|TreeNode|BeginTabItem|)re"
      R"re(TableSetupColumn|ProgressBar|PlotLines|PlotHistogram|ArrowButton)\s*\(|->AddText\s*\(|\bsnprintf\s*\(|)re"
      R"re(\bcaptions\.push_back\s*\()re");  // a grid's caption, drawn later by lesson_draw
  static const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
  static const std::regex letter("[A-Za-z]");
  static const std::regex item_key(R"re(^[A-Za-z0-9_%]*[.\-][A-Za-z0-9_.%\-]*$)re");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
    ++*calls;
    const bool printf_call = it->str().find("snprintf") != std::string::npos;
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
      if (printf_call && std::regex_match((*l)[1].str(), item_key)) continue;
      if (std::regex_search(literal_words((*l)[1].str()), letter))
        out.push_back(file + ":" + std::to_string(line_of(text, static_cast<size_t>(it->position()))) + ": " + l->str());
    }
  }
  return out;
}

// [the model layer] Prose built by a *_model.cpp (two words of 2+ letters with a space between:
// "is not exact", "no ink: %s") must come from the table too. Not UI text, and so allowed: literals
// that match the engine's English messages (a line with find( / rfind( / sscanf( / ==), error
// messages in the engine's own words (Status::error(...), unless `app_status` says the file's Status
// messages are the app's own and reach the UI), and the functions named in `api` (messages only a
// developer's tool sees).
std::vector<std::string> model_offenders(const std::string& text, const std::string& file,
                                         const std::vector<std::string>& api, int* literals,
                                         bool app_status = false) {
  static const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
  static const std::regex prose(R"re([A-Za-z]{2,}[^A-Za-z]*\s[^A-Za-z]*[A-Za-z]{2,})re");
  // Spans of the exempt functions' bodies.
  std::vector<std::pair<size_t, size_t>> skip;
  for (const std::string& fn : api) {
    const size_t at = text.find(" " + fn + "(");
    REQUIRE_MESSAGE(at != std::string::npos, file << " has no function " << fn << " (rename it in the test too)");
    size_t b = text.find('{', at), e = b;
    for (int depth = 0; e < text.size(); ++e) {
      if (text[e] == '{') ++depth;
      if (text[e] == '}' && --depth == 0) break;
    }
    skip.emplace_back(at, e);
  }
  std::vector<std::string> out;
  for (auto l = std::sregex_iterator(text.begin(), text.end(), literal); l != std::sregex_iterator(); ++l) {
    const size_t pos = static_cast<size_t>(l->position());
    const size_t bol = text.rfind('\n', pos) + 1, eol = text.find('\n', pos);
    const std::string line = text.substr(bol, eol - bol);
    if (line.find("#include") != std::string::npos || line.find("//") < pos - bol) continue;
    ++*literals;
    if (!std::regex_search(literal_words((*l)[1].str()), prose)) continue;
    if (std::any_of(skip.begin(), skip.end(), [&](const auto& s) { return pos > s.first && pos < s.second; })) continue;
    if (line.find("find(") != std::string::npos || line.find("sscanf(") != std::string::npos ||
        line.find("== \"") != std::string::npos || (!app_status && line.find("Status::error(") != std::string::npos))
      continue;
    out.push_back(file + ":" + std::to_string(line_of(text, pos)) + ": " + l->str());
  }
  return out;
}

}  // namespace

TEST_CASE("no user-visible string literal is passed to an ImGui widget in src/app") {
  int files = 0, calls = 0;
  std::vector<std::string> offenders;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CS_TEST_DATA_DIR) + "/../src/app")) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string text = read_text(entry.path());
    if (text.find("ImGui::") == std::string::npos) continue;  // pure files draw nothing
    ++files;
    for (const std::string& o : widget_offenders(text, entry.path().filename().string(), &calls)) offenders.push_back(o);
  }
  for (const std::string& o : offenders) MESSAGE(o);
  CHECK(offenders.empty());
  CHECK(files >= 10);   // the scan found the panels...
  CHECK(calls >= 250);  // ...and their widget calls
}

TEST_CASE("the model layer builds its user-visible text from the table") {
  // The files whose text the panels show (notes, explanations, arithmetic, captions, "no ink"), each
  // with its functions whose messages are the API's words.
  const std::vector<std::pair<std::string, std::vector<std::string>>> files = {
      {"stepper_model.cpp", {}},
      {"stepper_config_model.cpp", {}},
      {"stepper_data_model.cpp", {}},
      {"stepper_compute_model.cpp", {}},
      {"output_size_model.cpp", {}},
      {"im2col_model.cpp", {}},
      {"draw_pad_model.cpp", {}},
      {"lesson_model.cpp", {}},
      {"lesson_json_model.cpp", {}},  // setState's refusals too: they show in a link's notice
  };
  // Files whose cs::Status messages are the app's own words and reach a notice or a panel: the link
  // parser's reasons, the lab session's errors, CSV export and digits.bin errors (the engine's parser
  // takes them from the table through digit_bundle_messages()).
  const std::vector<std::pair<std::string, std::vector<std::string>>> app_status_files = {
      {"url_state_model.cpp", {}},
      {"digit_lab_model.cpp", {}},
      {"csv_export_model.cpp", {}},
      {"digit_bundle_model.cpp", {}},
  };
  int literals = 0;
  std::vector<std::string> offenders;
  for (const auto* list : {&files, &app_status_files}) {
    for (const auto& entry : *list) {
      // Not a structured binding: clang 14 (the wasm build) does not let the REQUIRE macro's lambda see one.
      const std::string& name = entry.first;
      const std::vector<std::string>& api = entry.second;
      const std::string text = read_text(std::string(CS_TEST_DATA_DIR) + "/../src/app/" + name);
      REQUIRE_MESSAGE(!text.empty(), name);
      for (const std::string& o : model_offenders(text, name, api, &literals, list == &app_status_files))
        offenders.push_back(o);
    }
  }
  for (const std::string& o : offenders) MESSAGE(o);
  CHECK(offenders.empty());
  CHECK(literals >= 100);
}

TEST_CASE("the app's and the digit lab's setState refusals come from the table too") {
  // The JavaScript caller gets them in the UI language, like the lessons' (and a partial that waited for
  // the digit model shows its refusal in a notice). Only these functions: the files draw with ImGui.
  const std::pair<const char*, const char*> functions[] = {{"app_hook.cpp", "app_set_state"},
                                                           {"digit_lab.cpp", "digit_lab_set_state"}};
  int literals = 0;
  std::vector<std::string> offenders;
  for (const auto& f : functions) {
    const std::string text = read_text(std::string(CS_TEST_DATA_DIR) + "/../src/app/" + f.first);
    const size_t at = text.find(std::string("std::string ") + f.second + "(");
    REQUIRE_MESSAGE(at != std::string::npos, f.first << " has no " << f.second << " (rename it in the test too)");
    size_t e = text.find('{', at);
    for (int depth = 0; e < text.size(); ++e) {
      if (text[e] == '{') ++depth;
      if (text[e] == '}' && --depth == 0) break;
    }
    for (const std::string& o : model_offenders(text.substr(at, e - at), f.first, {}, &literals, true)) offenders.push_back(o);
  }
  for (const std::string& o : offenders) MESSAGE(o);
  CHECK(offenders.empty());
  CHECK(literals >= 60);  // the functions were found and read (JSON keys and paths are their literals)
}

TEST_CASE("the greps catch planted literals: a widget's, a caption's, and model-built prose") {
  int calls = 0, literals = 0;
  CHECK(widget_offenders(R"(ImGui::Text("Hello there");)", "planted.cpp", &calls).size() == 1);
  CHECK(widget_offenders(R"(dl->AddText(p, col, "Drag me");)", "planted.cpp", &calls).size() == 1);
  CHECK(widget_offenders(R"(std::snprintf(cap, sizeof cap, "ch%d", ch);)", "planted.cpp", &calls).size() == 1);
  CHECK(widget_offenders(R"(col.captions.push_back("overlap count");)", "planted.cpp", &calls).size() == 1);
  CHECK(widget_offenders(R"(std::snprintf(key, sizeof key, "lab.act.%zu", i); ImGui::Text("%d", 3);)", "planted.cpp", &calls).empty());
  CHECK(widget_offenders(R"(ImGui::Text("%s", tr(S::app_help)); ImGui::Button("##x");)", "planted.cpp", &calls).empty());
  const std::string model = "std::string why(int n) {\n  return fmt(\"%d is not exact\", n);\n}\n"
                            "std::string check(int n) {\n  return fmt(\"n must be >= 1, got %d\", n);\n}\n"
                            "bool engine(const std::string& e) { return e.find(\"divisible by groups\") != 0; }\n";
  std::vector<std::string> found = model_offenders(model, "planted_model.cpp", {"check"}, &literals);
  REQUIRE(found.size() == 1);
  CHECK(found[0] == "planted_model.cpp:2: \"%d is not exact\"");
  CHECK(model_offenders(model, "planted_model.cpp", {}, &literals).size() == 2);  // check() is prose when not API
  // A file whose Status messages are the app's: a literal reason is caught, one from the table is not.
  const std::string app_status = "cs::Status parse(int n) {\n  if (n) return cs::Status::error(\"the link is empty\");\n"
                                 "  return cs::Status::error(cs::fmt(tr(S::link_too_long), n, 9));\n}\n";
  CHECK(model_offenders(app_status, "planted_model.cpp", {}, &literals).empty());  // engine-worded by default
  found = model_offenders(app_status, "planted_model.cpp", {}, &literals, true);
  REQUIRE(found.size() == 1);
  CHECK(found[0] == "planted_model.cpp:2: \"the link is empty\"");
}

TEST_CASE("a refused link's reason follows the language, its numbers and the link's words unchanged") {
  const char* hash = "#lesson=1&in=999x5";
  set_ui_language(Language::English);
  const std::string english = lesson_link_decode(hash).error;
  CHECK(english == "in must be in 1..32, got 999");
  CHECK(lesson_link_decode("#%%%garbage").error == "the link has a broken %-escape");
  CHECK(lesson_link_decode("#lesson=1&ws=x").error == "ws must be lessons, lab or blocks, got \"x\"");
  set_ui_language(Language::Pseudo);
  const std::string pseudo = lesson_link_decode(hash).error;
  const std::string escape = lesson_link_decode("#%%%garbage").error;
  set_ui_language(Language::English);
  CHECK(pseudo != english);
  CHECK(pseudo.rfind("[in ", 0) == 0);  // the key is an argument: not accented
  CHECK(pseudo.find("1..32") != std::string::npos);
  CHECK(pseudo.find("999]") != std::string::npos);
  CHECK(escape.find("%-") != std::string::npos);
}

// [setState's refusals] Every "state_*" sentence (lesson_model.cpp, validate_config) is produced by a
// partial below; in each language the refusal must be exactly that language's sentence with the JSON
// path and the bad value filled in as data. A refusal written as an English literal again fails here in
// the pseudo language (and in the model-layer grep above).
namespace {

// A regex matching `tmpl` with every printf conversion filled by anything.
std::regex template_regex(const std::string& tmpl) {
  static const std::regex spec(R"re(%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcsp%])re");
  static const std::string special = R"(\^$.|?*+()[]{})";
  std::string re;
  size_t at = 0;
  auto literal = [&](size_t end) {
    for (; at < end; ++at) {
      if (special.find(tmpl[at]) != std::string::npos) re += '\\';
      re += tmpl[at];
    }
  };
  for (auto it = std::sregex_iterator(tmpl.begin(), tmpl.end(), spec); it != std::sregex_iterator(); ++it) {
    literal(static_cast<size_t>(it->position()));
    re += it->str() == "%%" ? "%" : "(.*?)";
    at += static_cast<size_t>(it->length());
  }
  literal(tmpl.size());
  return std::regex(re);
}

std::string refusal(Language lang, const json& partial, bool with_digits) {
  set_ui_language(lang);
  LessonState s;
  if (with_digits) {  // three blank test digits: enough for a digit_index range
    auto bundle = std::make_shared<DigitBundle>();
    bundle->test.name = "t10k";
    bundle->test.count = 3;
    bundle->test.labels.assign(3, 0);
    bundle->test.source_index = {0, 1, 2};
    bundle->test.images.assign(3 * static_cast<size_t>(kDigitPixels), 0);
    s.digits = bundle;
  }
  lesson_refresh(s);
  const std::string err = lesson_apply(s, partial);
  set_ui_language(Language::English);
  return err;
}

}  // namespace

TEST_CASE("setState's refusals follow the UI language, the JSON path and the bad value as data") {
  json nine_floats = json::array(), bad_input = json::array();
  for (int i = 0; i < 9; ++i) nine_floats.push_back(i == 4 ? 1e7 : 0.5);
  for (int i = 0; i < 25; ++i) bad_input.push_back(i == 3 ? json("x") : json(1));
  struct Case {
    S id;
    json partial;
    std::string data;  // a piece of the refusal that must be the same in every language
    bool digits = false;
  };
  const std::vector<Case> cases = {
      {S::state_not_integer, {{"stepper", {{"channels", "x"}}}}, "stepper.channels"},
      {S::state_out_of_range_value, {{"stepper", {{"channels", 5000000}}}}, "stepper.channels"},
      {S::state_out_of_range, {{"stepper", {{"input", 5000000}}}}, "stepper.input"},
      {S::state_not_pair, {{"stepper", {{"input", "5x5"}}}}, "stepper.input"},
      {S::state_not_boolean, {{"stepper", {{"visible", 1}}}}, "stepper.visible"},
      {S::state_not_number, {{"stepper", {{"bias", "x"}}}}, "stepper.bias"},
      {S::state_not_object, {{"stepper", 3}}, "stepper"},
      {S::state_not_array_of, {{"stepper", {{"kernel_values", {1, 2}}}}}, "stepper.kernel_values"},
      {S::state_only_numbers, {{"stepper", {{"input_values", bad_input}}}}, "stepper.input_values"},
      {S::state_values_finite, {{"stepper", {{"kernel_values", nine_floats}}}}, "stepper.kernel_values"},
      {S::state_no_field, {{"stepper", {{"nope", 1}}}}, "\"nope\""},
      {S::state_one_of, {{"stepper", {{"mode", "x"}}}}, "standard, grouped, depthwise, pointwise, separable, transposed, maxpool, avgpool"},
      {S::state_learned_needs_weights, {{"stepper", {{"kernel_preset", "learned"}}}}, "stepper.kernel_preset \"learned\""},
      {S::state_not_seed, {{"stepper", {{"seed", -1}}}}, "stepper.seed"},
      {S::state_digit_needs_digits, {{"stepper", {{"input_preset", "digit"}}}}, "stepper.input_preset \"digit\""},
      {S::state_image_needs_image, {{"stepper", {{"input_preset", "image"}}}}, "stepper.input_preset \"image\""},
      {S::state_needs_digits, {{"stepper", {{"digit_index", 0}}}}, "stepper.digit_index"},
      {S::state_in_range, {{"stepper", {{"digit_index", 7}}}}, "0..2", true},
      {S::state_in_range_got, {{"stepper", {{"step", 9}}}}, "stepper.step"},
      {S::state_no_positions, {{"stepper", {{"stride", 0}, {"step", 0}}}}, "stepper.position"},
      {S::state_position_outside, {{"stepper", {{"position", {9, 1}}}}}, "[9, 1]"},
      {S::state_speed_range, {{"stepper", {{"speed", 99}}}}, "0.25..30"},
      {S::state_not_pin, {{"stepper", {{"pinned", 3}}}}, "\"output\"|\"input\"|\"kernel\""},
      {S::state_one_of_three, {{"stepper", {{"pinned", {{"kind", "corner"}, {"cell", {0, 0}}}}}}}, "stepper.pinned.kind"},
      {S::state_pin_off_grid, {{"stepper", {{"pinned", {{"kind", "output"}, {"cell", {7, 7}}}}}}}, "[7, 7]"},
      {S::state_layer_count, {{"output_size", {{"rf_layers", json::array()}}}}, "output_size.rf_layers"},
      {S::state_entries_objects, {{"output_size", {{"rf_layers", {1}}}}}, "output_size.rf_layers"},
      {S::state_in_range_got, {{"output_size", {{"cost", {{"batch", 0}}}}}}, "output_size.cost.batch"},
      {S::state_orientation, {{"im2col", {{"orientation", "diagonal"}}}}, "im2col.orientation"},
      {S::state_bias_range, {{"stepper", {{"bias", 5000}}}}, "5000"},
      {S::state_in_range_got, {{"stepper", {{"input", {40, 5}}}}}, "40"},  // validate_config
  };
  std::set<int> covered;
  for (const Case& c : cases) {
    CAPTURE(ui_string_name(c.id));
    CAPTURE(c.partial.dump());
    const std::string en = refusal(Language::English, c.partial, c.digits);
    const std::string ps = refusal(Language::Pseudo, c.partial, c.digits);
    CAPTURE(en);
    CAPTURE(ps);
    CHECK(std::regex_match(en, template_regex(ui_string(Language::English, c.id))));
    CHECK(std::regex_match(ps, template_regex(ui_string(Language::Pseudo, c.id))));
    CHECK(ps.front() == '[');
    CHECK(en.find(c.data) != std::string::npos);
    CHECK(ps.find(c.data) != std::string::npos);
    covered.insert(static_cast<int>(c.id));
  }
  // English exactly as before the table (tests and scripts match these), and validate_config's
  // two-word field names translated with the sentence ("[[îñþüt wîðth] müst ßé îñ 1..32, göt 40]").
  CHECK(refusal(Language::English, {{"stepper", {{"step", 9}}}}, false) == "stepper.step must be in 0..8, got 9");
  CHECK(refusal(Language::English, {{"stepper", {{"speed", 99}}}}, false) ==
        "stepper.speed must be in 0.25..30 steps per second, got 99");
  CHECK(refusal(Language::English, {{"stepper", {{"input", {40, 5}}}}}, false) == "input height must be in 1..32, got 40");
  CHECK(refusal(Language::Pseudo, {{"stepper", {{"input", {5, 40}}}}}, false).find(ui_string(Language::Pseudo, S::state_input_width)) == 1);
  CHECK(refusal(Language::Pseudo, {{"stepper", {{"kernel", {16, 3}}}}}, false).find(ui_string(Language::Pseudo, S::state_kernel_height)) == 1);
  CHECK(refusal(Language::Pseudo, {{"stepper", {{"kernel", {3, 16}}}}}, false).find(ui_string(Language::Pseudo, S::state_kernel_width)) == 1);
  CHECK(refusal(Language::Pseudo, {{"stepper", {{"input", {40, 5}}}}}, false).find(ui_string(Language::Pseudo, S::state_input_height)) == 1);
  for (S id : {S::state_input_height, S::state_input_width, S::state_kernel_height, S::state_kernel_width})
    covered.insert(static_cast<int>(id));
  // Every state_* entry has a case: a new refusal sentence needs one here.
  for (int i = 0; i < kUiStringCount; ++i) {
    const std::string name = ui_string_name(static_cast<S>(i));
    if (name.rfind("state_", 0) == 0) CHECK_MESSAGE(covered.count(i), name << " has no refusal case");
  }
}

TEST_CASE("the refused link's notice is in the pseudo language through and through") {
  // A link that parses (every field in range) but asks for a step this lesson does not have: the reason
  // comes from setState inside the "link was ignored" notice (app_link.cpp open_link), both from the table.
  const LessonLinkParse p = lesson_link_decode("#lesson=1&in=5x5&k=3x3&step=9");
  REQUIRE(p.ok);
  const std::string why = refusal(Language::Pseudo, p.partial, false);
  set_ui_language(Language::Pseudo);
  const std::string notice = cs::fmt(tr(S::notice_link_ignored), why.c_str());
  set_ui_language(Language::English);
  CAPTURE(notice);
  // Without the data (the path and the numbers), no plain-ASCII English word of 2+ letters is left.
  const std::string words = std::regex_replace(notice, std::regex(R"(stepper\.step|\d+(\.\.\d+)?)"), " ");
  std::vector<std::string> english;  // words (letters and UTF-8 bytes) with no accented letter
  std::string word;
  for (size_t i = 0; i <= words.size(); ++i) {
    const unsigned char c = i < words.size() ? static_cast<unsigned char>(words[i]) : ' ';
    if (c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      word += static_cast<char>(c);
      continue;
    }
    if (word.size() >= 2 && std::none_of(word.begin(), word.end(), [](char x) { return static_cast<unsigned char>(x) >= 0x80; }))
      english.push_back(word);
    word.clear();
  }
  for (const std::string& w : english) MESSAGE("English word left: " << w);
  CHECK(english.empty());
  CHECK(notice.find("stepper.step") != std::string::npos);
  CHECK(notice.find("0..8") != std::string::npos);
}

TEST_CASE("every export refusal starts like notice_export_failed in every language (app_set_state tells them by it)") {
  for (int l = 0; l < kLanguageCount; ++l) {
    const Language lang = static_cast<Language>(l);
    const std::string failed = ui_string(lang, S::notice_export_failed), prefix = failed.substr(0, failed.find(" %s"));
    CAPTURE(prefix);
    REQUIRE(prefix.size() > 5);
    for (S id : {S::notice_export_se_no_network, S::notice_export_se_no_block, S::notice_export_activation_no_network,
                 S::notice_export_activation_no_layer})
      CHECK(std::string(ui_string(lang, id)).rfind(prefix, 0) == 0);
  }
}
