// course_check.cpp — evaluates the guided lessons' predicates (course_check.h) against state() JSON.
// Feedback never comes from the lesson file: it quotes the values the engine put in state() (the
// value at the path, the one expected, the engine's own explanation of the formula when it has one).
#include "course_check.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "engine/status.h"
#include "ui_strings.h"

namespace cs::app {

using nlohmann::json;

const json* course_path(const json& root, const std::string& path) {
  const json* at = &root;
  size_t i = 0;
  if (path.empty() || path.size() > 200) return nullptr;
  while (i < path.size()) {
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1 || !at->is_array()) return nullptr;
      size_t k = 0;
      for (size_t d = i + 1; d < close; ++d) {
        if (path[d] < '0' || path[d] > '9' || k > 100000000) return nullptr;
        k = k * 10 + static_cast<size_t>(path[d] - '0');
      }
      if (k >= at->size()) return nullptr;
      at = &(*at)[k];
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
    if (end == i || !at->is_object()) return nullptr;
    auto it = at->find(path.substr(i, end - i));
    if (it == at->end()) return nullptr;
    at = &*it;
    i = end < path.size() && path[end] == '.' ? end + 1 : end;
  }
  return at;
}

namespace {

bool is_path(const json& p, const char* key) {
  return p.contains(key) && p[key].is_string() && !p[key].get<std::string>().empty() && p[key].get<std::string>().size() <= 200;
}

bool only_keys(const json& p, std::initializer_list<const char*> keys) {
  for (auto it = p.begin(); it != p.end(); ++it)
    if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; })) return false;
  return true;
}

bool tol_ok(const json& p) { return !p.contains("tol") || (p["tol"].is_number() && p["tol"].get<double>() >= 0); }

std::string problem(const json& p, const std::string& kind, int depth, bool* has_answer) {
  if (depth > 16) return tr(S::course_check_too_deep);
  if (!p.is_object() || p.empty()) return tr(S::course_check_not_predicate);
  if (p.contains("all") || p.contains("any")) {
    const char* k = p.contains("all") ? "all" : "any";
    if (p.size() != 1 || !p[k].is_array() || p[k].empty()) return tr(S::course_check_not_predicate);
    for (const json& q : p[k]) {
      std::string e = problem(q, kind, depth + 1, has_answer);
      if (!e.empty()) return e;
    }
    return "";
  }
  if (p.contains("not")) return p.size() != 1 ? tr(S::course_check_not_predicate) : problem(p["not"], kind, depth + 1, has_answer);
  if (p.contains("answer")) {
    *has_answer = true;
    const json& a = p["answer"];
    if (p.size() != 1 || !a.is_object() || !only_keys(a, {"equals_path", "equals", "same_set_as_path", "tol"}) || !tol_ok(a))
      return tr(S::course_check_not_predicate);
    const int forms = int(a.contains("equals_path")) + int(a.contains("equals")) + int(a.contains("same_set_as_path"));
    if (forms != 1) return tr(S::course_check_not_predicate);
    if ((a.contains("equals_path") && !is_path(a, "equals_path")) || (a.contains("same_set_as_path") && !is_path(a, "same_set_as_path")))
      return tr(S::course_check_bad_path);
    return "";
  }
  if (!is_path(p, "path")) return tr(S::course_check_bad_path);
  if (!tol_ok(p)) return tr(S::course_check_not_predicate);
  if (p.contains("equals") && only_keys(p, {"path", "equals", "tol"})) return "";
  if (p.contains("in") && only_keys(p, {"path", "in"}) && p["in"].is_array() && !p["in"].empty()) return "";
  if (p.contains("equals_path") && only_keys(p, {"path", "equals_path", "factor", "tol"}) && is_path(p, "equals_path") &&
      (!p.contains("factor") || p["factor"].is_number()))
    return "";
  if (p.contains("op") && only_keys(p, {"path", "op", "value"}) && p["value"].is_number()) {
    const json& op = p["op"];
    if (op == "<" || op == "<=" || op == ">" || op == ">=" || op == "!=") return "";
    return tr(S::course_check_bad_op);
  }
  return tr(S::course_check_not_predicate);
}

bool near(double a, double b, const json* tol) {
  if (tol) return std::fabs(a - b) <= tol->get<double>();
  return std::fabs(a - b) <= 1e-4 * std::max(std::fabs(a), std::fabs(b)) + 1e-9;
}

// Deep equality, numbers within tolerance.
bool same(const json& a, const json& b, const json* tol) {
  if (a.is_number() && b.is_number()) return near(a.get<double>(), b.get<double>(), tol);
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i], tol)) return false;
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same(it.value(), b[it.key()], tol)) return false;
    return true;
  }
  return a == b;
}

std::string shown(const json* v) {
  if (!v) return tr(S::course_fb_nothing);
  std::string s = v->dump();
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

// The engine's own explanation beside the value ("stepper.explain" for a path under "stepper"), so a
// wrong answer meets the formula with the engine's numbers in it.
std::string engine_explain(const json& state, const std::string& path) {
  const std::string top = path.substr(0, path.find_first_of(".["));
  const json* e = course_path(state, top + ".explain");
  if (!e || !e->is_string() || e->get<std::string>().empty()) return "";
  return " " + cs::fmt(tr(S::course_fb_engine_says), e->get<std::string>().c_str());
}

struct Ctx {
  const json& state;
  const json& answer;
  int attempts;
};

CourseVerdict eval(const json& p, const Ctx& c) {
  CourseVerdict v;
  if (p.contains("all")) {
    for (const json& q : p["all"]) {
      CourseVerdict r = eval(q, c);
      if (!r.done) return r;
    }
    v.done = true;
    return v;
  }
  if (p.contains("any")) {
    for (const json& q : p["any"]) {
      CourseVerdict r = eval(q, c);
      if (r.done) return r;
      if (v.feedback.empty()) v.feedback = r.feedback;
    }
    return v;
  }
  if (p.contains("not")) {
    CourseVerdict r = eval(p["not"], c);
    v.done = !r.done;
    if (!v.done) v.feedback = tr(S::course_fb_not_yet);
    return v;
  }
  if (p.contains("answer")) {
    const json& a = p["answer"];
    const json* tol = a.contains("tol") ? &a["tol"] : nullptr;
    if (c.answer.is_null()) {
      v.feedback = tr(S::course_fb_no_answer);
      return v;
    }
    if (a.contains("equals")) {
      v.done = same(c.answer, a["equals"], tol);
      if (!v.done) v.feedback = cs::fmt(tr(S::course_fb_answer_wrong), shown(&c.answer).c_str());
      return v;
    }
    if (a.contains("same_set_as_path")) {
      const std::string q = a["same_set_as_path"].get<std::string>();
      const json* want = course_path(c.state, q);
      // Cells as their JSON text, sorted and unique: an order-free comparison (no std::set: less code).
      std::vector<std::string> have, need;
      if (c.answer.is_array())
        for (const json& e : c.answer) have.push_back(e.dump());
      if (want && want->is_array())
        for (const json& e : *want) need.push_back(e.dump());
      for (std::vector<std::string>* v : {&have, &need}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
      }
      v.done = want && c.answer.is_array() && have == need;
      if (v.done) return v;
      size_t missing = 0, extra = 0;
      for (const std::string& e : need) missing += std::binary_search(have.begin(), have.end(), e) ? 0 : 1;
      for (const std::string& e : have) extra += std::binary_search(need.begin(), need.end(), e) ? 0 : 1;
      v.feedback = cs::fmt(tr(S::course_fb_pick_wrong), have.size(), missing, extra);
      if (c.attempts >= 1) v.feedback += " " + cs::fmt(tr(S::course_fb_engine_value), q.c_str(), shown(want).c_str());
      return v;
    }
    const std::string q = a["equals_path"].get<std::string>();
    const json* want = course_path(c.state, q);
    v.done = want && same(c.answer, *want, tol);
    if (v.done) return v;
    if (want && want->is_number() && c.answer.is_number())
      v.feedback = cs::fmt(tr(c.answer.get<double>() > want->get<double>() ? S::course_fb_too_high : S::course_fb_too_low),
                           shown(&c.answer).c_str());
    else
      v.feedback = cs::fmt(tr(S::course_fb_answer_wrong), shown(&c.answer).c_str());
    // From the second wrong answer on: the engine's value and how it got it.
    if (c.attempts >= 1) v.feedback += " " + cs::fmt(tr(S::course_fb_engine_value), q.c_str(), shown(want).c_str()) + engine_explain(c.state, q);
    return v;
  }
  const std::string path = p["path"].get<std::string>();
  const json* at = course_path(c.state, path);
  const json* tol = p.contains("tol") ? &p["tol"] : nullptr;
  std::string goal;
  if (p.contains("equals")) {
    v.done = at && same(*at, p["equals"], tol);
    goal = cs::fmt(tr(S::course_fb_goal_equals), p["equals"].dump().c_str());
  } else if (p.contains("in")) {
    v.done = at && std::any_of(p["in"].begin(), p["in"].end(), [&](const json& e) { return same(*at, e, tol); });
    goal = cs::fmt(tr(S::course_fb_goal_in), p["in"].dump().c_str());
  } else if (p.contains("equals_path")) {
    const std::string q = p["equals_path"].get<std::string>();
    const json* other = course_path(c.state, q);
    const double f = p.value("factor", 1.0);
    if (at && other && at->is_number() && other->is_number()) {
      v.done = near(at->get<double>(), f * other->get<double>(), tol);
      goal = cs::fmt(tr(S::course_fb_goal_factor), f, q.c_str(), f * other->get<double>());
    } else {
      v.done = at && other && f == 1.0 && same(*at, *other, tol);
      goal = cs::fmt(tr(S::course_fb_goal_equals), shown(other).c_str());
    }
  } else {
    const std::string op = p["op"].get<std::string>();
    const double n = p["value"].get<double>();
    if (at && at->is_number()) {
      const double x = at->get<double>();
      v.done = op == "<" ? x < n : op == "<=" ? x <= n : op == ">" ? x > n : op == ">=" ? x >= n : !near(x, n, nullptr);
    }
    goal = op + " " + p["value"].dump();
  }
  if (!v.done) v.feedback = cs::fmt(tr(S::course_fb_state_wrong), path.c_str(), shown(at).c_str(), goal.c_str()) + engine_explain(c.state, path);
  return v;
}

}  // namespace

std::string course_predicate_problem(const json& pred, const std::string& kind) {
  bool has_answer = false;
  std::string e = problem(pred, kind, 0, &has_answer);
  if (!e.empty()) return e;
  if (kind == "do" && has_answer) return tr(S::course_check_answer_in_do);
  if (kind != "do" && !has_answer) return tr(S::course_check_no_answer);
  return "";
}

CourseVerdict course_check(const json& pred, const json& state, const json& answer, int attempts) {
  if (!course_predicate_problem(pred, "do").empty() && !course_predicate_problem(pred, "predict").empty()) {
    CourseVerdict v;
    v.feedback = tr(S::course_check_not_predicate);
    return v;
  }
  return eval(pred, Ctx{state, answer, attempts});
}

json course_parse_answer(const std::string& text) {
  std::string t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  size_t b = 0;
  while (b < t.size() && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
  t = t.substr(b);
  if (t.empty() || t.size() > 4000) return nullptr;
  json j = json::parse(t, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded() && (j.is_number() || j.is_array() || j.is_boolean())) return j;
  // "0 1; 1 1" or "0,1 1,1": cells as pairs of integers.
  if (t.find_first_not_of("0123456789 ,;-") == std::string::npos && t.find_first_of(";") != std::string::npos) {
    json cells = json::array();
    size_t at = 0;
    while (at <= t.size()) {
      size_t end = t.find(';', at);
      if (end == std::string::npos) end = t.size();
      std::string part = t.substr(at, end - at);
      for (char& ch : part) ch = ch == ',' ? ' ' : ch;
      char* rest = nullptr;
      const long r = std::strtol(part.c_str(), &rest, 10);
      char* rest2 = nullptr;
      const long c = std::strtol(rest, &rest2, 10);
      if (rest2 != rest) cells.push_back({r, c});
      at = end + 1;
    }
    return cells;
  }
  std::string lower;
  for (char ch : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "yes" || lower == "true") return true;
  if (lower == "no" || lower == "false") return false;
  return lower;
}

}  // namespace cs::app
