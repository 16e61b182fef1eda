// url_state_model.cpp — LessonState <-> "lesson=1&key=value&..." (the URL hash). The decoder trusts
// nothing: length, characters, version, every key (known, once), every number (syntax and range) are
// checked before a field reaches setState, which then checks the combination (e.g. a step past the end).
#include "url_state_model.h"

#include "backward_lesson_model.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "engine/status.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

namespace {

// Panel visibility as one number: stepper 1, output size 2, im2col 4.
constexpr int kPanelStepper = 1, kPanelOutputSize = 2, kPanelIm2col = 4;
// Typed values a link may carry: the largest input (3x32x32) and kernel (4 filters x 3 x 9x9).
constexpr size_t kMaxInputValues = size_t(StepperLimits::kMaxChannels) * StepperLimits::kMaxSide * StepperLimits::kMaxSide;
constexpr size_t kMaxKernelValues =
    size_t(StepperLimits::kMaxOutChannels) * StepperLimits::kMaxChannels * StepperLimits::kMaxKernel * StepperLimits::kMaxKernel;

const char* hover_kind_key(HoverKind k) {
  return k == HoverKind::Output ? "output" : k == HoverKind::Input ? "input" : k == HoverKind::Kernel ? "kernel" : "";
}

void put(std::string& out, const char* key, const std::string& value) {
  out += '&';
  out += key;
  out += '=';
  out += value;
}

unsigned float_bits(float v) {
  unsigned u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

std::string pair_text(int a, int b) { return std::to_string(a) + "x" + std::to_string(b); }

std::string floats_text(const std::vector<float>& v) {
  std::string s;
  s.reserve(v.size() * 5);
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += float_text(v[i]);
  }
  return s;
}

// [SECTION] decoding helpers: each returns "" or the reason, naming the field and the bad text.
// The reasons end up in the notice shown when a link in the address bar is ignored, so their wording
// comes from the string table; the link's keys and values ("in", "ws", "output:") are passed in as
// arguments because they are the link's words, the same in every language.

std::string shown(const std::string& v) { return v.size() > 40 ? v.substr(0, 40) + "..." : v; }

std::string parse_int(const std::string& key, const std::string& v, long long lo, long long hi, long long* out) {
  size_t i = v.size() && v[0] == '-' ? 1 : 0;
  if (v.size() == i || v.size() - i > 10) return fmt(tr(S::link_not_integer), key.c_str(), shown(v).c_str());
  long long x = 0;
  for (; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return fmt(tr(S::link_not_integer), key.c_str(), shown(v).c_str());
    x = x * 10 + (v[i] - '0');
  }
  if (v[0] == '-') x = -x;
  if (x < lo || x > hi) return fmt(tr(S::link_out_of_range), key.c_str(), lo, hi, x);
  *out = x;
  return "";
}

std::string parse_pair(const std::string& key, const std::string& v, int lo, int hi, int* a, int* b) {
  const size_t x = v.find('x');
  if (x == std::string::npos) return fmt(tr(S::link_not_pair), key.c_str(), shown(v).c_str());
  long long h = 0, w = 0;
  std::string e = parse_int(key, v.substr(0, x), lo, hi, &h);
  if (e.empty()) e = parse_int(key, v.substr(x + 1), lo, hi, &w);
  if (!e.empty()) return e;
  *a = static_cast<int>(h);
  *b = static_cast<int>(w);
  return "";
}

std::string parse_float(const std::string& key, const std::string& v, double limit, float* out) {
  // Plain decimal text only: strtof would also take "inf", "nan", hex floats and leading blanks.
  if (v.empty() || v.size() > 24 || v.find_first_not_of("0123456789.-e") != std::string::npos)
    return fmt(tr(S::link_not_number), key.c_str(), shown(v).c_str());
  char* end = nullptr;
  errno = 0;
  const float x = std::strtof(v.c_str(), &end);
  if (end != v.c_str() + v.size() || errno == ERANGE || !std::isfinite(x))
    return fmt(tr(S::link_not_number), key.c_str(), shown(v).c_str());
  if (std::fabs(x) > limit) return fmt(tr(S::link_number_too_large), key.c_str(), limit, shown(v).c_str());
  *out = x;
  return "";
}

std::string parse_floats(const std::string& key, const std::string& v, size_t max_count, json* out) {
  *out = json::array();
  if (v.empty()) return "";  // a pooling lesson's custom kernel has no numbers
  size_t start = 0;
  while (true) {
    if (out->size() >= max_count) return fmt(tr(S::link_too_many_values), key.c_str(), max_count);
    size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    float x = 0;
    std::string e = parse_float(key, v.substr(start, comma - start), 1e6, &x);
    if (!e.empty()) return e;
    out->push_back(x);
    if (comma == v.size()) return "";
    start = comma + 1;
  }
}

std::string parse_bool(const std::string& key, const std::string& v, bool* out) {
  if (v != "0" && v != "1") return fmt(tr(S::link_not_bool), key.c_str(), shown(v).c_str());
  *out = v == "1";
  return "";
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The configuration field a link key names; null for the other keys (and for the presets, whose
// link keys ip/kp carry extra rules in lesson_link_decode).
const StepperField* config_field_of_link(const std::string& k) {
  int nfields = 0;
  const StepperField* fields = stepper_fields(&nfields);
  for (int i = 0; i < nfields; ++i)
    if (k == fields[i].link && fields[i].type != FieldType::Input && fields[i].type != FieldType::Kernel) return &fields[i];
  return nullptr;
}

// A configuration field's link text into setState's "stepper" object (syntax and the table's range).
std::string parse_field(const StepperField& f, const std::string& v, json* st) {
  const std::string k = f.link;
  std::string e;
  long long n = 0;
  bool b = false;
  float x = 0;
  int h = 0, w = 0;
  switch (f.type) {
    case FieldType::Mode: {
      ConvMode m;
      if (parse_conv_mode(v, &m)) (*st)[f.key] = v;
      else e = fmt(tr(S::link_not_mode), k.c_str(), shown(v).c_str());
      break;
    }
    case FieldType::Pair:
      if ((e = parse_pair(k, v, f.lo, f.hi, &h, &w)).empty()) (*st)[f.key] = {h, w};
      break;
    case FieldType::Int:
      if ((e = parse_int(k, v, f.lo, f.hi, &n)).empty()) (*st)[f.key] = n;
      break;
    case FieldType::Bool:
      if ((e = parse_bool(k, v, &b)).empty()) (*st)[f.key] = b;
      break;
    case FieldType::Seed:
      if ((e = parse_int(k, v, 0, 0xffffffffLL, &n)).empty()) (*st)[f.key] = static_cast<unsigned long long>(n);
      break;
    case FieldType::Bias:
      if ((e = parse_float(k, v, StepperLimits::kMaxBias, &x)).empty()) (*st)[f.key] = x;
      break;
    case FieldType::Input:
    case FieldType::Kernel: break;
  }
  return e;
}

}  // namespace

std::string float_text(float v) {
  char buf[32];
  // The shortest of %.1g .. %.9g that reads back as the same float (9 digits always do). Reading back is
  // monotonic in the digit count, so a binary search needs ~4 tries instead of up to 9.
  auto round_trips = [&](int digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(v));
    return std::strtof(buf, nullptr) == v;
  };
  int lo = 1, hi = 9;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (round_trips(mid)) hi = mid;
    else lo = mid + 1;
  }
  round_trips(lo);
  std::string s = buf;
  const size_t plus = s.find("e+");
  if (plus != std::string::npos) s.erase(plus + 1, 1);  // "1e+07" -> "1e07": '+' is not URL-safe everywhere
  return s;
}

// [SECTION] encode ---------------------------------------------------------------------------------

namespace {

// One configuration field as the link writes it ("5x5", "standard", "0.5").
std::string field_text(const StepperField& f, const StepperConfig& c) {
  const double v = f.get(c, 0);
  switch (f.type) {
    case FieldType::Pair: return pair_text(static_cast<int>(v), static_cast<int>(f.get(c, 1)));
    case FieldType::Bool: return v != 0 ? "1" : "0";
    case FieldType::Seed: return std::to_string(static_cast<unsigned>(v));
    case FieldType::Bias: return float_text(static_cast<float>(v));
    case FieldType::Mode: return conv_mode_name(static_cast<ConvMode>(static_cast<int>(v)));
    case FieldType::Input: return input_preset_name(static_cast<InputPreset>(static_cast<int>(v)));
    case FieldType::Kernel: return kernel_preset_name(static_cast<KernelPreset>(static_cast<int>(v)));
    case FieldType::Int: break;
  }
  return std::to_string(static_cast<int>(v));
}

// The input and kernel fields: presets by name; typed numbers and pictures (which a link cannot hold) as values.
std::string data_fields(const LessonState& s) {
  const StepperConfig& c = s.config;
  std::string out;
  if (c.input_preset == InputPreset::Custom || c.input_preset == InputPreset::Image) {
    put(out, "iv", floats_text(s.data.input));
  } else {
    put(out, "ip", input_preset_name(c.input_preset));
    if (c.input_preset == InputPreset::Digit) put(out, "digit", std::to_string(s.digit_index));
  }
  if (c.kernel_preset == KernelPreset::Custom) put(out, "kv", floats_text(s.data.weight));
  else put(out, "kp", kernel_preset_name(c.kernel_preset));
  return out;
}

}  // namespace

std::string lesson_link_encode(const LessonState& s, const std::string& workspace, LessonState::LinkValues* values) {
  const StepperConfig& c = s.config;
  std::string out = "lesson=" + std::to_string(kLessonLinkVersion);
  put(out, "ws", workspace == "digit-lab" ? "lab" : workspace == "blocks" ? "blocks" : "lessons");
  put(out, "panels", std::to_string((s.show_stepper ? kPanelStepper : 0) | (s.show_output_size ? kPanelOutputSize : 0) |
                                    (s.show_im2col ? kPanelIm2col : 0)));
  int nfields = 0;
  const StepperField* fields = stepper_fields(&nfields);
  for (int i = 0; i < nfields; ++i)
    if (fields[i].type != FieldType::Input && fields[i].type != FieldType::Kernel)  // presets: data_fields
      put(out, fields[i].link, field_text(fields[i], c));
  if (!values) {
    out += data_fields(s);
  } else {
    // Data and presets only change through lesson_refresh's recomputation, which bumps result_serial.
    if (values->serial != s.result_serial) values->text = data_fields(s);
    values->serial = s.result_serial;
    out += values->text;
  }
  // An impossible configuration has no positions (setState refuses a step there).
  if (s.result.valid) put(out, "step", std::to_string(s.position));
  put(out, "och", std::to_string(s.out_channel));
  put(out, "speed", float_text(s.speed));
  put(out, "tac", s.transposed_as_conv ? "1" : "0");
  if (s.pinned.kind != HoverKind::None)
    put(out, "pin", std::string(hover_kind_key(s.pinned.kind)) + ":" + pair_text(s.pinned.cell.r, s.pinned.cell.c));
  put(out, "split", s.split_hw ? "1" : "0");
  put(out, "rows", s.patches_as_rows ? "1" : "0");
  out += backward_link_fields(s);
  return out;
}

std::string lab_link_fields(const DigitLabState& lab) {
  std::string out;
  if (lab.input == LabInput::Gallery && lab.gallery_index >= 0) put(out, "lg", std::to_string(lab.gallery_index));
  const char* modes[] = {"off", "cam", "grad"};
  put(out, "sal", modes[lab.saliency_mode >= 0 && lab.saliency_mode <= 2 ? lab.saliency_mode : 0]);
  if (lab.saliency_class >= 0) put(out, "scls", std::to_string(lab.saliency_class));
  put(out, "seb", std::to_string(lab.se_block));
  return out;
}

std::string lesson_link_key(const LessonState& s, const std::string& workspace) {
  // Every configuration field's value (exact as doubles), then what the link carries besides.
  std::string key = workspace + "|";
  int nfields = 0;
  const StepperField* fields = stepper_fields(&nfields);
  for (int i = 0; i < nfields; ++i)
    for (int half = 0; half < (fields[i].type == FieldType::Pair ? 2 : 1); ++half) {
      const double v = fields[i].get(s.config, half);
      key.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
  return key + fmt("|%d%d%d|%lld,%d,%d,%d,%08x|%d,%d,%d,%d|%d%d", s.show_stepper, s.show_output_size, s.show_im2col,
                   s.data_version, s.digit_index, s.position, s.out_channel, float_bits(s.speed),
                   static_cast<int>(s.transposed_as_conv), static_cast<int>(s.pinned.kind), s.pinned.cell.r,
                   s.pinned.cell.c, static_cast<int>(s.split_hw), static_cast<int>(s.patches_as_rows)) +
         backward_link_fields(s);
}

// [SECTION] decode ---------------------------------------------------------------------------------

LessonLinkParse lesson_link_decode(const std::string& hash) {
  LessonLinkParse r;
  auto fail = [&](const std::string& why) {
    r.ok = false;
    r.error = why;
    r.partial = json();
    return r;
  };
  if (hash.empty() || hash == "#") return fail(tr(S::link_empty));
  if (hash.size() > kLessonLinkMaxChars + 1)
    return fail(fmt(tr(S::link_too_long), hash.size(), kLessonLinkMaxChars));
  std::string text;
  text.reserve(hash.size());
  for (size_t i = hash[0] == '#' ? 1 : 0; i < hash.size(); ++i) {
    char ch = hash[i];
    if (ch == '%') {  // a link pasted through a tool that escapes ',' or ':'
      const int hi = i + 2 < hash.size() ? hex_digit(hash[i + 1]) : -1, lo = hi >= 0 ? hex_digit(hash[i + 2]) : -1;
      if (hi < 0 || lo < 0) return fail(fmt(tr(S::link_broken_escape), "%"));
      ch = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    const bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                      std::strchr("-._~=&,:", ch) != nullptr;
    if (!safe || ch == '\0')
      return fail(fmt(tr(S::link_bad_character), static_cast<unsigned char>(ch)));
    text += ch;
  }
  if (text.rfind("lesson=", 0) != 0) return fail(tr(S::link_not_lesson_link));

  // key=value pairs, each key once.
  std::vector<std::pair<std::string, std::string>> fields;
  std::map<std::string, int> seen;
  size_t start = 0;
  while (start <= text.size()) {
    size_t amp = text.find('&', start);
    if (amp == std::string::npos) amp = text.size();
    const std::string item = text.substr(start, amp - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return fail(fmt(tr(S::link_part_without_value), shown(item).c_str()));
    const std::string key = item.substr(0, eq);
    if (seen[key]++) return fail(fmt(tr(S::link_key_twice), key.c_str()));
    fields.push_back({key, item.substr(eq + 1)});
    start = amp + 1;
  }
  if (fields[0].second != std::to_string(kLessonLinkVersion))
    return fail(fmt(tr(S::link_wrong_version), shown(fields[0].second).c_str(),
                    kLessonLinkVersion));

  using L = StepperLimits;
  json st = json::object(), os = json::object(), im = json::object();
  json lab_input = json::object(), saliency = json::object(), se = json::object();
  json out = json::object();
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string& k = fields[i].first;
    const std::string& v = fields[i].second;
    std::string e;
    long long n = 0;
    bool b = false;
    float f = 0;
    int h = 0, w = 0;
    if (k == "ws") {
      if (v == "lessons") out["workspace"] = "lessons";
      else if (v == "lab") out["workspace"] = "digit-lab";
      else if (v == "blocks") out["workspace"] = "blocks";
      else e = fmt(tr(S::link_not_one_of_three), "ws", "lessons", "lab", "blocks", shown(v).c_str());
    } else if (k == "panels") {
      if ((e = parse_int(k, v, 0, 7, &n)).empty()) {
        st["visible"] = (n & kPanelStepper) != 0;
        os["visible"] = (n & kPanelOutputSize) != 0;
        im["visible"] = (n & kPanelIm2col) != 0;
      }
    } else if (const StepperField* cf = config_field_of_link(k)) {
      e = parse_field(*cf, v, &st);
    } else if (k == "ip") {
      InputPreset p;
      // "image" and "custom" travel as values (iv): a link cannot hold the picture.
      if (parse_input_preset(v, &p) && p != InputPreset::Image && p != InputPreset::Custom) st["input_preset"] = v;
      else e = fmt(tr(S::link_not_input_preset), "ip", shown(v).c_str());
    } else if (k == "digit") {
      if ((e = parse_int(k, v, 0, 1000000, &n)).empty()) st["digit_index"] = n;
    } else if (k == "iv") {
      json a;
      if ((e = parse_floats(k, v, kMaxInputValues, &a)).empty()) st["input_values"] = a;
    } else if (k == "kp") {
      KernelPreset p;
      if (parse_kernel_preset(v, &p) && p != KernelPreset::Custom) st["kernel_preset"] = v;
      else e = fmt(tr(S::link_not_kernel_preset), "kp", shown(v).c_str());
    } else if (k == "kv") {
      json a;
      if ((e = parse_floats(k, v, kMaxKernelValues, &a)).empty()) st["kernel_values"] = a;
    } else if (k == "step") {
      if ((e = parse_int(k, v, 0, kMaxInputValues, &n)).empty()) st["step"] = n;
    } else if (k == "och") {
      if ((e = parse_int(k, v, 0, L::kMaxOutChannels - 1, &n)).empty()) st["out_channel"] = n;
    } else if (k == "speed") {
      if ((e = parse_float(k, v, 30, &f)).empty()) {
        if (f < 0.25f) e = fmt(tr(S::link_speed_range), "speed", 0.25, 30.0, shown(v).c_str());
        else st["speed"] = f;
      }
    } else if (backward_link_field(k, v, &st, &e)) {
    } else if (k == "tac") {
      if ((e = parse_bool(k, v, &b)).empty()) st["transposed_as_conv"] = b;
    } else if (k == "pin") {
      const size_t colon = v.find(':');
      const std::string kind = v.substr(0, colon);
      if (colon == std::string::npos || (kind != "output" && kind != "input" && kind != "kernel"))
        e = fmt(tr(S::link_not_pin), "pin", "output:", "input:", "kernel:", shown(v).c_str());
      else if ((e = parse_pair(k, v.substr(colon + 1), -L::kMaxPadding, L::kMaxSide + L::kMaxPadding, &h, &w)).empty())
        st["pinned"] = {{"kind", kind}, {"cell", {h, w}}};
    } else if (k == "split") {
      if ((e = parse_bool(k, v, &b)).empty()) os["split"] = b;
    } else if (k == "rows") {
      if ((e = parse_bool(k, v, &b)).empty()) im["orientation"] = b ? "rows" : "columns";
    } else if (k == "lg") {  // [digit lab] (setState checks the index against the bundled digits)
      if ((e = parse_int(k, v, 0, 1000000, &n)).empty()) lab_input["gallery"] = n;
    } else if (k == "sal") {
      if (v == "off") saliency["mode"] = "off";
      else if (v == "cam") saliency["mode"] = "grad-cam";
      else if (v == "grad") saliency["mode"] = "input-gradient";
      else e = fmt(tr(S::link_not_one_of_three), "sal", "off", "cam", "grad", shown(v).c_str());
    } else if (k == "scls") {
      if ((e = parse_int(k, v, -1, 9, &n)).empty()) saliency["class"] = n;
    } else if (k == "seb") {
      if ((e = parse_int(k, v, 0, 63, &n)).empty()) se["block"] = n;
    } else {
      e = fmt(tr(S::link_unknown_field), shown(k).c_str());
    }
    if (!e.empty()) return fail(e);
  }
  if (st.contains("input_preset") && st.contains("input_values")) return fail(fmt(tr(S::link_both_fields), "ip", "iv"));
  if (st.contains("kernel_preset") && st.contains("kernel_values")) return fail(fmt(tr(S::link_both_fields), "kp", "kv"));
  // The typed input's size must match the input's shape (setState checks again, after the other fields).
  if (st.contains("input_values")) {
    const int C = st.value("channels", 1);
    const json in = st.contains("input") ? st["input"] : json{5, 5};
    const size_t want = static_cast<size_t>(C) * in[0].get<int>() * in[1].get<int>();
    if (st["input_values"].size() != want)
      return fail(fmt(tr(S::link_value_count), "iv", st["input_values"].size(), C,
                      in[0].get<int>(), in[1].get<int>(), want));
  }
  if (!st.empty()) out["stepper"] = st;
  if (!os.empty()) out["output_size"] = os;
  if (!im.empty()) out["im2col"] = im;
  if (!lab_input.empty()) out["input"] = lab_input;
  if (!saliency.empty()) out["saliency"] = saliency;
  if (!se.empty()) out["se"] = se;
  r.ok = true;
  r.partial = out;
  return r;
}

}  // namespace cs::app
