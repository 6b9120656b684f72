#pragma once
// A workspace in memory behind the AgentApi port, for apply's unit tests: agents, phone numbers,
// a log of requests, and knobs that lose a response after committing the write.
#include <map>
#include <string>
#include <vector>

#include "reconcile/apply/agent_api.hpp"

namespace reconcile::testing {

class MemoryApi final : public AgentApi {
public:
    std::vector<LiveAgent> agents;
    std::vector<PhoneNumber> numbers;
    std::vector<std::string> log;
    bool lose_next_create = false;
    bool lose_next_provision = false;
    bool provisioning_fails = false;                // answer 200 with provisioning.success false
    std::map<std::string, ApiError> patch_errors;   // uuid -> error

    ApiResult<std::vector<LiveAgent>> list_agents() override {
        log.push_back("GET agents");
        return agents;
    }
    ApiResult<std::vector<PhoneNumber>> list_phone_numbers() override {
        log.push_back("GET numbers");
        return numbers;
    }

    ApiResult<json::value> send(const HttpCall& call) override {
        const std::string& p = call.path;
        if (call.method == "POST" && p == "/agents") return create(call);
        const std::string prefix = "/agents/";
        const std::string suffix = "/channels/call/provision";
        if (call.method == "POST" && p.starts_with(prefix) && p.ends_with(suffix))
            return provision(call, p.substr(prefix.size(), p.size() - prefix.size() - suffix.size()));
        if (call.method == "PATCH" && p.starts_with(prefix)) return patch(call, p.substr(prefix.size()));
        if (call.method == "DELETE" && p.starts_with(prefix)) return remove(call, p.substr(prefix.size()));
        return std::unexpected(error(call, 404));
    }

    static ApiError error(const HttpCall& call, unsigned status) {
        ApiError e;
        e.kind = ApiError::Kind::Http;
        e.method = call.method;
        e.path = "/api/v1" + call.path;
        e.status = status;
        return e;
    }

private:
    static json::value as_data(const LiveAgent& a) {
        json::object o = a.body();
        o["agent_uuid"] = a.uuid;
        o["name"] = a.name;
        return o;
    }

    ApiResult<json::value> create(const HttpCall& call) {
        const auto& body = call.body.as_object();
        const std::string name(body.at("name").as_string());
        log.push_back("POST " + name);
        LiveAgent a{"uuid-" + std::to_string(agents.size() + 1), name, "t", body};
        agents.push_back(a);
        if (lose_next_create) {
            lose_next_create = false;
            ApiError e{ApiError::Kind::Transport, "POST", "/api/v1/agents"};
            e.maybe_committed = true;
            return std::unexpected(e);
        }
        return as_data(a);
    }

    ApiResult<json::value> patch(const HttpCall& call, const std::string& uuid) {
        log.push_back("PATCH " + uuid + " " + json::serialize(call.body));
        if (auto it = patch_errors.find(uuid); it != patch_errors.end()) return std::unexpected(it->second);
        for (auto& a : agents)
            if (a.uuid == uuid) return as_data(a);
        return std::unexpected(error(call, 404));
    }

    ApiResult<json::value> provision(const HttpCall& call, const std::string& agent) {
        const std::string phone(call.body.as_object().at("phone_number_uuid").as_string());
        log.push_back("PROVISION " + agent + " " + phone);
        if (!provisioning_fails) {
            for (auto& n : numbers) {
                if (n.uuid == phone) {
                    n.call_bound = true;
                    n.call_agent_uuid = agent;
                }
            }
        }
        if (lose_next_provision) {
            lose_next_provision = false;
            ApiError e{ApiError::Kind::Transport, "POST", "/api/v1" + call.path};
            e.maybe_committed = true;
            return std::unexpected(e);
        }
        json::object provisioning{{"success", !provisioning_fails},
                                  {"message", provisioning_fails ? "carrier rejected the number" : "ok"},
                                  {"call_setting_uuid", provisioning_fails ? json::value(nullptr) : json::value("cs-1")}};
        return json::object{{"agent", json::object{{"agent_uuid", agent}}}, {"provisioning", std::move(provisioning)}};
    }

    ApiResult<json::value> remove(const HttpCall& call, const std::string& uuid) {
        log.push_back("DELETE " + uuid);
        for (auto it = agents.begin(); it != agents.end(); ++it) {
            if (it->uuid == uuid) {
                agents.erase(it);
                return json::value(nullptr);
            }
        }
        return std::unexpected(error(call, 404));
    }
};

}  // namespace reconcile::testing
