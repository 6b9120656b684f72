#include "reconcile/engine/secrets.hpp"

#include "reconcile/util/digest.hpp"
#include "reconcile/util/text.hpp"

#include <algorithm>
#include <cctype>

namespace reconcile {
namespace {

std::string fingerprint(std::string_view key, const std::string& pointer, std::string_view value) {
    return hmac_sha256_hex(key, pointer + '\0' + std::string(value));
}

}  // namespace

std::string secret_shown(const SecretRef& secret, std::string_view state) {
    return secret.template_text + " (" + std::string(state) + ")";
}

namespace {

// `inner` is `outer` or below it.
bool within(std::string_view inner, std::string_view outer) {
    return inner == outer || (inner.size() > outer.size() && inner.substr(0, outer.size()) == outer &&
                              inner[outer.size()] == '/' && !outer.empty()) ||
           outer.empty();
}

// The change at `change_pointer` shows `secret` by template on both sides.
void mask_change(FieldChange& change, std::string_view change_pointer, const SecretRef& secret) {
    const std::string_view rest = std::string_view(secret.pointer).substr(change_pointer.size());
    json::value* after = rest.empty() ? &change.after : find_pointer(change.after, rest);
    json::value* before = rest.empty() ? &change.before : find_pointer(change.before, rest);
    bool same = false;
    if (before && secret.value) {
        const std::string_view wanted = php_trim(secret.value->reveal());
        same = before->is_string() ? before->get_string() == wanted : wanted.empty() && before->is_null();
    }
    const std::string_view state = same ? "unchanged" : "changed";
    if (after) *after = json::string(secret_shown(secret, state));
    if (before && !before->is_null()) *before = json::string(secret_shown(secret, same ? "unchanged" : "old value"));
}

}  // namespace

AgentDiff diff_document(const DesiredAgent& document, const json::object& live, const Schema& schema) {
    if (document.secrets.empty()) return diff_agent(document.body, live, schema);
    // Compare with the values; nothing built from this copy leaves the function.
    json::value resolved(document.body);
    for (const auto& s : document.secrets)
        if (json::value* v = find_pointer(resolved, s.pointer); v && s.value) *v = json::string(s.value->reveal());
    AgentDiff diff = diff_agent(resolved.get_object(), live, schema);

    for (std::size_t i = 0; i < diff.changes.size(); ++i)
        for (const auto& s : document.secrets)
            if (within(s.pointer, diff.change_pointers[i])) mask_change(diff.changes[i], diff.change_pointers[i], s);
    json::value patch(std::move(diff.patch));
    for (const auto& s : document.secrets)
        if (json::value* v = find_pointer(patch, s.pointer)) *v = json::string(s.template_text);
    diff.patch = std::move(patch.get_object());
    return diff;
}

std::vector<PlanSecret> plan_secrets(const json::value& body, const std::vector<SecretRef>& secrets,
                                     std::string_view key) {
    std::vector<PlanSecret> out;
    for (const auto& s : secrets) {
        const json::value* v = find_pointer(body, s.pointer);
        if (!v || !s.value) continue;
        out.push_back(PlanSecret{s.pointer, s.template_text, fingerprint(key, s.pointer, s.value->reveal())});
    }
    return out;
}

std::vector<std::string> unseal_secrets(Plan& plan, const EnvLookup& lookup, std::string_view key) {
    std::vector<std::string> problems;
    for (auto& step : plan.steps) {
        for (const auto& sec : step.secrets) {
            std::string where = "agent \"" + step.agent_name + "\", " + pointer_to_display(sec.pointer);
            auto* v = find_pointer(step.request.body, sec.pointer);
            if (!v) {
                problems.push_back("plan is malformed: " + where + " is not in the request body");
                continue;
            }
            auto value = expand_env_template(sec.template_text, lookup);
            if (!value) {
                problems.push_back("environment variable " + value.error() + " is not set (needed by " + where + ")");
                continue;
            }
            if (fingerprint(key, sec.pointer, *value) != sec.fingerprint) {
                problems.push_back("plan is stale: the value of " + sec.template_text + " for " + where +
                                   " changed since the plan was made");
                continue;
            }
            *v = json::string(*value);
        }
    }
    return problems;
}

}  // namespace reconcile
