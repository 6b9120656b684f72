#include "reconcile/cli/redact.hpp"

#include <algorithm>

namespace reconcile {

void Redactor::add(std::string_view secret) {
    if (secret.size() < 4) return;
    std::lock_guard lock(mutex_);
    if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.emplace_back(secret);
    std::sort(secrets_.begin(), secrets_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::apply(std::string_view text) const {
    std::lock_guard lock(mutex_);
    std::string out(text);
    for (const auto& s : secrets_) {
        std::size_t pos = 0;
        while ((pos = out.find(s, pos)) != std::string::npos) {
            out.replace(pos, s.size(), kMask);
            pos += kMask.size();
        }
    }
    return out;
}

}  // namespace reconcile
