// ${name} references in a step's path, headers, body and the auth header: found while the
// scenario is parsed (an unknown name is an error), replaced with values while it runs. Besides
// captured values: ${user}, ${iteration}, ${uuid}, ${now} (set by the runner), and integer
// arithmetic on a variable, ${user % 10}, ${iteration + 1}.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace neuro::load {

using Variables = std::map<std::string, std::string>;

// The names referenced as ${name} in `text`, in order (an expression as written, "user % 10").
std::vector<std::string> referenced_variables(const std::string& text);
// `text` with each ${name} replaced by its value (unknown names are left as written).
std::string substitute(const std::string& text, const Variables& vars);

// user, iteration, uuid, now: set by the runner, never captured.
bool is_builtin_variable(const std::string& name);
// The variable an expression "NAME OP INTEGER" (OP one of + - * / %) reads, or "" when
// `reference` is not one (a plain name, or malformed). "user % 10" -> "user".
std::string expression_variable(const std::string& reference);

}  // namespace neuro::load
