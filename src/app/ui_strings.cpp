// ui_strings.cpp — the string tables behind tr(): English from the CS_UI_STRINGS list, the pseudo
// table generated from it once, and the "text###id" labels of both, built on first use so that a
// frame never allocates for a label.
#include "ui_strings.h"

#include <cstdint>
#include <vector>

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

// The tables are a pure function of the English list (no UI state): built once per language.
Table& table(Language lang) {
  static Table tables[kLanguageCount];
  Table& t = tables[static_cast<int>(lang)];
  if (!t.text.empty()) return t;
  t.text.reserve(kUiStringCount);
  t.label.reserve(kUiStringCount);
  for (int i = 0; i < kUiStringCount; ++i) {
    t.text.push_back(lang == Language::Pseudo ? pseudo_localise(kEnglish[i]) : std::string(kEnglish[i]));
    const std::string& s = t.text.back();
    t.label.push_back(s.find("###") != std::string::npos ? s : s + "###" + kNames[i]);
  }
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

const char* language_name(Language lang) { return lang == Language::Pseudo ? "pseudo" : "english"; }

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
