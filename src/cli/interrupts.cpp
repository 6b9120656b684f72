#include "interrupts.hpp"

#include <unistd.h>

#include <csignal>

namespace reconcile::cli {

namespace {

std::atomic<bool> g_cancel{false};

// Async-signal-safe: an atomic store, write(2) and _exit(2) only.
extern "C" void on_interrupt(int) {
    if (g_cancel.exchange(true)) {
        static const char kNow[] = "\nreconcile: interrupted again: exiting now\n";
        (void)!::write(STDERR_FILENO, kNow, sizeof kNow - 1);
        ::_exit(130);
    }
    static const char kNotice[] =
        "\nreconcile: interrupted: no new step or retry starts; requests in flight get 2 s to finish "
        "(press Ctrl-C again to exit at once)\n";
    (void)!::write(STDERR_FILENO, kNotice, sizeof kNotice - 1);
}

}  // namespace

void install_interrupt_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocked read returns so the program notices sooner
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

const std::atomic<bool>& interrupt_flag() { return g_cancel; }

}  // namespace reconcile::cli
