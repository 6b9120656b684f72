#include "reconcile/model/field_pattern.hpp"

#include "reconcile/util/text.hpp"

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

std::optional<std::string> field_path_problem(std::string_view text, const Schema& schema) {
    auto pattern = parse_field_pattern(text);
    if (!pattern) return "`" + std::string(text) + "`: " + pattern.error();
    const SchemaNode* node = &schema.root();
    for (const auto& token : pattern->tokens) {
        if (token == "*") {
            if (!node->items) return "`" + std::string(text) + "`: `[*]` follows a field that is not a list";
            node = node->items.get();
            continue;
        }
        const SchemaNode* child = node->property(token);
        if (!child || child->reconciler) {
            std::string msg = "`" + std::string(text) + "`: no field `" + token + "` here";
            auto names = node->property_names();
            if (auto near = nearest_name(token, names); !near.empty()) msg += "; did you mean `" + near + "`?";
            return msg;
        }
        node = child;
    }
    return std::nullopt;
}

}  // namespace reconcile
