// apply_plan against an in-memory AgentApi: ordering, skipping, lost responses, cancellation.
#include <doctest/doctest.h>

#include <map>

#include "reconcile/apply/apply.hpp"
#include "reconcile/apply/preconditions.hpp"
#include "reconcile/engine/secrets.hpp"
#include "reconcile/report/plan_json.hpp"
#include "memory_api.hpp"

using namespace reconcile;
using reconcile::testing::MemoryApi;

namespace {

PlanStep create_step(const std::string& name) {
    PlanStep s;
    s.action = ActionKind::Create;
    s.agent_name = name;
    s.request = HttpCall{"POST", "/agents", json::object{{"name", name}}};
    s.precondition.name_absent = true;
    return s;
}

PlanStep update_step(const std::string& name, const std::string& uuid, json::object body) {
    PlanStep s;
    s.action = ActionKind::Update;
    s.agent_name = name;
    s.agent_uuid = uuid;
    s.request = HttpCall{"PATCH", "/agents/" + uuid, std::move(body)};
    return s;
}

PlanStep provision_step(const std::string& name, const std::string& uuid, const std::string& phone) {
    PlanStep s;
    s.action = ActionKind::ProvisionCall;
    s.agent_name = name;
    s.agent_uuid = uuid;
    s.request = HttpCall{"POST", "/agents/{uuid}/channels/call/provision", json::object{{"phone_number_uuid", phone}}};
    s.precondition.phone_number_uuid = phone;
    s.phone_number = "+390700000001";
    return s;
}

}  // namespace

TEST_CASE("apply: a created agent's provisioning uses the new uuid") {
    MemoryApi api;
    api.numbers.push_back(PhoneNumber{"p1", "+390700000001"});
    Plan plan;
    plan.steps = {create_step("New"), provision_step("New", "", "p1")};
    auto report = apply_plan(plan, api, {});
    CHECK(report.ok());
    CHECK(api.log == std::vector<std::string>{"POST New", "PROVISION uuid-1 p1"});
    CHECK(report.outcomes[0].agent_uuid == "uuid-1");
}

TEST_CASE("apply: a lost create response is looked up by name, never created twice") {
    MemoryApi api;
    api.lose_next_create = true;
    api.numbers.push_back(PhoneNumber{"p1", "+390700000001"});
    Plan plan;
    plan.steps = {create_step("Once"), provision_step("Once", "", "p1")};
    auto report = apply_plan(plan, api, {});
    CHECK(report.ok());
    CHECK(api.agents.size() == 1);
    CHECK(api.log == std::vector<std::string>{"POST Once", "GET agents", "PROVISION uuid-1 p1"});
}

TEST_CASE("apply: a lost provisioning response re-reads the binding instead of provisioning again") {
    MemoryApi api;
    api.lose_next_provision = true;
    api.agents.push_back(LiveAgent{"a1", "Caller", "t", {}});
    api.numbers.push_back(PhoneNumber{"p1", "+390700000001"});
    Plan plan;
    plan.steps = {provision_step("Caller", "a1", "p1")};
    auto report = apply_plan(plan, api, {});
    CHECK(report.ok());
    CHECK(api.log == std::vector<std::string>{"PROVISION a1 p1", "GET numbers"});
}

TEST_CASE("apply: a failed step skips that agent's later steps, other agents go on") {
    MemoryApi api;
    api.agents = {LiveAgent{"a1", "One", "t", {}}, LiveAgent{"a2", "Two", "t", {}}};
    api.numbers.push_back(PhoneNumber{"p1", "+390700000001"});
    ApiError refused{ApiError::Kind::Http, "PATCH", "/api/v1/agents/a1", 422, "The given data was invalid.",
                     "VALIDATION_ERROR", "tone"};
    api.patch_errors["a1"] = refused;
    Plan plan;
    plan.steps = {update_step("One", "a1", {{"tone", "x"}}), provision_step("One", "a1", "p1"),
                  update_step("Two", "a2", {{"tone", "y"}})};
    auto report = apply_plan(plan, api, {});
    CHECK_FALSE(report.ok());
    CHECK(report.outcomes[0].status == StepStatus::Failed);
    CHECK(report.outcomes[0].detail.find("VALIDATION_ERROR") != std::string::npos);
    CHECK(report.outcomes[0].detail.find("tone") != std::string::npos);
    CHECK(report.outcomes[1].status == StepStatus::Skipped);
    CHECK(report.outcomes[2].status == StepStatus::Applied);
    CHECK(report.count(StepStatus::Applied) == 1);
}

TEST_CASE("apply: once cancelled, no new step starts") {
    MemoryApi api;
    api.agents = {LiveAgent{"a1", "One", "t", {}}};
    std::atomic<bool> cancel{true};
    Plan plan;
    plan.steps = {update_step("One", "a1", {{"tone", "x"}})};
    ApplyOptions options;
    options.cancel = &cancel;
    auto report = apply_plan(plan, api, options);
    CHECK(report.interrupted);
    CHECK(report.outcomes[0].status == StepStatus::Skipped);
    CHECK(api.log.empty());
}

TEST_CASE("apply: several workers apply every agent once, each agent's steps in order") {
    std::vector<std::unique_ptr<MemoryApi>> apis;
    std::vector<AgentApi*> workers;
    for (int i = 0; i < 3; ++i) {
        apis.push_back(std::make_unique<MemoryApi>());
        for (int a = 0; a < 20; ++a) apis.back()->numbers.push_back(PhoneNumber{"p" + std::to_string(a), "+3907"});
        workers.push_back(apis.back().get());
    }
    Plan plan;
    for (int a = 0; a < 20; ++a) {
        plan.steps.push_back(create_step("Agent " + std::to_string(a)));
        plan.steps.push_back(provision_step("Agent " + std::to_string(a), "", "p" + std::to_string(a)));
    }
    auto report = apply_plan(plan, workers, {});
    CHECK(report.ok());
    std::size_t creates = 0;
    for (auto& api : apis) {
        // A provisioning always directly follows the create of its agent on the same worker.
        for (std::size_t i = 0; i < api->log.size(); ++i) {
            if (api->log[i].rfind("POST ", 0) == 0) {
                ++creates;
                REQUIRE(i + 1 < api->log.size());
                CHECK(api->log[i + 1].rfind("PROVISION ", 0) == 0);
            }
        }
    }
    CHECK(creates == 20);
}

TEST_CASE("check_preconditions: a changed agent, a taken name and a changed binding make the plan stale") {
    MemoryApi api;
    api.agents = {LiveAgent{"a1", "One", "t2", json::object{{"tone", "changed"}}},
                  LiveAgent{"a9", "Taken", "t", {}}};
    api.numbers = {PhoneNumber{"p1", "+390700000001", true, "a9", "Taken"}};
    Plan plan;
    auto upd = update_step("One", "a1", {{"tone", "x"}});
    upd.precondition.agent_fingerprint = "fp-at-plan-time";
    upd.precondition.updated_at = "t1";
    plan.steps = {upd, create_step("Taken"), provision_step("One", "a1", "p1")};
    auto stale = check_preconditions(plan, api, [](const json::object& o, const std::vector<std::string>&) { return json::serialize(o); });
    REQUIRE(stale.size() == 3);
    CHECK(stale[0] == "plan is stale: agent \"One\" changed since the plan was made (updated_at t1 -> t2)");
    CHECK(stale[1].find("\"Taken\" was created live") != std::string::npos);
    CHECK(stale[2].find("call binding of +390700000001 changed") != std::string::npos);

    // The same plan against the state it was made from is fresh.
    plan.steps[0].precondition.agent_fingerprint = json::serialize(api.agents[0].body());
    plan.steps.erase(plan.steps.begin() + 1);
    plan.steps[1].precondition.bound_agent_uuid = "a9";
    CHECK(check_preconditions(plan, api, [](const json::object& o, const std::vector<std::string>&) { return json::serialize(o); }).empty());
}

TEST_CASE("secrets: plans carry templates, apply gets the values back only if unchanged") {
    DesiredState desired;
    DesiredAgent agent;
    agent.name = "Secret";
    agent.where = SourceLocation{"agents/s.yaml", 1, 1};
    agent.secrets.push_back(
        SecretRef{"/custom_llm_url", "https://x.test/?k=${env:K}", {"K"}, SecretValue("https://x.test/?k=s3cret")});
    desired.agents.push_back(agent);
    Plan plan;
    PlanStep step = create_step("Secret");
    step.source = agent.where;
    step.request.body.as_object()["custom_llm_url"] = "https://x.test/?k=${env:K}";
    step.secrets = plan_secrets(step.request.body, agent.secrets, "token-1");
    plan.steps.push_back(step);

    CHECK(plan.steps[0].request.body.at("custom_llm_url") == "https://x.test/?k=${env:K}");
    CHECK(json::serialize(plan_to_json(plan)).find("s3cret") == std::string::npos);
    REQUIRE(plan.steps[0].secrets.size() == 1);

    auto round = plan_from_json(plan_to_json(plan));
    REQUIRE(round.has_value());
    Plan changed = *round;
    auto problems = unseal_secrets(changed, [](const std::string&) { return std::optional<std::string>("other"); },
                                   "token-1");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("changed since the plan was made") != std::string::npos);

    auto unset = unseal_secrets(*round, [](const std::string&) { return std::nullopt; }, "token-1");
    REQUIRE(unset.size() == 1);
    CHECK(unset[0].find("K is not set") != std::string::npos);

    Plan same = *plan_from_json(plan_to_json(plan));
    CHECK(unseal_secrets(same, [](const std::string&) { return std::optional<std::string>("s3cret"); }, "token-1")
              .empty());
    CHECK(same.steps[0].request.body.at("custom_llm_url") == "https://x.test/?k=s3cret");
}

TEST_CASE("expand_env_template: variables, escapes and unset names") {
    auto env = [](const std::string& n) -> std::optional<std::string> {
        if (n == "A") return std::string("1");
        return std::nullopt;
    };
    CHECK(expand_env_template("x${env:A}y", env).value() == "x1y");
    CHECK(expand_env_template("$${env:A}", env).value() == "${env:A}");
    CHECK(expand_env_template("${env:B}", env).error() == "B");
    CHECK(expand_env_template("${env:}", env).value() == "${env:}");
}

TEST_CASE("apply: a refused token stops the run at once") {
    MemoryApi api;
    api.agents = {LiveAgent{"a1", "One", "t", {}}, LiveAgent{"a2", "Two", "t", {}}};
    api.patch_errors["a1"] = ApiError{ApiError::Kind::Auth, "PATCH", "/api/v1/agents/a1", 401,
                                      "Invalid authentication token", "INVALID_AUTH_TOKEN"};
    Plan plan;
    plan.steps = {update_step("One", "a1", {{"tone", "x"}}), update_step("Two", "a2", {{"tone", "y"}})};
    auto report = apply_plan(plan, api, {});
    CHECK(report.token_refused);
    CHECK(report.outcomes[0].status == StepStatus::Failed);
    CHECK(report.outcomes[1].status == StepStatus::Skipped);
    CHECK(api.log.size() == 1);
}
