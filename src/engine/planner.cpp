#include "reconcile/engine/planner.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "reconcile/engine/diff.hpp"
#include "reconcile/engine/fingerprint.hpp"
#include "reconcile/engine/secrets.hpp"
#include "reconcile/model/api_paths.hpp"
#include "reconcile/util/phone.hpp"
#include "reconcile/engine/matching.hpp"
#include "reconcile/engine/normalize.hpp"

namespace reconcile {

PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema,
                     std::string_view secret_key) {
    PlanResult result;
    Plan& plan = result.plan;
    // Errors are gathered per document and reported in document order.
    std::vector<Diagnostics> doc_diags(desired.agents.size());
    plan.inputs_digest = desired.inputs_digest;

    // 1. Match every document to a live agent (shared with drift).
    const auto& agents = desired.agents;
    Matching matching = match_documents(desired, live);
    for (std::size_t i = 0; i < agents.size(); ++i) {
        doc_diags[i] = std::move(matching.diagnostics[i]);
        if (matching.documents[i].kind == MatchKind::PinnedMissing)
            doc_diags[i].push_back(make_error(agents[i].location_of("/uuid"),
                                              "agent " + quoted(agents[i].name) + ": pinned uuid " + *agents[i].uuid +
                                                  " is not in the workspace (remove `uuid:` to create a new agent)"));
    }
    const auto& matches = matching.documents;

    // 2. Steps, in document order: the agent's create or update, then its provisioning.
    std::unordered_map<std::string, std::size_t> number_claims;  // phone uuid -> document index
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const auto& d = agents[i];
        const auto& m = matches[i];

        if (m.kind == MatchKind::Absent) {
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
            step.request = HttpCall{"POST", api_paths::agents(), std::move(body)};
            // What the create sets, as changes from nothing.
            // The body holds ${env:} templates as written; apply resolves them.
            auto sets = diff_agent(step.request.body.get_object(), json::object{}, schema);
            step.changes = std::move(sets.changes);
            step.secrets = plan_secrets(step.request.body, d.secrets, secret_key);
            step.precondition.name_absent = true;
            plan.steps.push_back(std::move(step));
        } else if (m.kind == MatchKind::Live) {
            auto diff = diff_document(d, m.live->body, schema);
            if (diff.patch.empty()) {
                plan.unchanged_agents.push_back(d.name);
            } else {
                PlanStep step;
                step.action = ActionKind::Update;
                step.agent_name = d.name;
                step.agent_uuid = m.live->uuid;
                step.source = d.where;
                // The PATCH documentation marks `name` required: every update body carries it.
                json::object body;
                body.emplace("name", d.name);
                for (auto& kv : diff.patch) body.insert_or_assign(kv.key(), std::move(kv.value()));
                step.request = HttpCall{"PATCH", api_paths::agent(m.live->uuid), json::value(std::move(body))};
                step.changes = std::move(diff.changes);
                step.secrets = plan_secrets(step.request.body, d.secrets, secret_key);
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
        const PhoneNumber* number = find_phone_number(call, live.phone_numbers);
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
        if (m.kind != MatchKind::Live && m.kind != MatchKind::Absent) continue;  // the agent is in error
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
        step.request = HttpCall{"POST",
                                api_paths::call_provision(agent_uuid.empty() ? api_paths::kCreatedAgent : agent_uuid),
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
