// ${name} references in a step's path, headers and the auth header: found while the scenario
// is parsed (an unknown name is an error), replaced with captured values while it runs.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace neuro::load {

using Variables = std::map<std::string, std::string>;

// The names referenced as ${name} in `text`, in order.
std::vector<std::string> referenced_variables(const std::string& text);
// `text` with each ${name} replaced by its value (unknown names are left as written).
std::string substitute(const std::string& text, const Variables& vars);

}  // namespace neuro::load
