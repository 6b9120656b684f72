// The plan document (schemas/plan.schema.json): what `plan --out` writes and `apply FILE` reads.
#include "reconcile/report/plan_json.hpp"

#include <algorithm>
#include <charconv>

#include "reconcile/model/api_paths.hpp"
#include "reconcile/util/digest.hpp"
#include "reconcile/util/text.hpp"

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
            if (!s.precondition.ignored_fields.empty()) {
                json::array ignored;
                for (const auto& f : s.precondition.ignored_fields) ignored.emplace_back(f);
                p.emplace("ignored_fields", std::move(ignored));
            }
            break;
        case ActionKind::ProvisionCall:
            p.emplace("phone_number_uuid", s.precondition.phone_number_uuid);
            p.emplace("bound_agent_uuid", s.precondition.bound_agent_uuid);
            break;
    }
    return p;
}

// Reading: strict (an unknown key anywhere is refused, as the schema's additionalProperties
// says), and every error names where in the document it is.
class Reader {
public:
    std::string error;

    bool fail(const std::string& where, const std::string& what) {
        if (error.empty()) error = "plan" + (where.empty() ? std::string() : " " + where) + ": " + what;
        return false;
    }

    bool only(const json::object& o, std::initializer_list<std::string_view> keys, const std::string& where) {
        for (const auto& kv : o)
            if (std::find(keys.begin(), keys.end(), std::string_view(kv.key())) == keys.end())
                return fail(where, "unknown key " + quote_for_message(kv.key()));
        return true;
    }

    const json::value* member(const json::object& o, std::string_view key, const std::string& where, bool required) {
        auto* v = o.if_contains(key);
        if (!v && required) fail(where, "missing \"" + std::string(key) + "\"");
        return v;
    }

    bool string(const json::object& o, std::string_view key, const std::string& where, std::string& out,
                bool required = true, bool nullable = false) {
        auto* v = member(o, key, where, required);
        if (!v) return !required;
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
        if (!only(o, {"action", "agent", "source", "request", "changes", "notes", "precondition", "phone_number",
                      "secrets"},
                  where) ||
            !action(o, where, s) || !agent(o, where, s) || !request(o, where, s) || !changes(o, where, s) ||
            !notes(o, where, s) || !precondition(o, where, s) || !secrets(o, where, s))
            return std::nullopt;
        std::string source;
        if (!string(o, "source", where, source)) return std::nullopt;
        s.source = parse_source(source);
        if (!string(o, "phone_number", where, s.phone_number, s.action == ActionKind::ProvisionCall))
            return std::nullopt;
        if (!request_matches_action(s, where)) return std::nullopt;
        return s;
    }

private:
    bool action(const json::object& o, const std::string& where, PlanStep& s) {
        std::string name;
        if (!string(o, "action", where, name)) return false;
        auto kind = action_from_string(name);
        if (!kind) return fail(where, "unknown action " + quote_for_message(name));
        s.action = *kind;
        return true;
    }

    bool agent(const json::object& o, const std::string& where, PlanStep& s) {
        auto* a = object(o, "agent", where, true);
        if (!a || !only(*a, {"name", "uuid"}, where + ".agent")) return false;
        if (!string(*a, "name", where + ".agent", s.agent_name) ||
            !string(*a, "uuid", where + ".agent", s.agent_uuid, true, true))
            return false;
        if ((s.action == ActionKind::Update || s.action == ActionKind::Delete) && s.agent_uuid.empty())
            return fail(where + ".agent", "\"uuid\" is required for an " + std::string(to_string(s.action)));
        return true;
    }

    bool request(const json::object& o, const std::string& where, PlanStep& s) {
        const std::string w = where + ".request";
        auto* req = object(o, "request", where, true);
        if (!req || !only(*req, {"method", "path", "body"}, w)) return false;
        if (!string(*req, "method", w, s.request.method) || !string(*req, "path", w, s.request.path)) return false;
        if (auto* body = req->if_contains("body")) s.request.body = *body;
        const bool needs_body = s.action != ActionKind::Delete;
        if (needs_body && !s.request.body.is_object()) return fail(w, "\"body\" must be an object");
        if (!needs_body && !s.request.body.is_null()) return fail(w, "\"body\" must be null for a delete");
        return true;
    }

    bool changes(const json::object& o, const std::string& where, PlanStep& s) {
        auto* list = array(o, "changes", where, true);
        if (!list) return false;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string w = where + ".changes[" + std::to_string(i) + "]";
            if (!(*list)[i].is_object()) return fail(w, "must be an object");
            const auto& c = (*list)[i].get_object();
            FieldChange fc;
            if (!only(c, {"path", "before", "after", "collection"}, w) || !string(c, "path", w, fc.path) ||
                !boolean(c, "collection", w, fc.collection))
                return false;
            if (auto* b = c.if_contains("before")) fc.before = *b;
            if (auto* a = c.if_contains("after")) fc.after = *a;
            s.changes.push_back(std::move(fc));
        }
        return true;
    }

    bool strings(const json::object& o, std::string_view key, const std::string& where, std::vector<std::string>& out) {
        auto* list = array(o, key, where, false);
        if (!list) return error.empty();
        for (std::size_t i = 0; i < list->size(); ++i) {
            if (!(*list)[i].is_string())
                return fail(where + "." + std::string(key) + "[" + std::to_string(i) + "]", "must be a string");
            out.emplace_back((*list)[i].get_string());
        }
        return true;
    }

    bool notes(const json::object& o, const std::string& where, PlanStep& s) {
        auto* list = array(o, "notes", where, true);
        if (!list) return false;
        for (std::size_t i = 0; i < list->size(); ++i) {
            if (!(*list)[i].is_string()) return fail(where + ".notes[" + std::to_string(i) + "]", "must be a string");
            s.notes.emplace_back((*list)[i].get_string());
        }
        return true;
    }

    bool precondition(const json::object& o, const std::string& where, PlanStep& s) {
        const std::string w = where + ".precondition";
        auto* pre = object(o, "precondition", where, true);
        if (!pre) return false;
        auto& p = s.precondition;
        switch (s.action) {
            case ActionKind::Create:
                return only(*pre, {"name_absent"}, w) && boolean(*pre, "name_absent", w, p.name_absent);
            case ActionKind::Update:
            case ActionKind::Delete:
                return only(*pre, {"agent_fingerprint", "updated_at", "ignored_fields"}, w) &&
                       string(*pre, "agent_fingerprint", w, p.agent_fingerprint) &&
                       string(*pre, "updated_at", w, p.updated_at) && strings(*pre, "ignored_fields", w, p.ignored_fields);
            case ActionKind::ProvisionCall:
                if (!only(*pre, {"phone_number_uuid", "bound_agent_uuid"}, w) ||
                    !string(*pre, "phone_number_uuid", w, p.phone_number_uuid) ||
                    !string(*pre, "bound_agent_uuid", w, p.bound_agent_uuid))
                    return false;
                if (p.phone_number_uuid.empty()) return fail(w, "\"phone_number_uuid\" must not be empty");
                return true;
        }
        return false;
    }

    bool secrets(const json::object& o, const std::string& where, PlanStep& s) {
        auto* list = array(o, "secrets", where, false);
        if (!list) return error.empty();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string w = where + ".secrets[" + std::to_string(i) + "]";
            if (!(*list)[i].is_object()) return fail(w, "must be an object");
            const auto& c = (*list)[i].get_object();
            PlanSecret sec;
            if (!only(c, {"pointer", "template", "fingerprint"}, w) || !string(c, "pointer", w, sec.pointer) ||
                !string(c, "template", w, sec.template_text) || !string(c, "fingerprint", w, sec.fingerprint))
                return false;
            s.secrets.push_back(std::move(sec));
        }
        return true;
    }

    // The method and path a step records are the ones its action implies: an edited request
    // cannot send anything the plan's action does not stand for.
    bool request_matches_action(const PlanStep& s, const std::string& where) {
        HttpCall expected;
        switch (s.action) {
            case ActionKind::Create: expected = {"POST", api_paths::agents(), {}}; break;
            case ActionKind::Update: expected = {"PATCH", api_paths::agent(s.agent_uuid), {}}; break;
            case ActionKind::Delete: expected = {"DELETE", api_paths::agent(s.agent_uuid), {}}; break;
            case ActionKind::ProvisionCall:
                expected = {"POST",
                            api_paths::call_provision(s.agent_uuid.empty() ? api_paths::kCreatedAgent : s.agent_uuid),
                            {}};
                break;
        }
        if (s.request.method != expected.method || s.request.path != expected.path)
            return fail(where + ".request", s.request.method + " " + s.request.path + " is not what a " +
                                                std::string(to_string(s.action)) + " step sends (" + expected.method +
                                                " " + expected.path + ")");
        if (s.action == ActionKind::ProvisionCall &&
            s.request.body != json::value(json::object{{"phone_number_uuid", s.precondition.phone_number_uuid}}))
            return fail(where + ".request", "the body must name the precondition's phone number only");
        return true;
    }
};

}  // namespace

json::value plan_to_json(const Plan& plan) {
    json::object doc;
    doc.emplace("format_version", plan.format_version);
    doc.emplace("api_url", plan.api_url);
    doc.emplace("inputs_digest", plan.inputs_digest);
    if (!plan.shard.whole()) doc.emplace("shard", plan.shard.text());
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
                               std::to_string(Plan::kFormatVersion) + "; make the plan again with this version");
    }
    Reader r;
    Plan plan;
    plan.format_version = Plan::kFormatVersion;
    if (!r.only(o, {"format_version", "api_url", "inputs_digest", "shard", "summary", "steps", "unchanged", "mac"}, "") ||
        !r.string(o, "api_url", "", plan.api_url) || !r.string(o, "inputs_digest", "", plan.inputs_digest))
        return std::unexpected(r.error);
    if (auto* shard = o.if_contains("shard")) {
        auto parsed = shard->is_string() ? parse_shard(shard->get_string()) : std::unexpected(std::string("must be a string"));
        if (!parsed) return std::unexpected("plan shard: " + parsed.error());
        if (parsed->whole()) return std::unexpected("plan shard: 1/1 is the whole repository, written without \"shard\"");
        plan.shard = *parsed;
    }
    auto* steps = r.array(o, "steps", "", true);
    if (!steps) return std::unexpected(r.error);
    for (std::size_t i = 0; i < steps->size(); ++i) {
        auto step = r.step((*steps)[i], "steps[" + std::to_string(i) + "]");
        if (!step) return std::unexpected(r.error);
        plan.steps.push_back(std::move(*step));
    }
    auto* unchanged = r.array(o, "unchanged", "", true);
    if (!unchanged) return std::unexpected(r.error);
    for (std::size_t i = 0; i < unchanged->size(); ++i) {
        if (!(*unchanged)[i].is_string())
            return std::unexpected("plan unchanged[" + std::to_string(i) + "]: must be a string");
        plan.unchanged_agents.emplace_back((*unchanged)[i].get_string());
    }
    // The summary is redundant; a summary that disagrees with the steps means an edited file.
    auto* summary = r.object(o, "summary", "", true);
    if (!summary || !r.only(*summary, {"create", "update", "provision_call", "delete"}, "summary"))
        return std::unexpected(r.error);
    const auto c = plan.counts();
    const std::pair<std::string_view, std::size_t> expected[] = {
        {"create", c.create}, {"update", c.update}, {"provision_call", c.provision}, {"delete", c.remove}};
    for (const auto& [key, n] : expected) {
        auto* sv = summary->if_contains(key);
        if (!sv || !(sv->is_number() && sv->to_number<double>() == static_cast<double>(n)))
            return std::unexpected("plan summary." + std::string(key) + " is " +
                                   (sv ? json::serialize(*sv) : std::string("missing")) + " but the plan has " +
                                   std::to_string(n) + " such steps");
    }
    return plan;
}

namespace {

constexpr std::string_view kMacPrefix = "hmac-sha256:";

std::string plan_mac(const json::object& doc, std::string_view token) {
    // Object keys sorted at every depth, compact, without the "mac" member: the text the MAC
    // covers.
    std::string text;
    append_canonical_json(text, doc, CanonicalJsonOptions{.omit_top_member = "mac"});
    // A key of its own, derived from the token: the MAC never doubles as anything else.
    const std::string key = hmac_sha256_hex(token, "reconcile plan signing key v1");
    return std::string(kMacPrefix) + hmac_sha256_hex(key, text);
}

}  // namespace

void sign_plan_document(json::object& doc, std::string_view token) { doc["mac"] = plan_mac(doc, token); }

bool plan_document_signed_by(const json::object& doc, std::string_view token) {
    const auto* mac = doc.if_contains("mac");
    if (!mac || !mac->is_string()) return false;
    const std::string expected = plan_mac(doc, token);
    const std::string_view given = mac->get_string();
    // Constant time: the comparison does not tell how much of a forged MAC was right.
    if (given.size() != expected.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return diff == 0;
}

}  // namespace reconcile
