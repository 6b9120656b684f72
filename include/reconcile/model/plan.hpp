#pragma once
// A Plan is plain data: the steps apply will carry out, each with what it changes and why.
// Apply executes exactly a plan and nothing else.
#include <optional>
#include <string>
#include <vector>

#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/shard.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

enum class ActionKind { Create, Update, ProvisionCall, Delete };
std::string_view to_string(ActionKind a);
std::optional<ActionKind> action_from_string(std::string_view s);

struct FieldChange {
    std::string path;             // display path: "settings.voice.interaction.max_silence_prompts"
    json::value before;           // live value (normalized); null when absent
    json::value after;            // desired value (normalized)
    bool collection = false;      // an array the API replaces whole
};

struct HttpCall {
    std::string method;           // GET/POST/PATCH/DELETE
    std::string path;             // under the API base, e.g. "/agents/{uuid}"; "{uuid}" of a
                                  // create-then-provision is filled in at apply time
    json::value body;             // null when none
};

// What must still hold at apply time for the step to be valid.
struct Precondition {
    std::string agent_fingerprint;   // sha256 of the normalized live agent ("" for a create)
    std::vector<std::string> ignored_fields;  // left out of the fingerprint (owned by the dashboard)
    std::string updated_at;          // live updated_at at plan time
    bool name_absent = false;        // create: no live agent has this name
    std::string phone_number_uuid;   // provision: the number
    std::string bound_agent_uuid;    // provision: its call binding at plan time ("" = unbound)
};

// A request-body value that came from `${env:NAME}`. Plan files keep the template, never the
// value; apply resolves it again and compares the keyed fingerprint to notice a changed secret.
struct PlanSecret {
    std::string pointer;        // JSON pointer into request.body
    std::string template_text;  // e.g. "Bearer ${env:CRM_TOKEN}"
    std::string fingerprint;    // HMAC-SHA-256 of the value, keyed with the API token
};

struct PlanStep {
    ActionKind action = ActionKind::Update;
    std::string agent_name;
    std::string agent_uuid;          // empty when the agent is created by an earlier step
    SourceLocation source;           // the document that asked for it
    HttpCall request;
    std::vector<FieldChange> changes;
    std::vector<std::string> notes;  // reasons and warnings shown with the step
    Precondition precondition;
    std::string phone_number;        // provision: E.164 for display
    std::vector<PlanSecret> secrets; // body values to resolve from the environment at apply
};

struct PlanCounts {
    std::size_t create = 0, update = 0, provision = 0, remove = 0;
};

struct Plan {
    static constexpr int kFormatVersion = 2;
    int format_version = kFormatVersion;
    std::string api_url;
    std::string inputs_digest;
    Shard shard;                     // the part of the repository planned (--shard K/N)
    std::vector<PlanStep> steps;
    std::vector<std::string> unchanged_agents;  // managed agents already as desired

    PlanCounts counts() const;
    bool has_changes() const { return !steps.empty(); }
};

}  // namespace reconcile
