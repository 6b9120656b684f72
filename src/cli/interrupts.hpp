#pragma once
// SIGINT / SIGTERM: a flag the commands and apply check between steps.
#include <atomic>

namespace reconcile::cli {

// Installs the handlers.
void install_interrupt_handlers();
// Set once an interrupt arrived.
const std::atomic<bool>& interrupt_flag();

}  // namespace reconcile::cli
