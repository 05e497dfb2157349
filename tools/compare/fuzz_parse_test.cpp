// Drives the fuzz harness (fuzz_parse.cpp) with a few thousand deterministic mutations of real
// fixture files: truncations, byte flips, huge numbers, deep nesting. None may crash or throw
// anything but InvalidArgument (which the harness absorbs).
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(NEURO_FIXTURES_DIR) + "/compare/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void feed(const std::string& input) {
  EXPECT_NO_THROW(
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()))
      << input.substr(0, 200);
}

TEST(FuzzParse, TruncationsOfRealFiles) {
  for (const char* name : {"statuses_cur.json", "callgrind_base.json", "aggregates_base.json"}) {
    const std::string text = fixture(name);
    ASSERT_FALSE(text.empty()) << name;
    const std::size_t step = std::max<std::size_t>(1, text.size() / 700);
    for (std::size_t n = 0; n < text.size(); n += step) feed(text.substr(0, n));
  }
}

TEST(FuzzParse, ByteFlipsAndSplices) {
  const std::string text = fixture("statuses_base.json");
  std::mt19937 rng(12345);
  const char interesting[] = {'"',  '{',    '}', '[', ']', ',', ':', '\\',
                              '\0', '\xff', 'N', '-', '9', 'e', ' '};
  for (int i = 0; i < 2000; ++i) {
    std::string m = text;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = interesting[rng() % sizeof interesting];
          break;
        case 1:
          m[at] = static_cast<char>(rng() % 256);
          break;
        default:
          m.erase(at, rng() % 16);
          break;
      }
      if (m.empty()) break;
    }
    feed(m);
  }
}

TEST(FuzzParse, HostileValues) {
  const std::string head = R"({"benchmarks": [{"name": "BM_A", "run_type": "iteration", )";
  for (const char* field :
       {R"("iterations": 1e308, "cpu_time": 1, "real_time": 1)",
        R"("iterations": -5, "cpu_time": 1, "real_time": 1)",
        R"("cpu_time": 1e400, "real_time": 1)", R"("cpu_time": -Infinity, "real_time": 1)",
        R"("cpu_time": NaN, "real_time": NaN)", R"("cpu_time": 1, "time_unit": "fortnights")",
        R"("cpu_time": 1, "repetitions": 18446744073709551616)", R"("cpu_time": 1, "run_name": 7)",
        R"("cpu_time": 1, "error_occurred": "yes")",
        R"("cpu_time": 1, "skipped": 1, "skip_message": null)",
        R"("cpu_time": 1, "counter": 1e308, "c2": -1e308)"}) {
    feed(head + field + "}]}");
  }
  feed(std::string(100000, '[') + std::string(100000, ']'));
  feed("{\"benchmarks\": " + std::string(5000, '{'));
  feed("{\"benchmarks\": [" + std::string(3000, '[') + "]}");
  feed("\"\\ud800\"");
  feed("{\"benchmarks\": [], \"context\": {\"\xff\xfe\": [1, {\"a\": NaN}]}}");
}

}  // namespace
