// url_state_model.h — the lesson state as a shareable URL hash ("#lesson=1&mode=standard&in=5x5&...")
// and back, without ImGui or the browser: encode the writable lesson fields (and, in a link to the
// digit lab, the lab's: gallery digit, saliency, SE block), decode a hash into the partial setState
// JSON (every field syntax- and range-checked; anything odd is an error in words).
#pragma once
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "digit_lab_state.h"
#include "lesson_state.h"

namespace cs::app {

// The hash format's version: a link with another version is refused (its fields may mean other things).
constexpr int kLessonLinkVersion = 1;
// Longest hash accepted: the largest lesson (3x32x32 typed input, 4x3x9x9 typed kernel, every number
// at full float precision) needs about 65 000 characters.
constexpr size_t kLessonLinkMaxChars = 131072;

// "lesson=1&ws=lessons&panels=7&mode=...": URL-safe without escaping (letters, digits and - . _ ~ = & , :),
// no leading '#'. `workspace` is "lessons", "digit-lab" or "blocks". The input picture of the "image" preset is
// carried as typed values (a link cannot hold the image), so it comes back as the "custom" preset.
// Not carried: hover, playing (a link opens paused at its step), window positions.
// `values`: when given, the typed values' text is reused while s.result_serial is unchanged (writing
// thousands of floats out takes milliseconds; the app re-encodes when only the step moved).
std::string lesson_link_encode(const LessonState& s, const std::string& workspace,
                               LessonState::LinkValues* values = nullptr);

// A short fingerprint of everything the link carries (the configuration, the data's version, step, panels...):
// equal fingerprints give equal links, so the caller re-encodes (which costs milliseconds for a large typed
// input) only when it changes.
std::string lesson_link_key(const LessonState& s, const std::string& workspace);

// The digit lab's fields of a link to the lab ("&lg=7&sal=cam&seb=2", appended to lesson_link_encode's
// text when the workspace is the lab): the gallery digit on the pad (lg, only when one is the input:
// a drawing or a photo cannot travel in a link), the saliency map (sal=off|cam|grad, its class scls
// when it is not the prediction's) and the SE block shown (seb). Decoded by lesson_link_decode into
// setState's input.gallery, saliency.mode/class and se.block.
std::string lab_link_fields(const DigitLabState& lab);

struct LessonLinkParse {
  bool ok = false;
  std::string error;       // why the hash was refused (names the field and the bad value)
  nlohmann::json partial;  // {workspace, stepper: {...}, output_size: {...}, im2col: {...}} for setState
};

// Accepts "#lesson=..." or "lesson=..." (percent-escapes are decoded first). Never throws.
LessonLinkParse lesson_link_decode(const std::string& hash);

// Shortest decimal text that reads back as the same float ("0.1", "-2.5e-07"); no '+' (URL-safe).
std::string float_text(float v);

}  // namespace cs::app
