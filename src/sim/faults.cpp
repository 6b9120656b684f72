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
            o["per_second"] = per_second;
            o["retry_after"] = retry_after;
            break;
        default: break;
    }
    return o;
}

std::expected<FaultRule, std::string> parse_fault_rule(const json::value& v) {
    if (!v.is_object()) return std::unexpected("a fault rule must be an object");
    const auto& o = v.get_object();
    FaultRule r;
    auto* action = o.if_contains("action");
    if (!action || !action->is_string()) return std::unexpected("fault rule: \"action\" is required");
    auto a = parse_fault_action(action->get_string());
    if (!a) return std::unexpected("fault rule: unknown action \"" + std::string(action->get_string()) + "\"");
    r.action = *a;
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
    switch (r.action) {
        case FaultAction::Status: {
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
            break;
        }
        case FaultAction::Latency:
        case FaultAction::Stall:
            if (!o.contains("ms")) return std::unexpected("fault rule: \"ms\" is required");
            break;
        case FaultAction::RateLimit: {
            auto* ps = o.if_contains("per_second");
            auto n = ps ? as_number(*ps) : std::nullopt;
            if (!n || *n <= 0) return std::unexpected("fault rule: \"per_second\" must be a positive number");
            r.per_second = *n;
            if (auto* ra = o.if_contains("retry_after")) {
                if (!ra->is_bool()) return std::unexpected("fault rule: \"retry_after\" must be a boolean");
                r.retry_after = ra->get_bool();
            }
            break;
        }
        default: break;
    }
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

std::optional<FaultDecision> FaultEngine::decide(std::string_view method, std::string_view path) {
    for (auto& active : rules_) {
        const FaultRule& r = active.rule;
        if (!method_matches(r.method, method) || !path.starts_with(r.path_prefix)) continue;
        if (r.times && active.used >= *r.times) continue;
        ++active.used;
        if (r.action == FaultAction::RateLimit) {
            auto now = clock_();
            double capacity = std::max(1.0, r.per_second);
            if (!active.started) {
                active.started = true;
                active.tokens = capacity;
            } else {
                double elapsed = std::chrono::duration<double>(now - active.last).count();
                active.tokens = std::min(capacity, active.tokens + elapsed * r.per_second);
            }
            active.last = now;
            if (active.tokens >= 1.0) {
                active.tokens -= 1.0;
                continue;  // within the rate: later rules may still apply
            }
            HttpResponse res = error_response(429, "Too Many Attempts.", "RATE_LIMITED",
                                              "Injected by the simulator");
            if (r.retry_after) {
                double wait = (1.0 - active.tokens) / r.per_second;
                auto secs = std::max<long long>(1, static_cast<long long>(std::ceil(wait)));
                res.headers.emplace_back("Retry-After", std::to_string(secs));
            }
            return FaultDecision{FaultAction::RateLimit, 0, std::move(res)};
        }
        FaultDecision d{r.action, r.ms, std::nullopt};
        if (r.action == FaultAction::Status) d.response = status_response(r);
        if (r.action == FaultAction::WrongContentType) {
            HttpResponse res;
            res.status = 200;
            res.headers.emplace_back("Content-Type", "text/html; charset=UTF-8");
            res.body =
                "<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
                "<body><h1>Checking your browser before accessing the site.</h1></body></html>\n";
            d.response = std::move(res);
        }
        return d;
    }
    return std::nullopt;
}

std::string truncate_json(std::string_view body) {
    if (body.size() < 2) return "{\"success\": tru";
    return std::string(body.substr(0, body.size() / 2));
}

}  // namespace mihu_sim
