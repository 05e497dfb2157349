#include "load/ws/json_field.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace neuro::load::ws {
namespace {

TEST(WsJsonField, ReadsTopLevelFieldsOnly) {
  const std::string m =
      R"({"type":"neural_data","inner":{"seq":99,"timestamp":1.5},"timestamp": 1764739200.123456,)"
      R"( "seq" : 42, "data":[[1,2],[3,4]], "s":"a\"b", "ok":true})";
  EXPECT_EQ(top_level_field(m, "type"), "neural_data");
  EXPECT_EQ(top_level_field(m, "seq"), "42");
  EXPECT_EQ(top_level_field(m, "s"), "a\\\"b");
  EXPECT_EQ(top_level_field(m, "ok"), "true");
  EXPECT_EQ(top_level_field(m, "missing"), std::nullopt);
  EXPECT_DOUBLE_EQ(*number_field(m, "timestamp"), 1764739200.123456);
  EXPECT_EQ(number_field(m, "type"), std::nullopt);
  EXPECT_EQ(top_level_field("[1,2]", "x"), std::nullopt);
  EXPECT_EQ(top_level_field(R"({"a":"unterminated)", "a"), std::nullopt);
  EXPECT_EQ(top_level_field(R"({"a":{"b":1}, "b":2})", "b"), "2");
}

// Agrees with a full JSON parser on every top-level number of a generated message.
TEST(WsJsonField, AgreesWithNlohmann) {
  nlohmann::json j = {{"type", "signal_quality"},
                      {"rms_uv", {1.5, 2.5}},
                      {"nested", {{"seq", 7}, {"x", {{"seq", 8}}}}},
                      {"seq", 123456789},
                      {"timestamp", 1764739200.654321},
                      {"quality", {"good", "flat"}}};
  const std::string text = j.dump();
  EXPECT_EQ(*number_field(text, "seq"), j["seq"].get<double>());
  EXPECT_DOUBLE_EQ(*number_field(text, "timestamp"), j["timestamp"].get<double>());
  EXPECT_EQ(top_level_field(text, "type"), j["type"].get<std::string>());
}

}  // namespace
}  // namespace neuro::load::ws
