#pragma once
// Which live agent each document manages, shared by plan and drift so both read a repository
// the same way: a pinned `uuid:` claims its agent first; an unpinned document takes the one
// live agent with its exact (trimmed) name. Pure.
#include <string>
#include <unordered_set>
#include <vector>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/live_state.hpp"

namespace reconcile {

enum class MatchKind {
    Live,           // manages `live`
    Absent,         // no live agent has the name: plan creates it, drift reports it missing
    PinnedMissing,  // the pinned uuid is not in the workspace
    Error,          // ambiguous name or an agent another document already manages (see diagnostics)
};

struct DocumentMatch {
    MatchKind kind = MatchKind::Error;
    const LiveAgent* live = nullptr;
};

struct Matching {
    std::vector<DocumentMatch> documents;        // one per desired agent, in document order
    std::vector<Diagnostics> diagnostics;        // one list per desired agent
    std::unordered_set<std::string> referenced;  // live uuids some document names (or could)
};

Matching match_documents(const DesiredState& desired, const LiveState& live);

// The workspace number a call binding names (by uuid, or by number ignoring spaces, dashes,
// dots and parentheses), or nullptr.
const PhoneNumber* find_phone_number(const CallBinding& call, const std::vector<PhoneNumber>& numbers);

}  // namespace reconcile
