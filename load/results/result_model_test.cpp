// The typed result model against documents written by the runner and merge before it existed
// (fixtures/load/typed): each reads into LoadResult and writes back unchanged, value for value
// and byte for byte in result.json's layout, and merging the shards' structs gives the merge
// that was written then.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "load/results/load_result.hpp"
#include "load/results/result_document.hpp"
#include "load/results/result_writer.hpp"

namespace neuro::load {
namespace {

using nlohmann::json;

std::string fixture_text(const std::string& name) {
  const std::string path = std::string(NEURO_FIXTURES_DIR) + "/load/typed/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string written(const LoadResult& r) {
  std::ostringstream out;
  write_result(out, r);
  return out.str();
}

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, Unchanged) {
  const std::string text = fixture_text(GetParam());
  const json doc = json::parse(text);
  const LoadResult r = parse_load_result(doc);
  const json back = to_json(r);
  EXPECT_EQ(back, doc) << json::diff(doc, back).dump(1);
  // Value equality takes 3 for 3.0; the file's bytes do not.
  EXPECT_EQ(written(r), text);
}

INSTANTIATE_TEST_SUITE_P(Fixture, RoundTrip,
                         ::testing::Values("flow.shard0.json", "flow.shard1.json",
                                           "flow.merged.json", "open.json", "stress.json"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           // "flow.shard0.json" -> "flow_shard0": the file, within a
                           // ctest line's 100 columns.
                           std::string name = info.param;
                           name = name.substr(0, name.rfind(".json"));
                           for (char& c : name) {
                             if (c == '.') c = '_';
                           }
                           return name;
                         });

TEST(TypedMerge, ShardsMergeAsTheyDidBefore) {
  const std::string expected_text = fixture_text("flow.merged.json");
  const json expected = json::parse(expected_text);
  const std::vector<json> docs = {json::parse(fixture_text("flow.shard0.json")),
                                  json::parse(fixture_text("flow.shard1.json"))};
  const std::vector<std::string> origins = {"flow.shard0.json", "flow.shard1.json"};
  const LoadResult merged = merge_results(read_shards(docs, origins), origins);
  const json back = to_json(merged);
  EXPECT_EQ(back, expected) << json::diff(expected, back).dump(1);
  EXPECT_EQ(written(merged), expected_text);
  EXPECT_EQ(merge_documents(docs, origins), expected);
  // In either order: the merge is of the shards, not of the files' order.
  EXPECT_EQ(merge_documents({docs[1], docs[0]}, {origins[1], origins[0]})["totals"],
            expected["totals"]);
}

// The verdict a merge writes is the one a single run's judge would write on the same data:
// judged again from the struct, thresholds in the scenario's order.
TEST(TypedMerge, ThresholdsJudgedOnMergedStructs) {
  const LoadResult merged = parse_load_result(json::parse(fixture_text("flow.merged.json")));
  ASSERT_EQ(merged.thresholds.size(), 5u);
  bool passed = true;
  std::vector<Threshold> rules;
  for (const auto& t : merged.thresholds) rules.push_back(*parse_threshold(t.expression).threshold);
  const auto again = evaluate_thresholds(rules, observe(result_window(merged)), &passed);
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].observed, merged.thresholds[i].observed) << again[i].expression;
    EXPECT_EQ(again[i].passed, merged.thresholds[i].passed) << again[i].expression;
  }
  EXPECT_EQ(passed, merged.passed);
}

}  // namespace
}  // namespace neuro::load
