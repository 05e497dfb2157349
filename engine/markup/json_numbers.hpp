// Numbers written straight into JSON text, for answers too large to build as a JSON document
// first (100,000 samples in one session-data answer, a frame per 100 ms to every subscriber).
#pragma once

#include <span>
#include <string>

namespace neuro::markup {

// The shortest text that reads back as the same float32 (std::to_chars), so a client parsing
// it as float32 gets the stored sample bit-exact; `null` for NaN and infinities, which JSON
// has no number for.
void append_json_number(std::string& out, float value);

// The same for a double.
void append_json_number(std::string& out, double value);

// `[v0,v1,...]`, each value as append_json_number writes it; written in place, without a
// string append per character (100,000 samples in one answer).
void append_json_array(std::string& out, std::span<const float> values);

}  // namespace neuro::markup
