#pragma once
// The process environment, read in one place.
#include <optional>
#include <string>

namespace reconcile {

// The variable's value, or nullopt when unset.
std::optional<std::string> process_env(const std::string& name);
// A connection setting (MIHU_API_URL, NO_COLOR...): an empty value counts as unset.
std::optional<std::string> process_setting(const std::string& name);

}  // namespace reconcile
