#include "reconcile/engine/ignored_fields.hpp"

namespace reconcile {

namespace {

void walk(const json::value& v, const std::vector<std::string>& tokens, std::size_t k, const std::string& pointer,
          const std::function<void(const std::string&)>& visit) {
    if (k == tokens.size()) {
        visit(pointer);
        return;
    }
    if (tokens[k] == "*") {
        if (!v.is_array()) return;
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) walk(a[i], tokens, k + 1, pointer_append(pointer, i), visit);
        return;
    }
    if (!v.is_object()) return;
    if (const auto* child = v.get_object().if_contains(tokens[k]))
        walk(*child, tokens, k + 1, pointer_append(pointer, tokens[k]), visit);
}

// "/a/0/b" -> ("/a/0", "b")
std::pair<std::string, std::string> split_last(const std::string& pointer) {
    const auto slash = pointer.rfind('/');
    std::string key = pointer.substr(slash + 1);
    std::string unescaped;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (key[i] == '~' && i + 1 < key.size()) unescaped += key[++i] == '1' ? '/' : '~';
        else unescaped += key[i];
    }
    return {pointer.substr(0, slash), unescaped};
}

}  // namespace

void for_each_match(const json::value& root, const FieldPattern& pattern,
                    const std::function<void(const std::string&)>& visit) {
    walk(root, pattern.tokens, 0, "", visit);
}

void remove_matches(json::value& root, const std::vector<FieldPattern>& patterns) {
    for (const auto& p : patterns) {
        std::vector<std::string> found;
        for_each_match(root, p, [&](const std::string& ptr) { found.push_back(ptr); });
        for (const auto& ptr : found) {
            auto [parent, key] = split_last(ptr);
            if (json::value* obj = find_pointer(root, parent); obj && obj->is_object()) obj->get_object().erase(key);
        }
    }
}

namespace {

// Whether a body that carries the field's parent carries it whole: the parent is a list item,
// or lies in an object the API replaces (x-patch replace or whole). A merged object's members
// are sent only when they change, so nothing needs putting back there.
bool parent_sent_whole(const FieldPattern& p, const SchemaNode* node) {
    for (std::size_t k = 0; k + 1 < p.tokens.size() && node; ++k) {
        if (p.tokens[k] == "*") return true;
        node = node->property(p.tokens[k]);
        if (node && node->patch != PatchMode::Merge) return true;
    }
    return false;
}

}  // namespace

void keep_live_values(json::value& body, const json::value& live, const std::vector<FieldPattern>& patterns,
                      const SchemaNode& root) {
    for (const auto& p : patterns) {
        if (!parent_sent_whole(p, &root)) continue;
        for_each_match(live, p, [&](const std::string& ptr) {
            auto [parent, key] = split_last(ptr);
            json::value* obj = find_pointer(body, parent);
            if (!obj || !obj->is_object() || obj->get_object().contains(key)) return;
            if (const json::value* value = find_pointer(live, ptr)) obj->get_object().emplace(key, *value);
        });
    }
}

}  // namespace reconcile
