#include "reconcile/engine/matching.hpp"

#include <unordered_map>

#include "reconcile/util/phone.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

const PhoneNumber* find_phone_number(const CallBinding& call, const std::vector<PhoneNumber>& numbers) {
    for (const auto& n : numbers) {
        bool hit = call.phone_number_uuid ? n.uuid == *call.phone_number_uuid
                                          : call.phone_number && phone_key(n.number) == phone_key(*call.phone_number);
        if (hit) return &n;
    }
    return nullptr;
}

Matching match_documents(const DesiredState& desired, const LiveState& live) {
    const auto& docs = desired.agents;
    Matching m;
    m.documents.resize(docs.size());
    m.diagnostics.resize(docs.size());

    std::unordered_map<std::string, const LiveAgent*> by_uuid;
    std::unordered_map<std::string, std::vector<const LiveAgent*>> by_name;
    for (const auto& a : live.agents) {
        by_uuid.emplace(a.uuid, &a);
        by_name[std::string(php_trim(a.name))].push_back(&a);
    }

    std::unordered_map<std::string, std::size_t> claimed;  // live uuid -> document index
    auto claim = [&](std::size_t i, const LiveAgent* a, const SourceLocation& where) {
        m.referenced.insert(a->uuid);
        auto [it, inserted] = claimed.emplace(a->uuid, i);
        if (!inserted) {
            m.diagnostics[i].push_back(make_error(
                where, "agent " + quoted(docs[i].name) + ": live agent " + quoted(a->name) + " (" + a->uuid +
                           ") is already managed by the document at " + docs[it->second].where.str() +
                           "; pin this one to another agent with `uuid:`, rename it, or remove it"));
            m.documents[i].kind = MatchKind::Error;
            return;
        }
        m.documents[i] = DocumentMatch{MatchKind::Live, a};
    };

    // Pinned documents first, so a name match can never take an agent another document pins.
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto& d = docs[i];
        if (!d.uuid) continue;
        auto it = by_uuid.find(*d.uuid);
        if (it == by_uuid.end()) m.documents[i].kind = MatchKind::PinnedMissing;
        else claim(i, it->second, d.location_of("/uuid"));
    }
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto& d = docs[i];
        if (d.uuid) continue;
        auto it = by_name.find(std::string(php_trim(d.name)));
        if (it == by_name.end()) {
            m.documents[i].kind = MatchKind::Absent;
        } else if (it->second.size() > 1) {
            std::string uuids;
            for (const auto* a : it->second) {
                uuids += (uuids.empty() ? "" : ", ") + a->uuid;
                m.referenced.insert(a->uuid);
            }
            m.diagnostics[i].push_back(make_error(
                d.where, "agent " + quoted(d.name) + ": " + std::to_string(it->second.size()) +
                             " live agents have this name (" + uuids + "); pin one with `uuid:` in this document"));
        } else {
            claim(i, it->second.front(), d.where);
        }
    }
    return m;
}

}  // namespace reconcile
