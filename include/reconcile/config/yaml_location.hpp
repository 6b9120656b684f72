#pragma once
// Where the YAML reader says something happened, as a 1-based SourceLocation.
#include <string>

#include "reconcile/config/yaml_events.hpp"
#include "reconcile/model/diagnostics.hpp"

namespace reconcile {

inline SourceLocation yaml_location(const std::string& file, const YamlMark& mark) {
    SourceLocation where{file};
    if (mark.known()) {
        where.line = mark.line;
        where.column = mark.column;
    }
    return where;
}

}  // namespace reconcile
