#include "contract.hpp"

#include <cstdio>
#include <cstdlib>

namespace mihu_sim {

namespace embedded {
extern const std::string_view agent_api_contract_json;
}

namespace {

using Error = std::string;

struct TypeName {
    std::string_view word;
    SpecType type;
};
constexpr TypeName kTypes[] = {
    {"string", SpecType::String},      {"integer", SpecType::Integer},
    {"number", SpecType::Number},      {"boolean", SpecType::Boolean},
    {"object", SpecType::FreeObject},  {"read-only", SpecType::ReadOnly},
};

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        auto start = s.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        s.remove_prefix(start);
        auto end = s.find(' ');
        out.push_back(s.substr(0, end));
        s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
    }
    return out;
}

std::expected<FieldSpec, Error> parse_type(std::string_view word) {
    FieldSpec spec;
    for (const auto& t : kTypes)
        if (word == t.word) {
            spec.type = t.type;
            return spec;
        }
    if (word.starts_with("enum(") && word.ends_with(")")) {
        spec.type = SpecType::Enum;
        std::string_view list = word.substr(5, word.size() - 6);
        while (!list.empty()) {
            auto comma = list.find(',');
            spec.enum_values.emplace_back(list.substr(0, comma));
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        }
        if (spec.enum_values.empty()) return std::unexpected("empty enum");
        return spec;
    }
    if (word.starts_with("list(") && word.ends_with(")")) {
        auto item = parse_type(word.substr(5, word.size() - 6));
        if (!item) return item;
        spec.type = SpecType::List;
        spec.item = std::make_shared<FieldSpec>(std::move(*item));
        return spec;
    }
    return std::unexpected("unknown type \"" + std::string(word) + "\"");
}

std::expected<FieldSpec, Error> parse_leaf(std::string_view text) {
    auto words = split_words(text);
    if (words.empty()) return std::unexpected("empty field spec");
    auto spec = parse_type(words[0]);
    if (!spec) return spec;
    for (std::size_t i = 1; i < words.size(); ++i) {
        if (words[i] == "null")
            spec->nullable = true;
        else if (words[i] == "required")
            spec->required = true;
        else if (words[i] == "undocumented")
            spec->undocumented = true;
        else
            return std::unexpected("unknown flag \"" + std::string(words[i]) + "\"");
    }
    return spec;
}

void mark_undocumented(FieldSpec& spec) {
    spec.undocumented = true;
    if (spec.item) mark_undocumented(*spec.item);
    for (auto& f : spec.fields) mark_undocumented(f);
}

std::expected<FieldSpec, Error> parse_spec(const json::value& v, const std::string& path);

std::expected<FieldSpec, Error> parse_list(const json::object& o, const std::string& path) {
    FieldSpec spec;
    spec.type = SpecType::List;
    for (const auto& kv : o) {
        std::string_view key = kv.key();
        if (key == "$list") {
            auto item = parse_spec(kv.value(), path + "[]");
            if (!item) return item;
            spec.item = std::make_shared<FieldSpec>(std::move(*item));
        } else if (key == "$item_uuid" && kv.value().is_bool()) {
            spec.item_uuid = kv.value().get_bool();
        } else if (key == "$item_defaults" && kv.value().is_object()) {
            spec.item_defaults = kv.value().get_object();
        } else {
            return std::unexpected(path + ": unexpected key \"" + std::string(key) + "\" in a list");
        }
    }
    if (spec.item_uuid && spec.item->type != SpecType::Object)
        return std::unexpected(path + ": $item_uuid needs object elements");
    return spec;
}

std::expected<FieldSpec, Error> parse_object(const json::object& o, const std::string& path) {
    if (o.contains("$list")) return parse_list(o, path);
    FieldSpec spec;
    spec.type = SpecType::Object;
    for (const auto& kv : o) {
        std::string_view key = kv.key();
        if (key == "$merge") {
            if (!kv.value().is_string()) return std::unexpected(path + ".$merge: expected a string");
            std::string_view mode = kv.value().get_string();
            if (mode != "deep" && mode != "replace")
                return std::unexpected(path + ".$merge: expected deep or replace");
            spec.replace_on_patch = mode == "replace";
        } else if (key == "$undocumented" && kv.value().is_string()) {
            spec.undocumented_where = std::string(kv.value().get_string());
        } else if (key.starts_with("$")) {
            return std::unexpected(path + ": unexpected key \"" + std::string(key) + "\"");
        } else {
            std::string child_path = path.empty() ? std::string(key) : path + "." + std::string(key);
            auto child = parse_spec(kv.value(), child_path);
            if (!child) return child;
            child->name = std::string(key);
            spec.fields.push_back(std::move(*child));
        }
    }
    if (!spec.undocumented_where.empty()) mark_undocumented(spec);
    return spec;
}

std::expected<FieldSpec, Error> parse_spec(const json::value& v, const std::string& path) {
    if (v.is_object()) return parse_object(v.get_object(), path);
    if (!v.is_string()) return std::unexpected(path + ": expected a string or an object");
    auto leaf = parse_leaf(v.get_string());
    if (!leaf) return std::unexpected(path + ": " + leaf.error());
    return leaf;
}

void collect_undocumented(const FieldSpec& spec, const std::string& path,
                          std::vector<std::string>& out) {
    if (spec.undocumented && !path.empty()) out.push_back(path);
    if (spec.item) collect_undocumented(*spec.item, path + "[]", out);
    for (const auto& f : spec.fields)
        collect_undocumented(f, path.empty() ? f.name : path + "." + f.name, out);
}

std::string_view type_word(SpecType t) {
    for (const auto& n : kTypes)
        if (n.type == t) return n.word;
    return t == SpecType::Object ? "object" : t == SpecType::List ? "array" : "string";
}

}  // namespace

const FieldSpec* FieldSpec::field(std::string_view key) const {
    for (const auto& f : fields)
        if (f.name == key) return &f;
    return nullptr;
}

std::string FieldSpec::describe() const {
    std::string out;
    if (type == SpecType::Enum) {
        out = "one of ";
        for (std::size_t i = 0; i < enum_values.size(); ++i)
            out += (i ? ", " : "") + enum_values[i];
    } else {
        out = type_word(type);
    }
    if (nullable) out += " or null";
    return out;
}

std::expected<Contract, std::string> Contract::parse(std::string_view text) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) return std::unexpected("contract: invalid JSON: " + ec.message());
    if (!doc.is_object()) return std::unexpected("contract: expected an object");
    const auto& o = doc.get_object();
    Contract c;
    auto* agent = o.if_contains("agent");
    auto* defaults = o.if_contains("agent_defaults");
    auto* provision = o.if_contains("provision_call");
    if (!agent || !defaults || !defaults->is_object() || !provision)
        return std::unexpected("contract: agent, agent_defaults and provision_call are required");
    auto a = parse_spec(*agent, "");
    if (!a) return std::unexpected("contract: agent." + a.error());
    auto p = parse_spec(*provision, "");
    if (!p) return std::unexpected("contract: provision_call." + p.error());
    c.agent_ = std::move(*a);
    c.provision_call_ = std::move(*p);
    c.agent_defaults_ = defaults->get_object();
    return c;
}

std::string_view Contract::embedded_text() { return embedded::agent_api_contract_json; }

const Contract& Contract::embedded() {
    static const Contract contract = [] {
        auto c = parse(embedded_text());
        if (!c) {
            std::fprintf(stderr, "mihu-sim: the built-in %s\n", c.error().c_str());
            std::abort();
        }
        return std::move(*c);
    }();
    return contract;
}

std::vector<std::string> Contract::undocumented_fields() const {
    std::vector<std::string> out;
    collect_undocumented(agent_, "", out);
    return out;
}

}  // namespace mihu_sim
