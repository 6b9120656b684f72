#include "reconcile/apply/apply.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "reconcile/model/api_paths.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

std::string_view to_string(StepStatus s) {
    switch (s) {
        case StepStatus::Applied: return "applied";
        case StepStatus::Failed: return "failed";
        case StepStatus::Skipped: return "skipped";
    }
    return "?";
}

std::size_t ApplyReport::count(StepStatus s) const {
    std::size_t n = 0;
    for (const auto& o : outcomes) n += o.status == s;
    return n;
}

namespace {

// The agent a step belongs to: its uuid, or for an agent created in this plan its name.
std::string group_key(const PlanStep& step) {
    return step.agent_uuid.empty() ? "name:" + step.agent_name : "uuid:" + step.agent_uuid;
}

// The one live agent with this name (trimmed, as the service stores it and as matching compares).
const LiveAgent* find_by_name(const std::vector<LiveAgent>& agents, const std::string& name) {
    const LiveAgent* found = nullptr;
    for (const auto& a : agents) {
        if (php_trim(a.name) == php_trim(name)) {
            if (found) return nullptr;  // ambiguous: do not guess
            found = &a;
        }
    }
    return found;
}

ApiResult<LiveAgent> create(const PlanStep& step, AgentApi& api) {
    auto data = api.send(step.request);
    if (!data) return std::unexpected(std::move(data.error()));
    return answered_agent(step.request, *data);
}

StepOutcome run_create(std::size_t index, const PlanStep& step, AgentApi& api) {
    StepOutcome out{index, StepStatus::Failed, {}, {}};
    auto created = create(step, api);
    if (created) {
        out.status = StepStatus::Applied;
        out.agent_uuid = created->uuid;
        out.detail = "created " + created->uuid;
        return out;
    }
    if (!created.error().maybe_committed) {
        out.detail = created.error().describe();
        out.token_refused = created.error().kind == ApiError::Kind::Auth;
        return out;
    }
    // The request reached the server but the answer was lost: the agent may exist. Look it up
    // by name before trying again, so a retry never creates a duplicate.
    auto live = api.list_agents();
    if (!live) {
        out.detail = created.error().describe() + "; could not check whether the agent was created: " +
                     live.error().describe();
        return out;
    }
    if (const auto* existing = find_by_name(*live, step.agent_name)) {
        out.status = StepStatus::Applied;
        out.agent_uuid = existing->uuid;
        out.detail = "created " + existing->uuid + " (response was lost; found by name)";
        return out;
    }
    auto again = create(step, api);
    if (again) {
        out.status = StepStatus::Applied;
        out.agent_uuid = again->uuid;
        out.detail = "created " + again->uuid + " (second attempt)";
    } else {
        out.detail = again.error().describe();
        out.token_refused = again.error().kind == ApiError::Kind::Auth;
    }
    return out;
}

// A provisioning answered 2xx is done only when its `provisioning` block says so: the service
// can answer 200 with `provisioning.success: false`.
void read_provisioning(const json::value& data, StepOutcome& out) {
    const ProvisionResult result = provision_result(data);
    if (result.reported && result.success) {
        out.status = StepStatus::Applied;
        out.detail = result.message.empty() ? "provisioned" : result.message;
    } else {
        out.status = StepStatus::Failed;
        out.detail = !result.reported ? "the API answered without a `provisioning` result; the call channel may not be set up"
                     : "provisioning failed: " + (result.message.empty() ? std::string("(no message)") : result.message);
    }
}

StepOutcome run_provision(std::size_t index, const PlanStep& step, const std::string& agent_uuid,
                          AgentApi& api) {
    StepOutcome out{index, StepStatus::Failed, {}, agent_uuid};
    const auto& phone_uuid = step.precondition.phone_number_uuid;
    HttpCall call = step.request;
    call.path = api_paths::with_created_agent(call.path, agent_uuid);
    auto result = api.send(call);
    if (result) {
        read_provisioning(*result, out);
        return out;
    }
    if (!result.error().maybe_committed) {
        out.detail = result.error().describe();
        out.token_refused = result.error().kind == ApiError::Kind::Auth;
        return out;
    }
    // Lost response: re-read the binding before provisioning again.
    auto numbers = api.list_phone_numbers();
    if (numbers) {
        for (const auto& n : *numbers) {
            if (n.uuid == phone_uuid && n.call_bound && n.call_agent_uuid == agent_uuid) {
                out.status = StepStatus::Applied;
                out.detail = "provisioned (response was lost; binding confirmed)";
                return out;
            }
        }
    }
    auto again = api.send(call);
    if (again) {
        read_provisioning(*again, out);
        if (out.status == StepStatus::Applied) out.detail += " (second attempt)";
    } else {
        out.detail = again.error().describe();
        out.token_refused = again.error().kind == ApiError::Kind::Auth;
    }
    return out;
}

}  // namespace

namespace {

StepOutcome run_step(std::size_t i, const PlanStep& step, AgentApi& api, std::string& created_uuid) {
    StepOutcome out{i, StepStatus::Skipped, {}, step.agent_uuid};
    switch (step.action) {
        case ActionKind::Create:
            out = run_create(i, step, api);
            if (out.status == StepStatus::Applied) created_uuid = out.agent_uuid;
            break;
        case ActionKind::Update: {
            auto r = api.send(step.request);
            if (r) {
                auto agent = answered_agent(step.request, *r);
                if (!agent) r = std::unexpected(std::move(agent.error()));
            }
            if (r) {
                out.status = StepStatus::Applied;
                out.detail = "updated";
            } else {
                out.status = StepStatus::Failed;
                out.detail = r.error().describe();
                out.token_refused = r.error().kind == ApiError::Kind::Auth;
            }
            break;
        }
        case ActionKind::ProvisionCall: {
            std::string uuid = step.agent_uuid.empty() ? created_uuid : step.agent_uuid;
            if (uuid.empty()) {
                out.detail = "not started: the agent was not created";
                break;
            }
            out = run_provision(i, step, uuid, api);
            break;
        }
        case ActionKind::Delete: {
            auto r = api.send(step.request);
            if (r) {
                out.status = StepStatus::Applied;
                out.detail = "deleted";
            } else if (r.error().kind == ApiError::Kind::Http && r.error().status == 404) {
                out.status = StepStatus::Applied;  // already gone: the goal holds
                out.detail = "already deleted";
            } else {
                out.status = StepStatus::Failed;
                out.detail = r.error().describe();
                out.token_refused = r.error().kind == ApiError::Kind::Auth;
            }
            break;
        }
    }
    return out;
}

}  // namespace

ApplyReport apply_plan(const Plan& plan, const std::vector<AgentApi*>& workers, const ApplyOptions& options,
                       const ApplyProgress& progress) {
    ApplyReport report;
    report.outcomes.resize(plan.steps.size());
    for (std::size_t i = 0; i < plan.steps.size(); ++i) report.outcomes[i].step = i;

    // Steps of one agent form a group that runs in order on one worker; groups run in parallel.
    std::vector<std::vector<std::size_t>> groups;
    std::map<std::string, std::size_t> group_of;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        auto key = group_key(plan.steps[i]);
        auto [it, inserted] = group_of.emplace(key, groups.size());
        if (inserted) groups.emplace_back();
        groups[it->second].push_back(i);
    }

    std::mutex mutex;  // guards report and progress
    std::atomic<std::size_t> next_group{0};
    std::atomic<bool> interrupted{false};
    std::atomic<bool> token_refused{false};  // 401/403: every later request would fail too
    auto worker = [&](AgentApi& api) {
        for (;;) {
            auto g = next_group.fetch_add(1);
            if (g >= groups.size()) return;
            std::string created_uuid;
            bool failed = false;
            for (auto i : groups[g]) {
                const auto& step = plan.steps[i];
                StepOutcome out{i, StepStatus::Skipped, {}, step.agent_uuid};
                if (options.cancel && options.cancel->load()) {
                    interrupted = true;
                    out.detail = "not started: interrupted";
                } else if (token_refused.load()) {
                    out.detail = "not started: the API token was refused";
                } else if (failed) {
                    out.detail = "not started: an earlier step for this agent failed";
                } else {
                    out = run_step(i, step, api, created_uuid);
                }
                failed |= out.status != StepStatus::Applied;
                if (out.token_refused) token_refused = true;
                std::lock_guard lock(mutex);
                report.outcomes[i] = out;
                if (progress) progress(step, out);
            }
        }
    };

    std::size_t n = std::max<std::size_t>(1, std::min(workers.size(), groups.size()));
    if (n == 1) {
        worker(*workers.at(0));
    } else {
        std::vector<std::thread> threads;
        for (std::size_t w = 0; w < n; ++w) threads.emplace_back(worker, std::ref(*workers[w]));
        for (auto& t : threads) t.join();
    }
    report.interrupted = interrupted.load();
    report.token_refused = token_refused.load();
    return report;
}

ApplyReport apply_plan(const Plan& plan, AgentApi& api, const ApplyOptions& options,
                       const ApplyProgress& progress) {
    return apply_plan(plan, std::vector<AgentApi*>{&api}, options, progress);
}

}  // namespace reconcile
