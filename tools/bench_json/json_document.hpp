// Helpers for reading JSON the way Google Benchmark writes it: bare NaN/Infinity (not JSON) and
// JSON paths for error messages.
#pragma once

#include <string>
#include <string_view>

namespace neuro::bench_json {

// Bare NaN, Infinity and -Infinity outside strings become null. Returns false, without copying,
// when the text cannot contain them (the common case: a 6 MB file is not copied for nothing).
bool replace_bare_non_finite(std::string_view text, std::string& out);

// "$.benchmarks[3]" + key -> "$.benchmarks[3].key" (or ["odd key"]); used to name fields.
std::string json_path_join(const std::string& path, const std::string& key);

}  // namespace neuro::bench_json
