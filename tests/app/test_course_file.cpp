// test_course_file.cpp — guided lesson files: the bundled (and test) lessons parse and survive a
// round trip through the builder's export; hostile files (malformed JSON, unknown fields, wrong
// types, 2 MB+, markup, control characters, bad predicates, missing string keys, translations of unknown languages or keys) are refused with a
// sentence naming the file, the step and the field; random mutations never crash the parser.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "app/course_file.h"

using namespace cs::app;
using nlohmann::json;

namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

cs::Result<CourseLesson> parse(const std::string& text, const std::string& name = "my.json") {
  return parse_course_lesson(reinterpret_cast<const uint8_t*>(text.data()), text.size(), name);
}

json fixture() { return json::parse(read_text(std::filesystem::path(CS_TEST_DATA_DIR) / "course/lessons/t01-conv-basics.json")); }

// The refusal of `j` as a lesson file (CHECKs that there is one).
std::string refusal(const json& j) {
  cs::Result<CourseLesson> r = parse(j.dump(), "bad.json");
  CHECK_FALSE(r.is_ok());
  return r.is_ok() ? "" : r.message();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("course file: every lesson in the lesson folders parses and round-trips through the export") {
  int files = 0;
  for (const char* dir : {"course/lessons", "../assets/lessons"}) {
    const std::filesystem::path d = std::filesystem::path(CS_TEST_DATA_DIR) / dir;
    if (!std::filesystem::exists(d / "index.json")) continue;
    const std::string index_text = read_text(d / "index.json");
    cs::Result<CourseIndex> index = parse_course_index(reinterpret_cast<const uint8_t*>(index_text.data()), index_text.size(), "index.json");
    REQUIRE_MESSAGE(index.is_ok(), index.message());
    for (const CourseIndexEntry& e : index.value().lessons) {
      CAPTURE(e.file);
      cs::Result<CourseLesson> L = parse(read_text(d / e.file), e.file);
      REQUIRE_MESSAGE(L.is_ok(), L.message());
      CHECK(L.value().id == e.id);
      CHECK_FALSE(L.value().steps.empty());
      cs::Result<CourseLesson> again = parse(course_lesson_to_json(L.value()), "again.json");
      REQUIRE_MESSAGE(again.is_ok(), again.message());
      CHECK(course_lesson_to_json(again.value()) == course_lesson_to_json(L.value()));
      ++files;
    }
  }
  CHECK(files >= 2);
}

TEST_CASE("course file: the test lesson's steps, tasks and strings are read as written") {
  cs::Result<CourseLesson> r = parse(fixture().dump());
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  const CourseLesson& L = r.value();
  CHECK(L.chapters.size() == 2);
  REQUIRE(L.steps.size() == 4);
  CHECK(L.steps[0].animation.size() == 2);
  CHECK(L.steps[0].has_panels);
  CHECK(L.steps[0].spotlight == "stepper");
  CHECK(L.steps[1].task.kind == "predict");
  CHECK(L.steps[2].lock == std::vector<std::string>{"stepper.stride", "stepper.padding"});
  CHECK(L.steps[3].chapter == 1);
  CHECK(L.text(L.title) == "What a convolution computes (test lesson)");
}

TEST_CASE("course file: hostile files are refused naming the file, the step and the field") {
  SUBCASE("malformed JSON, empty, not an object") {
    cs::Result<CourseLesson> r = parse("{\"format\": \"convscope-lesson/1\", ", "broken.json");
    REQUIRE_FALSE(r.is_ok());
    CHECK(has(r.message(), "broken.json"));
    CHECK(has(r.message(), "malformed JSON"));
    CHECK_FALSE(parse("", "e.json").is_ok());
    CHECK_FALSE(parse("[1,2]", "a.json").is_ok());
    CHECK_FALSE(parse(std::string("{\"a\":\"\xff\xfe\"}"), "utf8.json").is_ok());
  }
  SUBCASE("larger than 2 MB") {
    std::string big = "{\"x\": \"" + std::string(kCourseFileMaxBytes, 'a') + "\"}";
    cs::Result<CourseLesson> r = parse(big, "huge.json");
    REQUIRE_FALSE(r.is_ok());
    CHECK(has(r.message(), "huge.json"));
    CHECK(has(r.message(), "2 MB"));
  }
  SUBCASE("unknown fields at every level") {
    json j = fixture();
    j["script"] = "alert(1)";
    CHECK(has(refusal(j), "field \"script\": unknown field"));
    j = fixture();
    j["chapters"][0]["steps"][1]["onload"] = 1;
    const std::string e = refusal(j);
    CHECK(has(e, "bad.json"));
    CHECK(has(e, "step \"value\""));
    CHECK(has(e, "field \"onload\""));
    j = fixture();
    j["chapters"][0]["steps"][1]["task"]["answer"] = 3;
    CHECK(has(refusal(j), "field \"task.answer\""));
  }
  SUBCASE("wrong types") {
    json j = fixture();
    j["chapters"][0]["steps"][0]["state"] = "workspace=lessons";
    CHECK(has(refusal(j), "step \"grid\", field \"state\": must be an object"));
    j = fixture();
    j["chapters"][0]["steps"][0]["panels"] = "stepper";
    CHECK(has(refusal(j), "field \"panels\""));
    j = fixture();
    j["chapters"][0]["steps"][0]["text"] = 5;
    CHECK(has(refusal(j), "field \"text\": must be a string"));
    j = fixture();
    j["chapters"][0]["steps"][0]["state"]["lesson"] = {{"id", "t01-conv-basics"}};
    CHECK(has(refusal(j), "field \"state.lesson\""));
    j = fixture();
    j["chapters"][0]["steps"][1]["task"]["kind"] = "guess";
    CHECK(has(refusal(j), "field \"task.kind\""));
  }
  SUBCASE("ids, format, duplicates, missing string keys") {
    json j = fixture();
    j["format"] = "convscope-lesson/2";
    CHECK(has(refusal(j), "field \"format\""));
    j = fixture();
    j["id"] = "../etc/passwd";
    CHECK(has(refusal(j), "field \"id\""));
    j = fixture();
    j["chapters"][1]["steps"][0]["id"] = "grid";
    CHECK(has(refusal(j), "step \"grid\", field \"id\": this id is used twice"));
    j = fixture();
    j["chapters"][0]["steps"][0]["text"] = "no.such.key";
    CHECK(has(refusal(j), "\"no.such.key\" is not a key of \"strings\""));
    j = fixture();
    j["chapters"] = json::array();
    CHECK(has(refusal(j), "field \"chapters\""));
  }
  SUBCASE("markup and control characters in texts") {
    json j = fixture();
    j["strings"]["t01.what.grid.text"] = "Look <script>alert(1)</script>";
    std::string e = refusal(j);
    CHECK(has(e, "field \"strings.t01.what.grid.text\""));
    CHECK(has(e, "markup"));
    j["strings"]["t01.what.grid.text"] = "a &amp; b";
    CHECK(has(refusal(j), "markup"));
    j["strings"]["t01.what.grid.text"] = std::string("bell \x07 here");
    CHECK(has(refusal(j), "control character (code 7)"));
    j["strings"]["t01.what.grid.text"] = "x < 3 and y > 2 & z";  // comparisons are text
    CHECK(parse(j.dump()).is_ok());
  }
  SUBCASE("a solution only for do tasks, as a setState object") {
    json j = fixture();
    j["chapters"][1]["steps"][0]["task"]["solution"] = {{"stepper", {{"stride", {2, 2}}}}};
    CHECK(parse(j.dump()).is_ok());
    j["chapters"][1]["steps"][0]["task"]["solution"] = "stride=2";
    CHECK(has(refusal(j), "step \"stride-two\", field \"task.solution\""));
    j = fixture();
    j["chapters"][0]["steps"][1]["task"]["solution"] = {{"stepper", {{"step", 1}}}};
    CHECK(has(refusal(j), "field \"task.solution\""));
  }
  SUBCASE("bad predicates") {
    json j = fixture();
    j["chapters"][1]["steps"][0]["task"]["check"] = {{"path", "stepper.output"}, {"op", "~"}, {"value", 2}};
    CHECK(has(refusal(j), "step \"stride-two\", field \"task.check\": op must be"));
    j["chapters"][1]["steps"][0]["task"]["check"] = {{"answer", {{"equals_path", "stepper.value"}}}};
    CHECK(has(refusal(j), "a do task checks the app's state"));
    j = fixture();
    j["chapters"][0]["steps"][1]["task"]["check"] = {{"path", "stepper.value"}, {"equals", 3}};
    CHECK(has(refusal(j), "must check the answer"));
    j["chapters"][0]["steps"][1]["task"]["check"] = {{"all", json::array()}};
    CHECK(has(refusal(j), "field \"task.check\""));
    json deep = {{"path", "a"}, {"equals", 1}};
    for (int i = 0; i < 40; ++i) deep = {{"not", deep}};
    j["chapters"][0]["steps"][1]["task"]["check"] = deep;
    CHECK(has(refusal(j), "nested too deeply"));
  }
}

TEST_CASE("course index: lessons listed by plain file names only") {
  auto idx = [](const json& j) {
    const std::string t = j.dump();
    return parse_course_index(reinterpret_cast<const uint8_t*>(t.data()), t.size(), "index.json");
  };
  json ok = {{"format", "convscope-lessons-index/1"},
             {"lessons", {{{"id", "c01"}, {"file", "c01.json"}, {"title", "c01.title"}, {"chapter_numbers", {1}}}}},
             {"strings", {{"c01.title", "What a convolution computes"}}}};
  cs::Result<CourseIndex> r = idx(ok);
  REQUIRE(r.is_ok());
  CHECK(r.value().title_of(r.value().lessons[0]) == "What a convolution computes");
  json bad = ok;
  bad["lessons"][0]["file"] = "../secret.json";
  CHECK(has(idx(bad).message(), "field \"lessons[0].file\""));
  bad = ok;
  bad["lessons"][0]["chapter_numbers"] = {"one"};
  CHECK_FALSE(idx(bad).is_ok());
  bad = ok;
  bad["lessons"].push_back(ok["lessons"][0]);
  CHECK(has(idx(bad).message(), "used twice"));
}

TEST_CASE("course file: random mutations of a real lesson never crash, and errors name the file") {
  const std::string base = fixture().dump();
  std::mt19937 rng(1234);
  for (int i = 0; i < 3000; ++i) {
    std::string t = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      const size_t at = rng() % t.size();
      switch (rng() % 3) {
        case 0: t[at] = static_cast<char>(rng() % 256); break;
        case 1: t.erase(at, 1 + rng() % 8); break;
        default: t.insert(at, 1, "{}[]\",:0a-"[rng() % 10]); break;
      }
      if (t.empty()) t = "x";
    }
    cs::Result<CourseLesson> r = parse(t, "mutant.json");
    if (!r.is_ok()) CHECK(r.message().rfind("mutant.json", 0) == 0);
    else CHECK(parse(course_lesson_to_json(r.value())).is_ok());
  }
}

TEST_CASE("course file: translations of a lesson's strings, shown in the language asked for, English for the rest") {
  json j = fixture();
  const std::string title_key = j["title"].get<std::string>();
  const std::string other_key = j["chapters"][0]["steps"][0]["text"].get<std::string>();
  j["translations"] = {{"es", {{title_key, "Título en español"}}}, {"zh", {{title_key, "中文标题"}, {other_key, "第一步"}}}};
  cs::Result<CourseLesson> r = parse(j.dump());
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  const CourseLesson& L = r.value();
  CHECK(L.text(title_key, "es") == "Título en español");
  CHECK(L.text(title_key, "zh") == "中文标题");
  CHECK(L.text(other_key, "zh") == "第一步");
  CHECK(L.text(other_key, "es") == j["strings"][other_key].get<std::string>());  // not translated: English
  CHECK(L.text(title_key, "de") == j["strings"][title_key].get<std::string>());  // no German at all
  CHECK(L.text(title_key) == j["strings"][title_key].get<std::string>());
  // The export keeps them.
  cs::Result<CourseLesson> again = parse(course_lesson_to_json(L), "again.json");
  REQUIRE_MESSAGE(again.is_ok(), again.message());
  CHECK(again.value().text(other_key, "zh") == "第一步");

  SUBCASE("refused: a language without a translation here, a key that is not one of the strings, markup, not text") {
    json bad = fixture();
    bad["translations"] = {{"fr", {{title_key, "Titre"}}}};
    CHECK(has(refusal(bad), "field \"translations.fr\""));
    bad["translations"] = {{"es", {{"no.such.key", "x"}}}};
    CHECK(has(refusal(bad), "translations.es.no.such.key"));
    bad["translations"] = {{"de", {{title_key, "<script>x</script>"}}}};
    CHECK(has(refusal(bad), "translations.de"));
    bad["translations"] = {{"de", {{title_key, 3}}}};
    CHECK(has(refusal(bad), "must be a string"));
    bad["translations"] = {{"de", "Titel"}};
    CHECK(has(refusal(bad), "translations.de"));
    bad["translations"] = json::array();
    CHECK(has(refusal(bad), "translations"));
  }
}

TEST_CASE("course index: titles translated, English for a language the index lacks") {
  const std::string text = R"({"format": "convscope-lessons-index/1",
    "lessons": [{"id": "a", "file": "a.json", "title": "a.title"}],
    "strings": {"a.title": "1. First"}, "translations": {"de": {"a.title": "1. Erste"}}})";
  cs::Result<CourseIndex> r = parse_course_index(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "index.json");
  REQUIRE_MESSAGE(r.is_ok(), r.message());
  CHECK(r.value().title_of(r.value().lessons[0], "de") == "1. Erste");
  CHECK(r.value().title_of(r.value().lessons[0], "es") == "1. First");
  CHECK(r.value().title_of(r.value().lessons[0]) == "1. First");
}
