// JsonAnswer's reads against values written out by hand: text forms, paths, bodies that are not
// JSON, a large body, and the one-answer-per-thread rule.
#include "load/http/json_answer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace neuro::load {
namespace {

std::optional<std::string> at(const std::string& body, const std::string& path) {
  return JsonAnswer(body).value_at(path);
}

JsonCondition condition(const std::string& path, JsonCondition::Op op, const std::string& v) {
  JsonCondition c;
  c.json_path = path;
  c.op = op;
  c.value = v;
  return c;
}

TEST(JsonAnswer, ValuesAsText) {
  const std::string body =
      R"({"s": "caf\u00e9 \"x\"", "i": 5, "f": 1.5, "e": -2e3, "t": true, "n": null,)"
      R"( "o": {"b": 1, "a": [2, "y"]}, "l": [1, "x"]})";
  EXPECT_EQ(at(body, "s"), "café \"x\"");
  EXPECT_EQ(at(body, "i"), "5");
  EXPECT_EQ(at(body, "f"), "1.5");
  EXPECT_EQ(at(body, "e"), "-2000.0");
  EXPECT_EQ(at(body, "t"), "true");
  EXPECT_EQ(at(body, "n"), "");
  EXPECT_EQ(at(body, "o"), R"({"a":[2,"y"],"b":1})");  // compact, keys sorted
  EXPECT_EQ(at(body, "l"), R"([1,"x"])");
}

TEST(JsonAnswer, DottedPaths) {
  const std::string body = R"({"data": {"items": [{"id": 5}, {"id": "x"}], "0": "key"}})";
  EXPECT_EQ(at(body, "data.items.1.id"), "x");
  EXPECT_EQ(at(body, "data.items.0.id"), "5");
  EXPECT_EQ(at(body, "data.0"), "key");  // an object's member named "0"
  EXPECT_EQ(at(body, "data.items.2.id"), std::nullopt);
  EXPECT_EQ(at(body, "data.items.x"), std::nullopt);
  EXPECT_EQ(at(body, "data.items.0.id.deeper"), std::nullopt);
  EXPECT_EQ(at(body, "missing"), std::nullopt);
  EXPECT_EQ(at(R"([10, 20])", "1"), "20");
}

TEST(JsonAnswer, NotJsonHoldsNothing) {
  for (const std::string body : {"not json", "{\"a\": 1", "", "{\"a\": \"\xff\"}", "[1,]"}) {
    const JsonAnswer answer(body);
    EXPECT_EQ(answer.value_at("a"), std::nullopt) << body;
    EXPECT_FALSE(answer.holds(condition("a", JsonCondition::Op::kExists, ""))) << body;
    EXPECT_TRUE(answer.holds(condition("a", JsonCondition::Op::kNotEquals, "1"))) << body;
  }
}

TEST(JsonAnswer, Conditions) {
  const JsonAnswer answer(R"({"status": "completed", "progress": 0.75, "count": 12})");
  using Op = JsonCondition::Op;
  EXPECT_TRUE(answer.holds(condition("status", Op::kEquals, "completed")));
  EXPECT_FALSE(answer.holds(condition("status", Op::kEquals, "running")));
  EXPECT_TRUE(answer.holds(condition("status", Op::kNotEquals, "running")));
  EXPECT_TRUE(answer.holds(condition("progress", Op::kLess, "1")));
  EXPECT_FALSE(answer.holds(condition("progress", Op::kGreater, "0.75")));
  EXPECT_TRUE(answer.holds(condition("count", Op::kGreater, "11.5")));
  EXPECT_FALSE(answer.holds(condition("status", Op::kLess, "3")));  // not a number
  EXPECT_FALSE(answer.holds(condition("absent", Op::kExists, "")));
}

TEST(JsonAnswer, LargeBodyReadToItsLastElement) {
  std::string body = R"({"chunks": [)";
  for (int i = 0; i < 20000; ++i) {
    if (i > 0) body += ',';
    body.append(R"({"i": )").append(std::to_string(i)).append(R"(, "v": [0.5, 1.25]})");
  }
  body += "]}";
  ASSERT_GT(body.size(), 500'000u);
  EXPECT_EQ(at(body, "chunks.19999.i"), "19999");
  EXPECT_EQ(at(body, "chunks.20000.i"), std::nullopt);
}

TEST(JsonAnswer, StructureWholeValuesWhereRead) {
  // One value and nothing after it; brackets closed; strings closed. Each is refused whole, so
  // even a member before the damage does not exist.
  for (const std::string body : {R"({"a": 1} x)", R"({"a": 1}{"b": 2})", R"({"a": [1, {"b": 2}})",
                                 R"({"a": 1, "b": "open)", R"({"a": 1]})"}) {
    const JsonAnswer answer(body);
    EXPECT_FALSE(answer.holds(condition("a", JsonCondition::Op::kExists, ""))) << body;
    EXPECT_EQ(answer.value_at("a"), std::nullopt) << body;
  }
  // A value is parsed where a path reads it: a malformed number reads as absent, its neighbour
  // as itself.
  EXPECT_EQ(at(R"({"a": 1.2.3, "b": 2})", "a"), std::nullopt);
  EXPECT_EQ(at(R"({"a": 1.2.3, "b": 2})", "b"), "2");
  // Trailing whitespace is not content.
  EXPECT_EQ(at("{\"a\": 1}\n  ", "a"), "1");
}

TEST(JsonAnswer, KeysWithSlashOrTildeAreKeys) {
  const std::string body = R"({"a/b": 1, "c~d": {"e": 2}, "~1": 3})";
  EXPECT_EQ(at(body, "a/b"), "1");
  EXPECT_EQ(at(body, "c~d.e"), "2");
  EXPECT_EQ(at(body, "~1"), "3");
  EXPECT_EQ(at(body, "a"), std::nullopt);
}

TEST(JsonAnswer, ReadsInAnyOrderAndAgain) {
  const JsonAnswer answer(R"({"x": {"y": [1, 2]}, "a": "first", "z": null})");
  EXPECT_EQ(answer.value_at("z"), "");
  EXPECT_EQ(answer.value_at("a"), "first");
  EXPECT_EQ(answer.value_at("x.y.1"), "2");
  EXPECT_EQ(answer.value_at("a"), "first");
  EXPECT_TRUE(answer.holds(condition("x.y", JsonCondition::Op::kExists, "")));
  EXPECT_EQ(answer.value_at("x"), R"({"y":[1,2]})");
}

TEST(JsonAnswer, InPlaceWithRoomForThePadding) {
  std::string body = R"({"id": "in place", "n": [1, 2]})";
  body.reserve(body.size() + 64);
  const JsonAnswer answer(body, body.capacity() - body.size());
  EXPECT_EQ(answer.value_at("id"), "in place");
  EXPECT_EQ(answer.value_at("n.1"), "2");
  // Too little room: read from a padded copy, the same values.
  const std::string tight = R"({"id": "copied"})";
  EXPECT_EQ(JsonAnswer(tight, 3).value_at("id"), "copied");
}

TEST(JsonAnswer, AnOlderAnswerIsNotReadAfterANewOne) {
  const JsonAnswer first(R"({"a": 1})");
  EXPECT_EQ(first.value_at("a"), "1");
  const JsonAnswer second(R"({"a": 2})");
  EXPECT_EQ(second.value_at("a"), "2");
  EXPECT_THROW(first.value_at("a"), std::logic_error);
}

}  // namespace
}  // namespace neuro::load
