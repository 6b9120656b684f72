#include "reconcile/model/desired_state.hpp"

#include <algorithm>

namespace reconcile {

void LocationMap::add(std::string_view pointer, int line, int column) {
    entries_.push_back(Entry{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(pointer.size()),
                             line, column});
    text_.append(pointer);
}

void LocationMap::finish() {
    // Stable: of two equal pointers the later (last written) one comes last.
    std::stable_sort(entries_.begin(), entries_.end(),
                     [this](const Entry& a, const Entry& b) { return key(a) < key(b); });
    // Keep the last of equal pointers only.
    std::vector<Entry> unique;
    unique.reserve(entries_.size());
    for (const auto& e : entries_) {
        if (!unique.empty() && key(unique.back()) == key(e)) unique.back() = e;
        else unique.push_back(e);
    }
    entries_ = std::move(unique);
    entries_.shrink_to_fit();
    text_.shrink_to_fit();
    sorted_ = entries_.size();
}

std::optional<SourceLocation> LocationMap::find(std::string_view pointer) const {
    // The unsorted tail first, newest first: it holds the latest additions.
    for (std::size_t i = entries_.size(); i-- > sorted_;)
        if (key(entries_[i]) == pointer) return SourceLocation{file_, entries_[i].line, entries_[i].column};
    auto end = entries_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    auto it = std::lower_bound(entries_.begin(), end, pointer,
                               [this](const Entry& e, std::string_view p) { return key(e) < p; });
    if (it != end && key(*it) == pointer) return SourceLocation{file_, it->line, it->column};
    return std::nullopt;
}

LocationMap::Slot& LocationMap::Slot::operator=(const SourceLocation& where) {
    if (map.file_.empty()) map.file_ = where.file;
    map.add(pointer, where.line, where.column);
    return *this;
}

SourceLocation DesiredAgent::location_of(std::string_view pointer) const {
    std::string p(pointer);
    while (true) {
        if (auto found = locations.find(p)) return *found;
        if (p.empty()) return where;
        auto slash = p.rfind('/');
        p.resize(slash == std::string::npos ? 0 : slash);
    }
}

}  // namespace reconcile
