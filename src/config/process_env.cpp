#include "reconcile/config/process_env.hpp"

#include <cstdlib>

namespace reconcile {

std::optional<std::string> process_env(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

std::optional<std::string> process_setting(const std::string& name) {
    auto v = process_env(name);
    if (v && v->empty()) return std::nullopt;
    return v;
}

}  // namespace reconcile
