// course_api.cpp — the guided lessons' doors: state().lesson/.course/.presenter, setState({lesson},
// {presenter}), the lesson's fields in the URL hash, and lesson files dropped or opened (import).
#include <algorithm>
#include <cstring>

#include "app.h"
#include "course_check.h"
#include "course_player.h"
#include "languages.h"
#include "platform_api.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

// [SECTION] base64url -------------------------------------------------------------------------------

namespace {
const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

std::string course_base64url(const std::string& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) << 8 : 0) |
                       (i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    if (i + 1 < in.size()) out += kB64[(n >> 6) & 63];
    if (i + 2 < in.size()) out += kB64[n & 63];
  }
  return out;
}

bool course_unbase64url(const std::string& text, std::string* out) {
  out->clear();
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* p = c ? std::strchr(kB64, c) : nullptr;
    if (!p) return false;
    acc = (acc << 6) | static_cast<unsigned>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return text.size() % 4 != 1;
}

// [SECTION] the URL hash ------------------------------------------------------------------------------

namespace {

// The open lesson's file, base64url, made once per lesson ("" when it is too long for a link).
const std::string& link_data(CourseState& C) {
  if (C.link_data_for != C.lesson.get()) {
    C.link_data_for = C.lesson.get();
    C.link_data = course_base64url(course_lesson_to_json(*C.lesson));
    if (C.link_data.size() > kCourseLinkMaxChars) C.link_data.clear();
  }
  return C.link_data;
}

std::string step_fields(CourseState& C) {
  if (!C.want_id.empty()) return "course=" + C.want_id + "&cstep=" + std::to_string(C.want_step);
  if (!C.lesson) return "";
  const std::string step = "&cstep=" + std::to_string(C.step);
  if (C.bundled) return "course=" + C.lesson->id + step;
  const std::string& data = link_data(C);
  return data.empty() ? "" : "cfile=" + data + step;
}

}  // namespace

std::string course_link_fields(AppState& state) {
  const std::string f = step_fields(state.course);
  return f.empty() ? "" : "&" + f;
}

std::string course_step_link(AppState& state, std::string* err) {
  err->clear();
  const std::string f = step_fields(state.course);
  if (f.empty()) {
    *err = state.course.lesson ? tr(S::course_link_too_long) : "";
    return "";
  }
  return platform_page_url() + "#" + f;
}

std::string course_link_take(AppState& state, const std::string& hash) {
  std::string text = hash[0] == '#' ? hash.substr(1) : hash;
  std::string rest, id, file, step_text;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('&', at);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(at, end - at);
    if (part.rfind("course=", 0) == 0) id = part.substr(7);
    else if (part.rfind("cstep=", 0) == 0) step_text = part.substr(6);
    else if (part.rfind("cfile=", 0) == 0) file = part.substr(6);
    else if (!part.empty()) rest += (rest.empty() ? "" : "&") + part;
    at = end + 1;
  }
  if (id.empty() && file.empty()) return rest;
  int step = 0;
  if (!step_text.empty() && (step_text.size() > 4 || step_text.find_first_not_of("0123456789") != std::string::npos)) {
    app_notice(state, cs::fmt(tr(S::notice_link_ignored), cs::fmt(tr(S::course_err_link_step), step_text.substr(0, 12).c_str()).c_str()), 12.0);
    return rest;
  }
  if (!step_text.empty()) step = std::stoi(step_text);
  std::string err;
  if (!file.empty()) {
    std::string bytes;
    if (file.size() > kCourseLinkMaxChars || !course_unbase64url(file, &bytes)) {
      err = cs::fmt(tr(S::course_err_link_file), file.size());
    } else {
      Result<CourseLesson> L = parse_course_lesson(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), tr(S::course_link_source));
      if (!L.is_ok()) err = L.message();
      else if (step >= static_cast<int>(L.value().steps.size())) err = cs::fmt(tr(S::course_err_no_step), step, L.value().id.c_str(), L.value().steps.size());
      else course_play(state, std::make_shared<const CourseLesson>(std::move(L.value())), false, tr(S::course_link_source), step);
    }
  } else {
    err = course_open(state, id, step, true);
  }
  if (!err.empty()) app_notice(state, cs::fmt(tr(S::notice_link_ignored), err.c_str()), 12.0);
  return rest;
}

// [SECTION] import ------------------------------------------------------------------------------------

bool course_is_lesson_file(const uint8_t* bytes, size_t size) {
  size_t i = 0;
  while (i < size && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) ++i;
  if (i + 2 < size && bytes[i] == 0xEF && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF) i += 3;  // a BOM
  return i < size && bytes[i] == '{';
}

void course_import(AppState& state, const std::string& name, const uint8_t* bytes, size_t size) {
  Result<CourseLesson> L = parse_course_lesson(bytes, size, name);
  if (!L.is_ok()) return app_notice(state, cs::fmt(tr(S::course_import_refused), L.message().c_str()), 15.0);
  const std::string title = L.value().text(L.value().title);
  course_play(state, std::make_shared<const CourseLesson>(std::move(L.value())), false, name, 0);
  app_notice(state, cs::fmt(tr(S::course_imported), name.c_str(), title.c_str()));
}

// [SECTION] state() and setState() --------------------------------------------------------------------

void course_state_json(const AppState& state, json& out) {
  const CourseState& C = state.course;
  if (!C.lesson) {
    out["lesson"] = nullptr;
  } else {
    const CourseLesson& L = *C.lesson;
    const CourseStep& s = L.steps[static_cast<size_t>(C.step)];
    json l = {{"id", L.id}, {"step", C.step}, {"steps", L.steps.size()}, {"step_id", s.id},
              {"title", course_text(state, L, L.title)}, {"chapter", course_text(state, L, L.chapters[static_cast<size_t>(s.chapter)].title)},
              {"text", course_text(state, L, s.text)}, {"spotlight", s.spotlight.empty() ? json(nullptr) : json(s.spotlight)},
              {"panels", s.has_panels ? course_id_list(s.panels) : json(nullptr)}, {"lock", course_id_list(s.lock)},
              {"animation", {{"frame", C.anim}, {"frames", s.animation.size()}}}, {"error", C.step_error},
              {"bundled", C.bundled}, {"source", C.source_name}, {"pick_mode", C.pick_mode}, {"answer", C.answer},
              {"visible", C.show_panel}, {"task", nullptr}};
    if (s.has_task) {
      const CourseTask& T = s.task;
      bool done = C.done;
      std::string feedback = C.feedback;
      if (T.kind == "do" && !done) {  // checked against this very state, so it is never a frame late
        CourseVerdict v = course_check(T.check, out, nullptr, 0);
        done = v.done;
        feedback = v.feedback;
      }
      if (!done && !feedback.empty() && !T.hint.empty() && (T.kind == "do" || C.attempts > 0))
        feedback += " " + course_text(state, L, T.hint);
      if (done) feedback.clear();
      l["task"] = {{"kind", T.kind}, {"prompt", course_text(state, L, T.prompt)}, {"check", T.check}, {"done", done},
                   {"feedback", feedback}, {"attempts", C.attempts},
                   {"explain", done && !T.explain.empty() ? course_text(state, L, T.explain) : ""},
                   {"solution", T.solution}};
    }
    // The lesson's words in the language shown that the font cannot draw ("<key> U+XXXX").
    json missing = json::array();
    for (const auto& kv : L.strings)
      if (unsigned cp = first_missing_glyph(course_text(state, L, kv.first))) missing.push_back(cs::fmt("%s U+%04X", kv.first.c_str(), cp));
    l["glyphs_missing"] = missing;
    out["lesson"] = l;
  }
  const char* statuses[] = {"idle", "loading", "failed", "ready"};
  const CourseBuilder& B = C.builder;
  json steps = json::array();
  for (const CourseStep& s : B.lesson.steps) steps.push_back({{"id", s.id}, {"text", B.lesson.text(s.text)}, {"lock", course_id_list(s.lock)}});
  out["course"] = {{"index", statuses[C.index_status]}, {"error", C.index_error}, {"loading", course_loading(state)},
                   {"progress", C.progress},
                   {"builder", {{"open", B.open}, {"steps", steps}, {"selected", B.selected}, {"link", B.link}}}};
  out["presenter"] = {{"blank", C.blank}, {"qr", C.show_qr}, {"qr_link", C.qr_link}, {"qr_error", C.qr_error},
                      {"qr_modules", C.qr_modules}, {"clip", C.clip_status}};
}

std::string course_set_state(AppState& next, const json& j) {
  CourseState& C = next.course;
  if (j.contains("presenter")) {
    const json& p = j["presenter"];
    if (!p.is_object()) return cs::fmt(tr(S::state_not_object), "presenter");
    for (auto it = p.begin(); it != p.end(); ++it) {
      if (it.key() != "blank" && it.key() != "qr") return cs::fmt(tr(S::state_no_field), "presenter", it.key().c_str());
      if (!it.value().is_boolean()) return cs::fmt(tr(S::state_not_boolean), ("presenter." + it.key()).c_str());
    }
    C.blank = p.value("blank", C.blank);
    C.show_qr = p.value("qr", C.show_qr);
  }
  if (!j.contains("lesson")) return "";
  const json& l = j["lesson"];
  if (l.is_null() || (l.is_object() && l.contains("id") && l["id"].is_null())) {
    course_close(next);
    return "";
  }
  if (!l.is_object()) return cs::fmt(tr(S::state_not_object), "lesson");
  for (auto it = l.begin(); it != l.end(); ++it)
    if (it.key() != "id" && it.key() != "step" && it.key() != "answer" && it.key() != "pick")
      return cs::fmt(tr(S::state_no_field), "lesson", it.key().c_str());
  if (l.contains("step") && (!l["step"].is_number_integer() || l["step"].get<long long>() < 0 || l["step"].get<long long>() > 100000))
    return cs::fmt(tr(S::state_not_integer), "lesson.step");
  const int step = l.value("step", 0);
  if (l.contains("id")) {
    if (!l["id"].is_string()) return cs::fmt(tr(S::course_err_no_lesson), l["id"].dump().substr(0, 40).c_str());
    const std::string err = course_open(next, l["id"].get<std::string>(), step, false);
    if (!err.empty()) return err;
  } else if (l.contains("step")) {
    if (!C.lesson) return tr(S::course_err_none_open);
    if (step >= static_cast<int>(C.lesson->steps.size())) return cs::fmt(tr(S::course_err_no_step), step, C.lesson->id.c_str(), C.lesson->steps.size());
    course_go(next, step);
  }
  if (l.contains("pick")) {
    if (!l["pick"].is_boolean()) return cs::fmt(tr(S::state_not_boolean), "lesson.pick");
    C.pick_mode = l["pick"].get<bool>();
  }
  if (l.contains("answer")) {
    if (!C.lesson) return tr(S::course_err_none_open);
    const CourseStep& s = C.lesson->steps[static_cast<size_t>(C.step)];
    if (!s.has_task || s.task.kind == "do") return tr(S::course_err_no_question);
    const json& a = l["answer"];
    course_answer(next, a.is_string() ? course_parse_answer(a.get<std::string>()) : a);
    C.answer_text = C.answer.is_string() ? C.answer.get<std::string>() : C.answer.dump();
  }
  return "";
}

}  // namespace cs::app
