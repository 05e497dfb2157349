#include "load/scenario/variables.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace neuro::load {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') + 1 - b);
}

bool parse_int(const std::string& s, std::int64_t* out) {
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, *out);
  return r.ec == std::errc() && r.ptr == end && !s.empty();
}

bool is_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

struct Expression {
  std::string name;
  char op = 0;
  std::int64_t operand = 0;
};

bool parse_expression(const std::string& reference, Expression* e) {
  const auto at = reference.find_first_of("+-*/%");
  if (at == std::string::npos || at == 0) return false;
  e->name = trim(reference.substr(0, at));
  e->op = reference[at];
  if (!is_name(e->name) || !parse_int(trim(reference.substr(at + 1)), &e->operand)) return false;
  return !((e->op == '/' || e->op == '%') && e->operand == 0);
}

// The value of `reference` when it is an expression over an integer variable of `vars`.
bool evaluate(const std::string& reference, const Variables& vars, std::string* out) {
  Expression e;
  if (!parse_expression(reference, &e)) return false;
  const auto it = vars.find(e.name);
  std::int64_t v = 0;
  if (it == vars.end() || !parse_int(it->second, &v)) return false;
  switch (e.op) {
    case '+':
      v += e.operand;
      break;
    case '-':
      v -= e.operand;
      break;
    case '*':
      v *= e.operand;
      break;
    case '/':
      v /= e.operand;
      break;
    default:
      v %= e.operand;
  }
  *out = std::to_string(v);
  return true;
}

}  // namespace

std::vector<std::string> referenced_variables(const std::string& text) {
  std::vector<std::string> names;
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
    const auto end = text.find('}', at);
    if (end == std::string::npos) break;
    names.push_back(text.substr(at + 2, end - at - 2));
  }
  return names;
}

std::string substitute(const std::string& text, const Variables& vars) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  std::string computed;
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", from)) {
    const auto end = text.find('}', at);
    if (end == std::string::npos) break;
    out.append(text, from, at - from);
    const std::string reference = text.substr(at + 2, end - at - 2);
    const auto it = vars.find(reference);
    if (it != vars.end()) {
      out += it->second;
    } else if (evaluate(reference, vars, &computed)) {
      out += computed;
    } else {
      out.append(text, at, end + 1 - at);
    }
    from = end + 1;
  }
  out.append(text, from, std::string::npos);
  return out;
}

bool is_builtin_variable(const std::string& name) {
  return name == "user" || name == "iteration" || name == "uuid" || name == "now";
}

std::string expression_variable(const std::string& reference) {
  Expression e;
  return parse_expression(reference, &e) ? e.name : std::string();
}

}  // namespace neuro::load
