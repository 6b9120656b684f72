#pragma once
// The one rule for "inside the repository": a path counts only if it still is once every
// symbolic link is followed, so a link cannot lead a pull request's include glob or `extends:`
// to a file elsewhere on the machine.
#include <expected>
#include <filesystem>
#include <string>

namespace reconcile {

enum class OutsideReason { Unresolvable, Outside };
struct NotInside {
    OutsideReason reason;
    std::string detail;  // the system's message when the path cannot be resolved
};

// `path` with every link followed, when that lies inside `canonical_root` (itself resolved).
std::expected<std::filesystem::path, NotInside> resolve_inside(const std::filesystem::path& canonical_root,
                                                               const std::filesystem::path& path);

}  // namespace reconcile
