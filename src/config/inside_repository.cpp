#include "reconcile/config/inside_repository.hpp"

namespace reconcile {

std::expected<std::filesystem::path, NotInside> resolve_inside(const std::filesystem::path& canonical_root,
                                                               const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::path real = std::filesystem::canonical(path, ec);
    if (ec) return std::unexpected(NotInside{OutsideReason::Unresolvable, ec.message()});
    const auto rel = real.lexically_relative(canonical_root);
    if (rel.empty() || *rel.begin() == "..") return std::unexpected(NotInside{OutsideReason::Outside, {}});
    return real;
}

}  // namespace reconcile
