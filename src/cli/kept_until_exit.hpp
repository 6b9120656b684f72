#pragma once
// A command's large state (documents, live agents, the plan, connections) is not freed when the
// command returns: the process exits right after, and the operating system takes its memory and
// sockets back at once, while freeing the documents and texts of 10,000 agents piece by piece
// took 0.1 s (compiler drivers skip freeing at exit for the same reason). Only memory and
// sockets are left to the exit: files are written and closed before a command returns, and
// run_cli is only called by main().
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace reconcile::cli {

template <class T>
void keep_until_exit(T&& value) {
    // Reachable from a static until the end: a leak checker does not count it as lost.
    static auto* kept = new std::vector<std::shared_ptr<std::decay_t<T>>>();
    kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

// Declared right after the optional it guards: whichever way the scope is left, the value is
// handed to keep_until_exit just before the optional would destroy it.
template <class T>
class KeptUntilExit {
public:
    explicit KeptUntilExit(std::optional<T>& held) : held_(held) {}
    KeptUntilExit(const KeptUntilExit&) = delete;
    KeptUntilExit& operator=(const KeptUntilExit&) = delete;
    ~KeptUntilExit() {
        if (held_) keep_until_exit(std::move(*held_));
    }

private:
    std::optional<T>& held_;
};

}  // namespace reconcile::cli
