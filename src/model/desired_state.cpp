#include "reconcile/model/desired_state.hpp"

#include <algorithm>

#include "reconcile/util/digest.hpp"

namespace reconcile {

std::uint32_t LocationMap::file_index(const std::string& file) {
    for (std::size_t i = 0; i < files_.size(); ++i)
        if (files_[i] == file) return static_cast<std::uint32_t>(i);
    files_.push_back(file);
    return static_cast<std::uint32_t>(files_.size() - 1);
}

void LocationMap::set_file(const std::string& file) { current_file_ = file_index(file); }

namespace {

constexpr std::uint64_t kMaxPosition = (1u << 23) - 1;  // 8,388,607
constexpr std::uint64_t kMaxFile = (1u << 18) - 1;

std::uint64_t clamp_position(int n) {
    return n < 0 ? 0 : std::min<std::uint64_t>(static_cast<std::uint64_t>(n), kMaxPosition);
}

}  // namespace

void LocationMap::add(std::string_view pointer, int line, int column) {
    if (files_.empty()) files_.emplace_back();
    const std::uint64_t file = std::min<std::uint64_t>(current_file_, kMaxFile);
    entries_.push_back(Entry{fnv1a64(pointer), clamp_position(line) << 41 | clamp_position(column) << 18 | file});
    if (keep_text_) {
        spans_.push_back(Span{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(pointer.size())});
        text_.append(pointer);
    }
}

SourceLocation LocationMap::location(const Entry& e) const {
    const auto line = static_cast<int>(e.packed >> 41);
    const auto column = static_cast<int>(e.packed >> 18 & kMaxPosition);
    return SourceLocation{files_[e.packed & kMaxFile], line, column};
}

std::pair<std::string_view, SourceLocation> LocationMap::at(std::size_t i) const {
    return {pointer(i), location(entries_[i])};
}

void LocationMap::finish() {
    // Stable: of two equal pointers the later (last written) one comes last.
    std::vector<std::uint32_t> order(entries_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) {
        if (entries_[a].hash != entries_[b].hash) return entries_[a].hash < entries_[b].hash;
        return keep_text_ && pointer(a) < pointer(b);
    });
    // Keep the last of equal pointers only.
    std::vector<Entry> unique;
    std::vector<Span> unique_spans;
    unique.reserve(order.size());
    if (keep_text_) unique_spans.reserve(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::uint32_t i = order[k];
        const bool same = k > 0 && records(order[k - 1], entries_[i].hash, keep_text_ ? pointer(i) : std::string_view());
        if (same) {
            unique.back() = entries_[i];
            if (keep_text_) unique_spans.back() = spans_[i];
        } else {
            unique.push_back(entries_[i]);
            if (keep_text_) unique_spans.push_back(spans_[i]);
        }
    }
    entries_ = std::move(unique);
    spans_ = std::move(unique_spans);
    entries_.shrink_to_fit();
    spans_.shrink_to_fit();
    text_.shrink_to_fit();
    sorted_ = entries_.size();
}

std::optional<SourceLocation> LocationMap::find(std::string_view p) const {
    const std::uint64_t hash = fnv1a64(p);
    // The unsorted tail first, newest first: it holds the latest additions.
    for (std::size_t i = entries_.size(); i-- > sorted_;)
        if (records(i, hash, p)) return location(entries_[i]);
    auto end = entries_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    auto it = std::lower_bound(entries_.begin(), end, hash, [](const Entry& e, std::uint64_t h) { return e.hash < h; });
    for (; it != end && it->hash == hash; ++it)
        if (records(static_cast<std::size_t>(it - entries_.begin()), hash, p)) return location(*it);
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
