#pragma once
// The desired-state model: what the YAML documents in the repository say.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/secret_value.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

// `channels: {call: {phone_number: "+39..."}}` or `{call: {phone_number_uuid: "..."}}`.
struct CallBinding {
    std::optional<std::string> phone_number;       // E.164
    std::optional<std::string> phone_number_uuid;
    SourceLocation where;                          // of the `call:` key
};

// A string that references `${env:NAME}`. The document body keeps the template as written;
// the expanded value lives only here, as a SecretValue: plans, drift reports and messages show
// the template, and only comparing, fingerprinting and apply's request use the value.
struct SecretRef {
    std::string pointer;                 // JSON pointer into the body
    std::string template_text;           // the string as written, e.g. "Bearer ${env:CRM_TOKEN}"
    std::vector<std::string> variables;  // NAMEs referenced
    std::optional<SecretValue> value;    // the expanded text; nullopt when a variable is unset
};

// JSON pointer -> where that key or value was written, for one document. Compact, because a
// fleet holds one per document (about 140 entries for a large agent): file names are stored
// once (a document merged with a base holds positions in both files), and an entry is 16
// bytes, the pointer's 64-bit FNV-1a hash and its packed position. The pointers' text is kept
// only when asked (keep_pointers(); the map can then be iterated): a base document's
// positions are copied to the documents that extend it. Two pointers of one document with
// the same hash would share a position (about 1 in 10^15 for a document of 140 entries).
// Entries are appended while reading and sorted once by finish(); a pointer recorded twice
// keeps its last position. Lines and columns past 8,388,607 are stored as that number.
class LocationMap {
public:
    LocationMap() = default;
    // {{"/a", {"file.yaml", 2, 1}}, ...}: tests and fixtures. Keeps the pointers.
    LocationMap(std::initializer_list<std::pair<std::string_view, SourceLocation>> entries) {
        keep_pointers();
        for (const auto& [pointer, where] : entries) (*this)[pointer] = where;
    }
    // Keep each pointer's text, so that the map can be iterated. Before the first add().
    void keep_pointers() { keep_text_ = true; }
    bool keeps_pointers() const { return keep_text_; }
    // The file of the positions add() records.
    void set_file(const std::string& file);
    void add(std::string_view pointer, int line, int column);
    // Sorts for look-ups; add() after it is allowed (look-ups then scan the unsorted tail).
    void finish();
    std::optional<SourceLocation> find(std::string_view pointer) const;
    std::size_t count(std::string_view pointer) const { return find(pointer) ? 1 : 0; }
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }

    // `locations["/uuid"] = SourceLocation{...}`: sets one entry (any file).
    struct Slot {
        LocationMap& map;
        std::string pointer;
        Slot& operator=(const SourceLocation& where);
    };
    Slot operator[](std::string_view pointer) { return Slot{*this, std::string(pointer)}; }

    // Iteration, in storage order: (pointer, location) pairs made on the fly. Only for a map
    // that keeps its pointers (an empty range otherwise).
    class const_iterator {
    public:
        const_iterator(const LocationMap* m, std::size_t i) : map_(m), i_(i) {}
        std::pair<std::string_view, SourceLocation> operator*() const { return map_->at(i_); }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator!=(const const_iterator& o) const { return i_ != o.i_; }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
        const LocationMap* map_;
        std::size_t i_;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, keep_text_ ? entries_.size() : 0}; }

private:
    struct Entry {
        std::uint64_t hash;
        std::uint64_t packed;  // line (23 bits) | column (23 bits) | file index (18 bits)
    };
    struct Span {
        std::uint32_t offset, length;  // of the pointer in text_, when the text is kept
    };
    std::pair<std::string_view, SourceLocation> at(std::size_t i) const;
    SourceLocation location(const Entry& e) const;
    std::string_view pointer(std::size_t i) const {
        return std::string_view(text_).substr(spans_[i].offset, spans_[i].length);
    }
    // Entry i records `pointer` (same hash, and the same text when it is kept).
    bool records(std::size_t i, std::uint64_t hash, std::string_view pointer) const {
        return entries_[i].hash == hash && (!keep_text_ || this->pointer(i) == pointer);
    }
    std::uint32_t file_index(const std::string& file);
    std::vector<std::string> files_;
    std::uint32_t current_file_ = 0;
    bool keep_text_ = false;
    std::string text_;
    std::vector<Span> spans_;      // parallel to entries_, when the text is kept
    std::vector<Entry> entries_;
    std::size_t sorted_ = 0;  // entries_[0, sorted_) are sorted by hash
};

struct DesiredAgent {
    std::string name;                    // trimmed, as the API will store it
    std::optional<std::string> uuid;     // `uuid:` pins the document to a live agent
    json::object body;                   // API fields only (no reconciler keys), typed per schema;
                                         // strings that reference ${env:} hold the template
    std::optional<CallBinding> call;
    SourceLocation where;                // start of the document
    // JSON pointer (into body) -> where that key/value was written. "" = the document itself.
    // Array elements are recorded too ("/guidelines/0"), and so are the reconciler keys
    // ("/uuid", "/channels/call/phone_number") although they are not in the body.
    LocationMap locations;
    std::vector<SecretRef> secrets;
    // `ignore:` field paths the dashboard owns ("status", "routing_rules[*].is_active").
    std::vector<std::string> ignore_fields;

    // Location of a pointer, or of its nearest written ancestor.
    SourceLocation location_of(std::string_view pointer) const;
};

struct DesiredState {
    std::vector<DesiredAgent> agents;
    std::vector<std::string> files;      // every file read, repo-relative, sorted
    std::string inputs_digest;           // sha256 over file names and contents
    // Every value read through ${env:}: the last-resort redactor masks them in printed text.
    std::vector<SecretValue> secret_values;
};

}  // namespace reconcile
