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
