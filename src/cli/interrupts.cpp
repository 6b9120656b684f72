#include "interrupts.hpp"

#include <csignal>

namespace reconcile::cli {

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_interrupt(int) { g_cancel.store(true); }

}  // namespace

void install_interrupt_handlers() {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
}

const std::atomic<bool>& interrupt_flag() { return g_cancel; }

}  // namespace reconcile::cli
