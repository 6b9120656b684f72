// Drift: git (the documents) against the workspace (live agents and phone bindings).
#include "reconcile/engine/drift.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "reconcile/engine/document_diff.hpp"
#include "reconcile/engine/matching.hpp"
#include "reconcile/engine/secrets.hpp"
#include "reconcile/engine/shard.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

// Call bindings the agent holds on numbers the document does not name.
std::vector<ChannelDrift> extra_bindings(const DesiredAgent& d, const LiveAgent& agent, const LiveState& live) {
    std::vector<ChannelDrift> out;
    const PhoneNumber* named = find_phone_number(*d.call, live.phone_numbers);
    for (const auto& n : live.phone_numbers) {
        if (!n.call_bound || n.call_agent_uuid != agent.uuid || &n == named) continue;
        ChannelDrift drift;
        drift.kind = ChannelDrift::Kind::NotInGit;
        drift.agent_name = d.name;
        drift.agent_uuid = agent.uuid;
        drift.source = d.call->where;
        drift.phone_number = n.number;
        drift.phone_number_uuid = n.uuid;
        out.push_back(std::move(drift));
    }
    return out;
}

// The document's call channel against the workspace's bindings; nullopt when it holds.
std::optional<ChannelDrift> check_channel(const DesiredAgent& d, const LiveAgent& agent, const LiveState& live) {
    const CallBinding& call = *d.call;
    ChannelDrift drift;
    drift.agent_name = d.name;
    drift.agent_uuid = agent.uuid;
    drift.source = call.where;
    drift.phone_number = call.phone_number.value_or(call.phone_number_uuid.value_or(""));
    const PhoneNumber* number = find_phone_number(call, live.phone_numbers);
    if (!number) {
        drift.kind = ChannelDrift::Kind::NumberMissing;
        return drift;
    }
    drift.phone_number = number->number;
    drift.phone_number_uuid = number->uuid;
    if (number->call_bound && number->call_agent_uuid == agent.uuid) return std::nullopt;
    if (number->call_bound) {
        drift.kind = ChannelDrift::Kind::HeldByOther;
        drift.holder_uuid = number->call_agent_uuid;
        drift.holder_name = number->call_agent_name;
    }
    return drift;
}

}  // namespace

std::string_view to_string(ChannelDrift::Kind k) {
    switch (k) {
        case ChannelDrift::Kind::Unbound: return "unbound";
        case ChannelDrift::Kind::HeldByOther: return "held_by_other";
        case ChannelDrift::Kind::NumberMissing: return "number_missing";
        case ChannelDrift::Kind::NotInGit: return "not_in_git";
    }
    return "?";
}

bool DriftReport::has_managed_drift() const { return !drifted.empty() || !missing.empty() || !channels.empty(); }
bool DriftReport::has_drift() const { return has_managed_drift() || !unmanaged.empty(); }

DriftReport detect_drift(const DesiredState& desired, const LiveState& live, const Schema& schema,
                         const DriftOptions& options) {
    DriftReport report;
    const Matching m = match_documents(desired, live);
    for (std::size_t i = 0; i < desired.agents.size(); ++i) {
        const DesiredAgent& d = desired.agents[i];
        if (!in_shard(d.name, options.shard)) continue;
        for (const auto& diag : m.diagnostics[i]) report.diagnostics.push_back(diag);
        const DocumentMatch& match = m.documents[i];
        if (match.kind == MatchKind::Absent)
            report.missing.push_back(MissingAgent{d.name, std::nullopt, d.where});
        if (match.kind == MatchKind::PinnedMissing)
            report.missing.push_back(MissingAgent{d.name, d.uuid, d.location_of("/uuid")});
        const LiveAgent* agent = match.kind == MatchKind::Live ? match.live : nullptr;
        if (!agent) continue;
        std::vector<std::string> ignored = options.ignore_fields;
        ignored.insert(ignored.end(), d.ignore_fields.begin(), d.ignore_fields.end());
        auto diff = diff_document(d, agent->body(), schema, parse_field_patterns(ignored));
        const bool fields_match = diff.changes.empty();
        if (!fields_match) report.drifted.push_back(DriftedAgent{d.name, agent->uuid, d.where, std::move(diff.changes)});

        bool channel_holds = true;
        if (d.call && (d.call->phone_number || d.call->phone_number_uuid)) {
            if (!live.phone_numbers_loaded) {
                report.diagnostics.push_back(make_error(d.call->where, "agent " + quoted(d.name) +
                                                                           ": the workspace's phone numbers were not "
                                                                           "read, so the call channel cannot be checked"));
            } else {
                const auto before = report.channels.size();
                if (auto c = check_channel(d, *agent, live)) report.channels.push_back(std::move(*c));
                for (auto& extra : extra_bindings(d, *agent, live)) report.channels.push_back(std::move(extra));
                channel_holds = report.channels.size() == before;
            }
        }
        if (fields_match && channel_holds) report.in_sync.push_back(d.name);
    }
    for (const auto& a : live.agents) {
        if (m.referenced.count(a.uuid) || !in_shard(a.name, options.shard)) continue;
        const bool ignored = std::any_of(options.unmanaged_ignore.begin(), options.unmanaged_ignore.end(),
                                         [&](const std::string& g) { return glob_match_text(g, php_trim(a.name)); });
        if (ignored) report.ignored_unmanaged.push_back(a.name);
        else report.unmanaged.push_back(UnmanagedAgent{a.name, a.uuid, a.updated_at});
    }
    std::sort(report.unmanaged.begin(), report.unmanaged.end(), [](const UnmanagedAgent& x, const UnmanagedAgent& y) {
        return std::tie(x.name, x.uuid) < std::tie(y.name, y.uuid);
    });
    return report;
}

}  // namespace reconcile
