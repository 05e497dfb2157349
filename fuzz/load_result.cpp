// Fuzz harness: a result document as `neuroperf merge` and `neuroperf report` read it (any
// file a user points them at): JSON parsing, the schema checks merge runs, and the typed model
// the reports draw from. Bad documents must end in InvalidArgument (or a JSON parse error),
// never a crash or another exception.
#include "load/results/load_result.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/base/errors.hpp"
#include "load/results/result_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  try {
    neuro::load::validate_document(doc, "result.json");
    (void)neuro::load::merge_documents({doc, doc}, {"a.json", "b.json"});
  } catch (const neuro::base::InvalidArgument&) {
    // What a document that fails the schema must get (merge and report print it).
  }
  try {
    (void)neuro::load::parse_load_result(doc);
  } catch (const neuro::base::InvalidArgument&) {
    // The same for the reports' typed model.
  }
  return 0;
}
