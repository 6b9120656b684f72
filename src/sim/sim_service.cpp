#include "sim_service.hpp"

namespace mihu_sim {

namespace {

constexpr std::size_t kMaxLog = 100000;

std::optional<json::value> parse_json(std::string_view text, std::string& error) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) {
        error = ec.message();
        return std::nullopt;
    }
    return v;
}

HttpResponse hook_error(int status, std::string message) {
    return json_response(status, json::object{{"ok", false}, {"error", std::move(message)}});
}

HttpResponse ok(json::object extra = {}) {
    json::object o{{"ok", true}};
    for (auto& kv : extra) o[kv.key()] = kv.value();
    return json_response(200, o);
}

}  // namespace

SimService::SimService(std::string token) : state_(std::move(token)) {}

std::expected<void, std::string> SimService::load_seed(const json::value& seed) {
    std::lock_guard lock(mu_);
    return state_.load_seed(seed);
}

bool SimService::is_hook(const HttpRequest& req) {
    auto p = req.path();
    return p == "/_sim" || p.starts_with("/_sim/");
}

std::optional<FaultDecision> SimService::choose_fault(const HttpRequest& req) {
    if (is_hook(req)) return std::nullopt;
    std::lock_guard lock(mu_);
    return faults_.decide(req.method, req.path());
}

json::value SimService::state_json() const {
    std::lock_guard lock(mu_);
    return state_.dump();
}

json::value SimService::requests_json() const {
    std::lock_guard lock(mu_);
    return json::object{{"requests", log_}};
}

Outcome SimService::process(const HttpRequest& req, std::uint64_t connection,
                            const std::optional<FaultDecision>& fault) {
    Outcome out;
    if (is_hook(req)) {
        out.response = hook(req);
        out.logged_status = out.response.status;
        return out;
    }

    std::lock_guard lock(mu_);
    out.fault = fault ? std::optional(fault->action) : std::nullopt;
    FaultAction action = fault ? fault->action : FaultAction::Latency;  // Latency = handle normally
    switch (action) {
        case FaultAction::Status:
        case FaultAction::RateLimit:
        case FaultAction::WrongContentType:
            out.response = *fault->response;
            out.logged_status = out.response.status;
            break;
        case FaultAction::DropBefore:
            out.disposition = Disposition::CloseNow;
            break;
        case FaultAction::Stall:
            out.disposition = Disposition::StallThenClose;
            out.stall_ms = fault->ms;
            break;
        case FaultAction::DropAfterCommit:
            out.response = state_.handle(req);
            out.disposition = Disposition::CloseAfterCommit;
            out.logged_status = out.response.status;  // what would have been sent
            break;
        case FaultAction::MalformedJson:
            out.response = state_.handle(req);
            out.response.status = 200;
            out.response.body = truncate_json(out.response.body);
            out.logged_status = 200;
            break;
        case FaultAction::Latency:
            out.response = state_.handle(req);
            out.logged_status = out.response.status;
            break;
    }

    json::value body = nullptr;
    if (!req.body.empty()) {
        std::string err;
        if (auto v = parse_json(req.body, err))
            body = std::move(*v);
        else
            body = req.body;  // not JSON: the raw text
    }
    json::object entry;
    entry["seq"] = next_seq_++;
    entry["method"] = req.method;
    entry["target"] = req.target;
    entry["body"] = std::move(body);
    if (out.logged_status) entry["status"] = *out.logged_status; else entry["status"] = nullptr;
    entry["connection"] = connection;
    auto received = req.received.value_or(std::chrono::steady_clock::now());
    entry["at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(received - started_).count();
    if (out.fault) entry["fault"] = to_string(*out.fault); else entry["fault"] = nullptr;
    if (log_.size() >= kMaxLog) log_.erase(log_.begin());
    log_.push_back(std::move(entry));
    return out;
}

Outcome SimService::handle(const HttpRequest& req, std::uint64_t connection) {
    return process(req, connection, choose_fault(req));
}

HttpResponse SimService::hook(const HttpRequest& req) {
    std::string_view p = req.path();
    const std::string& m = req.method;
    auto body_json = [&]() -> std::expected<json::value, HttpResponse> {
        std::string err;
        auto v = parse_json(req.body.empty() ? std::string_view("{}") : std::string_view(req.body), err);
        if (!v) return std::unexpected(hook_error(400, "invalid JSON: " + err));
        return std::move(*v);
    };

    if (p == "/_sim/state" && m == "GET") {
        std::lock_guard lock(mu_);
        return json_response(200, state_.dump());
    }
    if (p == "/_sim/requests" && m == "GET") {
        std::lock_guard lock(mu_);
        return json_response(200, json::object{{"requests", log_}});
    }
    if (p == "/_sim/requests/clear" && m == "POST") {
        std::lock_guard lock(mu_);
        log_.clear();
        return ok();
    }
    if (p == "/_sim/faults" && m == "GET") {
        std::lock_guard lock(mu_);
        return json_response(200, json::object{{"faults", faults_.rules_json()}});
    }
    if (p == "/_sim/faults" && m == "POST") {
        auto doc = body_json();
        if (!doc) return doc.error();
        std::lock_guard lock(mu_);
        auto n = faults_.set_rules(*doc);
        if (!n) return hook_error(400, n.error());
        return ok({{"faults", *n}});
    }
    if (p == "/_sim/faults/clear" && m == "POST") {
        std::lock_guard lock(mu_);
        faults_.clear();
        return ok();
    }
    if (p == "/_sim/seed" && m == "POST") {
        auto doc = body_json();
        if (!doc) return doc.error();
        std::lock_guard lock(mu_);
        auto r = state_.load_seed(*doc);
        if (!r) return hook_error(400, r.error());
        return ok({{"agents", state_.agent_count()}});
    }
    if (p == "/_sim/health" && m == "GET") return ok();
    return hook_error(404, "unknown test hook " + std::string(m) + " " + std::string(p));
}

}  // namespace mihu_sim
