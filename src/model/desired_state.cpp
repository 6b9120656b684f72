#include "reconcile/model/desired_state.hpp"

#include <algorithm>

namespace reconcile {

std::uint32_t LocationMap::file_index(const std::string& file) {
    for (std::size_t i = 0; i < files_.size(); ++i)
        if (files_[i] == file) return static_cast<std::uint32_t>(i);
    files_.push_back(file);
    return static_cast<std::uint32_t>(files_.size() - 1);
}

void LocationMap::set_file(const std::string& file) { current_file_ = file_index(file); }

void LocationMap::add(std::string_view pointer, int line, int column) {
    if (files_.empty()) files_.emplace_back();
    entries_.push_back(Entry{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(pointer.size()),
                             line, column, current_file_});
    text_.append(pointer);
}

std::pair<std::string_view, SourceLocation> LocationMap::at(std::size_t i) const {
    return {key(entries_[i]), location(entries_[i])};
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
        if (key(entries_[i]) == pointer) return location(entries_[i]);
    auto end = entries_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    auto it = std::lower_bound(entries_.begin(), end, pointer,
                               [this](const Entry& e, std::string_view p) { return key(e) < p; });
    if (it != end && key(*it) == pointer) return location(*it);
    return std::nullopt;
}

LocationMap::Slot& LocationMap::Slot::operator=(const SourceLocation& where) {
    const auto saved = map.files_.empty() ? 0 : map.current_file_;
    map.set_file(where.file);
    map.add(pointer, where.line, where.column);
    map.current_file_ = saved;
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
