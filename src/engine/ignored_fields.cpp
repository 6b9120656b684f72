#include "reconcile/engine/ignored_fields.hpp"

namespace reconcile {

std::expected<FieldPattern, std::string> parse_field_pattern(std::string_view text) {
    FieldPattern p{std::string(text), {}};
    std::string name;
    auto flush = [&]() -> bool {
        if (name.empty()) return false;
        p.tokens.push_back(std::move(name));
        name.clear();
        return true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.') {
            if (!flush()) return std::unexpected("an empty name before '.'");
        } else if (c == '[') {
            const auto close = text.find(']', i);
            const auto inside = close == std::string_view::npos ? text.substr(i) : text.substr(i + 1, close - i - 1);
            if (close == std::string_view::npos || (inside != "*" && !inside.empty()))
                return std::unexpected("`[*]` (every item) is the only index a path may have");
            if (!name.empty()) flush();
            else if (p.tokens.empty()) return std::unexpected("a path cannot start with `[*]`");
            p.tokens.push_back("*");
            i = close;
            if (i + 1 < text.size() && text[i + 1] == '.') ++i;
        } else if (c == ' ' || c == '/') {
            return std::unexpected("write a dotted path such as settings.voice.voice_profile.voice_name");
        } else {
            name += c;
        }
    }
    if (!name.empty()) flush();
    if (p.tokens.empty()) return std::unexpected("the path is empty");
    if (p.tokens.back() == "*") return std::unexpected("a path names a field, not `[*]`");
    return p;
}

std::vector<FieldPattern> parse_field_patterns(const std::vector<std::string>& texts) {
    std::vector<FieldPattern> out;
    for (const auto& t : texts)
        if (auto p = parse_field_pattern(t)) out.push_back(std::move(*p));
    return out;
}

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
