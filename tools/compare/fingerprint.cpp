#include "tools/compare/fingerprint.hpp"

#include <cctype>
#include <cstdlib>
#include <string_view>

namespace neuro::compare {
namespace {

const char* const kIdentity[] = {"cpu_model", "num_cpus", "isa_level",
                                 "caches",    "compiler", "build_type"};

std::string field(const std::map<std::string, std::string>& context, const std::string& key) {
  const auto it = context.find(key);
  return it == context.end() ? "" : it->second;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// Google Benchmark lists caches as an array of objects; the report keeps it as compact JSON, whose
// text is stable for a machine, which is all the comparison needs.
Fingerprint fingerprint_of(const std::map<std::string, std::string>& context) {
  Fingerprint f;
  for (const char* key : kIdentity) {
    const std::string value = field(context, key);
    if (!value.empty()) f.identity[key] = key == std::string("build_type") ? lower(value) : value;
  }
  f.git_revision = field(context, "git_revision");
  return f;
}

std::vector<std::string> fingerprint_differences(const Fingerprint& baseline,
                                                 const Fingerprint& current) {
  std::vector<std::string> out;
  for (const char* key : kIdentity) {
    const auto b = baseline.identity.find(key), c = current.identity.find(key);
    if (b == baseline.identity.end() || c == current.identity.end()) continue;
    if (b->second != c->second) {
      out.push_back(std::string(key) + ": baseline '" + b->second + "', current '" + c->second +
                    "'");
    }
  }
  return out;
}

namespace {

// "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz" -> "intel-xeon-platinum-8370c": trademarks,
// the clock after '@' and the words "cpu" and "processor" say nothing about the machine.
std::string model_slug(const std::string& text) {
  const std::string model = lower(text.substr(0, text.find('@')));
  std::string cleaned;
  for (std::size_t i = 0; i < model.size();) {
    bool mark = false;
    for (const std::string_view m : {"(r)", "(tm)", "(c)"}) {
      if (model.compare(i, m.size(), m) == 0) {
        cleaned.push_back(' ');
        i += m.size();
        mark = true;
        break;
      }
    }
    if (!mark) cleaned.push_back(model[i++]);
  }
  std::string slug, word;
  auto flush = [&] {
    if (!word.empty() && word != "cpu" && word != "processor") {
      if (!slug.empty()) slug.push_back('-');
      slug.append(word);
    }
    word.clear();
  };
  for (const char c : cleaned) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return slug;
}

}  // namespace

std::string machine_key(const std::map<std::string, std::string>& context) {
  std::string key = model_slug(field(context, "cpu_model"));
  if (key.empty() || key == "unknown") key = "unknown-cpu";
  const std::string cpus = field(context, "num_cpus");
  if (!cpus.empty() && cpus.find_first_not_of("0123456789") == std::string::npos) {
    key.append("-").append(cpus).append("cpu");
  }
  const std::string isa = model_slug(field(context, "isa_level"));
  if (!isa.empty()) key.append("-").append(isa);
  return key;
}

namespace {

// The one-minute load average per CPU at the start of the run; 0 when the context lacks either.
double load_per_cpu(const std::map<std::string, std::string>& context) {
  const std::string load = field(context, "load_avg");  // "[1.5,0.8,0.3]"
  const double cpus = std::atof(field(context, "num_cpus").c_str());
  if (load.size() < 2 || load.front() != '[' || !(cpus > 0)) return 0.0;
  return std::atof(load.c_str() + 1) / cpus;
}

}  // namespace

std::vector<std::string> run_warnings(const std::map<std::string, std::string>& context,
                                      const std::string& origin) {
  std::vector<std::string> out;
  if (field(context, "cpu_scaling_enabled") == "true") {
    out.push_back(origin + ": CPU frequency scaling was enabled; timings are noisier");
  }
  if (const double per_cpu = load_per_cpu(context); per_cpu > 1.0) {
    const double one_minute = per_cpu * std::atof(field(context, "num_cpus").c_str());
    out.push_back(origin + ": load average " + std::to_string(one_minute).substr(0, 4) +
                  " above the " + field(context, "num_cpus") + " CPUs; timings are doubtful");
  }
  if (lower(field(context, "build_type")) == "debug") {
    out.push_back(origin + ": built as debug (build_type=debug); timings mean little");
  }
  if (field(context, "library_build_type") == "debug") {
    // Debian's libbenchmark is built with the distribution's flags (-O2, no NDEBUG), so it calls
    // itself "debug" while timing like a release build. Said without the file's name, so a
    // comparison says it once however many files carry it.
    const std::string library = field(context, "benchmark_library");
    if (library.rfind("/usr/lib/", 0) == 0) {
      out.push_back("the benchmark library " + library +
                    " (Debian's package) reports a debug build: Debian compiles it with -O2 but "
                    "without NDEBUG, so only its internal checks are on; timings are not affected");
    } else {
      out.push_back(origin + ": the benchmark library is a debug build");
    }
  }
  return out;
}

}  // namespace neuro::compare
