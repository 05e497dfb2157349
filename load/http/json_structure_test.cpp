// json_container_shape, and the scanner fed the same bytes in random pieces, against a
// byte-at-a-time reference written from the rules (load/http/json_structure_reference.hpp:
// escapes, strings, a stack of brackets, whitespace after the value), on hand-picked bodies and
// on random ones whose quotes, backslash runs and brackets fall on every side of the 64-byte
// blocks; and on whole documents nlohmann writes.
#include "load/http/json_structure.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "load/http/json_structure_reference.hpp"

namespace neuro::load {
namespace {

JsonShape reference_shape(const std::string& body) { return testing::reference_json_shape(body); }

// A scan's findings, the children copied out of the scanner.
testing::ReferenceStructure copied(const JsonStructure& s) {
  testing::ReferenceStructure c{s.shape, s.plain, std::nullopt};
  if (s.children) c.children.emplace(s.children->begin(), s.children->end());
  return c;
}

// The scanner fed `body` in pieces of random sizes (empty ones too), as reads deliver it; reset
// from a random earlier body first, as a connection's scanner is between answers.
testing::ReferenceStructure scan_structure_in_pieces(const std::string& body,
                                                     std::mt19937_64& rng) {
  thread_local JsonStructureScanner scanner;
  scanner.reset();
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t n = std::min<std::size_t>(rng() % 100, body.size() - at);
    scanner.feed(std::string_view(body).substr(at, n));
    at += n;
  }
  return copied(scanner.finish());
}

JsonShape scan_in_pieces(const std::string& body, std::mt19937_64& rng) {
  return scan_structure_in_pieces(body, rng).shape;
}

// The scan of `body` whole and in pieces against the byte-at-a-time reference: plain and the
// children where the body is whole.
void expect_structure_as_reference(const std::string& body, std::mt19937_64& rng) {
  const testing::ReferenceStructure expected = testing::reference_json_structure(body);
  JsonStructureScanner whole;
  whole.feed(body);
  for (const auto& found : {copied(whole.finish()), scan_structure_in_pieces(body, rng)}) {
    ASSERT_EQ(found.shape, expected.shape) << body;
    if (expected.shape != JsonShape::kWhole) continue;
    ASSERT_EQ(found.plain, expected.plain) << body;
    ASSERT_EQ(found.children, expected.children) << body;
  }
}

TEST(JsonStructure, HandPicked) {
  const std::vector<std::pair<std::string, JsonShape>> cases = {
      {R"({"a": [1, 2, {"b": "]}"}]})", JsonShape::kWhole},
      {" \n[1, 2]\r\n\t ", JsonShape::kWhole},
      {R"({"a": "\"]"})", JsonShape::kWhole},       // an escaped quote keeps the string open
      {R"({"a": "\\"})", JsonShape::kWhole},        // an escaped backslash does not escape
      {R"({"a": "\\\"}"})", JsonShape::kWhole},     // three: the quote is escaped
      {R"({"a": "\\\\"}]})", JsonShape::kBroken},   // four: the quote closes, then ']'
      {R"({"a": 1)", JsonShape::kBroken},           // never closed
      {R"({"a": [1}})", JsonShape::kBroken},        // mispaired
      {R"({"a": 1]})", JsonShape::kBroken},         // mispaired at the top
      {R"({"a": 1} x)", JsonShape::kBroken},        // content after the value
      {R"({"a": 1}{"b": 2})", JsonShape::kBroken},  // two values
      {R"({"a": "open})", JsonShape::kBroken},      // the string swallows the close
      {R"("text")", JsonShape::kScalar},
      {"42", JsonShape::kScalar},
      {"", JsonShape::kScalar},
      {"   ", JsonShape::kScalar},
  };
  std::mt19937_64 rng(1);
  for (const auto& [body, shape] : cases) {
    EXPECT_EQ(reference_shape(body), shape) << "the reference on " << body;
    EXPECT_EQ(json_container_shape(body), shape) << body;
    for (int split = 0; split < 20; ++split) EXPECT_EQ(scan_in_pieces(body, rng), shape) << body;
  }
  // Whitespace pieces before the value, and content in a later piece after it.
  JsonStructureScanner scanner;
  for (const char* piece : {"  ", "\n", " [1,", "2]", " ", "\t"}) scanner.feed(piece);
  EXPECT_EQ(scanner.finish().shape, JsonShape::kWhole);
  JsonStructureScanner after;
  for (const char* piece : {"{}", "  ", "x"}) after.feed(piece);
  EXPECT_EQ(after.finish().shape, JsonShape::kBroken);
  // Whitespace pieces before the value count in the children's offsets.
  JsonStructureScanner spaced;
  std::string fed;
  for (const char* piece : {"  ", "\n", " [1,[2]]"}) {
    spaced.feed(piece);
    fed += piece;
  }
  const JsonStructure found = spaced.finish();
  ASSERT_TRUE(found.children.has_value());
  const std::size_t open = fed.find("[2");
  EXPECT_EQ(std::vector<JsonSpan>(found.children->begin(), found.children->end()),
            (std::vector<JsonSpan>{{open, open + 2}}));
  // Nesting past simdjson's 1,024 levels is refused; at the limit it is whole.
  EXPECT_EQ(json_container_shape(std::string(1024, '[') + std::string(1024, ']')),
            JsonShape::kWhole);
  EXPECT_EQ(json_container_shape(std::string(1025, '[') + std::string(1025, ']')),
            JsonShape::kBroken);
}

// Bodies of 1-400 bytes from the bytes that matter (and some that do not), starting with a
// bracket; backslash runs and quotes are frequent, so every carry across a block boundary is
// exercised. In a third of them runs of ignored bytes fill whole blocks or all but one byte of
// one (inside strings and out, after an escape). About half are whole.
TEST(JsonStructure, RandomBodiesMatchTheReference) {
  std::mt19937_64 rng(20261207);
  // A control byte and a byte outside ASCII now and then: `plain` inside strings and out.
  const std::string alphabet = "[]{}\"\"\\\\\\ a1,:\n[]{}\"\"\\\\\\ a1,:\n\x01\xc3";
  int whole = 0;
  for (int n = 0; n < 60000; ++n) {
    // Half the bodies are random bytes; the other half pair every bracket outside strings as it
    // is written and close what is open at the end, so most of them are whole.
    const bool paired = n % 4 < 2;
    std::string body(1, n % 2 ? '[' : '{');
    std::vector<char> stack{body[0] == '[' ? ']' : '}'};
    bool in_string = false, escaped = false;
    const std::size_t size = 1 + rng() % 400;
    while (body.size() < size) {
      if (n % 3 == 0 && rng() % 4 == 0) {  // bytes the masks ignore, around single marks
        for (std::size_t i = 16 + rng() % 96; i > 0; --i) body += "a1, :\n\t"[rng() % 7];
        escaped = false;  // a pending escape took the run's first byte
      }
      char c = alphabet[rng() % alphabet.size()];
      if (paired && !escaped && !in_string && (c == ']' || c == '}')) {
        if (stack.size() <= 1) continue;  // the outermost closes at the end
        c = stack.back();
      }
      body += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = !in_string;
      } else if (!in_string && (c == '[' || c == '{')) {
        stack.push_back(c == '[' ? ']' : '}');
      } else if (!in_string && !stack.empty() && c == stack.back()) {
        stack.pop_back();
      }
    }
    if (paired) {
      if (escaped) body += 'x';
      if (in_string) body += '"';
      body.append(stack.rbegin(), stack.rend());
    }
    const JsonShape expected = reference_shape(body);
    whole += expected == JsonShape::kWhole;
    ASSERT_EQ(json_container_shape(body), expected) << body;
    expect_structure_as_reference(body, rng);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GT(whole, 25000);
}

// The outermost value's children are placed up to the limit; past it a reader is told there
// are too many (and looks members up the slow way).
TEST(JsonStructure, ChildrenPlacedUpToTheLimit) {
  std::mt19937_64 rng(3);
  for (const std::size_t n :
       {JsonStructureScanner::kMaxChildren - 1, JsonStructureScanner::kMaxChildren}) {
    std::string body = "[";
    for (std::size_t i = 0; i < n; ++i) body += i % 2 ? R"({"a": [1]}, 7, )" : R"(["}"], )";
    body += "{}]";
    expect_structure_as_reference(body, rng);
    JsonStructureScanner scanner;
    scanner.feed(body);
    EXPECT_EQ(scanner.finish().children.has_value(), n + 1 <= JsonStructureScanner::kMaxChildren)
        << n;
  }
  // Each child's brackets where the text puts them, strings with brackets in them skipped.
  const std::string body = R"( {"a": [1, [2]], "b": "[", "c": {"d": {}}, "e": []} )";
  JsonStructureScanner scanner;
  scanner.feed(body);
  const JsonStructure found = scanner.finish();
  ASSERT_TRUE(found.children.has_value());
  const std::vector<JsonSpan> expected = {{body.find('['), body.find(']', body.find("[2]") + 3)},
                                          {body.find("{\"d"), body.find("}}") + 1},
                                          {body.rfind('['), body.rfind(']')}};
  EXPECT_EQ(std::vector<JsonSpan>(found.children->begin(), found.children->end()), expected);
  EXPECT_TRUE(found.plain);
}

// Documents as a JSON library writes them, with strings full of brackets, quotes and
// backslashes, are whole; cut anywhere inside, they are not.
TEST(JsonStructure, WrittenWholeAndCutsBroken) {
  std::mt19937_64 rng(7);
  const std::string text_bytes = "[]{}\"\\ab\n";
  const auto text = [&] {
    std::string s;
    for (std::size_t i = rng() % 12; i > 0; --i) s += text_bytes[rng() % text_bytes.size()];
    return s;
  };
  for (int n = 0; n < 300; ++n) {
    nlohmann::json doc = nlohmann::json::object();
    for (int k = 0; k < 1 + static_cast<int>(rng() % 20); ++k) {
      nlohmann::json array = nlohmann::json::array();
      for (int e = 0; e < static_cast<int>(rng() % 30); ++e) {
        array.push_back(rng() % 3 == 0   ? nlohmann::json(text())
                        : rng() % 2 == 0 ? nlohmann::json(static_cast<double>(rng() % 1000) / 7)
                                         : nlohmann::json{{text(), {1, text()}}});
      }
      doc[text()] = array;
    }
    const std::string body = doc.dump(n % 3 == 0 ? 2 : -1);
    ASSERT_EQ(json_container_shape(body), JsonShape::kWhole) << body;
    expect_structure_as_reference(body, rng);
    if (::testing::Test::HasFatalFailure()) return;
    const std::size_t cut = 1 + rng() % (body.size() - 1);
    ASSERT_EQ(json_container_shape(body.substr(0, cut)), JsonShape::kBroken) << cut;
  }
}

}  // namespace
}  // namespace neuro::load
