#pragma once
// Small helpers over boost::json shared by every stage.
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

namespace json = boost::json;

// Boost.JSON reads a number too large for a double as infinity and writes infinity as
// `Infinity`, which is not JSON. Our writers (the pretty and canonical ones below, and a live
// agent's text) write it as 1e99999 or -1e99999, which read back as the same infinity.
inline constexpr std::string_view kJsonInfinity = "1e99999";
// For text json::serializer wrote: `Infinity` outside strings becomes kJsonInfinity in place.
void write_infinities_as_json(std::string& json_text);

// Pretty printer with two-space indent (plan files, export debugging).
std::string to_pretty_json(const json::value& v);

// Canonical JSON text: compact, object members sorted by key (bytewise) at every depth, arrays
// in order, strings and numbers written as json::serialize writes them (infinity as above). The one writer
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

// A bump allocator for JSON trees that live and die together (one document): allocation is a
// pointer increment, deallocation nothing, and used() tells how many bytes the tree took, so
// that a finished tree can be copied into an arena of exactly that size. An arena made with
// `heap_when_full` has one block: once it is full, it hands out heap memory and frees it
// again. Boost.JSON gives a copy of a value the value's own resource, so every copy of a part
// of a kept document (a diff, a normalized field) would otherwise stay in the arena for as
// long as the document lives. Allocation from the block is not thread-safe.
class JsonArena final : public json::memory_resource {
public:
    explicit JsonArena(std::size_t first_block = 4096, bool heap_when_full = false)
        : next_block_(first_block), heap_when_full_(heap_when_full) {}
    JsonArena(const JsonArena&) = delete;
    JsonArena& operator=(const JsonArena&) = delete;
    ~JsonArena() override;
    // Bytes handed out since construction or reset(), alignment padding included.
    std::size_t used() const { return used_; }
    // Forgets every allocation (the trees in the arena must be gone); keeps the largest block.
    void reset();

private:
    void* do_allocate(std::size_t bytes, std::size_t align) override;
    void do_deallocate(void* p, std::size_t bytes, std::size_t align) override;
    bool owns(const void* p) const;
    bool do_is_equal(const json::memory_resource& other) const noexcept override { return this == &other; }
    struct Block {
        std::byte* data;
        std::size_t size;
    };
    std::vector<Block> blocks_;
    std::size_t offset_ = 0;  // in blocks_.back()
    std::size_t next_block_;
    std::size_t used_ = 0;
    bool heap_when_full_;
};

// A copy of `v` in a `heap_when_full` arena of its own, sized by `bytes` (from
// JsonArena::used() of the arena it was built in): the tree becomes one allocation.
json::value copy_into_own_arena(const json::value& v, std::size_t bytes);

// A short one-line rendering of a value for plan output ("\"text\"", 3, true, null, [2 items]).
std::string short_value(const json::value& v, std::size_t max_len = 80);

}  // namespace reconcile
