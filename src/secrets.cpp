#include "reconcile/secrets.hpp"

#include "reconcile/digest.hpp"

namespace reconcile {
namespace {

std::string fingerprint(std::string_view key, const std::string& pointer, std::string_view value) {
    return hmac_sha256_hex(key, pointer + '\0' + std::string(value));
}

bool is_name_char(char c, bool first) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

}  // namespace

std::expected<std::string, std::string> expand_env_template(std::string_view text, const EnvLookup& getenv) {
    std::string out;
    constexpr std::string_view open = "${env:";
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, 1 + open.size(), "$" + std::string(open)) == 0) {  // escape: $${env:X}
            auto close = text.find('}', i + 1 + open.size());
            if (close != std::string_view::npos) {
                out.append(text.substr(i + 1, close - i));
                i = close + 1;
                continue;
            }
        }
        if (text.compare(i, open.size(), open) == 0) {
            auto close = text.find('}', i + open.size());
            if (close != std::string_view::npos) {
                std::string name(text.substr(i + open.size(), close - i - open.size()));
                bool valid = !name.empty();
                for (std::size_t k = 0; k < name.size() && valid; ++k) valid = is_name_char(name[k], k == 0);
                if (valid) {
                    auto value = getenv(name);
                    if (!value) return std::unexpected(name);
                    out += *value;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
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
