#include "reconcile/planner.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "reconcile/diff.hpp"
#include "reconcile/digest.hpp"
#include "reconcile/normalize.hpp"

namespace reconcile {

namespace {

// Canonical text of a normalized value: object keys sorted, null members dropped (a missing
// member counts as null), arrays in order, numbers already canonical after normalize().
void canonical(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::object: {
            std::vector<const json::key_value_pair*> members;
            for (const auto& kv : v.get_object())
                if (!kv.value().is_null()) members.push_back(&kv);
            std::sort(members.begin(), members.end(),
                      [](const auto* a, const auto* b) { return a->key() < b->key(); });
            out += '{';
            bool first = true;
            for (const auto* kv : members) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::value(kv->key()));
                out += ':';
                canonical(out, kv->value());
            }
            out += '}';
            return;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                canonical(out, e);
            }
            out += ']';
            return;
        }
        default:
            out += json::serialize(v);
    }
}

std::string trimmed(std::string_view s) { return std::string(php_trim(s)); }

// E.164 as people write it: "+39 070 1234567" and "+39-070-1234567" are the same number.
std::string phone_key(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') out += c;
    return out;
}

SourceLocation location_or(const DesiredAgent& d, std::string_view pointer) {
    auto it = d.locations.find(std::string(pointer));
    return it != d.locations.end() ? it->second : d.where;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string join_uuids(const std::vector<const LiveAgent*>& agents) {
    std::string out;
    for (const auto* a : agents) {
        if (!out.empty()) out += ", ";
        out += a->uuid;
    }
    return out;
}

// Values that came from ${env:NAME} are shown as their template in the plan's changes.
// (Request bodies keep the values: apply sends a body exactly as planned.)
void show_secret_templates(std::vector<FieldChange>& changes, const std::vector<std::string>& pointers,
                           const std::vector<SecretRef>& secrets) {
    for (const auto& s : secrets) {
        for (std::size_t i = 0; i < changes.size() && i < pointers.size(); ++i) {
            const auto& cp = pointers[i];
            if (s.pointer == cp) {
                changes[i].after = json::string(s.template_text);
            } else if (s.pointer.size() > cp.size() && s.pointer.compare(0, cp.size(), cp) == 0 &&
                       s.pointer[cp.size()] == '/') {
                if (auto* v = find_pointer(changes[i].after, std::string_view(s.pointer).substr(cp.size())); v && v->is_string())
                    *v = json::string(s.template_text);
            }
        }
    }
}

enum class MatchKind { Create, Live, Error };
struct Match {
    MatchKind kind = MatchKind::Error;
    const LiveAgent* live = nullptr;
};

}  // namespace

std::string agent_fingerprint(const json::object& live_body, const Schema& schema) {
    json::value n = normalize(json::value(live_body), &schema.root());
    // The reconciler's own keys: `uuid` is not an API field, and the live `channels` (like
    // `phone_numbers`) is a read-only view of the bindings, which provisioning checks itself.
    n.get_object().erase("uuid");
    n.get_object().erase("channels");
    std::string text;
    canonical(text, n);
    return sha256_hex(text);
}

PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema) {
    PlanResult result;
    Plan& plan = result.plan;
    // Errors are gathered per document and reported in document order.
    std::vector<Diagnostics> doc_diags(desired.agents.size());
    plan.inputs_digest = desired.inputs_digest;

    std::unordered_map<std::string, const LiveAgent*> by_uuid;
    std::unordered_map<std::string, std::vector<const LiveAgent*>> by_name;
    for (const auto& a : live.agents) {
        by_uuid.emplace(a.uuid, &a);
        by_name[trimmed(a.name)].push_back(&a);
    }

    // 1. Match every document to a live agent. Pinned documents claim theirs first, so a name
    //    match can never take an agent another document pins.
    const auto& agents = desired.agents;
    std::vector<Match> matches(agents.size());
    std::unordered_map<std::string, std::size_t> claimed;  // live uuid -> document index
    auto claim = [&](std::size_t i, const LiveAgent* a, const SourceLocation& where) {
        auto [it, inserted] = claimed.emplace(a->uuid, i);
        if (!inserted) {
            const auto& other = agents[it->second];
            doc_diags[i].push_back(make_error(where, "agent " + quoted(agents[i].name) + ": live agent " + quoted(a->name) +
                                                  " (" + a->uuid + ") is already managed by the document at " +
                                                  other.where.str() +
                                                  "; pin this one to another agent with `uuid:`, rename it, or remove it"));
            matches[i].kind = MatchKind::Error;
            return;
        }
        matches[i] = Match{MatchKind::Live, a};
    };
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const auto& d = agents[i];
        if (!d.uuid) continue;
        auto where = location_or(d, "/uuid");
        auto it = by_uuid.find(*d.uuid);
        if (it == by_uuid.end()) {
            doc_diags[i].push_back(make_error(where, "agent " + quoted(d.name) + ": pinned uuid " + *d.uuid +
                                                  " is not in the workspace (remove `uuid:` to create a new agent)"));
            continue;
        }
        claim(i, it->second, where);
    }
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const auto& d = agents[i];
        if (d.uuid) continue;
        auto it = by_name.find(trimmed(d.name));
        if (it == by_name.end()) {
            matches[i].kind = MatchKind::Create;
        } else if (it->second.size() > 1) {
            doc_diags[i].push_back(make_error(d.where, "agent " + quoted(d.name) + ": " + std::to_string(it->second.size()) +
                                                    " live agents have this name (" + join_uuids(it->second) +
                                                    "); pin one with `uuid:` in this document"));
        } else {
            claim(i, it->second.front(), d.where);
        }
    }

    // 2. Steps, in document order: the agent's create or update, then its provisioning.
    std::unordered_map<std::string, std::size_t> number_claims;  // phone uuid -> document index
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const auto& d = agents[i];
        const auto& m = matches[i];

        if (m.kind == MatchKind::Create) {
            PlanStep step;
            step.action = ActionKind::Create;
            step.agent_name = d.name;
            step.source = d.where;
            json::value body = writable_copy(json::value(d.body), &schema.root());
            auto& obj = body.get_object();
            if (!obj.contains("name")) {
                json::object named;
                named.emplace("name", d.name);
                for (const auto& kv : obj) named.emplace(kv.key(), kv.value());
                body = std::move(named);
            }
            step.request = HttpCall{"POST", "/agents", std::move(body)};
            // What the create sets, as changes from nothing.
            auto sets = diff_agent(step.request.body.get_object(), json::object{}, schema);
            step.changes = std::move(sets.changes);
            show_secret_templates(step.changes, sets.change_pointers, d.secrets);
            step.precondition.name_absent = true;
            plan.steps.push_back(std::move(step));
        } else if (m.kind == MatchKind::Live) {
            auto diff = diff_agent(d.body, m.live->body, schema);
            if (diff.patch.empty()) {
                plan.unchanged_agents.push_back(d.name);
            } else {
                PlanStep step;
                step.action = ActionKind::Update;
                step.agent_name = d.name;
                step.agent_uuid = m.live->uuid;
                step.source = d.where;
                step.request = HttpCall{"PATCH", "/agents/" + m.live->uuid, json::value(std::move(diff.patch))};
                step.changes = std::move(diff.changes);
                show_secret_templates(step.changes, diff.change_pointers, d.secrets);
                step.notes = std::move(diff.notes);
                step.precondition.agent_fingerprint = agent_fingerprint(m.live->body, schema);
                step.precondition.updated_at = m.live->updated_at;
                plan.steps.push_back(std::move(step));
            }
        }

        if (!d.call) continue;
        const auto& call = *d.call;
        if (!call.phone_number && !call.phone_number_uuid) continue;  // the loader reports this
        std::string wanted = call.phone_number ? *call.phone_number : *call.phone_number_uuid;
        if (!live.phone_numbers_loaded) {
            doc_diags[i].push_back(make_error(call.where, "agent " + quoted(d.name) +
                                                              ": the workspace's phone numbers were not read, so "
                                                              "the call channel " + wanted + " cannot be planned"));
            continue;
        }
        const PhoneNumber* number = nullptr;
        for (const auto& n : live.phone_numbers) {
            bool hit = call.phone_number_uuid ? n.uuid == *call.phone_number_uuid
                                              : phone_key(n.number) == phone_key(*call.phone_number);
            if (hit) {
                number = &n;
                break;
            }
        }
        if (!number) {
            doc_diags[i].push_back(make_error(call.where, "agent " + quoted(d.name) + ": phone number " + wanted +
                                                       " is not in the workspace"));
            continue;
        }
        if (call.phone_number && call.phone_number_uuid && phone_key(number->number) != phone_key(*call.phone_number)) {
            doc_diags[i].push_back(make_error(call.where, "agent " + quoted(d.name) + ": phone_number " + *call.phone_number +
                                                       " and phone_number_uuid " + *call.phone_number_uuid +
                                                       " name different numbers (the uuid is " + number->number + ")"));
            continue;
        }
        if (auto [it, inserted] = number_claims.emplace(number->uuid, i); !inserted) {
            const auto& other = agents[it->second];
            doc_diags[i].push_back(make_error(call.where, "agent " + quoted(d.name) + ": phone number " + number->number +
                                                       " is also the call channel of agent " + quoted(other.name) + " (" +
                                                       (other.call ? other.call->where.str() : other.where.str()) +
                                                       "); a number answers for one agent"));
            continue;
        }
        if (m.kind == MatchKind::Error) continue;  // the agent itself is in error: nothing to bind
        const std::string agent_uuid = m.kind == MatchKind::Live ? m.live->uuid : std::string{};
        if (number->call_bound) {
            if (!agent_uuid.empty() && number->call_agent_uuid == agent_uuid) continue;  // already holds
            std::string holder = number->call_agent_name.empty() ? std::string("another agent")
                                                                 : "agent " + quoted(number->call_agent_name);
            holder += " (" + (number->call_agent_uuid.empty() ? std::string("uuid unknown") : number->call_agent_uuid) + ")";
            doc_diags[i].push_back(make_error(call.where, "agent " + quoted(d.name) + ": the call channel of " + number->number +
                                                       " is held by " + holder +
                                                       "; release it there first, or choose another number"));
            continue;
        }
        PlanStep step;
        step.action = ActionKind::ProvisionCall;
        step.agent_name = d.name;
        step.agent_uuid = agent_uuid;
        step.source = call.where;
        json::object body;
        body.emplace("phone_number_uuid", number->uuid);
        step.request = HttpCall{"POST", "/agents/" + (agent_uuid.empty() ? std::string("{uuid}") : agent_uuid) +
                                            "/channels/call/provision",
                                json::value(std::move(body))};
        step.precondition.phone_number_uuid = number->uuid;
        step.precondition.bound_agent_uuid = number->call_bound ? number->call_agent_uuid : std::string{};
        step.phone_number = number->number;
        plan.steps.push_back(std::move(step));
    }
    for (auto& d : doc_diags)
        for (auto& diag : d) result.diagnostics.push_back(std::move(diag));
    return result;
}

}  // namespace reconcile
