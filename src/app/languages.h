// languages.h — which language the UI shows: the chosen one once its file (lang-<code>.json beside
// the page, embedded on the desktop) and, for Chinese, its glyph subset (lang-zh-font.ttf) have
// arrived; English meanwhile. The View > Language menu (real languages only: the pseudo language is
// for tests, through setState), the glyph check behind the "no missing-glyph box" test, and state().
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ui_strings.h"

namespace cs::app {

struct AppState;

struct LanguageLoads {
  enum Status : int { Idle = 0, Loading = 1, Failed = 2, Ready = 3 };
  Status file[kLanguageCount] = {Ready, Ready, Idle, Idle, Idle};  // English and pseudo are built in
  Status font = Idle;          // the Chinese glyph subset
  std::shared_ptr<const std::vector<uint8_t>> zh_font;  // its bytes, once arrived
  bool font_merged = false;    // handed to the platform's font atlas
  std::string error;           // the last failure, in words
  std::string problems;        // an installed file's entries that fell back to English
  Language shown = Language::English;  // what tr() answers in this frame
  Language requested = Language::English;  // the choice the files were last asked for
  Language remembered = Language::English;  // last handed to platform_language_chosen
};

// Once a frame, before anything is drawn: asks for the chosen language's files, installs them when
// they arrive, and sets the language tr() answers in.
void languages_frame(AppState& state);

// View > Language: English, Español, Deutsch, Chinese (the language a teacher picks).
void language_menu_items(AppState& state);

// Ids of `lang`'s strings with a character the UI font (as built now) has no glyph for, with the
// first such code point ("app_file U+6587"). Empty when everything renders.
std::vector<std::string> glyphs_missing(Language lang);
// The first code point of `text` the UI font has no glyph for (0 when every one renders).
unsigned first_missing_glyph(const std::string& text);

// state(): "language" (chosen), "language_shown", "language_status", "language_error",
// "language_problems", "glyphs_missing" (for the language shown).
void languages_state_json(const AppState& state, nlohmann::json& j);

}  // namespace cs::app
