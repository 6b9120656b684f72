#pragma once
// Where yaml-cpp says something happened, as a 1-based SourceLocation.
#include <yaml-cpp/mark.h>

#include "reconcile/model/diagnostics.hpp"

namespace reconcile {

inline SourceLocation yaml_location(const std::string& file, const YAML::Mark& mark) {
    SourceLocation where{file};
    if (!mark.is_null() && mark.line >= 0) {
        where.line = mark.line + 1;
        where.column = mark.column + 1;
    }
    return where;
}

}  // namespace reconcile
