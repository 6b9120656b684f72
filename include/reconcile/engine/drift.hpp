#pragma once
// `reconcile drift`: where the workspace no longer matches git, the way Argo CD reports an
// application out of sync. Documents are matched to live agents by the planner's rules (a
// pinned `uuid:`, else the exact trimmed name); fields are compared with diff_agent, so drift
// and plan always agree on what differs. Pure: no I/O. Renderings: report/drift_report.hpp.
#include <optional>
#include <string>
#include <vector>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/live_state.hpp"
#include "reconcile/model/plan.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/model/shard.hpp"

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
    // NotInGit: the agent holds the call channel of a number its document does not name (a
    // number move whose old binding the API cannot release, or a binding made by hand).
    enum class Kind { Unbound, HeldByOther, NumberMissing, NotInGit };
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
    std::vector<std::string> ignored_unmanaged;  // unmanaged, but prune.ignore names them: not drift
    // Documents that cannot be matched (a name shared by several live agents, a live agent two
    // documents claim) and call channels that cannot be checked; they name the document.
    Diagnostics diagnostics;

    // Anything at all differs between git and the workspace (unmanaged agents included).
    bool has_drift() const;
    // Only what the documents manage differs: unmanaged agents do not count.
    bool has_managed_drift() const;
};

struct DriftOptions {
    std::vector<std::string> ignore_fields;     // reconcile.yaml `ignore:` (documents add their own)
    std::vector<std::string> unmanaged_ignore;  // prune.ignore: agents left unmanaged on purpose
    Shard shard;  // only this shard's documents and unmanaged agents (as the planner's --shard)
};

DriftReport detect_drift(const DesiredState& desired, const LiveState& live, const Schema& schema,
                         const DriftOptions& options = {});

}  // namespace reconcile
