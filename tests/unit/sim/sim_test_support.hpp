#pragma once
// Helpers shared by the simulator's unit tests.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "http_types.hpp"
#include "routes.hpp"

namespace sim_test {

namespace json = boost::json;
using mihu_sim::HttpRequest;
using mihu_sim::HttpResponse;
using mihu_sim::SimApi;

inline HttpRequest make(std::string method, std::string target, std::string body = {},
                        std::string token = "sim-token") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

inline json::object parse(const HttpResponse& r) { return json::parse(r.body).as_object(); }

inline const json::value& at(const json::value& v, std::string_view pointer) {
    return v.at_pointer(pointer);
}

inline std::string error_field(const HttpResponse& r) {
    auto o = parse(r);
    auto* f = o.at("error").as_object().if_contains("field");
    return f ? std::string(f->as_string()) : std::string();
}

inline json::object create(SimApi& s, std::string_view body) {
    auto r = s.handle(make("POST", "/api/v1/agents", std::string(body)));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return parse(r).at("data").as_object();
}

inline std::string create_id(SimApi& s, std::string_view body) {
    return std::string(create(s, body).at("agent_uuid").as_string());
}

inline json::object seed_with_agents(int n) {
    json::array agents;
    for (int i = 0; i < n; ++i) agents.push_back(json::object{{"name", "Agent " + std::to_string(i)}});
    return json::object{{"agents", std::move(agents)}};
}

// A file under tests/data/sim/.
inline json::value data_file(std::string_view name) {
    std::ifstream in(std::string(RECONCILE_TEST_DATA) + "/sim/" + std::string(name));
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

}  // namespace sim_test
