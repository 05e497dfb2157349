// neuroperf synth: the suite's synthetic EEG as a raw float32 file, so that anchors (scipy,
// numpy) time exactly the data our benchmarks use.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <string>

#include "engine/base/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/whole_number.hpp"

namespace neuro::cli {
namespace {

double number(const std::string& flag, const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw base::InvalidArgument(flag + ": expected a number, got '" + text + "'");
  }
  return value;
}

// Bounds that keep the output within what one machine writes in reasonable time (4 GiB).
constexpr std::uint64_t kMaxChannels = 4096;
constexpr std::uint64_t kMaxOutputBytes = std::uint64_t{4} << 30;

// The anchors' default: 32 channels at 1000 Hz (30 s of data at the default --samples).
common::SyntheticEegOptions synth_defaults() {
  common::SyntheticEegOptions options;
  options.channels = 32;
  options.sample_rate_hz = 1000.0;
  return options;
}

struct Parsed {
  common::SyntheticEegOptions options = synth_defaults();
  std::uint64_t samples = 30000;
  std::string out;
};

int run_synth(Parsed& p) {
  auto& options = p.options;
  const std::uint64_t samples = p.samples;
  const std::string& out = p.out;
  if (out.empty()) throw base::InvalidArgument("--out FILE is required");
  if (!(options.sample_rate_hz > 0) || !std::isfinite(options.sample_rate_hz)) {
    throw base::InvalidArgument("--rate: must be a positive number of Hz");
  }
  if (options.channels * samples * sizeof(float) > kMaxOutputBytes) {
    throw base::InvalidArgument("--channels x --samples: " + std::to_string(options.channels) +
                                " x " + std::to_string(samples) +
                                " float32 is more than the 4 GiB limit");
  }
  options.duration_s = static_cast<double>(samples) / options.sample_rate_hz;
  const auto block = common::make_synthetic_eeg(options);
  std::ofstream file(out, std::ios::binary);
  file.write(reinterpret_cast<const char*>(block.data()),
             static_cast<std::streamsize>(block.size_bytes()));
  if (!file.flush()) throw base::InvalidArgument(out + ": cannot write");
  std::cerr << "neuroperf synth: " << block.channels() << " x " << block.samples() << " float32 at "
            << block.sample_rate_hz() << " Hz -> " << out << "\n";
  return 0;
}

}  // namespace

Command add_synth(CLI::App& neuroperf) {
  auto p = std::make_shared<Parsed>();
  CLI::App* app = neuroperf.add_subcommand(
      "synth", "write synthetic EEG as raw little-endian float32, channel-major");
  app->footer("Writes the suite's synthetic EEG (default 32 channels x 30000 samples at 1000 Hz).");
  app->add_option_function<std::string>(
         "--channels",
         [p](const std::string& v) {
           p->options.channels =
               static_cast<std::size_t>(whole_number("--channels", v, 1, kMaxChannels));
         },
         "channels (default 32)")
      ->type_name("N");
  app->add_option_function<std::string>(
         "--samples",
         [p](const std::string& v) {
           p->samples = whole_number("--samples", v, 1, kMaxOutputBytes / sizeof(float));
         },
         "samples per channel (default 30000)")
      ->type_name("N");
  app->add_option_function<std::string>(
         "--rate", [p](const std::string& v) { p->options.sample_rate_hz = number("--rate", v); },
         "sample rate (default 1000)")
      ->type_name("HZ");
  app->add_option_function<std::string>(
         "--seed",
         [p](const std::string& v) {
           p->options.seed =
               whole_number("--seed", v, 0, std::numeric_limits<std::uint64_t>::max());
         },
         "the generator's seed")
      ->type_name("N");
  app->add_option("--out", p->out, "the raw float32 file to write (required)")->type_name("FILE");
  return {app, [p] { return run_synth(*p); }};
}

}  // namespace neuro::cli
