#pragma once
// Fields owned by the dashboard (Argo CD's ignoreDifferences, Terraform's ignore_changes): a
// document's `ignore:` list and reconcile.yaml's `ignore:` name field paths that are never
// compared, sent or reported as drift. "status", "settings.voice.voice_profile.voice_name",
// "routing_rules[*].is_active" (`[*]` or `[]`: every item of a list).
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/model/field_pattern.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

// Calls `visit(pointer)` for every place in `root` the pattern names that exists.
void for_each_match(const json::value& root, const FieldPattern& pattern,
                    const std::function<void(const std::string& pointer)>& visit);

// Removes every matched member from `root`.
void remove_matches(json::value& root, const std::vector<FieldPattern>& patterns);

// Where a request body carries an object (a list item sent whole, an object sent whole) whose
// matched member it lacks, the live value is put back, so that sending the object does not reset
// a field the document does not own.
void keep_live_values(json::value& body, const json::value& live, const std::vector<FieldPattern>& patterns,
                      const SchemaNode& root);

}  // namespace reconcile
