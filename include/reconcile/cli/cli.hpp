#pragma once
// The command line: `reconcile validate|plan|apply|drift|export`. main() only calls run_cli.

namespace reconcile {

// Exit codes: 0 success (no changes/drift), 1 error (usage errors too), 2 changes/drift
// (plan --detailed-exitcode, drift), 130 interrupted.
int run_cli(int argc, char** argv);

}  // namespace reconcile
