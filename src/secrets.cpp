#include "reconcile/secrets.hpp"

#include "reconcile/digest.hpp"

#include <algorithm>
#include <cctype>

namespace reconcile {
namespace {

std::string fingerprint(std::string_view key, const std::string& pointer, std::string_view value) {
    return hmac_sha256_hex(key, pointer + '\0' + std::string(value));
}

}  // namespace

EnvExpansion expand_env_references(std::string_view text, const EnvLookup& getenv) {
    constexpr std::string_view kRef = "${env:";
    constexpr std::string_view kEscaped = "$${env:";
    EnvExpansion out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, kEscaped.size(), kEscaped) == 0) {
            out.text += kRef;
            i += kEscaped.size();
            continue;
        }
        if (text.compare(i, kRef.size(), kRef) != 0) {
            out.text += text[i++];
            continue;
        }
        auto close = text.find('}', i + kRef.size());
        std::string name = close == std::string_view::npos ? std::string()
                                                           : std::string(text.substr(i + kRef.size(), close - i - kRef.size()));
        bool valid = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
        for (char c : name) valid = valid && (c == '_' || std::isalnum(static_cast<unsigned char>(c)));
        if (!valid) {
            out.malformed = true;
            out.text = std::string(text);
            return out;
        }
        if (std::find(out.variables.begin(), out.variables.end(), name) == out.variables.end())
            out.variables.push_back(name);
        if (auto value = getenv(name)) {
            out.text += *value;
            out.values.push_back(*value);
        } else {
            if (std::find(out.unset.begin(), out.unset.end(), name) == out.unset.end()) out.unset.push_back(name);
            out.text.append(text.substr(i, close + 1 - i));  // keep the reference visible
        }
        i = close + 1;
    }
    return out;
}

std::expected<std::string, std::string> expand_env_template(std::string_view text, const EnvLookup& getenv) {
    auto e = expand_env_references(text, getenv);
    if (e.malformed) return std::string(text);  // the loader reports these; nothing to expand
    if (!e.unset.empty()) return std::unexpected(e.unset.front());
    return std::move(e.text);
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

std::vector<std::string> unseal_secrets(Plan& plan, const EnvLookup& getenv, std::string_view key) {
    std::vector<std::string> problems;
    for (auto& step : plan.steps) {
        for (const auto& sec : step.secrets) {
            std::string where = "agent \"" + step.agent_name + "\", " + pointer_to_display(sec.pointer);
            auto* v = find_pointer(step.request.body, sec.pointer);
            if (!v) {
                problems.push_back("plan is malformed: " + where + " is not in the request body");
                continue;
            }
            auto value = expand_env_template(sec.template_text, getenv);
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
