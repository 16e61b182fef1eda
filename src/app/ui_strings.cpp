// ui_strings.cpp — the string tables behind tr(): English from the CS_UI_STRINGS list, the pseudo
// table generated from it once, and the "text###id" labels of both, built on first use so that a
// frame never allocates for a label.
#include "ui_strings.h"

#include <cstring>

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace cs::app {

namespace {

const char* const kEnglish[] = {
#define CS_UI_STRING_TEXT(id, english) english,
    CS_UI_STRINGS(CS_UI_STRING_TEXT)
#undef CS_UI_STRING_TEXT
};
const char* const kNames[] = {
#define CS_UI_STRING_NAME(id, english) #id,
    CS_UI_STRINGS(CS_UI_STRING_NAME)
#undef CS_UI_STRING_NAME
};
static_assert(sizeof(kEnglish) / sizeof(kEnglish[0]) == kUiStringCount, "one English string per id");

struct Table {
  std::vector<std::string> text, label;
};

Table g_tables[kLanguageCount];

void add_entry(Table& t, int i, std::string text) {
  t.text.push_back(std::move(text));
  const std::string& s = t.text.back();
  // The label keeps the English entry's own "###id" if it has one, else the id's name: one ImGui ID
  // in every language.
  const char* own = std::strstr(kEnglish[i], "###");
  t.label.push_back(s.substr(0, s.find("###")) + (own ? std::string(own) : "###" + std::string(kNames[i])));
}

// English and pseudo are a pure function of the English list, built once on first use; a translated
// language not installed yet answers in English.
Table& table(Language lang) {
  Table& t = g_tables[static_cast<int>(lang)];
  if (!t.text.empty()) return t;
  if (lang != Language::English && lang != Language::Pseudo) return table(Language::English);
  t.text.reserve(kUiStringCount);
  t.label.reserve(kUiStringCount);
  for (int i = 0; i < kUiStringCount; ++i)
    add_entry(t, i, lang == Language::Pseudo ? pseudo_localise(kEnglish[i]) : std::string(kEnglish[i]));
  return t;
}

Language g_language = Language::English;

// UTF-8 of a Latin-1 code point (U+0080..U+00FF: two bytes).
void append_latin1(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
    return;
  }
  out += static_cast<char>(0xC0 | (cp >> 6));
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

// Accented look-alikes inside Latin-1 (0 = keep the letter): the font subset has U+00A0..U+00FF.
unsigned accent(char c) {
  switch (c) {
    case 'A': return 0xC5; case 'a': return 0xE5; case 'C': return 0xC7; case 'c': return 0xE7;
    case 'D': return 0xD0; case 'd': return 0xF0; case 'E': return 0xC9; case 'e': return 0xE9;
    case 'I': return 0xCE; case 'i': return 0xEE; case 'N': return 0xD1; case 'n': return 0xF1;
    case 'O': return 0xD6; case 'o': return 0xF6; case 'U': return 0xDC; case 'u': return 0xFC;
    case 'Y': return 0xDD; case 'y': return 0xFD; case 'p': return 0xFE; case 'B': return 0xDF;
    default: return 0;
  }
}

// Length of a printf conversion starting at s[i] == '%' (flags, width, precision, length, type).
size_t printf_spec_length(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && std::string_view("-+ #0").find(s[j]) != std::string_view::npos) ++j;
  while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '*' || s[j] == '.')) ++j;
  while (j < s.size() && std::string_view("hlLzjt").find(s[j]) != std::string_view::npos) ++j;
  return j < s.size() ? j + 1 - i : s.size() - i;
}

}  // namespace

const char* language_name(Language lang) {
  const char* names[kLanguageCount] = {"english", "pseudo", "spanish", "german", "chinese"};
  return names[static_cast<int>(lang)];
}
const char* language_code(Language lang) {
  const char* codes[kLanguageCount] = {"en", "pseudo", "es", "de", "zh-Hans"};
  return codes[static_cast<int>(lang)];
}
const char* language_file(Language lang) {
  const char* files[kLanguageCount] = {"", "", "lang-es.json", "lang-de.json", "lang-zh.json"};
  return files[static_cast<int>(lang)];
}
bool ui_language_installed(Language lang) {
  return lang == Language::English || lang == Language::Pseudo || !g_tables[static_cast<int>(lang)].text.empty();
}

std::vector<std::string> printf_placeholders(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%') {
      const size_t n = printf_spec_length(s, i);
      out.emplace_back(s.substr(i, n));
      i += n - 1;
    }
  return out;
}

std::string install_ui_translation(Language lang, std::string_view json_text, std::vector<std::string>* problems) {
  if (lang == Language::English || lang == Language::Pseudo) return "English and pseudo are built in";
  const nlohmann::json j = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "not a JSON object of strings by id";
  Table t;
  t.text.reserve(kUiStringCount);
  t.label.reserve(kUiStringCount);
  int known = 0;
  for (int i = 0; i < kUiStringCount; ++i) {
    auto it = j.find(kNames[i]);
    const char* why = nullptr;
    if (it == j.end()) why = "missing";
    else if (!it->is_string() || it->get_ref<const std::string&>().empty()) why = "empty or not a string";
    else if (printf_placeholders(it->get_ref<const std::string&>()) != printf_placeholders(kEnglish[i]))
      why = "placeholders differ from English";  // printf with the wrong conversions would misread its arguments
    if (it != j.end()) ++known;
    if (why && problems) problems->push_back(std::string(kNames[i]) + ": " + why);
    std::string text = why ? std::string(kEnglish[i]) : it->get<std::string>();
    const char* own = std::strstr(kEnglish[i], "###");  // files leave out the "###id": it is not shown
    if (own && text.find("###") == std::string::npos) text += own;
    add_entry(t, i, std::move(text));
  }
  if (problems && known < static_cast<int>(j.size())) problems->push_back("unknown ids in the file");
  g_tables[static_cast<int>(lang)] = std::move(t);
  return "";
}

bool parse_language(std::string_view name, Language* out) {
  for (int i = 0; i < kLanguageCount; ++i)
    if (name == language_name(static_cast<Language>(i))) {
      *out = static_cast<Language>(i);
      return true;
    }
  return false;
}

void set_ui_language(Language lang) { g_language = lang; }
Language ui_language() { return g_language; }

const char* ui_string(Language lang, S id) { return table(lang).text[static_cast<size_t>(id)].c_str(); }
const char* tr(S id) { return ui_string(g_language, id); }
const char* tr_label(S id) { return table(g_language).label[static_cast<size_t>(id)].c_str(); }
const char* ui_string_name(S id) { return kNames[static_cast<int>(id)]; }

std::string pseudo_localise(std::string_view english) {
  const size_t id_at = english.find("###");
  const std::string_view text = english.substr(0, id_at);
  std::string out = "[";
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {  // placeholders stay as they are: the arguments must still fit
      const size_t n = printf_spec_length(text, i);
      out.append(text.substr(i, n));
      i += n - 1;
    } else if (c == '\n') {  // a wrapped line is closed and reopened, so every line shows the marks
      out += "]\n[";
    } else if (unsigned a = accent(c)) {
      append_latin1(out, a);
    } else {
      out += c;
    }
  }
  out += "]";
  if (id_at != std::string_view::npos) out.append(english.substr(id_at));
  return out;
}

}  // namespace cs::app
