// test_url_state_model.cpp — the lesson link (#lesson=1&...): round trips restore the lesson exactly
// (hand-made and seeded random states), hostile hashes are refused with a reason, and random
// garbage and mutations of real links never crash the decoder or reach setState unchecked.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "app/lesson_model.h"
#include "app/url_state_model.h"

using namespace cs::app;
using nlohmann::json;

namespace {

// Applies a link to a fresh lesson state (the page a student opens); "" or setState's reason.
std::string open_link(const std::string& hash, LessonState* out, std::string* workspace = nullptr) {
  LessonLinkParse p = lesson_link_decode(hash);
  if (!p.ok) return "decode: " + p.error;
  LessonState s;
  lesson_refresh(s);
  std::string e = lesson_apply(s, p.partial);
  if (!e.empty()) return "apply: " + e;
  if (workspace) *workspace = p.partial.value("workspace", std::string("lessons"));
  *out = s;
  return "";
}

// Everything the link is meant to carry, compared field by field (floats bit for bit).
void check_same_lesson(const LessonState& a, const LessonState& b) {
  CHECK(a.config == b.config);
  CHECK(a.position == b.position);
  CHECK(a.out_channel == b.out_channel);
  CHECK(a.speed == b.speed);
  CHECK(a.transposed_as_conv == b.transposed_as_conv);
  CHECK(a.pinned == b.pinned);
  CHECK(a.split_hw == b.split_hw);
  CHECK(a.patches_as_rows == b.patches_as_rows);
  CHECK(a.show_stepper == b.show_stepper);
  CHECK(a.show_output_size == b.show_output_size);
  CHECK(a.show_im2col == b.show_im2col);
  REQUIRE(a.data.input.size() == b.data.input.size());
  // Bit-equal; memcmp is skipped when empty (its pointers may be null, which UBSan refuses).
  CHECK((a.data.input.empty() || std::memcmp(a.data.input.data(), b.data.input.data(), a.data.input.size() * sizeof(float)) == 0));
  REQUIRE(a.data.weight.size() == b.data.weight.size());
  CHECK((a.data.weight.empty() || std::memcmp(a.data.weight.data(), b.data.weight.data(), a.data.weight.size() * sizeof(float)) == 0));
  // What the panels show, from the engine: same output shape and values.
  CHECK(a.result.valid == b.result.valid);
  CHECK(a.result.output.shape() == b.result.output.shape());
  CHECK(lesson_json(a)["stepper"].dump() == lesson_json(b)["stepper"].dump());
}

LessonState with(const json& stepper_partial, const json& rest = json::object()) {
  LessonState s;
  lesson_refresh(s);
  json p = rest;
  p["stepper"] = stepper_partial;
  const std::string e = lesson_apply(s, p);
  REQUIRE_MESSAGE(e.empty(), e);
  return s;
}

}  // namespace

TEST_CASE("url: floats are written as the shortest text that reads back as the same float") {
  CHECK(float_text(0.1f) == "0.1");
  CHECK(float_text(-2.5f) == "-2.5");
  CHECK(float_text(0.0f) == "0");
  CHECK(float_text(1e7f) == "1e07");  // no '+'
  for (float v : {1.0f / 3.0f, -123456.7f, 3.4e-30f, 1e-45f, 999999.94f, -0.0f}) {
    const std::string t = float_text(v);
    CHECK(std::strtof(t.c_str(), nullptr) == v);
    CHECK(t.find('+') == std::string::npos);
  }
}

TEST_CASE("url: the default lesson's link is short, readable and round-trips") {
  LessonState s;
  lesson_refresh(s);
  const std::string link = lesson_link_encode(s, "lessons");
  CHECK(link.rfind("lesson=1&ws=lessons&panels=7&mode=standard&in=5x5&c=1&k=3x3&s=1x1&p=0x0&d=1x1", 0) == 0);
  CHECK(link.find("ip=classic") != std::string::npos);
  CHECK(link.find("kp=cross") != std::string::npos);
  LessonState back;
  std::string ws;
  REQUIRE(open_link("#" + link, &back, &ws) == "");
  CHECK(ws == "lessons");
  check_same_lesson(s, back);
  CHECK(lesson_link_encode(back, "lessons") == link);
}

TEST_CASE("url: a typed input and kernel, step, channel, pin and panels come back exactly") {
  std::vector<float> in(2 * 7 * 6), k;
  for (size_t i = 0; i < in.size(); ++i) in[i] = (i % 3 == 0) ? 0.1f * i : -3.25e-7f * i + 123456.7f * (i % 5 == 4);
  LessonState s = with({{"mode", "grouped"}, {"channels", 2}, {"input", {7, 6}}, {"kernel", {3, 2}},
                        {"stride", {2, 1}}, {"padding", {1, 0}}, {"dilation", {1, 2}}, {"groups", 2},
                        {"out_channels", 4}, {"bias", 0.3}, {"input_values", in}},
                       {{"output_size", {{"split", true}, {"visible", false}}}, {"im2col", {{"orientation", "rows"}}}});
  for (size_t i = 0; i < s.data.weight.size(); ++i) k.push_back(std::ldexp(1.0f, static_cast<int>(i % 20) - 10) * (i % 2 ? -1 : 1));
  const std::string e = lesson_apply(s, {{"stepper", {{"kernel_values", k}, {"step", 5}, {"out_channel", 3}, {"speed", 7.5},
                                                       {"pinned", {{"kind", "input"}, {"cell", {-1, 2}}}}}}});
  REQUIRE_MESSAGE(e.empty(), e);
  const std::string link = lesson_link_encode(s, "digit-lab");
  CHECK(link.find("panels=5") != std::string::npos);  // stepper + im2col, not output size
  CHECK(link.find("pin=input:-1x2") != std::string::npos);
  LessonState back;
  std::string ws;
  REQUIRE(open_link(link, &back, &ws) == "");
  CHECK(ws == "digit-lab");
  check_same_lesson(s, back);
  CHECK(back.config.input_preset == InputPreset::Custom);
  CHECK(back.config.kernel_preset == KernelPreset::Custom);
}

TEST_CASE("url: an opened image (which no link can hold) travels as its resampled values") {
  LessonState s;
  lesson_refresh(s);
  std::vector<float> plane(40 * 30);
  for (size_t i = 0; i < plane.size(); ++i) plane[i] = static_cast<float>(i % 37) / 36.0f;
  lesson_set_picture(s, InputPreset::Image, {plane}, 40, 30);
  REQUIRE(lesson_apply(s, {{"stepper", {{"input", {12, 9}}, {"step", 11}}}}).empty());
  REQUIRE(s.config.input_preset == InputPreset::Image);
  const std::string link = lesson_link_encode(s, "lessons");
  CHECK(link.find("&iv=") != std::string::npos);
  CHECK(link.find("ip=image") == std::string::npos);
  LessonState back;
  REQUIRE(open_link(link, &back) == "");
  CHECK(back.config.input_preset == InputPreset::Custom);
  CHECK(back.data.input == s.data.input);
  CHECK(back.position == 11);
  CHECK(lesson_json(back)["stepper"]["arithmetic"] == lesson_json(s)["stepper"]["arithmetic"]);
}

TEST_CASE("url: seeded random lessons round-trip exactly (every mode, preset and typed value)") {
  std::mt19937 rng(77);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char* modes[] = {"standard", "grouped", "depthwise", "pointwise", "separable", "transposed", "maxpool", "avgpool"};
  const char* inputs[] = {"classic", "random", "counting"};
  const char* kernels[] = {"identity", "box", "gaussian", "sharpen", "sobel-x", "sobel-y", "laplacian", "cross", "random"};
  int checked = 0;
  std::string prev_link, prev_key;
  for (int iter = 0; iter < 300; ++iter) {
    json st = {{"mode", modes[pick(0, 7)]}, {"channels", pick(1, 3)}, {"input", {pick(1, 12), pick(1, 12)}},
               {"kernel", {pick(1, 5), pick(1, 5)}}, {"stride", {pick(0, 3), pick(1, 3)}}, {"padding", {pick(0, 2), pick(0, 2)}},
               {"dilation", {pick(1, 2), pick(0, 2)}}, {"groups", pick(1, 3)}, {"out_channels", pick(1, 4)},
               {"ceil_mode", pick(0, 1) == 1}, {"seed", static_cast<unsigned>(rng())}, {"transposed_as_conv", pick(0, 1) == 1},
               {"bias", std::uniform_real_distribution<float>(-5, 5)(rng)}};
    if (pick(0, 2) == 0) {  // typed input: arbitrary floats (any bit pattern within +-1e6)
      const int n = st["channels"].get<int>() * st["input"][0].get<int>() * st["input"][1].get<int>();
      std::vector<float> v(n);
      for (float& x : v) x = std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng) * std::pow(10.0f, -pick(0, 12));
      st["input_values"] = v;
    } else {
      st["input_preset"] = inputs[pick(0, 2)];
    }
    st["kernel_preset"] = kernels[pick(0, 8)];
    LessonState s;
    lesson_refresh(s);
    if (!lesson_apply(s, {{"stepper", st}}).empty()) continue;
    json more = json::object();
    if (s.result.valid) more["step"] = pick(0, s.result.steps - 1);
    if (pick(0, 1) && !mode_is_pool(s.config.mode)) {
      std::vector<float> k(s.data.weight.size());
      for (float& x : k) x = std::uniform_real_distribution<float>(-9, 9)(rng);
      more["kernel_values"] = k;
    }
    more["out_channel"] = pick(0, s.result.OC - 1);
    if (!lesson_apply(s, {{"stepper", more}}).empty()) continue;
    const std::string link = lesson_link_encode(s, "lessons");
    // The fingerprint the app uses to skip re-encoding: a different link always has a different key.
    const std::string key = lesson_link_key(s, "lessons");
    if (!prev_link.empty() && link != prev_link) CHECK(key != prev_key);
    prev_link = link;
    prev_key = key;
    LessonState back;
    const std::string e = open_link(link, &back);
    REQUIRE_MESSAGE(e.empty(), e, " for ", link.substr(0, 300));
    check_same_lesson(s, back);
    CHECK(lesson_link_encode(back, "lessons") == link);
    ++checked;
  }
  CHECK(checked > 150);  // most random settings are accepted lessons
}

TEST_CASE("url: every field the link carries changes the fingerprint") {
  LessonState base = with({{"mode", "standard"}});
  const std::string k0 = lesson_link_key(base, "lessons");
  CHECK(lesson_link_key(base, "digit-lab") != k0);
  const json changes[] = {
      {{"stepper", {{"mode", "grouped"}}}}, {{"stepper", {{"input", {6, 5}}}}}, {{"stepper", {{"channels", 2}}}},
      {{"stepper", {{"kernel", {3, 1}}}}}, {{"stepper", {{"stride", {1, 2}}}}}, {{"stepper", {{"padding", {0, 1}}}}},
      {{"stepper", {{"dilation", {2, 1}}}}}, {{"stepper", {{"groups", 2}}}}, {{"stepper", {{"out_channels", 2}}}},
      {{"stepper", {{"ceil_mode", true}}}}, {{"stepper", {{"input_preset", "random"}}}}, {{"stepper", {{"seed", 9u}}}},
      {{"stepper", {{"bias", 0.25}}}}, {{"stepper", {{"kernel_preset", "box"}}}}, {{"stepper", {{"step", 4}}}},
      {{"stepper", {{"speed", 3}}}}, {{"stepper", {{"transposed_as_conv", true}}}},
      {{"stepper", {{"pinned", {{"kind", "output"}, {"cell", {1, 1}}}}}}}, {{"stepper", {{"visible", false}}}},
      {{"stepper", {{"input_values", std::vector<float>(25, 0.5f)}}}}, {{"stepper", {{"kernel_values", std::vector<float>(9, 2.0f)}}}},
      {{"output_size", {{"split", true}}}}, {{"output_size", {{"visible", false}}}}, {{"im2col", {{"orientation", "rows"}}}},
      {{"im2col", {{"visible", false}}}}};
  for (const json& ch : changes) {
    LessonState s = base;
    REQUIRE_MESSAGE(lesson_apply(s, ch).empty(), ch.dump());
    CHECK_MESSAGE(lesson_link_encode(s, "lessons") != lesson_link_encode(base, "lessons"), ch.dump());
    CHECK_MESSAGE(lesson_link_key(s, "lessons") != k0, ch.dump());
  }
  LessonState oc = with({{"out_channels", 3}});
  const std::string k1 = lesson_link_key(oc, "lessons");
  REQUIRE(lesson_apply(oc, {{"stepper", {{"out_channel", 2}}}}).empty());
  CHECK(lesson_link_key(oc, "lessons") != k1);
}

TEST_CASE("url: the values cache gives the same link as a fresh encoding as the lesson changes") {
  LessonState s = with({{"channels", 2}, {"input", {6, 6}}, {"input_values", std::vector<float>(72, 0.25f)}});
  LessonState::LinkValues cache;
  CHECK(lesson_link_encode(s, "lessons", &cache) == lesson_link_encode(s, "lessons"));
  const json steps[] = {{{"stepper", {{"step", 3}}}},
                        {{"stepper", {{"kernel_values", std::vector<float>(18, -1.5f)}}}},
                        {{"stepper", {{"input_values", std::vector<float>(72, 0.75f)}}}},
                        {{"stepper", {{"input_preset", "counting"}}}},
                        {{"stepper", {{"kernel_preset", "sobel-x"}, {"step", 1}}}}};
  for (const json& ch : steps) {
    REQUIRE_MESSAGE(lesson_apply(s, ch).empty(), ch.dump());
    CHECK_MESSAGE(lesson_link_encode(s, "lessons", &cache) == lesson_link_encode(s, "lessons"), ch.dump());
  }
}

TEST_CASE("url: hostile or malformed hashes are refused with a reason and no partial state") {
  const std::string ok = "#lesson=1&mode=standard&in=5x5";
  REQUIRE(lesson_link_decode(ok).ok);
  struct Bad {
    std::string hash, why;
  } bad[] = {
      {"", "empty"},
      {"#", "empty"},
      {"#garbage", "not a ConvScope lesson link"},
      {"#lesson=2&mode=standard", "version \"2\""},
      {"#lesson=01&mode=standard", "version"},
      {"#lesson=1&in=999x5", "in must be in 1..32, got 999"},
      {"#lesson=1&in=5x", "in must be an integer"},
      {"#lesson=1&in=5", "in must be <height>x<width>"},
      {"#lesson=1&in=-0x5", "in must be in 1..32"},
      {"#lesson=1&c=1&c=2", "sets \"c\" twice"},
      {"#lesson=1&zzz=1", "unknown field \"zzz\""},
      {"#lesson=1&mode=", "is not a lesson mode"},
      {"#lesson=1&mode=winograd", "is not a lesson mode"},
      {"#lesson=1&bias=nan", "bias must be a number"},
      {"#lesson=1&bias=inf", "bias must be a number"},
      {"#lesson=1&bias=1e40", "bias must be a number"},
      {"#lesson=1&bias=0x10", "bias must be a number"},
      {"#lesson=1&bias=2000", "bias must be within"},
      {"#lesson=1&speed=0", "speed must be in 0.25..30"},
      {"#lesson=1&seed=4294967296", "seed must be in 0..4294967295"},
      {"#lesson=1&seed=99999999999999999999", "seed must be an integer"},
      {"#lesson=1&step=-1", "step must be in 0.."},
      {"#lesson=1&ceil=2", "ceil must be 0 or 1"},
      {"#lesson=1&ip=image", "not an input preset a link can name"},
      {"#lesson=1&kp=custom", "not a kernel preset a link can name"},
      {"#lesson=1&iv=1,2,3", "iv has 3 values; the input 1x5x5 needs 25"},
      {"#lesson=1&iv=1,,2", "iv must be a number"},
      {"#lesson=1&ip=classic&iv=0", "both ip and iv"},
      {"#lesson=1&pin=corner:1x1", "pin must be output:, input: or kernel:"},
      {"#lesson=1&&mode=standard", "without key=value"},
      {"#lesson=1&mode=standard&", "without key=value"},
      {"#lesson=1&=3", "without key=value"},
      {"#lesson=1&mode=%ZZ", "broken %-escape"},
      {"#lesson=1&mode=%", "broken %-escape"},
      {"#lesson=1&mode=%00", "never has (code 0)"},
      {"#lesson=1&mode=<script>alert(1)</script>", "never has"},
      {"#lesson=1&mode=st\xc3\xa4ndard", "never has"},
      {"#lesson=1 &mode=standard", "never has (code 32)"},
  };
  for (const Bad& b : bad) {
    LessonLinkParse p = lesson_link_decode(b.hash);
    CHECK_MESSAGE(!p.ok, b.hash);
    CHECK_MESSAGE(p.error.find(b.why) != std::string::npos, b.hash, " -> ", p.error);
    CHECK(p.partial.is_null());
  }
  // A huge hash is refused before it is even scanned.
  std::string huge = ok + "&iv=" + std::string(kLessonLinkMaxChars, '1');
  LessonLinkParse p = lesson_link_decode(huge);
  CHECK_FALSE(p.ok);
  CHECK(p.error.find("characters long") != std::string::npos);
  // Percent-escaped separators are read as the characters.
  CHECK(lesson_link_decode("#lesson%3D1%26in%3D4x6").ok);
}

TEST_CASE("url: links that parse but do not fit the lesson are refused by setState with a reason") {
  LessonState s;
  // Step 9 of a 5x5 input with a 3x3 kernel: there are only 9 positions (0..8).
  CHECK(open_link("#lesson=1&in=5x5&k=3x3&step=9", &s).find("stepper.step must be in 0..8, got 9") != std::string::npos);
  CHECK(open_link("#lesson=1&in=5x5&k=3x3&step=8", &s) == "");
  CHECK(s.position == 8);
  // out_channel 3 with one output channel; a kernel of the wrong size.
  CHECK(open_link("#lesson=1&och=3", &s).find("out_channel must be in 0..0") != std::string::npos);
  CHECK(open_link("#lesson=1&kv=1,2", &s).find("kernel_values must be an array of 9 numbers") != std::string::npos);
}

TEST_CASE("url: random garbage and mutated links never crash and never pass an unchecked state") {
  std::mt19937 rng(4242);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  LessonState base = with({{"mode", "transposed"}, {"channels", 2}, {"input", {4, 3}}, {"stride", {2, 1}},
                           {"kernel_preset", "random"}, {"step", 3}, {"pinned", {{"kind", "output"}, {"cell", {1, 1}}}}});
  const std::string link = lesson_link_encode(base, "lessons");
  const std::string alphabet = "lesson=1&x,:.-_~%0123456789abcdefkpivsgmnwoh\xff\x01 #";
  int accepted = 0, refused = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string h;
    if (iter % 4 == 0) {  // pure garbage
      const int n = pick(0, 80);
      for (int i = 0; i < n; ++i) h += alphabet[static_cast<size_t>(pick(0, static_cast<int>(alphabet.size()) - 1))];
    } else {  // a real link with a few bytes changed, cut, or a slice repeated
      h = link;
      for (int m = pick(1, 3); m > 0; --m) {
        const size_t at = static_cast<size_t>(pick(0, static_cast<int>(h.size()) - 1));
        switch (pick(0, 3)) {
          case 0: h[at] = alphabet[static_cast<size_t>(pick(0, static_cast<int>(alphabet.size()) - 1))]; break;
          case 1: h.resize(at); break;
          case 2: h.insert(at, h.substr(at, static_cast<size_t>(pick(1, 12)))); break;
          case 3: h.erase(at, 1); break;
        }
        if (h.empty()) break;
      }
    }
    LessonLinkParse p = lesson_link_decode(h);
    if (!p.ok) {
      CHECK(!p.error.empty());
      ++refused;
      continue;
    }
    LessonState s;
    lesson_refresh(s);
    if (lesson_apply(s, p.partial).empty()) {
      // Whatever got through is a lesson the app can show.
      CHECK(validate_config(s.config) == "");
      CHECK(s.data.input.size() == static_cast<size_t>(s.config.C) * s.config.H * s.config.W);
      ++accepted;
    }
  }
  CHECK(refused > 1000);
  CHECK(accepted > 40);  // enough links get through to setState to exercise it
  MESSAGE("mutated/garbage links: ", accepted, " accepted by setState, ", refused, " refused by the decoder");
}

TEST_CASE("url: the digit lab's gallery digit, saliency and SE block travel in a link to the lab") {
  LessonState s;
  lesson_refresh(s);
  DigitLabState lab;
  lab.input = LabInput::Gallery;
  lab.gallery_index = 417;
  lab.saliency_mode = 1;
  lab.saliency_class = 3;
  lab.se_block = 2;
  const std::string link = lesson_link_encode(s, "digit-lab") + lab_link_fields(lab);
  CHECK(link.find("&lg=417&sal=cam&scls=3&seb=2") != std::string::npos);
  LessonLinkParse p = lesson_link_decode("#" + link);
  REQUIRE_MESSAGE(p.ok, p.error);
  CHECK(p.partial["workspace"] == "digit-lab");
  CHECK(p.partial["input"] == json({{"gallery", 417}}));
  CHECK(p.partial["saliency"] == json({{"mode", "grad-cam"}, {"class", 3}}));
  CHECK(p.partial["se"] == json({{"block", 2}}));
  // A drawing or a photo cannot travel: no digit in the link; the prediction's class is the default.
  lab.input = LabInput::Drawing;
  lab.saliency_mode = 2;
  lab.saliency_class = -1;
  const std::string drawn = lab_link_fields(lab);
  CHECK(drawn == "&sal=grad&seb=2");
  p = lesson_link_decode("#lesson=1&ws=lab" + drawn);
  REQUIRE_MESSAGE(p.ok, p.error);
  CHECK_FALSE(p.partial.contains("input"));
  CHECK(p.partial["saliency"] == json({{"mode", "input-gradient"}}));
  // Hostile lab fields are refused with the field's name.
  for (const char* bad : {"&lg=-1", "&lg=x", "&sal=heat", "&scls=10", "&scls=-2", "&seb=64", "&lg=1&lg=2"}) {
    CAPTURE(bad);
    p = lesson_link_decode(std::string("#lesson=1&ws=lab") + bad);
    CHECK_FALSE(p.ok);
    CHECK_FALSE(p.error.empty());
  }
}
