#include "faults.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace mihu_sim {

namespace {

constexpr std::array<std::pair<FaultAction, std::string_view>, 8> kActions = {{
    {FaultAction::Status, "status"},
    {FaultAction::Latency, "latency"},
    {FaultAction::DropAfterCommit, "drop_after_commit"},
    {FaultAction::DropBefore, "drop_before"},
    {FaultAction::Stall, "stall"},
    {FaultAction::MalformedJson, "malformed_json"},
    {FaultAction::WrongContentType, "wrong_content_type"},
    {FaultAction::RateLimit, "rate_limit"},
}};

std::string_view code_for(int status) {
    switch (status) {
        case 400: return "BAD_REQUEST";
        case 401: return "INVALID_AUTH_TOKEN";
        case 403: return "FORBIDDEN";
        case 404: return "NOT_FOUND";
        case 409: return "CONFLICT";
        case 422: return "VALIDATION_ERROR";
        case 429: return "RATE_LIMITED";
        case 500: return "SERVER_ERROR";
        case 502: return "BAD_GATEWAY";
        case 503: return "SERVICE_UNAVAILABLE";
        case 504: return "GATEWAY_TIMEOUT";
        default: return "ERROR";
    }
}

std::string_view message_for(int status) {
    switch (status) {
        case 429: return "Too Many Attempts.";
        case 500: return "Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "Simulated error";
    }
}

std::optional<std::int64_t> as_int(const json::value& v) {
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) return static_cast<std::int64_t>(v.get_uint64());
    if (v.is_double() && std::floor(v.get_double()) == v.get_double())
        return static_cast<std::int64_t>(v.get_double());
    return std::nullopt;
}

std::optional<double> as_number(const json::value& v) {
    if (v.is_number()) return v.to_number<double>();
    return std::nullopt;
}

bool method_matches(std::string_view rule, std::string_view method) {
    if (rule == "*" || rule.empty()) return true;
    if (rule.size() != method.size()) return false;
    for (std::size_t i = 0; i < rule.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(rule[i])) !=
            std::toupper(static_cast<unsigned char>(method[i])))
            return false;
    return true;
}

HttpResponse status_response(const FaultRule& r) {
    HttpResponse res;
    res.status = r.status;
    if (r.body && r.body->is_string()) {
        res.headers.emplace_back("Content-Type", "application/json");
        res.body = std::string(r.body->get_string());
    } else if (r.body) {
        res = json_response(r.status, *r.body);
    } else {
        res = error_response(r.status, message_for(r.status), code_for(r.status),
                             "Injected by the simulator");
    }
    if (r.retry_after_value) res.headers.emplace_back("Retry-After", *r.retry_after_value);
    return res;
}

}  // namespace

std::string_view to_string(FaultAction a) {
    for (const auto& [action, name] : kActions)
        if (action == a) return name;
    return "?";
}

std::optional<FaultAction> parse_fault_action(std::string_view name) {
    for (const auto& [action, n] : kActions)
        if (n == name) return action;
    return std::nullopt;
}

json::object FaultRule::to_json() const {
    json::object o;
    o["method"] = method;
    o["path_prefix"] = path_prefix;
    if (times) o["times"] = *times; else o["times"] = nullptr;
    o["action"] = to_string(action);
    switch (action) {
        case FaultAction::Status:
            o["status"] = status;
            if (retry_after_value) o["retry_after"] = *retry_after_value;
            if (body) o["body"] = *body;
            break;
        case FaultAction::Latency:
        case FaultAction::Stall: o["ms"] = ms; break;
        case FaultAction::RateLimit:
            o["per_second"] = rate.per_second;
            o["burst"] = rate.burst;
            o["headers"] = rate.headers;
            o["retry_after"] = rate.retry_after;
            break;
        default: break;
    }
    return o;
}

namespace {

using ParseResult = std::expected<void, std::string>;

ParseResult parse_status_options(const json::object& o, FaultRule& r) {
    if (auto* s = o.if_contains("status")) {
        auto n = as_int(*s);
        if (!n || *n < 100 || *n > 599)
            return std::unexpected("fault rule: \"status\" must be an HTTP status");
        r.status = static_cast<int>(*n);
    }
    if (auto* ra = o.if_contains("retry_after"); ra && !ra->is_null()) {
        if (ra->is_string())
            r.retry_after_value = std::string(ra->get_string());
        else if (auto n = as_int(*ra))
            r.retry_after_value = std::to_string(*n);
        else
            return std::unexpected("fault rule: \"retry_after\" must be a string or integer");
    }
    if (auto* b = o.if_contains("body"); b && !b->is_null()) r.body = *b;
    return {};
}

ParseResult optional_bool(const json::object& o, std::string_view key, bool& out) {
    auto* v = o.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_bool())
        return std::unexpected("fault rule: \"" + std::string(key) + "\" must be a boolean");
    out = v->get_bool();
    return {};
}

ParseResult parse_rate_limit_options(const json::object& o, FaultRule& r) {
    auto* ps = o.if_contains("per_second");
    auto n = ps ? as_number(*ps) : std::nullopt;
    if (!n || *n <= 0) return std::unexpected("fault rule: \"per_second\" must be a positive number");
    r.rate.per_second = *n;
    r.rate.burst = std::max(1.0, *n);
    if (auto* b = o.if_contains("burst")) {
        auto burst = as_number(*b);
        if (!burst || *burst < 1) return std::unexpected("fault rule: \"burst\" must be a number >= 1");
        r.rate.burst = *burst;
    }
    if (auto res = optional_bool(o, "retry_after", r.rate.retry_after); !res) return res;
    return optional_bool(o, "headers", r.rate.headers);
}

ParseResult parse_common(const json::object& o, FaultRule& r) {
    if (auto* m = o.if_contains("method")) {
        if (!m->is_string()) return std::unexpected("fault rule: \"method\" must be a string");
        r.method = std::string(m->get_string());
    }
    if (auto* p = o.if_contains("path_prefix")) {
        if (!p->is_string()) return std::unexpected("fault rule: \"path_prefix\" must be a string");
        r.path_prefix = std::string(p->get_string());
    }
    if (auto* t = o.if_contains("times"); t && !t->is_null()) {
        auto n = as_int(*t);
        if (!n || *n < 0) return std::unexpected("fault rule: \"times\" must be a non-negative integer");
        r.times = *n;
    }
    if (auto* ms = o.if_contains("ms")) {
        auto n = as_int(*ms);
        if (!n || *n < 0) return std::unexpected("fault rule: \"ms\" must be a non-negative integer");
        r.ms = static_cast<int>(*n);
    }
    return {};
}

}  // namespace

std::expected<FaultRule, std::string> parse_fault_rule(const json::value& v) {
    if (!v.is_object()) return std::unexpected("a fault rule must be an object");
    const auto& o = v.get_object();
    FaultRule r;
    auto* action = o.if_contains("action");
    if (!action || !action->is_string()) return std::unexpected("fault rule: \"action\" is required");
    auto a = parse_fault_action(action->get_string());
    if (!a) return std::unexpected("fault rule: unknown action \"" + std::string(action->get_string()) + "\"");
    r.action = *a;
    ParseResult res = parse_common(o, r);
    if (res && r.action == FaultAction::Status) res = parse_status_options(o, r);
    if (res && r.action == FaultAction::RateLimit) res = parse_rate_limit_options(o, r);
    if (res && (r.action == FaultAction::Latency || r.action == FaultAction::Stall) && !o.contains("ms"))
        res = std::unexpected("fault rule: \"ms\" is required");
    if (!res) return std::unexpected(res.error());
    return r;
}

FaultEngine::FaultEngine(Clock clock) : clock_(std::move(clock)) {}

std::expected<std::size_t, std::string> FaultEngine::set_rules(const json::value& doc) {
    const json::value* list = &doc;
    if (doc.is_object()) {
        list = doc.get_object().if_contains("faults");
        if (!list) return std::unexpected("expected {\"faults\": [...]}");
    }
    if (!list->is_array()) return std::unexpected("\"faults\" must be an array");
    std::vector<Active> parsed;
    std::size_t i = 0;
    for (const auto& v : list->get_array()) {
        auto r = parse_fault_rule(v);
        if (!r) return std::unexpected("faults[" + std::to_string(i) + "]: " + r.error());
        parsed.push_back(Active{std::move(*r)});
        ++i;
    }
    rules_ = std::move(parsed);
    return rules_.size();
}

void FaultEngine::clear() { rules_.clear(); }

json::array FaultEngine::rules_json() const {
    json::array a;
    for (const auto& r : rules_) {
        json::object o = r.rule.to_json();
        o["used"] = r.used;
        a.push_back(std::move(o));
    }
    return a;
}

namespace {

HttpResponse html_page() {
    HttpResponse res;
    res.status = 200;
    res.headers.emplace_back("Content-Type", "text/html; charset=UTF-8");
    res.body =
        "<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
        "<body><h1>Checking your browser before accessing the site.</h1></body></html>\n";
    return res;
}

}  // namespace

FaultDecision FaultEngine::decide(std::string_view method, std::string_view path) {
    FaultDecision d;
    bool paced = false;
    for (auto& active : rules_) {
        const FaultRule& r = active.rule;
        if (!method_matches(r.method, method) || !path.starts_with(r.path_prefix)) continue;
        if (r.times && active.used >= *r.times) continue;
        ++active.used;
        if (r.action == FaultAction::RateLimit) {
            auto verdict = active.bucket.take(r.rate, clock_());
            // The first bucket's headers, or those of the bucket that refuses.
            if (!paced || !verdict.allowed) d.headers = std::move(verdict.headers);
            paced = true;
            if (verdict.allowed) continue;  // within the rate: later rules may still apply
            d.action = FaultAction::RateLimit;
            d.response = error_response(429, "Too Many Attempts.", "RATE_LIMITED",
                                        "Injected by the simulator");
            return d;
        }
        d.action = r.action;
        d.ms = r.ms;
        if (r.action == FaultAction::Status) d.response = status_response(r);
        if (r.action == FaultAction::WrongContentType) d.response = html_page();
        return d;
    }
    return d;
}

std::string truncate_json(std::string_view body) {
    if (body.size() < 2) return "{\"success\": tru";
    return std::string(body.substr(0, body.size() / 2));
}

}  // namespace mihu_sim
