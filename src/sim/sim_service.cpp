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

std::expected<json::value, HttpResponse> hook_body(const HttpRequest& req) {
    std::string err;
    auto v = parse_json(req.body.empty() ? std::string_view("{}") : std::string_view(req.body), err);
    if (!v) return std::unexpected(hook_error(400, "invalid JSON: " + err));
    return std::move(*v);
}

}  // namespace

SimService::SimService(std::string token) : api_(std::move(token)) {}

std::expected<void, std::string> SimService::load_seed(const json::value& seed) {
    std::lock_guard lock(mu_);
    return api_.load_seed(seed);
}

void SimService::render_all() {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < api_.agent_count(); ++i) (void)api_.store().rendered_text_at(i);
}

bool SimService::is_hook(const HttpRequest& req) {
    auto p = req.path();
    return p == "/_sim" || p.starts_with("/_sim/");
}

FaultDecision SimService::choose_fault(const HttpRequest& req) {
    if (is_hook(req)) return {};
    std::lock_guard lock(mu_);
    return faults_.decide(req.method, req.path());
}

Outcome SimService::serve(const HttpRequest& req, std::uint64_t connection, const Sleep& sleep) {
    FaultDecision fault = choose_fault(req);
    if (fault.action == FaultAction::Latency && fault.ms > 0)
        sleep(std::chrono::milliseconds(fault.ms));  // the lock is not held here
    return process(req, connection, fault);
}

json::value SimService::state_json() const {
    std::lock_guard lock(mu_);
    return api_.dump();
}

json::value SimService::requests_json() const {
    std::lock_guard lock(mu_);
    return json::object{{"requests", log_}};
}

Outcome SimService::apply_fault(const HttpRequest& req, const FaultDecision& fault) {
    Outcome out;
    out.fault = fault.action;
    switch (fault.action.value_or(FaultAction::Latency)) {  // Latency: handled normally
        case FaultAction::Status:
        case FaultAction::RateLimit:
        case FaultAction::WrongContentType: out.response = *fault.response; break;
        case FaultAction::DropBefore: out.disposition = Disposition::CloseNow; break;
        case FaultAction::Stall:
            out.disposition = Disposition::StallThenClose;
            out.stall_ms = fault.ms;
            break;
        case FaultAction::DropAfterCommit:
            out.response = api_.handle(req);
            out.disposition = Disposition::CloseAfterCommit;
            break;
        case FaultAction::MalformedJson:
            out.response = api_.handle(req);
            out.response.status = 200;
            out.response.body = truncate_json(out.response.body);
            break;
        case FaultAction::Latency: out.response = api_.handle(req); break;
    }
    // What was (or, for a drop after commit, would have been) sent.
    if (out.disposition == Disposition::Respond || out.disposition == Disposition::CloseAfterCommit)
        out.logged_status = out.response.status;
    for (const auto& h : fault.headers) out.response.headers.push_back(h);
    return out;
}

Outcome SimService::process(const HttpRequest& req, std::uint64_t connection,
                            const FaultDecision& fault) {
    if (is_hook(req)) {
        Outcome out;
        out.response = hook(req);
        out.logged_status = out.response.status;
        return out;
    }
    std::lock_guard lock(mu_);
    Outcome out = apply_fault(req, fault);
    log_request(req, connection, out);
    return out;
}

void SimService::log_request(const HttpRequest& req, std::uint64_t connection, const Outcome& out) {
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
    entry["status"] = out.logged_status ? json::value(*out.logged_status) : json::value(nullptr);
    entry["connection"] = connection;
    auto received = req.received.value_or(std::chrono::steady_clock::now());
    entry["at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(received - started_).count();
    entry["fault"] = out.fault ? json::value(to_string(*out.fault)) : json::value(nullptr);
    if (log_.size() >= kMaxLog) log_.erase(log_.begin());
    log_.push_back(std::move(entry));
}

Outcome SimService::handle(const HttpRequest& req, std::uint64_t connection) {
    return process(req, connection, choose_fault(req));
}

HttpResponse SimService::hook(const HttpRequest& req) {
    std::string_view p = req.path();
    const std::string& m = req.method;
    if (p == "/_sim/health" && m == "GET") return ok();
    if (p == "/_sim/contract" && m == "GET")
        return json_text_response(200, std::string(Contract::embedded_text()));
    if ((p == "/_sim/faults" || p == "/_sim/seed") && m == "POST") {
        auto doc = hook_body(req);
        if (!doc) return doc.error();
        std::lock_guard lock(mu_);
        if (p == "/_sim/seed") {
            auto r = api_.load_seed(*doc);
            if (!r) return hook_error(400, r.error());
            return ok({{"agents", api_.agent_count()}});
        }
        auto n = faults_.set_rules(*doc);
        if (!n) return hook_error(400, n.error());
        return ok({{"faults", *n}});
    }
    std::lock_guard lock(mu_);
    return hook_locked(req);
}

HttpResponse SimService::hook_locked(const HttpRequest& req) {
    std::string_view p = req.path();
    const std::string& m = req.method;
    if (p == "/_sim/state" && m == "GET") return json_text_response(200, api_.dump_text());
    if (p == "/_sim/requests" && m == "GET")
        return json_response(200, json::object{{"requests", log_}});
    if (p == "/_sim/requests/clear" && m == "POST") {
        log_.clear();
        return ok();
    }
    if (p == "/_sim/faults" && m == "GET")
        return json_response(200, json::object{{"faults", faults_.rules_json()}});
    if (p == "/_sim/faults/clear" && m == "POST") {
        faults_.clear();
        return ok();
    }
    return hook_error(404, "unknown test hook " + std::string(m) + " " + std::string(p));
}

}  // namespace mihu_sim
