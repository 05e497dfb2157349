// `multipart:` bodies: form fields (which may hold ${variables}) and file parts from synthetic
// EEG or a file, framed as multipart/form-data with a boundary no part contains.
#include <fstream>
#include <sstream>

#include "load/scenario/variables.hpp"
#include "load/scenario/yaml_reader.hpp"

namespace neuro::load::detail {
namespace {

constexpr const char* kBoundary = "neuroperf-2d6b1f0c9e8a4417";

struct Part {
  std::string header;  // Content-Disposition and Content-Type lines
  std::string bytes;
};

std::string file_part_bytes(const YAML::Node& node, const std::string& where, Reader& read) {
  if (node["synthetic_eeg"] && node["path"]) {
    read.problems.add(node["path"], where + ".path", "give either synthetic_eeg or path, not both");
    return {};
  }
  if (const auto e = node["synthetic_eeg"]) {
    return synthetic_eeg_bytes(e, where + ".synthetic_eeg", read);
  }
  if (const auto p = node["path"]) {
    const std::string path = p.IsScalar() ? p.Scalar() : "";
    std::ifstream file(path, std::ios::binary);
    if (path.empty() || !file) {
      read.problems.add(p, where + ".path", "cannot open '" + path + "'");
      return {};
    }
    std::stringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
  }
  read.problems.add(node, where, "expected synthetic_eeg: {...} or path: FILE");
  return {};
}

}  // namespace

void read_multipart(const YAML::Node& node, const std::string& where, Reader& read, Step& step) {
  if (!node.IsMap()) {
    read.problems.add(node, where, "expected {fields: {NAME: VALUE}, files: [...]}");
    return;
  }
  check_fields(node, where, {"fields", "files"}, read.problems);
  std::string fields;
  if (const auto f = node["fields"]) {
    if (!f.IsMap()) {
      read.problems.add(f, where + ".fields", "expected a mapping NAME: VALUE");
    } else {
      for (const auto& item : f) {
        const std::string name = item.first.Scalar();
        if (!item.second.IsScalar()) {
          std::string field = where;
          field.append(".fields.").append(name);
          read.problems.add(item.second, field, "expected a string");
          continue;
        }
        fields += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" +
                  name + "\"\r\n\r\n" + item.second.Scalar() + "\r\n";
      }
    }
  }
  std::string files;
  if (const auto list = node["files"]) {
    if (!list.IsSequence()) {
      read.problems.add(list, where + ".files", "expected a list of {name, filename, ...}");
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = where + ".files[" + std::to_string(i) + "]";
        const auto part = list[i];
        if (!part.IsMap()) {
          read.problems.add(part, at, "expected {name, filename, synthetic_eeg | path}");
          continue;
        }
        check_fields(part, at, {"name", "filename", "content_type", "synthetic_eeg", "path"},
                     read.problems);
        if (!part["name"] || !part["name"].IsScalar()) {
          read.problems.add(part, at + ".name", "missing: the form field's name");
          continue;
        }
        const std::string filename =
            part["filename"] ? Reader::scalar(part["filename"]) : part["name"].Scalar() + ".bin";
        const std::string type = part["content_type"] ? Reader::scalar(part["content_type"])
                                                      : "application/octet-stream";
        const std::string bytes = file_part_bytes(part, at, read);
        if (bytes.find(kBoundary) != std::string::npos) {
          read.problems.add(part, at, "the file holds the multipart boundary");
        }
        files.append("--").append(kBoundary).append("\r\nContent-Disposition: form-data; name=\"");
        files.append(part["name"].Scalar()).append("\"; filename=\"").append(filename);
        files.append("\"\r\nContent-Type: ").append(type).append("\r\n\r\n");
        files.append(bytes).append("\r\n");
      }
    }
  }
  // A list given with nothing in it; parts with problems were reported where they are.
  const auto f = node["fields"], l = node["files"];
  if ((!f || (f.IsMap() && f.size() == 0)) && (!l || (l.IsSequence() && l.size() == 0))) {
    read.problems.add(node, where, "expected at least one field or file");
  }
  step.body_template_bytes = referenced_variables(fields).empty() ? 0 : fields.size();
  step.body = fields + files + "--" + kBoundary + "--\r\n";
  step.content_type = std::string("multipart/form-data; boundary=") + kBoundary;
}

}  // namespace neuro::load::detail
