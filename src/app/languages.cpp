// languages.cpp — the UI language (languages.h): fetches a chosen language's file and, for Chinese,
// its glyph subset; installs them (ui_strings.h); merges the subset into the UI font with exactly the
// glyphs the table uses; View > Language; the missing-glyph check; the language part of state().
#include "languages.h"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "app.h"
#include "embedded_assets.h"
#include "imgui.h"
#include "panels.h"
#include "platform_api.h"

namespace cs::app {

namespace {

const char* const kZhFont = "lang-zh-font.ttf";

// Code points of a UTF-8 string (a malformed byte is returned as itself: it shows as a box too).
std::vector<unsigned> code_points(const std::string& s) {
  std::vector<unsigned> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    unsigned cp = n == 1 ? c : c & (0x3F >> (n - 1));
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

// The text that is drawn: up to "##" (the rest is an ImGui ID).
std::string drawn_part(const char* s) {
  const std::string t = s;
  return t.substr(0, t.find("##"));
}

// The glyphs a language needs beyond Latin-1 (the UI font's own ranges stay): ImGui ranges, one per
// run of consecutive code points, 0-terminated.
std::vector<ImWchar> ranges_of(Language lang) {
  std::vector<unsigned> cps;
  for (int i = 0; i < kUiStringCount; ++i)
    for (unsigned cp : code_points(drawn_part(ui_string(lang, static_cast<S>(i)))))
      if (cp > 0xFF && cp <= 0xFFFF) cps.push_back(cp);
  std::sort(cps.begin(), cps.end());
  cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
  std::vector<ImWchar> r;
  for (size_t i = 0; i < cps.size(); ++i) {
    size_t j = i;
    while (j + 1 < cps.size() && cps[j + 1] == cps[j] + 1) ++j;
    r.push_back(static_cast<ImWchar>(cps[i]));
    r.push_back(static_cast<ImWchar>(cps[j]));
    i = j;
  }
  // Chinese: also every glyph the subset font has in the CJK blocks (the lessons' translations add
  // characters the table does not use; ImGui bakes only the code points the font holds).
  if (lang == Language::Chinese)
    for (ImWchar b : {0x2000, 0x206F, 0x3000, 0x303F, 0x4E00, 0x9FFF, 0xFF00, 0xFFEF}) r.push_back(b);
  r.push_back(0);
  return r;
}

// One file: embedded (desktop) or fetched beside the page; `take` gets the bytes or an error.
template <class Take>
void load(const char* name, Take take) {
  if (EmbeddedAsset a = embedded_asset(name)) return take(a.data, a.size, std::string());
  if (!platform_fetch_file(name, take)) take(nullptr, 0, std::string("this build has no ") + name);
}

void fail(AppState& state, const char* name, const std::string& why) {
  LanguageLoads& L = state.languages;
  L.error = cs::fmt(tr(S::app_language_failed), name, why.c_str(), drawn_part(tr_label(S::app_language_english)).c_str());
  app_notice(state, L.error, 10.0);
}

void request(AppState& state, Language lang) {
  LanguageLoads& L = state.languages;
  const int i = static_cast<int>(lang);
  if (L.file[i] == LanguageLoads::Idle) {
    L.file[i] = LanguageLoads::Loading;
    const char* name = language_file(lang);
    load(name, [&state, lang, name](const uint8_t* bytes, size_t size, const std::string& error) {
      LanguageLoads& L = state.languages;
      std::string why = bytes ? "" : (error.empty() ? std::string("empty answer") : error);
      std::vector<std::string> problems;
      if (why.empty()) why = install_ui_translation(lang, std::string_view(reinterpret_cast<const char*>(bytes), size), &problems);
      L.file[static_cast<int>(lang)] = why.empty() ? LanguageLoads::Ready : LanguageLoads::Failed;
      if (!why.empty()) return fail(state, name, why);
      L.problems.clear();
      for (const std::string& p : problems) L.problems += (L.problems.empty() ? "" : "; ") + p;
      if (!problems.empty())
        app_notice(state, cs::fmt(tr(S::app_language_incomplete), name, static_cast<int>(problems.size()), L.problems.c_str()), 10.0);
    });
  }
  if (lang == Language::Chinese && L.font == LanguageLoads::Idle) {
    L.font = LanguageLoads::Loading;
    load(kZhFont, [&state](const uint8_t* bytes, size_t size, const std::string& error) {
      LanguageLoads& L = state.languages;
      if (!bytes || size < 12) {
        L.font = LanguageLoads::Failed;
        return fail(state, kZhFont, error.empty() ? "empty answer" : error);
      }
      L.font = LanguageLoads::Ready;
      L.zh_font = std::make_shared<const std::vector<uint8_t>>(bytes, bytes + size);
    });
  }
}

bool ready(const LanguageLoads& L, Language lang) {
  return L.file[static_cast<int>(lang)] == LanguageLoads::Ready && (lang != Language::Chinese || L.font == LanguageLoads::Ready);
}

}  // namespace

void languages_frame(AppState& state) {
  LanguageLoads& L = state.languages;
  const Language want = state.language;
  if (want != L.requested) {  // chosen again (menu or setState): a failed file is asked for once more
    L.requested = want;
    for (LanguageLoads::Status* st : {&L.file[static_cast<int>(want)], &L.font})
      if (*st == LanguageLoads::Failed) *st = LanguageLoads::Idle;
  }
  if (!ready(L, want)) request(state, want);  // (a failed one waits to be chosen again: no retry loop)
  if (ready(L, want) && L.shown != want) {
    // The Chinese subset is merged into the UI font with exactly the glyphs the installed table uses
    // (it stays merged when another language is chosen later: nothing to rebuild on the way back).
    if (want == Language::Chinese && !L.font_merged) {
      platform_set_extra_font(L.zh_font, ranges_of(Language::Chinese));
      L.font_merged = true;
    }
    L.shown = want;
  }
  set_ui_language(L.shown);
  if (L.shown == want && want != Language::Pseudo && L.remembered != want) {
    L.remembered = want;
    platform_language_chosen(language_code(want), language_name(want));
  }
}

void language_menu_items(AppState& state) {
  const struct {
    Language lang;
    S label;
    const char* item;
  } items[] = {{Language::English, S::app_language_english, "menu.language.english"},
               {Language::Spanish, S::app_language_spanish, "menu.language.spanish"},
               {Language::German, S::app_language_german, "menu.language.german"},
               {Language::Chinese, S::app_language_chinese, "menu.language.chinese"}};
  for (const auto& it : items) {
    if (ImGui::MenuItem(tr_label(it.label), nullptr, state.language == it.lang)) state.language = it.lang;
    record_item_rect(state, it.item);
  }
}

unsigned first_missing_glyph(const std::string& text) {
  const ImFont* font = ImGui::GetCurrentContext() ? ImGui::GetFont() : nullptr;
  if (!font) return 0;
  for (unsigned cp : code_points(text))
    if (cp >= 0x20 && cp != 0x7F && (cp > 0xFFFF || !font->FindGlyphNoFallback(static_cast<ImWchar>(cp)))) return cp;
  return 0;
}

std::vector<std::string> glyphs_missing(Language lang) {
  std::vector<std::string> out;
  for (int i = 0; i < kUiStringCount; ++i)
    if (unsigned cp = first_missing_glyph(drawn_part(ui_string(lang, static_cast<S>(i)))))
      out.push_back(cs::fmt("%s U+%04X", ui_string_name(static_cast<S>(i)), cp));
  return out;
}

void languages_state_json(const AppState& state, nlohmann::json& j) {
  const LanguageLoads& L = state.languages;
  const char* statuses[] = {"idle", "loading", "failed", "ready"};
  j["language_shown"] = language_name(L.shown);
  j["language_status"] = ready(L, state.language) ? "ready"
                         : (L.file[static_cast<int>(state.language)] == LanguageLoads::Failed || L.font == LanguageLoads::Failed)
                             ? "failed" : statuses[L.file[static_cast<int>(state.language)]];
  j["language_error"] = L.error;
  j["language_problems"] = L.problems;
  j["glyphs_missing"] = glyphs_missing(L.shown);
}

}  // namespace cs::app
