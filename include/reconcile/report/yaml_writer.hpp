#pragma once
// Writes YAML documents by hand rather than with a YAML library's emitter: the spelling of every
// scalar must read back as the same value through the schema-typed loader (YAML 1.1 words such
// as `no` or `0101` quoted, multi-line texts as literal blocks with the right chomping, text that
// is not printable escaped), and objects keep the schema's key order.
#include <string>
#include <string_view>

#include "reconcile/util/json.hpp"

namespace reconcile {

// One block-style YAML document of an object ("key: value" lines, ending with a newline).
std::string yaml_document(const json::object& doc);

// YAML spelling of one string scalar on a single line: plain when no YAML reader could take it
// for anything but that string, else double-quoted with escapes.
std::string yaml_scalar(std::string_view text);

}  // namespace reconcile
