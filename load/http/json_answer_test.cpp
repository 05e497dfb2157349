// JsonAnswer's reads against values written out by hand (text forms, paths, bodies that are not
// JSON, a large body, the one-answer-per-thread rule) and against nlohmann's on random documents,
// ASCII ones (members found by the scanner's spans) and others (indexed whole by simdjson).
#include "load/http/json_answer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

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

TEST(JsonAnswer, OutsideAsciiIndexedWholeBySimdjson) {
  // Valid UTF-8 is read; invalid UTF-8 or a control byte inside a string refuse the whole body,
  // even a member before the damage.
  EXPECT_EQ(at("{\"b\": 1, \"a\": \"caf\xc3\xa9\"}", "a"), "caf\xc3\xa9");
  EXPECT_EQ(at("{\"b\": 1, \"a\": \"caf\xc3\xa9\"}", "b"), "1");
  EXPECT_EQ(at("{\"b\": 1, \"a\": \"\xc3\x28\"}", "b"), std::nullopt);
  EXPECT_EQ(at("{\"b\": 1, \"a\": \"x\x01y\"}", "b"), std::nullopt);
  EXPECT_EQ(at("{\"b\": 1, \"a\":\t\"x\"}", "a"), "x");  // a tab outside strings is space
}

TEST(JsonAnswer, EscapesWhereMembersAreWalked) {
  const std::string body =
      R"({"k\"ey": 1, "plain": "a\"b\\", "u": "\u00e9", "n": null, "t": true, "x": -1.5e2})";
  EXPECT_EQ(at(body, R"(k\"ey)"), "1");  // a key as the body spells it, as simdjson compares
  EXPECT_EQ(at(body, "k\"ey"), std::nullopt);
  EXPECT_EQ(at(body, "plain"), "a\"b\\");
  EXPECT_EQ(at(body, "u"), "\xc3\xa9");
  EXPECT_EQ(at(body, "n"), "");
  EXPECT_EQ(at(body, "t"), "true");
  EXPECT_EQ(at(body, "x"), "-150.0");
  EXPECT_EQ(at(R"({"a": "\q"})", "a"), std::nullopt);  // not an escape
  EXPECT_EQ(at(R"([1, [2, 3], {"a": 4}])", "2.a"), "4");
  EXPECT_EQ(at(R"([1, [2, 3], {"a": 4}])", "01"), std::nullopt);  // pointers have no leading zero
  EXPECT_EQ(at(R"({"a": 1 "b": 2})", "b"), std::nullopt);         // no comma: not JSON
  EXPECT_EQ(at(R"({"a": 1, "b" 2})", "b"), std::nullopt);         // no colon
  // A path ending in a dot names the member "" of the last one, as the pointer "/a/" does.
  EXPECT_EQ(at(R"({"a": {"": 5}})", "a."), "5");
  EXPECT_EQ(at(R"({"a": 1})", "a."), std::nullopt);
}

// A random value: objects and arrays up to four levels, strings from bytes that need escaping
// (and, with `ascii` false, some that are not ASCII), numbers of every form.
nlohmann::json random_value(std::mt19937_64& rng, int depth, bool ascii) {
  const std::string text_bytes = ascii ? "ab/~ \"\\\n[]{}:,0" : "ab \"\\\xc3\xa9\xe2\x82\xac";
  const auto text = [&] {
    std::string s;
    for (std::size_t i = rng() % 6; i > 0; --i) {
      const char c = text_bytes[rng() % text_bytes.size()];
      if (static_cast<unsigned char>(c) >= 0x80) {
        s += ascii ? "x" : "\xc3\xa9";  // whole UTF-8 sequences
      } else {
        s += c;
      }
    }
    return s;
  };
  const int kind = static_cast<int>(rng() % (depth < 4 ? 8 : 5));
  switch (kind) {
    case 0:
      return text();
    case 1:
      return static_cast<std::int64_t>(rng() % 2001) - 1000;
    case 2:
      return static_cast<double>(static_cast<std::int64_t>(rng() % 20001) - 10000) / 64;
    case 3:
      return rng() % 2 == 0;
    case 4:
      return nullptr;
    case 5:
    case 6: {
      nlohmann::json object = nlohmann::json::object();
      for (std::size_t i = rng() % 5; i > 0; --i) {
        // A dotted path cannot name a key with a dot; paths spell keys as the body does, so
        // none that nlohmann writes with an escape; no empty key.
        std::string key(1, 'k');
        key += text();
        std::erase_if(key, [](char c) { return c == '.' || c == '"' || c == '\\' || c == '\n'; });
        object[key] = random_value(rng, depth + 1, ascii);
      }
      return object;
    }
    default: {
      nlohmann::json array = nlohmann::json::array();
      for (std::size_t i = rng() % 5; i > 0; --i)
        array.push_back(random_value(rng, depth + 1, ascii));
      return array;
    }
  }
}

// Every path to a value in `v`, and beside each a path that is absent.
void paths_of(const nlohmann::json& v, const std::string& prefix, std::vector<std::string>& out) {
  const auto join = [&](const std::string& segment) {
    std::string path = prefix;
    if (!path.empty()) path += '.';
    path += segment;
    return path;
  };
  if (v.is_object()) {
    for (const auto& [key, member] : v.items()) {
      out.push_back(join(key));
      paths_of(member, join(key), out);
    }
    out.push_back(join("absent"));
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      out.push_back(join(std::to_string(i)));
      paths_of(v[i], join(std::to_string(i)), out);
    }
    out.push_back(join(std::to_string(v.size())));
  }
}

// value_at and exists as nlohmann reads the same document: strings unquoted, null as "", other
// values as nlohmann writes them; with the structure scanned in the answer and handed over by a
// transport that scanned the bytes in pieces.
TEST(JsonAnswer, AgreesWithNlohmannOnRandomDocuments) {
  std::mt19937_64 rng(20261207);
  int compared = 0;
  for (int n = 0; n < 3000; ++n) {
    const bool ascii = n % 3 != 0;
    nlohmann::json doc = nlohmann::json::object();
    for (std::size_t i = 1 + rng() % 6; i > 0; --i) {
      doc[std::string(1, 'm').append(std::to_string(i))] = random_value(rng, 1, ascii);
    }
    if (n % 5 == 0) doc = nlohmann::json::array({doc, random_value(rng, 1, ascii)});
    const std::string body = doc.dump(n % 2 ? 1 : -1);
    std::vector<std::string> paths;
    paths_of(doc, "", paths);
    JsonStructureScanner scanner;
    for (std::size_t at = 0; at < body.size();) {
      const std::size_t piece = std::min<std::size_t>(1 + rng() % 300, body.size() - at);
      scanner.feed(std::string_view(body).substr(at, piece));
      at += piece;
    }
    const JsonStructure scanned = scanner.finish();
    // nlohmann escapes control bytes: plain means ASCII here.
    ASSERT_EQ(scanned.plain,
              std::all_of(body.begin(), body.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        << body;
    for (const bool handed_over : {false, true}) {
      const JsonAnswer answer =
          handed_over ? JsonAnswer(AnswerBody{body, 0, scanned}) : JsonAnswer(body);
      for (const auto& path : paths) {
        nlohmann::json::json_pointer pointer;
        std::string segment;
        for (std::size_t i = 0; i <= path.size(); ++i) {
          if (i == path.size() || path[i] == '.') {
            pointer /= segment;
            segment.clear();
          } else {
            segment += path[i];
          }
        }
        std::optional<std::string> expected;
        if (doc.contains(pointer)) {
          const nlohmann::json& v = doc.at(pointer);
          expected = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
        }
        ASSERT_EQ(answer.value_at(path), expected) << path << " in " << body;
        ASSERT_EQ(answer.holds(condition(path, JsonCondition::Op::kExists, "")),
                  expected.has_value())
            << path << " in " << body;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 50000);
}

}  // namespace
}  // namespace neuro::load
