#include "reconcile/config/vars.hpp"

#include <algorithm>
#include <cstdlib>

#include "reconcile/config/process_env.hpp"
#include "reconcile/model/env_template.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

constexpr std::string_view kOpen = "${var:";

void push_once(Diagnostics& diagnostics, Diagnostic d) {
    for (const auto& e : diagnostics)
        if (e.severity == d.severity && e.message == d.message && e.where.str() == d.where.str()) return;
    diagnostics.push_back(std::move(d));
}

std::string display(const std::string& ptr) { return ptr.empty() ? std::string("(document)") : pointer_to_display(ptr); }

// The loader resolved `$${env:` to the literal `${env:` in strings that are not secrets; before
// the string is read again for `${env:}` the escape is restored.
std::string escape_env(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
        auto hit = text.find("${env:", pos);
        if (hit == std::string_view::npos) break;
        out.append(text.substr(pos, hit - pos));
        out += "$${env:";
        pos = hit + 6;
    }
    out.append(text.substr(pos));
    return out;
}

class VarPass {
public:
    VarPass(DesiredAgent& agent, const LoadOptions& options, LoadResult& out)
        : agent_(agent), options_(options), out_(out) {}

    void walk(json::value& v, const SchemaNode* s, const std::string& ptr) {
        if (v.is_object()) {
            for (auto& [key, child] : v.get_object()) {
                const SchemaNode* cs = s ? s->property(key) : nullptr;
                walk(child, cs, pointer_append(ptr, key));
            }
        } else if (v.is_array()) {
            auto& items = v.get_array();
            const SchemaNode* is = s ? s->items.get() : nullptr;
            for (std::size_t i = 0; i < items.size(); ++i) walk(items[i], is, pointer_append(ptr, i));
        } else if (v.is_string()) {
            rewrite(v, s, ptr);
        }
    }

private:
    void error(const std::string& ptr, std::string message) {
        push_once(out_.diagnostics, make_error(agent_.location_of(ptr), std::move(message)));
    }

    std::string environment_text() const {
        return options_.environment ? " in environment `" + options_.environment->name + "`" : std::string();
    }

    void rewrite(json::value& v, const SchemaNode* s, const std::string& ptr) {
        auto secret = std::find_if(agent_.secrets.begin(), agent_.secrets.end(),
                                   [&](const SecretRef& r) { return r.pointer == ptr; });
        const bool was_secret = secret != agent_.secrets.end();
        const std::string source = was_secret ? secret->template_text : escape_env(v.get_string());
        if (!mentions_var_reference(source)) return;
        auto lookup = [this](const std::string& name) -> std::optional<std::string> {
            if (!options_.environment) return std::nullopt;
            auto it = options_.environment->vars.find(name);
            if (it == options_.environment->vars.end()) return std::nullopt;
            return it->second;
        };
        auto e = expand_var_references(source, lookup);
        if (e.malformed) {
            error(ptr, "`" + display(ptr) +
                           "`: malformed variable reference; write ${var:NAME} with NAME made of letters, digits "
                           "and _ (or $${var: for the literal text)");
            return;
        }
        for (const auto& name : e.unknown) error(ptr, unknown_message(name, ptr));
        if (!e.unknown.empty()) return;

        // The text with the variables in place may hold ${env:} references (written beside a
        // variable, or brought in by its value): read them as the loader does.
        auto env = expand_env_references(e.text, [this](const std::string& name) { return getenv(name); });
        if (env.malformed) {
            error(ptr, "`" + display(ptr) +
                           "`: malformed environment reference after substituting variables; write ${env:NAME} "
                           "with NAME made of letters, digits and _");
            return;
        }
        if (was_secret) agent_.secrets.erase(secret);
        if (env.variables.empty()) {
            v = json::string(env.text);
            check_enum(v, s, ptr, e.text);
            return;
        }
        for (const auto& name : env.unset) {
            std::string msg = "environment variable " + name + " is not set (referenced by `" + display(ptr) + "`)";
            if (options_.unset_env_is_error) error(ptr, std::move(msg));
            else push_once(out_.diagnostics, make_warning(agent_.location_of(ptr), std::move(msg)));
        }
        for (const auto& name : env.variables) {
            if (std::find(options_.token_variables.begin(), options_.token_variables.end(), name) !=
                options_.token_variables.end()) {
                error(ptr, "`" + display(ptr) + "`: ${env:" + name +
                               "} is the API token's variable; the token can never be part of an agent");
                return;
            }
        }
        for (const auto& value : env.values) {
            if (!options_.api_token.empty() && value.find(options_.api_token) != std::string::npos) {
                error(ptr, "`" + display(ptr) + "`: the value of " + e.text +
                               " contains the API token; the token can never be part of an agent");
                return;
            }
        }
        auto& secrets = out_.state.secret_values;
        for (const auto& value : env.values) {
            SecretValue sv(value);
            if (!value.empty() && std::find(secrets.begin(), secrets.end(), sv) == secrets.end()) secrets.push_back(sv);
        }
        SecretRef ref{ptr, e.text, env.variables, std::nullopt};
        if (env.unset.empty()) ref.value = SecretValue(std::move(env.text));
        agent_.secrets.push_back(std::move(ref));
        v = json::string(e.text);  // the body keeps the template, as for a secret written out
    }

    void check_enum(const json::value& v, const SchemaNode* s, const std::string& ptr, const std::string& text) {
        if (!s || s->enum_values.empty() || !v.is_string()) return;
        std::string_view value = v.get_string();
        if (std::find(s->enum_values.begin(), s->enum_values.end(), value) != s->enum_values.end()) return;
        std::string allowed;
        for (const auto& a : s->enum_values) allowed += (allowed.empty() ? "" : ", ") + a;
        error(ptr, "`" + display(ptr) + "`: " + quote_for_message(text) + environment_text() +
                       " is not an allowed value; expected one of: " + allowed);
    }

    std::string unknown_message(const std::string& name, const std::string& ptr) const {
        if (!options_.environment)
            return "`" + display(ptr) + "`: ${var:" + name +
                   "} has no value: no environment is chosen (declare `environments:` in reconcile.yaml and pass "
                   "--env NAME)";
        std::vector<std::string> names;
        for (const auto& [n, value] : options_.environment->vars) names.push_back(n);
        std::string msg = "`" + display(ptr) + "`: unknown variable `" + name + "`" + environment_text();
        auto suggestion = nearest_name(name, names);
        if (!suggestion.empty()) msg += "; did you mean `" + suggestion + "`?";
        else if (names.empty()) msg += " (it declares no vars)";
        else {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            msg += " (its vars: " + list + ")";
        }
        return msg;
    }

    std::optional<std::string> getenv(const std::string& name) const {
        if (options_.getenv) return options_.getenv(name);
        return process_env(name);
    }

    DesiredAgent& agent_;
    const LoadOptions& options_;
    LoadResult& out_;
};

}  // namespace

bool mentions_var_reference(std::string_view text) { return text.find(kOpen) != std::string_view::npos; }

VarExpansion expand_var_references(std::string_view text,
                                   const std::function<std::optional<std::string>(const std::string&)>& lookup) {
    auto e = expand_references(text, "var", lookup);
    return VarExpansion{std::move(e.text), std::move(e.variables), std::move(e.unset), e.malformed};
}

void substitute_vars(DesiredAgent& agent, const Schema& schema, const LoadOptions& options, LoadResult& out) {
    json::value body(std::move(agent.body));
    VarPass(agent, options, out).walk(body, &schema.root(), "");
    agent.body = std::move(body.get_object());
}

}  // namespace reconcile
