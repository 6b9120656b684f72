#pragma once
// The agent schema (schemas/agent.schema.json) drives everything that is specific to the Mihu
// agent: field types (how a YAML scalar is typed), enums, read-only fields, which objects the
// API merges on PATCH and which it replaces. Supporting a new field is a schema edit.
//
// Supported JSON Schema subset: type (string or list, "null" for nullable), enum, properties,
// additionalProperties (bool), items, $ref to "#/$defs/NAME", readOnly, description, default,
// examples, minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers), minLength, maxLength,
// pattern (ECMAScript regex, compiled once here), format, plus
// "x-patch": "merge" | "replace" | "whole" on objects (default merge; arrays are always replaced
// whole), "x-reconciler": true on the keys that belong to the reconciler, not to the API body
// (`uuid:`, `channels:`): they are read by the loader and never compared, sent or exported
// as API fields, and "x-undocumented": true on fields the API's PATCH page does not document.
// Other keywords (not, minProperties, deprecated, ...) are for editors and are ignored here.
// The keyword values are checked: a malformed one (a negative minLength, a pattern that does
// not compile) makes parse() fail.
#include <cstddef>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/util/json.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

enum class JsonType { Null, Boolean, Integer, Number, String, Object, Array };
std::string_view to_string(JsonType t);

// How an object is updated by PATCH. Merge: only the changed leaves are sent (the API merges).
// Replace: the desired object is sent as written (the API replaces it). Whole: when anything in
// it changes, the complete object is sent, live values kept for the fields the document leaves
// out; right whether the API merges or replaces the object.
enum class PatchMode { Merge, Replace, Whole };

struct SchemaNode {
    std::vector<JsonType> types;             // empty = any type
    std::vector<std::string> enum_values;    // string enums; empty = unconstrained
    bool read_only = false;
    bool reconciler = false;                 // "x-reconciler": a repository key, not an API field
    bool undocumented = false;               // "x-undocumented": not in the documented PATCH body
    PatchMode patch = PatchMode::Merge;
    std::string description;
    std::optional<json::value> default_value;  // "default", as written in the schema
    std::vector<json::value> examples;         // "examples"

    // numbers
    std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;

    // strings (lengths in Unicode code points, as JSON Schema counts them)
    std::optional<std::size_t> min_length, max_length;
    std::string pattern;                       // source text; empty = none
    std::shared_ptr<const std::regex> pattern_regex;  // compiled once, shared by $ref copies
    std::string format;                        // e.g. "iso-639-1", "iana-time-zone"

    // objects
    std::map<std::string, std::shared_ptr<SchemaNode>, std::less<>> properties;
    std::vector<std::string> property_order;  // declaration order = the API's key order
    bool additional_properties = true;        // false: unknown keys are errors
    std::vector<std::string> required;

    // arrays
    std::shared_ptr<SchemaNode> items;

    bool allows(JsonType t) const;
    bool is_object() const { return allows(JsonType::Object) && !properties.empty(); }
    bool is_array() const { return allows(JsonType::Array); }
    bool has_number_bounds() const {
        return minimum || maximum || exclusive_minimum || exclusive_maximum;
    }
    // JSON Schema's pattern semantics: the regex may match anywhere in the string.
    bool matches_pattern(std::string_view s) const;
    // The type a YAML scalar should take: String if the schema allows a string, else the
    // first non-null scalar type. Used so that `language: no` stays "no".
    const SchemaNode* property(std::string_view name) const;
    // Property names, for "did you mean" suggestions.
    std::vector<std::string> property_names() const;
};

class Schema {
public:
    static std::expected<Schema, std::string> parse(std::string_view json_text);
    // The agent schema compiled into the binary.
    static const Schema& agent();
    // Its JSON text (export writes it beside the agent files for editors).
    static std::string_view agent_text();

    const SchemaNode& root() const { return *root_; }

private:
    std::shared_ptr<SchemaNode> root_;
};

}  // namespace reconcile
