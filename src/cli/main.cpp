#include "reconcile/cli/cli.hpp"

int main(int argc, char** argv) { return reconcile::run_cli(argc, argv); }
