// course_file.cpp — reads and checks guided lesson files and their index (course_file.h); writes a
// lesson back out for the builder's export. A lesson comes from anyone (a link, a dropped file), so
// every field is checked before anything is kept, and the first problem is reported in one sentence
// naming the file, the step and the field.
#include "course_file.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "course_check.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

namespace {

const std::string* translated(const CourseTranslations& t, const std::string& language, const std::string& key) {
  if (language.empty()) return nullptr;
  auto lang = t.find(language);
  if (lang == t.end()) return nullptr;
  auto it = lang->second.find(key);
  return it == lang->second.end() ? nullptr : &it->second;
}

}  // namespace

const std::string& CourseLesson::text(const std::string& key, const std::string& language) const {
  static const std::string none;
  if (const std::string* t = translated(translations, language, key)) return *t;
  auto it = strings.find(key);
  return it == strings.end() ? none : it->second;
}

std::string CourseIndex::title_of(const CourseIndexEntry& e, const std::string& language) const {
  if (const std::string* t = translated(translations, language, e.title)) return *t;
  auto it = strings.find(e.title);
  return it == strings.end() ? e.title : it->second;
}

bool course_language_ok(const std::string& language) { return language == "es" || language == "de" || language == "zh"; }

bool course_id_ok(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::string course_text_problem(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return cs::fmt(tr(S::course_err_control_char), c);
    // Markup: a tag ("<b>", "</p>", "<!--", "<?xml") or an entity ("&amp;", "&#60;"). A lone "<" in
    // "x < 3" is text.
    const char next = i + 1 < text.size() ? text[i + 1] : ' ';
    if (c == '<' && ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '/' || next == '!' || next == '?'))
      return tr(S::course_err_markup);
    if (c == '&') {
      size_t j = i + 1;
      if (j < text.size() && text[j] == '#') ++j;
      const size_t start = j;
      while (j < text.size() && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
      if (j > start && j < text.size() && text[j] == ';') return tr(S::course_err_markup);
    }
  }
  return "";
}

namespace {

// Where a problem is: the file, the step (may be empty) and the field.
struct Where {
  const std::string& file;
  std::string step;
  std::string fail(const std::string& field, const std::string& why) const {
    if (step.empty()) return cs::fmt(tr(S::course_err_field), file.c_str(), field.c_str(), why.c_str());
    return cs::fmt(tr(S::course_err_step_field), file.c_str(), step.c_str(), field.c_str(), why.c_str());
  }
};

std::string unknown_fields(const json& j, std::initializer_list<const char*> known, const Where& w, const std::string& at) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }))
      return w.fail(at.empty() ? it.key() : at + "." + it.key(), tr(S::course_err_unknown_field));
  return "";
}

// A string field holding a key of "strings" (required unless `optional`).
std::string key_field(const json& j, const char* name, bool optional, const std::map<std::string, std::string>& strings,
                      const Where& w, const std::string& at, std::string* out) {
  const std::string field = at.empty() ? name : at + "." + name;
  if (!j.contains(name)) return optional ? "" : w.fail(field, tr(S::course_err_missing));
  const json& v = j[name];
  if (!v.is_string()) return w.fail(field, tr(S::course_err_not_string));
  if (!strings.count(v.get<std::string>())) return w.fail(field, cs::fmt(tr(S::course_err_no_string), v.get<std::string>().c_str()));
  *out = v.get<std::string>();
  return "";
}

std::string id_field(const json& j, const char* name, const Where& w, const std::string& field, std::string* out) {
  if (!j.contains(name)) return w.fail(field, tr(S::course_err_missing));
  if (!j[name].is_string() || !course_id_ok(j[name].get<std::string>())) return w.fail(field, tr(S::course_err_bad_id));
  *out = j[name].get<std::string>();
  return "";
}

std::string string_list(const json& j, const char* name, const Where& w, std::vector<std::string>* out) {
  if (!j.contains(name)) return "";
  const json& v = j[name];
  if (!v.is_array()) return w.fail(name, tr(S::course_err_not_string_list));
  for (const json& e : v) {
    if (!e.is_string() || e.get<std::string>().empty() || e.get<std::string>().size() > 80)
      return w.fail(name, tr(S::course_err_not_string_list));
    out->push_back(e.get<std::string>());
  }
  return "";
}

std::string parse_step(const json& j, const CourseLesson& L, const std::string& file, int chapter, CourseStep* s) {
  Where w{file, ""};
  if (!j.is_object()) return w.fail("steps", tr(S::course_err_not_object));
  if (j.contains("id") && j["id"].is_string()) w.step = j["id"].get<std::string>().substr(0, 40);
  std::string e = id_field(j, "id", w, "id", &s->id);
  if (e.empty()) e = unknown_fields(j, {"id", "state", "panels", "spotlight", "lock", "text", "animation", "task"}, w, "");
  if (!e.empty()) return e;
  s->chapter = chapter;
  s->state = json::object();
  if (j.contains("state")) {
    if (!j["state"].is_object()) return w.fail("state", tr(S::course_err_not_object));
    if (j["state"].contains("lesson")) return w.fail("state.lesson", tr(S::course_err_unknown_field));
    s->state = j["state"];
  }
  s->has_panels = j.contains("panels");
  if (!(e = string_list(j, "panels", w, &s->panels)).empty()) return e;
  if (!(e = string_list(j, "lock", w, &s->lock)).empty()) return e;
  if (j.contains("spotlight")) {
    if (!j["spotlight"].is_string() || j["spotlight"].get<std::string>().size() > 80) return w.fail("spotlight", tr(S::course_err_not_string));
    s->spotlight = j["spotlight"].get<std::string>();
  }
  if (!(e = key_field(j, "text", false, L.strings, w, "", &s->text)).empty()) return e;
  if (j.contains("animation")) {
    const json& a = j["animation"];
    if (!a.is_array() || a.size() > 200) return w.fail("animation", tr(S::course_err_not_object_list));
    for (const json& p : a) {
      if (!p.is_object() || p.contains("lesson")) return w.fail("animation", tr(S::course_err_not_object_list));
      s->animation.push_back(p);
    }
  }
  if (j.contains("task")) {
    const json& t = j["task"];
    if (!t.is_object()) return w.fail("task", tr(S::course_err_not_object));
    if (!(e = unknown_fields(t, {"kind", "prompt", "check", "hint", "explain", "solution"}, w, "task")).empty()) return e;
    s->has_task = true;
    CourseTask& T = s->task;
    if (!t.contains("kind") || !(t["kind"] == "do" || t["kind"] == "predict" || t["kind"] == "pick"))
      return w.fail("task.kind", tr(S::course_err_task_kind));
    T.kind = t["kind"].get<std::string>();
    if (!(e = key_field(t, "prompt", false, L.strings, w, "task", &T.prompt)).empty()) return e;
    if (!(e = key_field(t, "hint", true, L.strings, w, "task", &T.hint)).empty()) return e;
    if (!(e = key_field(t, "explain", true, L.strings, w, "task", &T.explain)).empty()) return e;
    if (!t.contains("check")) return w.fail("task.check", tr(S::course_err_missing));
    const std::string why = course_predicate_problem(t["check"], T.kind);
    if (!why.empty()) return w.fail("task.check", why);
    T.check = t["check"];
    if (t.contains("solution")) {
      if (T.kind != "do" || !t["solution"].is_object() || t["solution"].contains("lesson"))
        return w.fail("task.solution", tr(S::course_err_solution));
      T.solution = t["solution"];
    }
  }
  return "";
}

json parse_json(const uint8_t* bytes, size_t size, const std::string& file, std::string* err) {
  if (!bytes || size == 0) {
    *err = cs::fmt(tr(S::course_err_empty), file.c_str());
    return nullptr;
  }
  if (size > kCourseFileMaxBytes) {
    *err = cs::fmt(tr(S::course_err_too_large), file.c_str(), static_cast<double>(size) / 1048576.0);
    return nullptr;
  }
  // const char* iterators, as the safetensors reader parses: one parser in the page's code, not two.
  const char* text = reinterpret_cast<const char*>(bytes);
  json j = json::parse(text, text + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) *err = cs::fmt(tr(S::course_err_not_json), file.c_str());
  else if (!j.is_object()) *err = cs::fmt(tr(S::course_err_not_json), file.c_str());
  return j;
}

// An object of key -> text at `at` ("strings", "translations.es"). With `keys`, every key must be one
// of them (a translation translates the file's own strings).
std::string read_texts(const json& s, const Where& w, const std::string& at, const std::map<std::string, std::string>* keys,
                       std::map<std::string, std::string>* out) {
  if (!s.is_object()) return w.fail(at, tr(S::course_err_not_object));
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string field = at + "." + it.key().substr(0, 60);
    if (it.key().empty() || it.key().size() > 120) return w.fail(field, tr(S::course_err_bad_key));
    if (keys && !keys->count(it.key())) return w.fail(field, cs::fmt(tr(S::course_err_no_string), it.key().substr(0, 60).c_str()));
    if (!it.value().is_string()) return w.fail(field, tr(S::course_err_not_string));
    const std::string why = course_text_problem(it.value().get<std::string>());
    if (!why.empty()) return w.fail(field, why);
    if (it.value().get<std::string>().size() > 4000) return w.fail(field, tr(S::course_err_text_long));
    (*out)[it.key()] = it.value().get<std::string>();
  }
  return "";
}

std::string read_strings(const json& j, const Where& w, std::map<std::string, std::string>* out) {
  return j.contains("strings") ? read_texts(j["strings"], w, "strings", nullptr, out) : "";
}

// "translations": {"es": {...}, "de": {...}, "zh": {...}}, each a subset of "strings" (read first).
std::string read_translations(const json& j, const Where& w, const std::map<std::string, std::string>& strings,
                              CourseTranslations* out) {
  if (!j.contains("translations")) return "";
  const json& t = j["translations"];
  if (!t.is_object()) return w.fail("translations", tr(S::course_err_not_object));
  for (auto lang = t.begin(); lang != t.end(); ++lang) {
    const std::string at = "translations." + lang.key().substr(0, 20);
    if (!course_language_ok(lang.key())) return w.fail(at, tr(S::course_err_language));
    const std::string e = read_texts(lang.value(), w, at, &strings, &(*out)[lang.key()]);
    if (!e.empty()) return e;
  }
  return "";
}

// A lesson's file in the index: "<id>.json", a plain name beside index.json (no folders, no "..": it
// becomes a URL and a path).
bool index_file_ok(const std::string& f) {
  return f.size() > 5 && f.compare(f.size() - 5, 5, ".json") == 0 && course_id_ok(f.substr(0, f.size() - 5));
}

}  // namespace

Result<CourseLesson> parse_course_lesson(const uint8_t* bytes, size_t size, const std::string& file) {
  std::string err;
  const json j = parse_json(bytes, size, file, &err);
  if (!err.empty()) return Status::error(err);
  const Where w{file, ""};
  CourseLesson L;
  err = unknown_fields(j, {"format", "id", "title", "chapters", "strings", "translations"}, w, "");
  if (err.empty() && j.value("format", json()) != "convscope-lesson/1") err = w.fail("format", tr(S::course_err_format));
  if (err.empty()) err = id_field(j, "id", w, "id", &L.id);
  if (err.empty()) err = read_strings(j, w, &L.strings);
  if (err.empty()) err = read_translations(j, w, L.strings, &L.translations);
  if (err.empty()) err = key_field(j, "title", false, L.strings, w, "", &L.title);
  if (err.empty() && (!j.contains("chapters") || !j["chapters"].is_array() || j["chapters"].empty() || j["chapters"].size() > 100))
    err = w.fail("chapters", tr(S::course_err_chapters));
  // Ids seen (vectors, not sets: a lesson has a few dozen steps, and the page's code stays smaller).
  std::vector<std::string> step_ids, chapter_ids;
  auto first_time = [](std::vector<std::string>& seen, const std::string& id) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) return false;
    seen.push_back(id);
    return true;
  };
  for (size_t c = 0; err.empty() && c < j["chapters"].size(); ++c) {
    const json& ch = j["chapters"][c];
    const std::string at = "chapters[" + std::to_string(c) + "]";
    if (!ch.is_object()) {
      err = w.fail(at, tr(S::course_err_not_object));
      break;
    }
    CourseChapter C;
    err = unknown_fields(ch, {"id", "title", "steps"}, w, at);
    if (err.empty()) err = id_field(ch, "id", w, at + ".id", &C.id);
    if (err.empty() && !first_time(chapter_ids, C.id)) err = w.fail(at + ".id", tr(S::course_err_duplicate_id));
    if (err.empty()) err = key_field(ch, "title", false, L.strings, w, at, &C.title);
    if (err.empty() && (!ch.contains("steps") || !ch["steps"].is_array() || ch["steps"].empty() || ch["steps"].size() > 200))
      err = w.fail(at + ".steps", tr(S::course_err_steps));
    if (!err.empty()) break;
    L.chapters.push_back(C);
    for (const json& sj : ch["steps"]) {
      CourseStep s;
      err = parse_step(sj, L, file, static_cast<int>(c), &s);
      if (err.empty() && !first_time(step_ids, s.id)) err = Where{file, s.id}.fail("id", tr(S::course_err_duplicate_id));
      if (!err.empty()) break;
      L.steps.push_back(std::move(s));
    }
  }
  if (!err.empty()) return Status::error(err);
  return L;
}

Result<CourseIndex> parse_course_index(const uint8_t* bytes, size_t size, const std::string& file) {
  std::string err;
  const json j = parse_json(bytes, size, file, &err);
  if (!err.empty()) return Status::error(err);
  const Where w{file, ""};
  CourseIndex I;
  err = unknown_fields(j, {"format", "lessons", "strings", "translations"}, w, "");
  if (err.empty() && j.value("format", json()) != "convscope-lessons-index/1") err = w.fail("format", tr(S::course_err_format));
  if (err.empty()) err = read_strings(j, w, &I.strings);
  if (err.empty()) err = read_translations(j, w, I.strings, &I.translations);
  if (err.empty() && (!j.contains("lessons") || !j["lessons"].is_array() || j["lessons"].size() > 200))
    err = w.fail("lessons", tr(S::course_err_not_object_list));
  std::vector<std::string> ids;
  for (size_t i = 0; err.empty() && i < j["lessons"].size(); ++i) {
    const json& e = j["lessons"][i];
    const std::string at = "lessons[" + std::to_string(i) + "]";
    CourseIndexEntry E;
    if (!e.is_object()) err = w.fail(at, tr(S::course_err_not_object));
    if (err.empty()) err = unknown_fields(e, {"id", "file", "title", "chapter_numbers"}, w, at);
    if (err.empty()) err = id_field(e, "id", w, at + ".id", &E.id);
    if (err.empty() && std::find(ids.begin(), ids.end(), E.id) != ids.end()) err = w.fail(at + ".id", tr(S::course_err_duplicate_id));
    // The file: a plain name beside index.json (no folders, no "..": it becomes a URL and a path).
    if (err.empty() && (!e.contains("file") || !e["file"].is_string() || !index_file_ok(e["file"].get<std::string>())))
      err = w.fail(at + ".file", tr(S::course_err_bad_file_name));
    if (err.empty() && (!e.contains("title") || !e["title"].is_string() || !course_text_problem(e["title"].get<std::string>()).empty()))
      err = w.fail(at + ".title", tr(S::course_err_not_string));
    if (err.empty() && e.contains("chapter_numbers")) {
      if (!e["chapter_numbers"].is_array()) err = w.fail(at + ".chapter_numbers", tr(S::course_err_not_int_list));
      for (const json& n : e["chapter_numbers"])
        if (err.empty() && (!n.is_number_integer() || n.get<long long>() < 0 || n.get<long long>() > 999))
          err = w.fail(at + ".chapter_numbers", tr(S::course_err_not_int_list));
    }
    if (!err.empty()) break;
    ids.push_back(E.id);
    E.file = e["file"].get<std::string>();
    E.title = e["title"].get<std::string>();
    if (e.contains("chapter_numbers"))
      for (const json& n : e["chapter_numbers"]) E.chapter_numbers.push_back(n.get<int>());
    I.lessons.push_back(std::move(E));
  }
  if (!err.empty()) return Status::error(err);
  return I;
}

namespace {
json id_list(const std::vector<std::string>& ids) {
  json a = json::array();
  for (const std::string& id : ids) a.push_back(id);
  return a;
}
}  // namespace

json course_id_list(const std::vector<std::string>& ids) { return id_list(ids); }

std::string course_lesson_to_json(const CourseLesson& L) {
  json j = {{"format", "convscope-lesson/1"}, {"id", L.id}, {"title", L.title}};
  json chapters = json::array();
  for (size_t c = 0; c < L.chapters.size(); ++c) {
    json steps = json::array();
    for (const CourseStep& s : L.steps) {
      if (s.chapter != static_cast<int>(c)) continue;
      json o = {{"id", s.id}, {"state", s.state}, {"text", s.text}};
      if (s.has_panels) o["panels"] = id_list(s.panels);
      if (!s.spotlight.empty()) o["spotlight"] = s.spotlight;
      if (!s.lock.empty()) o["lock"] = id_list(s.lock);
      if (!s.animation.empty()) {
        json a = json::array();
        for (const json& f : s.animation) a.push_back(f);
        o["animation"] = a;
      }
      if (s.has_task) {
        json t = {{"kind", s.task.kind}, {"prompt", s.task.prompt}, {"check", s.task.check}};
        if (!s.task.hint.empty()) t["hint"] = s.task.hint;
        if (!s.task.explain.empty()) t["explain"] = s.task.explain;
        if (!s.task.solution.is_null()) t["solution"] = s.task.solution;
        o["task"] = t;
      }
      steps.push_back(o);
    }
    chapters.push_back({{"id", L.chapters[c].id}, {"title", L.chapters[c].title}, {"steps", steps}});
  }
  j["chapters"] = chapters;
  json strings = json::object();
  for (const auto& [k, v] : L.strings) strings[k] = v;
  j["strings"] = strings;
  if (!L.translations.empty()) {
    json t = json::object();
    for (const auto& [lang, texts] : L.translations) {
      t[lang] = json::object();
      for (const auto& [k, v] : texts) t[lang][k] = v;
    }
    j["translations"] = t;
  }
  return j.dump(1);
}

}  // namespace cs::app
