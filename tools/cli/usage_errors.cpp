#include "tools/cli/usage_errors.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/exit_codes.hpp"

namespace neuro::cli {
namespace {

using base::ExitCode;
using base::to_int;

// The command the user was running: the deepest subcommand given (get_subcommands() lists the
// ones given, not all).
const CLI::App& selected(const CLI::App& app) {
  const auto given = app.get_subcommands();
  return given.empty() ? app : selected(*given.front());
}

// "neuroperf" or "neuroperf load".
std::string full_name(const CLI::App& app) {
  const CLI::App* parent = app.get_parent();
  return parent == nullptr ? app.get_name() : full_name(*parent) + " " + app.get_name();
}

// The first word nobody took, from the app that refused it (CLI11's own message lists them all).
std::string first_extra(const CLI::App& app, const CLI::App** owner) {
  const std::vector<std::string> left = app.remaining(false);
  if (!left.empty()) {
    *owner = &app;
    return left.front();
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    if (std::string word = first_extra(*sub, owner); !word.empty()) return word;
  }
  return {};
}

// Every positional argument of ours is required (the command says which is missing, in its own
// words), so the usage line shows them without CLI11's [brackets] for "not marked required".
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_usage(const CLI::Option* opt) const override {
    std::string usage = CLI::Formatter::make_option_usage(opt);
    if (opt->get_positional() && usage.size() > 2 && usage.front() == '[') {
      usage = usage.substr(1, usage.size() - 2);
    }
    return usage;
  }
};

// The group names ("Options", "Subcommands") are each option's and each subcommand's own.
void apply_help_style(CLI::App& app, const std::shared_ptr<CLI::FormatterBase>& format) {
  app.formatter(format);
  for (CLI::Option* option : app.get_options()) {
    if (option->get_group() == "Options") option->group("options");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->group("commands");
    apply_help_style(*sub, format);
  }
}

}  // namespace

void use_neuroperf_help_style(CLI::App& app) {
  auto format = std::make_shared<HelpFormatter>();
  format->label("Usage", "usage");
  format->label("Positionals", "arguments");
  format->label("SUBCOMMAND", "COMMAND");
  format->label("SUBCOMMANDS", "COMMAND");
  format->column_width(32);
  apply_help_style(app, format);
}

int report_usage_error(const CLI::App& app, const CLI::ParseError& e) {
  const CLI::App& command = selected(app);
  if (dynamic_cast<const CLI::CallForHelp*>(&e) != nullptr ||
      dynamic_cast<const CLI::CallForAllHelp*>(&e) != nullptr) {
    std::cout << app.help();  // the root's help() delegates to the command given
    return to_int(ExitCode::kOk);
  }
  const std::string name = full_name(command);
  std::string message = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && message.ends_with(" missing") &&
      message.find(": ") != std::string::npos) {
    message = message.substr(0, message.find(": ")) + ": missing value";  // "--out: 1 required ..."
  } else if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const CLI::App* owner = &command;
    const std::string word = first_extra(app, &owner);
    const std::string hint = " (try " + full_name(*owner) + " --help)";
    if (word.starts_with("-")) {
      message = "unknown option '" + word + "'" + hint;
    } else if (owner->get_parent() == nullptr) {
      message = "unknown command '" + word + "'" + hint;
    } else {
      message = "unexpected argument '" + word + "'" + hint;
    }
  }
  std::cerr << name << ": " << message << "\n";
  return to_int(ExitCode::kBadInput);
}

}  // namespace neuro::cli
