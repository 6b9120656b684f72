#include "reconcile/model/schema.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace reconcile {

namespace embedded {
extern const std::string_view agent_schema_json;
}

std::string_view to_string(JsonType t) {
    switch (t) {
        case JsonType::Null: return "null";
        case JsonType::Boolean: return "boolean";
        case JsonType::Integer: return "integer";
        case JsonType::Number: return "number";
        case JsonType::String: return "string";
        case JsonType::Object: return "object";
        case JsonType::Array: return "array";
    }
    return "?";
}

bool SchemaNode::allows(JsonType t) const {
    if (types.empty()) return true;
    if (std::find(types.begin(), types.end(), t) != types.end()) return true;
    // An integer is a number.
    if (t == JsonType::Integer)
        return std::find(types.begin(), types.end(), JsonType::Number) != types.end();
    return false;
}

const SchemaNode* SchemaNode::property(std::string_view name) const {
    auto it = properties.find(name);
    return it == properties.end() ? nullptr : it->second.get();
}

std::vector<std::string> SchemaNode::property_names() const { return property_order; }

bool SchemaNode::matches_pattern(std::string_view s) const {
    if (!pattern_regex) return true;
    return std::regex_search(s.begin(), s.end(), *pattern_regex);
}

namespace {

struct Parser {
    const json::object* defs = nullptr;
    std::map<std::string, std::shared_ptr<SchemaNode>> resolved;  // $ref cache
    std::set<std::string> in_progress;
    std::string error;

    std::optional<JsonType> type_of(std::string_view s) {
        if (s == "null") return JsonType::Null;
        if (s == "boolean") return JsonType::Boolean;
        if (s == "integer") return JsonType::Integer;
        if (s == "number") return JsonType::Number;
        if (s == "string") return JsonType::String;
        if (s == "object") return JsonType::Object;
        if (s == "array") return JsonType::Array;
        return std::nullopt;
    }

    std::shared_ptr<SchemaNode> node(const json::value& v, const std::string& where) {
        if (!error.empty()) return nullptr;
        if (!v.is_object()) {
            error = where + ": schema node is not an object";
            return nullptr;
        }
        const auto& o = v.get_object();
        if (auto* ref = o.if_contains("$ref")) {
            if (!ref->is_string()) {
                error = where + ": $ref must be a string";
                return nullptr;
            }
            std::string target(ref->get_string());
            constexpr std::string_view prefix = "#/$defs/";
            if (target.rfind(prefix, 0) != 0 || !defs) {
                error = where + ": unsupported $ref " + target;
                return nullptr;
            }
            std::string name = target.substr(prefix.size());
            std::shared_ptr<SchemaNode> n;
            if (auto it = resolved.find(name); it != resolved.end()) {
                n = it->second;
            } else {
                auto* def = defs->if_contains(name);
                if (!def) {
                    error = where + ": $ref to missing definition " + name;
                    return nullptr;
                }
                if (in_progress.count(name)) {
                    error = where + ": recursive $ref " + name + " is not supported";
                    return nullptr;
                }
                in_progress.insert(name);
                n = node(*def, "#/$defs/" + name);
                in_progress.erase(name);
                if (!n) return nullptr;
                resolved[name] = n;
            }
            // Keywords beside $ref (description, readOnly, default...) refine a copy.
            if (o.size() > 1) {
                auto copy = std::make_shared<SchemaNode>(*n);
                if (auto* t = o.if_contains("type")) apply_type(*copy, *t, where);
                if (!annotate(*copy, o, where)) return nullptr;
                return copy;
            }
            return n;
        }
        auto n = std::make_shared<SchemaNode>();
        if (auto* t = o.if_contains("type")) apply_type(*n, *t, where);
        if (auto* e = o.if_contains("enum"); e && e->is_array()) {
            for (const auto& ev : e->get_array()) {
                if (ev.is_string()) n->enum_values.emplace_back(ev.get_string());
                else if (ev.is_null()) {
                    if (!n->allows(JsonType::Null)) n->types.push_back(JsonType::Null);
                }
            }
        }
        if (!annotate(*n, o, where)) return nullptr;
        if (auto* props = o.if_contains("properties"); props && props->is_object()) {
            for (const auto& kv : props->get_object()) {
                std::string key(kv.key());
                auto child = node(kv.value(), where + "/properties/" + key);
                if (!child) return nullptr;
                n->properties.emplace(key, child);
                n->property_order.push_back(key);
            }
        }
        if (auto* ap = o.if_contains("additionalProperties")) {
            if (ap->is_bool()) n->additional_properties = ap->get_bool();
            else n->additional_properties = true;  // a schema for extra keys: treat as free-form
        }
        if (auto* req = o.if_contains("required"); req && req->is_array()) {
            for (const auto& r : req->get_array())
                if (r.is_string()) n->required.emplace_back(r.get_string());
        }
        if (auto* items = o.if_contains("items")) {
            n->items = node(*items, where + "/items");
            if (!n->items) return nullptr;
        }
        return n;
    }

    // The keywords that describe one value (not its members), shared by plain nodes and the
    // refinements written beside a $ref. False (with `error` set) on a malformed keyword.
    bool annotate(SchemaNode& n, const json::object& o, const std::string& where) {
        if (auto* ro = o.if_contains("readOnly"); ro && ro->is_bool()) n.read_only = ro->get_bool();
        if (auto* rk = o.if_contains("x-reconciler"); rk && rk->is_bool()) n.reconciler = rk->get_bool();
        if (auto* u = o.if_contains("x-undocumented")) {
            if (!u->is_bool()) return fail(where + ": x-undocumented must be true or false");
            n.undocumented = u->get_bool();
        }
        if (auto* d = o.if_contains("description"); d && d->is_string())
            n.description = std::string(d->get_string());
        if (auto* p = o.if_contains("x-patch"); p && p->is_string()) {
            if (p->get_string() == "replace") n.patch = PatchMode::Replace;
            else if (p->get_string() == "merge") n.patch = PatchMode::Merge;
            else if (p->get_string() == "whole") n.patch = PatchMode::Whole;
            else return fail(where + ": x-patch must be \"merge\", \"replace\" or \"whole\"");
        }
        if (auto* d = o.if_contains("default")) n.default_value = *d;
        if (auto* ex = o.if_contains("examples")) {
            if (!ex->is_array()) return fail(where + ": examples must be a list");
            n.examples.assign(ex->get_array().begin(), ex->get_array().end());
        }
        if (!number_keyword(o, "minimum", n.minimum, where) || !number_keyword(o, "maximum", n.maximum, where) ||
            !number_keyword(o, "exclusiveMinimum", n.exclusive_minimum, where) ||
            !number_keyword(o, "exclusiveMaximum", n.exclusive_maximum, where) ||
            !length_keyword(o, "minLength", n.min_length, where) || !length_keyword(o, "maxLength", n.max_length, where))
            return false;
        if (auto* f = o.if_contains("format")) {
            if (!f->is_string()) return fail(where + ": format must be a string");
            n.format = std::string(f->get_string());
        }
        if (auto* p = o.if_contains("pattern")) {
            if (!p->is_string()) return fail(where + ": pattern must be a string");
            n.pattern = std::string(p->get_string());
            try {
                n.pattern_regex = std::make_shared<const std::regex>(n.pattern, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
                return fail(where + ": pattern " + n.pattern + " is not a valid regular expression: " + e.what());
            }
        }
        return true;
    }

    bool number_keyword(const json::object& o, std::string_view key, std::optional<double>& out,
                        const std::string& where) {
        auto* v = o.if_contains(key);
        if (!v) return true;
        if (!v->is_number()) return fail(where + ": " + std::string(key) + " must be a number");
        out = v->to_number<double>();
        return true;
    }

    bool length_keyword(const json::object& o, std::string_view key, std::optional<std::size_t>& out,
                        const std::string& where) {
        auto* v = o.if_contains(key);
        if (!v) return true;
        if (v->is_int64() && v->get_int64() >= 0) out = static_cast<std::size_t>(v->get_int64());
        else if (v->is_uint64()) out = static_cast<std::size_t>(v->get_uint64());
        else return fail(where + ": " + std::string(key) + " must be a non-negative integer");
        return true;
    }

    bool fail(std::string message) {
        if (error.empty()) error = std::move(message);
        return false;
    }

    void apply_type(SchemaNode& n, const json::value& t, const std::string& where) {
        n.types.clear();
        auto add = [&](const json::value& s) {
            if (!s.is_string()) {
                error = where + ": type must be a string or a list of strings";
                return;
            }
            if (auto jt = type_of(s.get_string())) n.types.push_back(*jt);
            else error = where + ": unknown type " + std::string(s.get_string());
        };
        if (t.is_array()) for (const auto& s : t.get_array()) add(s);
        else add(t);
    }
};

}  // namespace

std::expected<Schema, std::string> Schema::parse(std::string_view json_text) {
    boost::system::error_code ec;
    auto doc = json::parse(json_text, ec);
    if (ec) return std::unexpected("schema is not valid JSON: " + ec.message());
    if (!doc.is_object()) return std::unexpected("schema must be a JSON object");
    Parser p;
    if (auto* defs = doc.get_object().if_contains("$defs"); defs && defs->is_object())
        p.defs = &defs->get_object();
    auto root = p.node(doc, "#");
    if (!root) return std::unexpected(p.error);
    Schema s;
    s.root_ = std::move(root);
    return s;
}

const Schema& Schema::agent() {
    static const Schema schema = [] {
        auto parsed = Schema::parse(embedded::agent_schema_json);
        // The embedded schema is part of the build; a broken one is a build defect.
        if (!parsed) throw std::runtime_error("embedded agent schema: " + parsed.error());
        return std::move(*parsed);
    }();
    return schema;
}

std::string_view Schema::agent_text() { return embedded::agent_schema_json; }

}  // namespace reconcile
