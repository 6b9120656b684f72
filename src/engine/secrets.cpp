#include "reconcile/engine/secrets.hpp"

#include "reconcile/util/digest.hpp"

#include <algorithm>
#include <cctype>

namespace reconcile {
namespace {

std::string fingerprint(std::string_view key, const std::string& pointer, std::string_view value) {
    return hmac_sha256_hex(key, pointer + '\0' + std::string(value));
}

}  // namespace

void show_secret_templates(std::vector<FieldChange>& changes, const std::vector<std::string>& change_pointers,
                           const std::vector<SecretRef>& secrets) {
    const std::size_t n = std::min(changes.size(), change_pointers.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view at = change_pointers[i];
        json::value& shown = changes[i].after;
        for (const SecretRef& ref : secrets) {
            const std::string_view where = ref.pointer;
            if (where == at) {
                shown = json::string(ref.template_text);
            } else if (where.size() > at.size() && where.substr(0, at.size()) == at && where[at.size()] == '/') {
                if (json::value* inner = find_pointer(shown, where.substr(at.size())); inner && inner->is_string())
                    *inner = json::string(ref.template_text);
            }
        }
    }
}

void seal_secrets(Plan& plan, const DesiredState& desired, std::string_view key) {
    for (auto& step : plan.steps) {
        if (!step.request.body.is_object()) continue;
        for (const auto& agent : desired.agents) {
            if (agent.secrets.empty() || agent.name != step.agent_name ||
                agent.where.str() != step.source.str())
                continue;
            for (const auto& ref : agent.secrets) {
                auto* v = find_pointer(step.request.body, ref.pointer);
                if (!v || !v->is_string()) continue;
                step.secrets.push_back(
                    PlanSecret{ref.pointer, ref.template_text, fingerprint(key, ref.pointer, v->get_string())});
                *v = json::string(ref.template_text);
            }
        }
    }
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
