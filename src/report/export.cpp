// `reconcile export`: live agents -> YAML documents that load cleanly and plan no change.
//
// Two passes: select() keeps what the loader accepts, in the schema's key order, with numbers
// in the form the schema wants; YamlWriter then spells the selected value as block YAML.
#include "reconcile/report/export.hpp"

#include "reconcile/engine/normalize.hpp"
#include "reconcile/report/slug.hpp"
#include "reconcile/report/yaml_writer.hpp"
#include "reconcile/util/phone.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace reconcile {

namespace {

// --- strings -----------------------------------------------------------------------------------

// --- selection ---------------------------------------------------------------------------------

// What select() decided for one live value.
struct Selected {
    std::optional<json::value> value;   // what to write
    std::string reason;                 // why it is left out ("" and no value: silently)
    static Selected keep(json::value v) { return Selected{std::move(v), {}}; }
    static Selected drop(std::string why = {}) { return Selected{std::nullopt, std::move(why)}; }
};

std::string type_list(const SchemaNode& node) {
    std::string out;
    for (std::size_t i = 0; i < node.types.size(); ++i) {
        if (i > 0) out += i + 1 == node.types.size() ? " or " : ", ";
        out += to_string(node.types[i]);
    }
    return out;
}

// What the service holds when nobody set the field: the schema's `default` (compared after
// normalization: trimmed strings, "" as null, numbers by value), or null where the schema
// declares no default. Export leaves such members out: a person would not write them, and a
// document that leaves a field out does not manage it, so the round trip still plans nothing.
// (When a list is sent whole, an item field left out goes back to this same default.)
bool is_default(const json::value& v, const SchemaNode* node) {
    if (!node) return false;  // free-form content is written as it is
    const json::value normalized = normalize(v, node);
    if (node->default_value) return normalized_equal(normalized, normalize(*node->default_value, node));
    return normalized.is_null();
}

class Selector {
public:
    explicit Selector(std::vector<std::string>& left_out) : left_out_(left_out) {}

    // `node` nullptr: free-form (no schema below this point): written as it is.
    Selected select(const json::value& v, const SchemaNode* node, const std::string& pointer) {
        if (!node || node->types.empty()) {
            if (node && node->is_object() && v.is_object()) return object(v.get_object(), *node, pointer);
            return Selected::keep(free_form(v));
        }
        const auto wrong = [&] {
            return Selected::drop("live value " + short_value(v, 40) + " is not " + type_list(*node));
        };
        switch (v.kind()) {
            case json::kind::null: return node->allows(JsonType::Null) ? Selected::keep(v) : wrong();
            case json::kind::bool_: return node->allows(JsonType::Boolean) ? Selected::keep(v) : wrong();
            case json::kind::int64:
                return node->allows(JsonType::Integer) ? Selected::keep(v) : wrong();
            case json::kind::uint64:
                if (!node->allows(JsonType::Integer)) return wrong();
                if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX) && !node->allows(JsonType::Number))
                    return Selected::drop("live value " + short_value(v) + " is out of the integer range");
                return Selected::keep(v);
            case json::kind::double_: {
                const double d = v.get_double();
                if (whole_in_int64(d) && node->allows(JsonType::Integer))
                    return Selected::keep(json::value(static_cast<std::int64_t>(d)));
                return node->allows(JsonType::Number) ? Selected::keep(v) : wrong();
            }
            case json::kind::string: {
                if (!node->allows(JsonType::String)) return wrong();
                const auto& e = node->enum_values;
                if (!e.empty() && std::find(e.begin(), e.end(), v.get_string()) == e.end())
                    return Selected::drop("live value " + short_value(v, 40) + " is not one of the schema's values");
                return Selected::keep(v);
            }
            case json::kind::object:
                if (!node->allows(JsonType::Object)) return wrong();
                if (node->properties.empty()) return Selected::keep(free_form(v));
                return object(v.get_object(), *node, pointer);
            case json::kind::array:
                return node->allows(JsonType::Array) ? array(v.get_array(), node->items.get(), pointer) : wrong();
        }
        return wrong();
    }

    // The members of a schema-described object, in the schema's order. Read-only members are
    // left out silently (a live agent always has them); others the loader would reject are
    // reported.
    Selected object(const json::object& live, const SchemaNode& node, const std::string& pointer) {
        json::object out;
        for (const auto& key : node.property_order) {
            const auto* v = live.if_contains(key);
            const SchemaNode* child = node.property(key);
            if (!v || !is_api_field(child)) continue;
            add_member(out, key, *v, child, pointer);
        }
        for (const auto& kv : live) {
            if (node.property(kv.key())) continue;  // written above, or not an API field
            if (node.additional_properties) add_member(out, kv.key(), kv.value(), nullptr, pointer);
            else note(pointer_append(pointer, kv.key()), "not in the schema");
        }
        // Nothing left to say (every member read-only, as in settings.memorize, or at its
        // default): the object is not written. In a list the item stays, as {}.
        if (out.empty()) return Selected::drop();
        return Selected::keep(std::move(out));
    }

    void note(const std::string& pointer, const std::string& why) {
        left_out_.push_back(pointer_to_display(pointer) + ": " + why);
    }

private:
    void add_member(json::object& out, std::string_view key, const json::value& v, const SchemaNode* child,
                    const std::string& pointer) {
        const std::string p = pointer_append(pointer, key);
        auto s = select(v, child, p);
        if (s.value && !is_default(*s.value, child)) out.emplace(key, std::move(*s.value));
        else if (!s.value && !s.reason.empty()) note(p, s.reason);
    }

    // Lists are written whole or not at all: leaving an item out would change the list.
    Selected array(const json::array& live, const SchemaNode* items, const std::string& pointer) {
        json::array out;
        for (std::size_t i = 0; i < live.size(); ++i) {
            auto s = select(live[i], items, pointer_append(pointer, i));
            if (!s.value && !s.reason.empty())
                return Selected::drop("item [" + std::to_string(i) + "]: " + s.reason + "; the list is left out");
            json::value item = s.value ? std::move(*s.value) : json::value(json::object{});
            drop_item_uuid(item);  // the service's item ids
            out.push_back(std::move(item));
        }
        return Selected::keep(std::move(out));
    }

    static json::value free_form(const json::value& v) {
        if (!v.is_array()) return v;
        json::array out;
        for (const auto& e : v.get_array()) {
            json::value item = free_form(e);
            drop_item_uuid(item);
            out.push_back(std::move(item));
        }
        return out;
    }

    std::vector<std::string>& left_out_;
};

// `channels: {call: ...}` for the number whose call binding holds the agent, if any.
std::optional<json::object> call_channel(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers,
                                         Selector& selector) {
    std::optional<json::object> channels;
    for (const auto& n : numbers) {
        if (!n.call_bound || n.call_agent_uuid != agent.uuid) continue;
        if (channels) {
            selector.note("/channels/call", "the agent also holds the call channel of " + n.number +
                                                "; a document declares one number");
            continue;
        }
        json::object call;
        if (auto number = to_e164(n.number)) call.emplace("phone_number", *number);
        else call.emplace("phone_number_uuid", n.uuid);
        channels.emplace();
        channels->emplace("call", std::move(call));
    }
    return channels;
}

std::string created_at(const LiveAgent& a) { return get_string(a.body(), "created_at").value_or(""); }

}  // namespace

ExportedAgent export_agent(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers, const Schema& schema,
                           const ExportOptions& options) {
    ExportedAgent result;
    Selector selector(result.left_out);
    const SchemaNode& root = schema.root();

    // The reconciler's keys (x-reconciler) are not the API's: selection leaves them out, and
    // the document's `channels` comes from the phone numbers' bindings.
    const json::object body = agent.body();
    auto selected = selector.object(body, root, "");
    json::object fields = selected.value ? std::move(selected.value->get_object()) : json::object{};

    json::object doc;
    doc.emplace("uuid", agent.uuid);
    auto channels = call_channel(agent, numbers, selector);
    for (const auto& key : root.property_order) {
        if (key == "channels" && channels) doc.emplace("channels", std::exchange(*channels, {}));
        else if (auto* v = fields.if_contains(key)) doc.emplace(key, std::move(*v));
    }
    for (auto& kv : fields)  // free-form members of an open root schema
        if (!doc.contains(kv.key())) doc.emplace(kv.key(), std::move(kv.value()));
    if (channels && !doc.contains("channels")) doc.emplace("channels", std::move(*channels));

    if (!options.schema_path.empty()) result.yaml = "# yaml-language-server: $schema=" + options.schema_path + "\n";
    result.yaml += yaml_document(doc);
    return result;
}

std::string export_agent_yaml(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers, const Schema& schema) {
    return export_agent(agent, numbers, schema).yaml;
}

std::vector<ExportFile> plan_export_files(const std::vector<LiveAgent>& agents, const std::vector<PhoneNumber>& numbers,
                                          const Schema& schema, std::string_view directory,
                                          const ExportOptions& options) {
    // Group by slug; within a group, oldest first.
    std::map<std::string, std::vector<const LiveAgent*>> groups;
    for (const auto& a : agents) groups[export_slug(a.name)].push_back(&a);
    std::set<std::string> taken;
    for (auto& [slug, members] : groups) {
        if (members.size() > 1) {
            // Each body is parsed once for its key, not once per comparison.
            std::vector<std::pair<std::pair<std::string, std::string>, const LiveAgent*>> keyed;
            for (const LiveAgent* m : members) keyed.push_back({{created_at(*m), m->uuid}, m});
            std::sort(keyed.begin(), keyed.end(),
                      [](const auto& x, const auto& y) { return x.first < y.first; });
            for (std::size_t i = 0; i < keyed.size(); ++i) members[i] = keyed[i].second;
        }
        taken.insert(slug);  // every group's first member keeps its own slug
    }

    std::string prefix(directory);
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    std::vector<ExportFile> files;
    files.reserve(agents.size());
    for (const auto& [slug, members] : groups) {
        int suffix = 2;
        for (std::size_t i = 0; i < members.size(); ++i) {
            std::string name = slug;
            if (i > 0) {
                while (taken.count(slug + "-" + std::to_string(suffix))) ++suffix;
                name = slug + "-" + std::to_string(suffix++);
                taken.insert(name);
            }
            const LiveAgent& a = *members[i];
            files.push_back(ExportFile{prefix + name + ".yaml", a.uuid, a.name, export_agent(a, numbers, schema, options)});
        }
    }
    std::sort(files.begin(), files.end(), [](const ExportFile& x, const ExportFile& y) { return x.path < y.path; });
    return files;
}

}  // namespace reconcile
