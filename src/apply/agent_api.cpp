#include "reconcile/apply/agent_api.hpp"

namespace reconcile {

std::string_view http_status_reason(unsigned status) {
    switch (status) {
        case 400: return "bad request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not found";
        case 409: return "conflict";
        case 422: return "unprocessable";
        case 429: return "too many requests";
        case 500: return "internal server error";
        case 502: return "bad gateway";
        case 503: return "service unavailable";
        case 504: return "gateway timeout";
        default: return "error";
    }
}

namespace {

std::string text_at(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    if (v->is_string()) return std::string(v->get_string());
    return json::serialize(*v);
}

}  // namespace

std::string ApiError::describe() const {
    std::string s = method + " " + path + ": ";
    switch (kind) {
        case Kind::Transport:
            s += message;
            break;
        case Kind::Malformed:
            if (status) s += "HTTP " + std::to_string(status) + ": ";
            s += message;
            break;
        case Kind::Http:
        case Kind::Auth:
            s += "HTTP " + std::to_string(status);
            if (!code.empty()) s += " " + code;
            if (!field.empty()) s += " (field " + field + ")";
            s += ": " + (message.empty() ? std::string(http_status_reason(status)) : message);
            if (!details.empty() && details != message) s += " (" + details + ")";
            break;
    }
    if (attempts > 1) s += " [after " + std::to_string(attempts) + " attempts]";
    if (maybe_committed) s += " [the server may have applied it]";
    return s;
}

ApiResult<LiveAgent> answered_agent(const HttpCall& call, const json::value& data) {
    const json::object* o = data.is_object() ? &data.get_object() : nullptr;
    // Tolerate `data: {agent: {...}}` (the provision endpoint's shape).
    if (o && !o->contains("agent_uuid")) {
        if (auto* a = o->if_contains("agent"); a && a->is_object()) o = &a->get_object();
    }
    if (o) {
        if (auto agent = live_agent_from_json(*o)) return std::move(*agent);
    }
    ApiError e;
    e.kind = ApiError::Kind::Malformed;
    e.method = call.method;
    e.path = call.path;
    e.status = 200;
    e.message = "response `data` is not an agent (no `agent_uuid`)";
    e.maybe_committed = true;
    return std::unexpected(std::move(e));
}

ProvisionResult provision_result(const json::value& data) {
    ProvisionResult result;
    if (!data.is_object()) return result;
    auto* p = data.get_object().if_contains("provisioning");
    if (!p || !p->is_object()) return result;
    const auto& block = p->get_object();
    result.reported = true;
    if (auto* s = block.if_contains("success"); s && s->is_bool()) result.success = s->get_bool();
    result.message = text_at(block, "message");
    result.call_setting_uuid = text_at(block, "call_setting_uuid");
    return result;
}

}  // namespace reconcile
