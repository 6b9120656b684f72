#pragma once
// `reconcile drift`: where the workspace no longer matches git, the way Argo CD reports an
// application out of sync. Documents are matched to live agents by the planner's rules (a
// pinned `uuid:`, else the exact trimmed name); fields are compared with diff_agent, so drift
// and plan always agree on what differs. Pure: no I/O.
#include <optional>
#include <string>
#include <vector>

#include "reconcile/desired_state.hpp"
#include "reconcile/diagnostics.hpp"
#include "reconcile/live_state.hpp"
#include "reconcile/plan.hpp"
#include "reconcile/render_markdown.hpp"
#include "reconcile/schema.hpp"

namespace reconcile {

// A managed agent whose live fields differ from its document. In each FieldChange, `before` is
// the live value and `after` the value in git (both normalized; ${env:} values shown as their
// template).
struct DriftedAgent {
    std::string name;
    std::string uuid;
    SourceLocation source;
    std::vector<FieldChange> fields;
};

// A document whose agent is not in the workspace.
struct MissingAgent {
    std::string name;
    std::optional<std::string> pinned_uuid;   // set when the document pins a uuid that is gone
    SourceLocation source;
};

// A live agent no document manages (neither pinned nor named by one).
struct UnmanagedAgent {
    std::string name;
    std::string uuid;
    std::string updated_at;
};

// A document's call channel that the workspace does not give the agent.
struct ChannelDrift {
    enum class Kind { Unbound, HeldByOther, NumberMissing };
    Kind kind = Kind::Unbound;
    std::string agent_name;
    std::string agent_uuid;
    SourceLocation source;             // of `channels.call`
    std::string phone_number;          // as the workspace spells it (as written, if missing)
    std::string phone_number_uuid;     // "" when the number is missing
    std::string holder_uuid;           // HeldByOther: the agent the binding holds
    std::string holder_name;
};
std::string_view to_string(ChannelDrift::Kind k);

struct DriftReport {
    std::vector<DriftedAgent> drifted;         // document order
    std::vector<MissingAgent> missing;         // document order
    std::vector<UnmanagedAgent> unmanaged;     // sorted by name, then uuid
    std::vector<ChannelDrift> channels;        // document order
    std::vector<std::string> in_sync;          // names of managed agents that match git
    // Documents that cannot be matched (a name shared by several live agents, a live agent two
    // documents claim) and call channels that cannot be checked; they name the document.
    Diagnostics diagnostics;

    // Anything at all differs between git and the workspace (unmanaged agents included).
    bool has_drift() const;
    // Only what the documents manage differs: unmanaged agents do not count.
    bool has_managed_drift() const;
};

DriftReport detect_drift(const DesiredState& desired, const LiveState& live, const Schema& schema);

struct DriftRenderOptions {
    std::size_t context_lines = 3;          // around changed lines of multi-line texts
};

// Plain text for a terminal: one block per drifted agent (`live` vs `git` per field, multi-line
// texts as a line diff from git to live), then missing, unmanaged and channel drift, and a
// closing summary line.
std::string render_drift_text(const DriftReport& report, const DriftRenderOptions& options = {});
// {"format_version", "has_drift", "summary", "drifted", "missing", "unmanaged", "channels",
//  "in_sync", "diagnostics"}.
json::value drift_to_json(const DriftReport& report);
// For an issue or PR comment: a summary, then each drifted agent in a collapsible block with a
// ```diff listing ("-" git, "+" live); fits options.max_chars like the plan comment.
std::string render_drift_markdown(const DriftReport& report, const MarkdownOptions& options = {});

}  // namespace reconcile
