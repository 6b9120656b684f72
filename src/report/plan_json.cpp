// The plan document (schemas/plan.schema.json): what `plan --out` writes and `apply FILE` reads.
#include "reconcile/report/plan_json.hpp"

#include <charconv>

namespace reconcile {

namespace {

SourceLocation parse_source(std::string_view s) {
    SourceLocation loc;
    auto colon = s.rfind(':');
    if (colon != std::string_view::npos && colon + 1 < s.size()) {
        auto digits = s.substr(colon + 1);
        int line = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), line);
        if (ec == std::errc{} && p == digits.data() + digits.size() && line > 0) {
            loc.file = std::string(s.substr(0, colon));
            loc.line = line;
            return loc;
        }
    }
    loc.file = std::string(s);
    return loc;
}

json::value uuid_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object precondition_json(const PlanStep& s) {
    json::object p;
    switch (s.action) {
        case ActionKind::Create:
            p.emplace("name_absent", s.precondition.name_absent);
            break;
        case ActionKind::Update:
        case ActionKind::Delete:
            p.emplace("agent_fingerprint", s.precondition.agent_fingerprint);
            p.emplace("updated_at", s.precondition.updated_at);
            break;
        case ActionKind::ProvisionCall:
            p.emplace("phone_number_uuid", s.precondition.phone_number_uuid);
            p.emplace("bound_agent_uuid", s.precondition.bound_agent_uuid);
            break;
    }
    return p;
}

// Reading: every error names where in the document it is.
struct Reader {
    std::string error;

    bool fail(const std::string& where, const std::string& what) {
        if (error.empty()) error = "plan" + (where.empty() ? std::string() : " " + where) + ": " + what;
        return false;
    }

    const json::value* member(const json::object& o, std::string_view key, const std::string& where, bool required) {
        auto* v = o.if_contains(key);
        if (!v && required) fail(where, "missing \"" + std::string(key) + "\"");
        return v;
    }

    bool string(const json::object& o, std::string_view key, const std::string& where, std::string& out,
                bool required = true, bool nullable = false) {
        auto* v = member(o, key, where, required);
        if (!v) return required ? false : true;
        if (nullable && v->is_null()) {
            out.clear();
            return true;
        }
        if (!v->is_string()) return fail(where, "\"" + std::string(key) + "\" must be a string");
        out = std::string(v->get_string());
        return true;
    }

    bool boolean(const json::object& o, std::string_view key, const std::string& where, bool& out) {
        auto* v = member(o, key, where, false);
        if (!v) return true;
        if (!v->is_bool()) return fail(where, "\"" + std::string(key) + "\" must be true or false");
        out = v->get_bool();
        return true;
    }

    const json::object* object(const json::object& o, std::string_view key, const std::string& where, bool required) {
        auto* v = member(o, key, where, required);
        if (!v) return nullptr;
        if (!v->is_object()) {
            fail(where, "\"" + std::string(key) + "\" must be an object");
            return nullptr;
        }
        return &v->get_object();
    }

    const json::array* array(const json::object& o, std::string_view key, const std::string& where, bool required) {
        auto* v = member(o, key, where, required);
        if (!v) return nullptr;
        if (!v->is_array()) {
            fail(where, "\"" + std::string(key) + "\" must be an array");
            return nullptr;
        }
        return &v->get_array();
    }

    std::optional<PlanStep> step(const json::value& v, const std::string& where) {
        if (!v.is_object()) {
            fail(where, "must be an object");
            return std::nullopt;
        }
        const auto& o = v.get_object();
        PlanStep s;
        std::string action;
        if (!string(o, "action", where, action)) return std::nullopt;
        auto kind = action_from_string(action);
        if (!kind) {
            fail(where, "unknown action \"" + action + "\"");
            return std::nullopt;
        }
        s.action = *kind;

        auto* agent = object(o, "agent", where, true);
        if (!agent) return std::nullopt;
        if (!string(*agent, "name", where + ".agent", s.agent_name)) return std::nullopt;
        if (!string(*agent, "uuid", where + ".agent", s.agent_uuid, false, true)) return std::nullopt;
        if (s.action != ActionKind::Create && s.action != ActionKind::ProvisionCall && s.agent_uuid.empty()) {
            fail(where + ".agent", "\"uuid\" is required for an " + action);
            return std::nullopt;
        }

        std::string source;
        if (!string(o, "source", where, source, false)) return std::nullopt;
        s.source = parse_source(source);

        auto* req = object(o, "request", where, true);
        if (!req) return std::nullopt;
        if (!string(*req, "method", where + ".request", s.request.method)) return std::nullopt;
        if (!string(*req, "path", where + ".request", s.request.path)) return std::nullopt;
        if (auto* body = req->if_contains("body")) s.request.body = *body;
        if ((s.action == ActionKind::Update || s.action == ActionKind::Create ||
             s.action == ActionKind::ProvisionCall) &&
            !s.request.body.is_object()) {
            fail(where + ".request", "\"body\" must be an object for " + action);
            return std::nullopt;
        }

        if (auto* changes = array(o, "changes", where, false)) {
            for (std::size_t i = 0; i < changes->size(); ++i) {
                std::string w = where + ".changes[" + std::to_string(i) + "]";
                if (!(*changes)[i].is_object()) {
                    fail(w, "must be an object");
                    return std::nullopt;
                }
                const auto& c = (*changes)[i].get_object();
                FieldChange fc;
                if (!string(c, "path", w, fc.path)) return std::nullopt;
                if (auto* b = c.if_contains("before")) fc.before = *b;
                if (auto* a = c.if_contains("after")) fc.after = *a;
                if (!boolean(c, "collection", w, fc.collection)) return std::nullopt;
                s.changes.push_back(std::move(fc));
            }
        } else if (!error.empty()) {
            return std::nullopt;
        }

        if (auto* notes = array(o, "notes", where, false)) {
            for (std::size_t i = 0; i < notes->size(); ++i) {
                if (!(*notes)[i].is_string()) {
                    fail(where + ".notes[" + std::to_string(i) + "]", "must be a string");
                    return std::nullopt;
                }
                s.notes.emplace_back((*notes)[i].get_string());
            }
        } else if (!error.empty()) {
            return std::nullopt;
        }

        auto* pre = object(o, "precondition", where, true);
        if (!pre) return std::nullopt;
        std::string pw = where + ".precondition";
        auto& p = s.precondition;
        switch (s.action) {
            case ActionKind::Create:
                if (!boolean(*pre, "name_absent", pw, p.name_absent)) return std::nullopt;
                break;
            case ActionKind::Update:
            case ActionKind::Delete:
                if (!string(*pre, "agent_fingerprint", pw, p.agent_fingerprint)) return std::nullopt;
                if (!string(*pre, "updated_at", pw, p.updated_at)) return std::nullopt;
                break;
            case ActionKind::ProvisionCall:
                if (!string(*pre, "phone_number_uuid", pw, p.phone_number_uuid)) return std::nullopt;
                if (!string(*pre, "bound_agent_uuid", pw, p.bound_agent_uuid)) return std::nullopt;
                if (p.phone_number_uuid.empty()) {
                    fail(pw, "\"phone_number_uuid\" must not be empty");
                    return std::nullopt;
                }
                break;
        }
        if (!string(o, "phone_number", where, s.phone_number, s.action == ActionKind::ProvisionCall))
            return std::nullopt;
        if (auto* secrets = array(o, "secrets", where, false)) {
            for (std::size_t i = 0; i < secrets->size(); ++i) {
                std::string w = where + ".secrets[" + std::to_string(i) + "]";
                if (!(*secrets)[i].is_object()) {
                    fail(w, "must be an object");
                    return std::nullopt;
                }
                const auto& c = (*secrets)[i].get_object();
                PlanSecret sec;
                if (!string(c, "pointer", w, sec.pointer) || !string(c, "template", w, sec.template_text) ||
                    !string(c, "fingerprint", w, sec.fingerprint))
                    return std::nullopt;
                s.secrets.push_back(std::move(sec));
            }
        } else if (!error.empty()) {
            return std::nullopt;
        }
        return s;
    }
};

}  // namespace

json::value plan_to_json(const Plan& plan) {
    json::object doc;
    doc.emplace("format_version", plan.format_version);
    doc.emplace("api_url", plan.api_url);
    doc.emplace("inputs_digest", plan.inputs_digest);
    auto c = plan.counts();
    json::object summary;
    summary.emplace("create", c.create);
    summary.emplace("update", c.update);
    summary.emplace("provision_call", c.provision);
    summary.emplace("delete", c.remove);
    doc.emplace("summary", std::move(summary));

    json::array steps;
    for (const auto& s : plan.steps) {
        json::object step;
        step.emplace("action", to_string(s.action));
        json::object agent;
        agent.emplace("name", s.agent_name);
        agent.emplace("uuid", uuid_or_null(s.agent_uuid));
        step.emplace("agent", std::move(agent));
        step.emplace("source", s.source.file_line());
        json::object req;
        req.emplace("method", s.request.method);
        req.emplace("path", s.request.path);
        req.emplace("body", s.request.body);
        step.emplace("request", std::move(req));
        json::array changes;
        for (const auto& ch : s.changes) {
            json::object c;
            c.emplace("path", ch.path);
            c.emplace("before", ch.before);
            c.emplace("after", ch.after);
            c.emplace("collection", ch.collection);
            changes.push_back(std::move(c));
        }
        step.emplace("changes", std::move(changes));
        json::array notes;
        for (const auto& n : s.notes) notes.emplace_back(n);
        step.emplace("notes", std::move(notes));
        step.emplace("precondition", precondition_json(s));
        if (s.action == ActionKind::ProvisionCall) step.emplace("phone_number", s.phone_number);
        if (!s.secrets.empty()) {
            json::array secrets;
            for (const auto& sec : s.secrets)
                secrets.push_back(json::object{{"pointer", sec.pointer}, {"template", sec.template_text},
                                               {"fingerprint", sec.fingerprint}});
            step.emplace("secrets", std::move(secrets));
        }
        steps.push_back(std::move(step));
    }
    doc.emplace("steps", std::move(steps));
    json::array unchanged;
    for (const auto& n : plan.unchanged_agents) unchanged.emplace_back(n);
    doc.emplace("unchanged", std::move(unchanged));
    return doc;
}

std::expected<Plan, std::string> plan_from_json(const json::value& v) {
    if (!v.is_object()) return std::unexpected("a plan must be a JSON object");
    const auto& o = v.get_object();
    auto* fv = o.if_contains("format_version");
    if (!fv) return std::unexpected("not a reconcile plan: \"format_version\" is missing");
    if (!fv->is_int64() || fv->get_int64() != Plan::kFormatVersion) {
        return std::unexpected("plan format_version " + json::serialize(*fv) +
                               " is not supported: this version of reconcile reads format_version " +
                               std::to_string(Plan::kFormatVersion) +
                               "; make the plan again with this version");
    }
    Reader r;
    Plan plan;
    plan.format_version = Plan::kFormatVersion;
    if (!r.string(o, "api_url", "", plan.api_url) || !r.string(o, "inputs_digest", "", plan.inputs_digest))
        return std::unexpected(r.error);
    auto* steps = r.array(o, "steps", "", true);
    if (!steps) return std::unexpected(r.error);
    for (std::size_t i = 0; i < steps->size(); ++i) {
        auto step = r.step((*steps)[i], "steps[" + std::to_string(i) + "]");
        if (!step) return std::unexpected(r.error);
        plan.steps.push_back(std::move(*step));
    }
    if (auto* unchanged = r.array(o, "unchanged", "", false)) {
        for (std::size_t i = 0; i < unchanged->size(); ++i) {
            if (!(*unchanged)[i].is_string())
                return std::unexpected("plan unchanged[" + std::to_string(i) + "]: must be a string");
            plan.unchanged_agents.emplace_back((*unchanged)[i].get_string());
        }
    } else if (!r.error.empty()) {
        return std::unexpected(r.error);
    }
    // The summary is redundant; a summary that disagrees with the steps means an edited file.
    if (auto* summary = r.object(o, "summary", "", false)) {
        auto c = plan.counts();
        const std::pair<std::string_view, std::size_t> expected[] = {
            {"create", c.create}, {"update", c.update}, {"provision_call", c.provision}, {"delete", c.remove}};
        for (const auto& [key, n] : expected) {
            auto* sv = summary->if_contains(key);
            if (sv && !(sv->is_number() && sv->to_number<double>() == static_cast<double>(n)))
                return std::unexpected("plan summary." + std::string(key) + " is " + json::serialize(*sv) +
                                       " but the plan has " + std::to_string(n) + " such steps");
        }
    } else if (!r.error.empty()) {
        return std::unexpected(r.error);
    }
    return plan;
}

}  // namespace reconcile
