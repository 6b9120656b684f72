#pragma once
// Secrets (the API token, values substituted from ${env:NAME}) never reach output. Everything
// the program prints or logs passes through a Redactor. It redacts by value, and only values
// known to be secret, so ordinary words are never masked by accident.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

class Redactor {
public:
    // Values shorter than 4 characters are ignored: masking "a" everywhere would garble output
    // without protecting anything.
    void add(std::string_view secret);
    std::string apply(std::string_view text) const;
    static constexpr std::string_view kMask = "(redacted)";

private:
    mutable std::mutex mutex_;
    std::vector<std::string> secrets_;  // longest first, so overlapping secrets mask fully
};

}  // namespace reconcile
