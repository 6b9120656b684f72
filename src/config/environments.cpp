#include "reconcile/config/environments.hpp"

#include <algorithm>

#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

bool valid_environment_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '.';
    });
}

bool valid_variable_name(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// A scalar as the text a YAML author wrote (the adapter gives strings; JSON callers may give
// numbers and booleans).
std::optional<std::string> scalar_text(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_bool()) return v.get_bool() ? "true" : "false";
    if (v.is_int64() || v.is_uint64() || v.is_double()) return json::serialize(v);
    return std::nullopt;
}

void read_include(const json::value& v, const std::string& ptr, const Locate& locate, Environment& env,
                  Diagnostics& diagnostics) {
    const std::string where_name = "`environments." + env.name + ".include`";
    env.include_key = locate(ptr);
    std::vector<std::pair<std::string, SourceLocation>> patterns;
    if (v.is_null()) {
        env.include = std::move(patterns);
        return;
    }
    if (v.is_string()) {
        patterns.emplace_back(std::string(v.get_string()), locate(ptr));
    } else if (v.is_array()) {
        const auto& items = v.get_array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto item_ptr = pointer_append(ptr, i);
            if (!items[i].is_string()) {
                diagnostics.push_back(make_error(locate(item_ptr), where_name + " entries must be strings"));
                continue;
            }
            patterns.emplace_back(std::string(items[i].get_string()), locate(item_ptr));
        }
    } else {
        diagnostics.push_back(make_error(locate(ptr), where_name + " must be a list of glob patterns"));
        return;
    }
    env.include = std::move(patterns);
}

void read_vars(const json::value& v, const std::string& ptr, const Locate& locate, Environment& env,
               Diagnostics& diagnostics) {
    if (v.is_null()) return;
    if (!v.is_object()) {
        diagnostics.push_back(make_error(
            locate(ptr), "`environments." + env.name + ".vars` must be a mapping of variable names to values"));
        return;
    }
    for (const auto& [key, value] : v.get_object()) {
        const std::string name(key);
        const auto var_ptr = pointer_append(ptr, name);
        if (!valid_variable_name(name)) {
            diagnostics.push_back(make_error(locate(var_ptr), "variable name " + quote_for_message(name) +
                                                                  " in environment `" + env.name +
                                                                  "`: use letters, digits and _ (as in ${var:NAME})"));
            continue;
        }
        auto text = scalar_text(value);
        if (!text) {
            diagnostics.push_back(make_error(locate(var_ptr), "variable `" + name + "` in environment `" + env.name +
                                                                  "` must be a plain value (text or a number)"));
            continue;
        }
        env.vars.emplace(name, std::move(*text));
    }
}

}  // namespace

std::vector<Environment> parse_environments(const json::value& value, const Locate& locate,
                                            Diagnostics& diagnostics) {
    std::vector<Environment> out;
    if (value.is_null()) return out;
    if (!value.is_object()) {
        diagnostics.push_back(make_error(
            locate(""), "`environments` must be a mapping such as `environments: {staging: {include: [...], vars: {...}}}`"));
        return out;
    }
    for (const auto& [key, body] : value.get_object()) {
        Environment env;
        env.name = std::string(key);
        const auto env_ptr = pointer_append("", env.name);
        env.where = locate(env_ptr);
        if (!valid_environment_name(env.name)) {
            diagnostics.push_back(make_error(env.where, "environment name " + quote_for_message(env.name) +
                                                            ": use letters, digits, _, - and . (it is typed after --env)"));
            continue;
        }
        if (!body.is_null() && !body.is_object()) {
            diagnostics.push_back(make_error(env.where, "environment `" + env.name +
                                                            "` must be a mapping with `include` and `vars`"));
            out.push_back(std::move(env));
            continue;
        }
        if (body.is_object()) {
            for (const auto& [k, v] : body.get_object()) {
                const std::string field(k);
                const auto field_ptr = pointer_append(env_ptr, field);
                if (field == "include") {
                    read_include(v, field_ptr, locate, env, diagnostics);
                } else if (field == "vars") {
                    read_vars(v, field_ptr, locate, env, diagnostics);
                } else {
                    std::string msg = "unknown key `" + field + "` in environment `" + env.name + "`";
                    auto suggestion = nearest_name(field, {"include", "vars"});
                    if (!suggestion.empty()) msg += "; did you mean `" + suggestion + "`?";
                    else msg += " (known keys: include, vars)";
                    diagnostics.push_back(make_error(locate(field_ptr), std::move(msg)));
                }
            }
        }
        out.push_back(std::move(env));
    }
    if (out.empty())
        diagnostics.push_back(make_warning(locate(""), "`environments` is empty: no environment is declared"));
    return out;
}

std::string environment_names(const std::vector<Environment>& environments) {
    std::string out;
    for (const auto& e : environments) out += (out.empty() ? "" : ", ") + e.name;
    return out;
}

std::expected<const Environment*, std::string> find_environment(const std::vector<Environment>& environments,
                                                                 std::string_view name) {
    for (const auto& e : environments)
        if (e.name == name) return &e;
    if (environments.empty())
        return std::unexpected("unknown environment " + quote_for_message(name) +
                               ": reconcile.yaml declares no `environments`");
    std::vector<std::string> names;
    for (const auto& e : environments) names.push_back(e.name);
    std::string msg = "unknown environment " + quote_for_message(name);
    auto suggestion = nearest_name(name, names);
    if (!suggestion.empty()) msg += "; did you mean `" + suggestion + "`?";
    msg += " (environments: " + environment_names(environments) + ")";
    return std::unexpected(std::move(msg));
}

}  // namespace reconcile
