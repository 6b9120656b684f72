#pragma once
// What this binary was built from: its version (CMake's project()) and the versions of the
// libraries it was built against.
#include <string>

namespace reconcile::cli {

// "reconcile 0.2.0" then one "  name version" line per library.
std::string version_text();

}  // namespace reconcile::cli
