// validate_document on documents of the wrong shape: each is the InvalidArgument that names the
// JSON path, never a JSON library exception past merge and report (fuzz_load_result found a
// "schema" that was an array, and a step that was not an object).
#include "load/results/result_document.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::load {
namespace {

nlohmann::json minimal() {
  return nlohmann::json::parse(R"({"schema":"neuroperf-load/1","totals":{"requests":0},
    "steps":[],"series":[],"shard":{"index":0,"count":1},"duration_s":1.0})");
}

std::string problem_of(const nlohmann::json& doc) {
  try {
    validate_document(doc, "r.json");
  } catch (const base::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

TEST(ResultDocument, WrongShapesNameTheirPath) {
  EXPECT_EQ(problem_of(minimal()), "");
  auto doc = minimal();
  doc["schema"] = nlohmann::json::array({1});
  EXPECT_EQ(problem_of(doc), "r.json: $.schema: expected \"neuroperf-load/1\"");
  doc = minimal();
  doc["steps"] = nlohmann::json::array({"not a step"});
  EXPECT_EQ(problem_of(doc), "r.json: $.steps[0]: expected an object");
  doc = minimal();
  doc["totals"] = 3;
  EXPECT_EQ(problem_of(doc), "r.json: $.totals: expected an object");
  EXPECT_EQ(problem_of(nlohmann::json::array()), "r.json: expected a JSON object");
}

}  // namespace
}  // namespace neuro::load
