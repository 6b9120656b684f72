#include "routes.hpp"

#include "laravel.hpp"
#include "merge.hpp"
#include "pagination.hpp"
#include "provisioning.hpp"
#include "seed.hpp"
#include "validation.hpp"

namespace mihu_sim {

namespace {

HttpResponse method_not_allowed() {
    return error_response(405, "Method not allowed", "METHOD_NOT_ALLOWED");
}

// {"success":true,"message":M,"data":{"items":[ITEMS],"pagination":P}} built by concatenation,
// so a page of cached agent texts is never parsed or serialized again.
std::string list_envelope(std::string_view message, const std::string& items,
                          const json::object& pagination) {
    std::string out;
    out.reserve(items.size() + 200);
    out += R"({"success":true,"message":)";
    out += json::serialize(json::value(message));
    out += R"(,"data":{"items":[)";
    out += items;
    out += R"(],"pagination":)";
    out += json::serialize(pagination);
    out += "}}";
    return out;
}

}  // namespace

SimApi::SimApi(std::string token, const Contract& contract)
    : token_(std::move(token)), contract_(&contract) {}

std::expected<void, std::string> SimApi::load_seed(const json::value& seed) {
    auto fresh = mihu_sim::load_seed(seed, *contract_);
    if (!fresh) return std::unexpected(fresh.error());
    store_ = std::move(*fresh);
    return {};
}

std::optional<HttpResponse> SimApi::refuse_unauthenticated(const HttpRequest& req) const {
    auto auth = req.header("Authorization");
    if (!auth || php_trim(*auth).empty())
        return error_response(401, "Authentication token is missing.", "MISSING_AUTH_TOKEN");
    std::string value = php_trim(*auth);
    if (value.size() < 7 || !iequals(std::string_view(value).substr(0, 7), "Bearer ") ||
        php_trim(std::string_view(value).substr(7)) != token_)
        return error_response(401, "Invalid authentication token.", "INVALID_AUTH_TOKEN");
    return std::nullopt;
}

HttpResponse SimApi::handle(const HttpRequest& req) {
    auto segs = split_path(req.path());
    if (segs.size() < 2 || segs[0] != "api" || segs[1] != "v1") return not_found("Route");
    if (auto refused = refuse_unauthenticated(req)) return *refused;
    segs.erase(segs.begin(), segs.begin() + 2);
    return route(segs, req);
}

HttpResponse SimApi::route(const std::vector<std::string_view>& segs, const HttpRequest& req) {
    const std::string& m = req.method;
    bool agents = !segs.empty() && segs[0] == "agents";
    if (agents && segs.size() == 1) {
        if (m == "GET") return list_agents(req);
        if (m == "POST") return create_agent(req);
        return method_not_allowed();
    }
    if (agents && segs.size() == 2) {
        if (m == "GET") return get_agent(segs[1]);
        if (m == "PATCH") return update_agent(segs[1], req);
        if (m == "DELETE") return delete_agent(segs[1]);
        return method_not_allowed();
    }
    if (agents && segs.size() == 5 && segs[2] == "channels" && segs[3] == "call" &&
        segs[4] == "provision")
        return m == "POST" ? provision_call(segs[1], req) : method_not_allowed();
    if (segs.size() == 1 && segs[0] == "phone-numbers")
        return m == "GET" ? list_numbers(req) : method_not_allowed();
    return not_found("Route");
}

std::expected<json::object, HttpResponse> SimApi::valid_body(const HttpRequest& req,
                                                             const FieldSpec& spec) const {
    auto body = body_object(req);
    if (!body) return body;
    json::value v = std::move(*body);
    laravel_trim(v);
    if (auto f = validate_body(v.get_object(), spec)) return std::unexpected(validation_error(*f));
    return std::move(v.as_object());
}

HttpResponse SimApi::list_agents(const HttpRequest& req) const {
    auto page = parse_page(req);
    if (!page) return page.error();
    auto [first, last] = page->range(store_.agent_count());
    std::string items;
    for (std::size_t i = first; i < last; ++i) {
        if (i != first) items += ',';
        items += store_.rendered_text_at(i);
    }
    return json_text_response(200, list_envelope("Agents retrieved successfully", items,
                                                 pagination_block(*page, store_.agent_count())));
}

HttpResponse SimApi::get_agent(std::string_view uuid) const {
    if (!store_.find(uuid)) return not_found("Agent");
    return json_text_response(200, R"({"success":true,"message":"Agent retrieved successfully","data":)" +
                                       store_.rendered_text(uuid) + "}");
}

HttpResponse SimApi::create_agent(const HttpRequest& req) {
    auto fields = valid_body(req, contract_->agent());
    if (!fields) return fields.error();
    const json::object& defaults = contract_->agent_defaults();
    json::object agent = defaults;
    std::string uuid = store_.uuids().next();
    std::string now = store_.clock().tick();
    agent["agent_uuid"] = uuid;
    agent["created_at"] = now;
    agent["updated_at"] = now;
    apply_patch(agent, *fields, &contract_->agent(), &defaults);
    finish_agent(agent, contract_->agent(), store_.uuids());
    store_.add(std::move(agent));
    return json_text_response(201, R"({"success":true,"message":"Agent created successfully","data":)" +
                                       store_.rendered_text(uuid) + "}");
}

HttpResponse SimApi::update_agent(std::string_view uuid, const HttpRequest& req) {
    const json::object* stored = store_.find(uuid);
    if (!stored) return not_found("Agent");
    auto fields = valid_body(req, contract_->agent());
    if (!fields) return fields.error();
    json::object agent = *stored;
    apply_patch(agent, *fields, &contract_->agent(), &contract_->agent_defaults());
    finish_agent(agent, contract_->agent(), store_.uuids());
    agent["updated_at"] = store_.clock().tick();
    store_.replace(uuid, std::move(agent));
    return json_text_response(200, R"({"success":true,"message":"Agent updated successfully","data":)" +
                                       store_.rendered_text(uuid) + "}");
}

HttpResponse SimApi::delete_agent(std::string_view uuid) {
    if (!store_.erase(uuid)) return not_found("Agent");
    store_.clock().tick();
    return json_response(200, json::object{{"success", true}, {"message", "Agent deleted successfully"}});
}

HttpResponse SimApi::list_numbers(const HttpRequest& req) const {
    auto page = parse_page(req);
    if (!page) return page.error();
    const auto& numbers = store_.numbers();
    auto [first, last] = page->range(numbers.size());
    json::array items;
    for (std::size_t i = first; i < last; ++i) items.push_back(store_.render_number(numbers[i]));
    json::object data{{"items", std::move(items)},
                      {"pagination", pagination_block(*page, numbers.size())}};
    return json_response(200, success_envelope("Phone numbers retrieved successfully", std::move(data)));
}

HttpResponse SimApi::provision_call(std::string_view uuid, const HttpRequest& req) {
    if (!store_.find(uuid)) return not_found("Agent");
    auto body = valid_body(req, contract_->provision_call());
    if (!body) return body.error();
    PhoneNumber* number = store_.find_number(body->at("phone_number_uuid").as_string());
    if (!number) return not_found("Phone number");
    using Kind = ProvisioningDecision::Kind;
    ProvisioningDecision d = decide_provisioning(*number, uuid);
    if (d.kind == Kind::Conflict)
        return error_response(409, "The phone number's call channel is bound to another agent.",
                              "CONFLICT", d.message, "phone_number_uuid");
    json::value setting = nullptr;
    if (d.kind == Kind::AlreadyBound) setting = number->bindings.at("call").setting_uuid;
    if (d.kind == Kind::Bind) {
        setting = store_.bind(*number, "call", std::string(uuid)).setting_uuid;
        json::object agent = *store_.find(uuid);
        agent["updated_at"] = store_.clock().tick();
        store_.replace(uuid, std::move(agent));
    }
    bool ok = d.kind != Kind::Refused;
    json::object provisioning{{"success", ok}, {"message", d.message}, {"call_setting_uuid", setting}};
    json::object data{{"agent", store_.render(uuid)}, {"provisioning", std::move(provisioning)}};
    return json_response(200, success_envelope(ok ? "Call channel provisioned"
                                                  : "Call channel not provisioned",
                                               std::move(data)));
}

std::string SimApi::dump_text() const {
    std::string out = R"({"agents":[)";
    for (std::size_t i = 0; i < store_.agent_count(); ++i) {
        if (i) out += ',';
        out += store_.rendered_text_at(i);
    }
    json::array numbers;
    for (const auto& n : store_.numbers()) numbers.push_back(store_.render_number(n));
    out += R"(],"phone_numbers":)" + json::serialize(numbers) + "}";
    return out;
}

json::value SimApi::dump() const { return json::parse(dump_text()); }

std::optional<json::object> SimApi::agent(std::string_view uuid) const {
    if (!store_.find(uuid)) return std::nullopt;
    return store_.render(uuid);
}

}  // namespace mihu_sim
