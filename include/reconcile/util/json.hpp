#pragma once
// Small helpers over boost::json shared by every stage.
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace reconcile {

namespace json = boost::json;

// Pretty printer with two-space indent (plan files, export debugging).
std::string to_pretty_json(const json::value& v);

// Canonical JSON text: compact, object members sorted by key (bytewise) at every depth, arrays
// in order, strings and numbers written exactly as json::serialize writes them. The one writer
// behind fingerprints (which drop null members: a missing member counts as null) and the
// saved plan's MAC (which keeps them).
struct CanonicalJsonOptions {
    bool drop_null_members = false;
    std::string_view omit_top_member;  // a member of the outermost object left out (a MAC's own)
};
void append_canonical_json(std::string& out, const json::value& v, CanonicalJsonOptions options = {});
void append_canonical_json(std::string& out, const json::object& o, CanonicalJsonOptions options = {});
std::string canonical_json(const json::value& v, CanonicalJsonOptions options = {});
// A string as a JSON string literal (quotes and escapes as json::serialize writes them).
void append_json_string(std::string& out, std::string_view s);

// RFC 6901 pointer helpers: "/settings/voice" and escaping of '~' and '/'.
std::string pointer_append(std::string_view pointer, std::string_view token);
std::string pointer_append(std::string_view pointer, std::size_t index);
// "/settings/voice/interaction" -> "settings.voice.interaction"; "/guidelines/0/content" ->
// "guidelines[0].content". Used in messages and plan output.
std::string pointer_to_display(std::string_view pointer);

// Value at a pointer, or nullptr.
const json::value* find_pointer(const json::value& root, std::string_view pointer);
json::value* find_pointer(json::value& root, std::string_view pointer);

std::optional<std::string> get_string(const json::object& o, std::string_view key);

// A double holding a whole number in int64 range (so it can be written as an integer).
bool whole_in_int64(double d);

// Replaces `slot` with `from`, keeping the memory resource `from` was built in. Boost.JSON's
// move assignment copies whenever the two resources differ, so a tree built in a per-document
// arena would otherwise be copied out of it, element by element, onto the heap.
template <class T>
void adopt_json(T& slot, T&& from) noexcept {
    std::destroy_at(&slot);
    std::construct_at(&slot, std::move(from));  // the move constructor takes the resource along
}

// A short one-line rendering of a value for plan output ("\"text\"", 3, true, null, [2 items]).
std::string short_value(const json::value& v, std::size_t max_len = 80);

}  // namespace reconcile
