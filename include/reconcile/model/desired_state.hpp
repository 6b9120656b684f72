#pragma once
// The desired-state model: what the YAML documents in the repository say.
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
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
    std::unordered_map<std::string, SourceLocation> locations;
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
