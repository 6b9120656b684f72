#include "reconcile/config/duplicates.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

void same_uuid(const std::vector<DesiredAgent>& agents, Diagnostics& diags) {
    std::map<std::string, const DesiredAgent*> by_uuid;
    for (const auto& a : agents) {
        if (!a.uuid) continue;
        auto [it, inserted] = by_uuid.emplace(*a.uuid, &a);
        if (!inserted)
            diags.push_back(make_error(
                a.where, "uuid " + quote_for_message(*a.uuid) + " is pinned twice: " + it->second->where.str() +
                             " and " + a.where.str() + "; one live agent can be managed by one document only"));
    }
}

// Same name, unless both documents pin (different) uuids.
void same_name(const std::vector<DesiredAgent>& agents, Diagnostics& diags) {
    std::map<std::string, std::vector<const DesiredAgent*>> by_name;
    for (const auto& a : agents) {
        auto& group = by_name[a.name];
        for (const auto* other : group) {
            if (a.uuid && other->uuid) continue;  // distinct uuids; equal ones are reported above
            diags.push_back(make_error(a.where, "agent name " + quote_for_message(a.name) + " is defined twice: " +
                                                    other->where.str() + " and " + a.where.str() +
                                                    "; give each a distinct `uuid:` or rename one"));
            break;
        }
        group.push_back(&a);
    }
}

// A number's call channel holds one agent.
void same_number(const std::vector<DesiredAgent>& agents, Diagnostics& diags) {
    std::map<std::string, const DesiredAgent*> by_number;
    for (const auto& a : agents) {
        if (!a.call) continue;
        std::string key = a.call->phone_number ? "number " + *a.call->phone_number
                                               : "number with uuid " + a.call->phone_number_uuid.value_or("");
        auto [it, inserted] = by_number.emplace(key, &a);
        if (!inserted)
            diags.push_back(make_error(a.call->where, "phone " + key + " is bound to the call channel of two agents: " +
                                                          it->second->call->where.str() + " and " +
                                                          a.call->where.str() +
                                                          "; a number's call channel holds one agent"));
    }
}

}  // namespace

void check_duplicate_agents(const std::vector<DesiredAgent>& agents, Diagnostics& diags) {
    const auto first = diags.size();
    same_uuid(agents, diags);
    same_name(agents, diags);
    same_number(agents, diags);
    // In file order, like the per-file diagnostics.
    std::stable_sort(diags.begin() + static_cast<std::ptrdiff_t>(first), diags.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.where.file, a.where.line, a.where.column) <
                                std::tie(b.where.file, b.where.line, b.where.column);
                     });
}

}  // namespace reconcile
