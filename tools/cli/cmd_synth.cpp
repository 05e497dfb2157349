// neuroperf synth: the suite's synthetic EEG as a raw float32 file, so that anchors (scipy,
// numpy) time exactly the data our benchmarks use.
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>

#include "engine/common/errors.hpp"
#include "engine/common/synthetic_eeg.hpp"
#include "tools/cli/commands.hpp"

namespace neuro::cli {
namespace {

double number(const std::string& flag, const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw common::InvalidArgument(flag + ": expected a number, got '" + text + "'");
  }
  return value;
}

}  // namespace

int run_synth(const Args& args) {
  common::SyntheticEegOptions options;
  options.channels = 32;
  options.sample_rate_hz = 1000.0;
  double samples = 30000;
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      std::cout << "usage: neuroperf synth [--channels N] [--samples N] [--rate HZ] [--seed N] "
                   "--out FILE\n"
                   "Writes the suite's synthetic EEG (default 32 channels x 30000 samples at "
                   "1000 Hz)\nas raw little-endian float32, channel-major.\n";
      return 0;
    }
    if (i + 1 >= args.size()) throw common::InvalidArgument(flag + ": missing value");
    const std::string& value = args[++i];
    if (flag == "--channels") {
      options.channels = static_cast<std::size_t>(number(flag, value));
    } else if (flag == "--samples") {
      samples = number(flag, value);
    } else if (flag == "--rate") {
      options.sample_rate_hz = number(flag, value);
    } else if (flag == "--seed") {
      options.seed = static_cast<std::uint64_t>(number(flag, value));
    } else if (flag == "--out") {
      out = value;
    } else {
      throw common::InvalidArgument("unknown option '" + flag + "'");
    }
  }
  if (out.empty()) throw common::InvalidArgument("--out FILE is required");
  if (!(samples >= 1)) throw common::InvalidArgument("--samples: must be at least 1");
  options.duration_s = samples / options.sample_rate_hz;
  const auto block = common::make_synthetic_eeg(options);
  std::ofstream file(out, std::ios::binary);
  file.write(reinterpret_cast<const char*>(block.data()),
             static_cast<std::streamsize>(block.size_bytes()));
  if (!file.flush()) throw common::InvalidArgument(out + ": cannot write");
  std::cerr << "neuroperf synth: " << block.channels() << " x " << block.samples() << " float32 at "
            << block.sample_rate_hz() << " Hz -> " << out << "\n";
  return 0;
}

}  // namespace neuro::cli
