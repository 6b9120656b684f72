#pragma once
// One function per command; each returns the process exit code.
#include "console.hpp"
#include "options.hpp"

namespace reconcile::cli {

int cmd_validate(Console& console, const GlobalOptions& g, const CommandOptions& c);
int cmd_plan(Console& console, const GlobalOptions& g, const CommandOptions& c);
int cmd_apply(Console& console, const GlobalOptions& g, const CommandOptions& c);
int cmd_drift(Console& console, const GlobalOptions& g, const CommandOptions& c);
int cmd_export(Console& console, const GlobalOptions& g, const CommandOptions& c);
int cmd_init(Console& console, const GlobalOptions& g, const CommandOptions& c);

}  // namespace reconcile::cli
