#include "reconcile/model/desired_state.hpp"

namespace reconcile {

SourceLocation DesiredAgent::location_of(std::string_view pointer) const {
    std::string p(pointer);
    while (true) {
        if (auto it = locations.find(p); it != locations.end()) return it->second;
        if (p.empty()) return where;
        auto slash = p.rfind('/');
        p.resize(slash == std::string::npos ? 0 : slash);
    }
}

}  // namespace reconcile
