#include "reconcile/model/env_template.hpp"

#include <algorithm>
#include <cctype>

namespace reconcile {

EnvExpansion expand_references(std::string_view text, std::string_view kind, const EnvLookup& lookup) {
    const std::string kRef = "${" + std::string(kind) + ":";
    const std::string kEscaped = "$" + kRef;
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
        if (auto value = lookup(name)) {
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

EnvExpansion expand_env_references(std::string_view text, const EnvLookup& lookup) {
    return expand_references(text, "env", lookup);
}

std::expected<std::string, std::string> expand_env_template(std::string_view text, const EnvLookup& lookup) {
    auto e = expand_env_references(text, lookup);
    if (e.malformed) return std::string(text);  // the loader reports these; nothing to expand
    if (!e.unset.empty()) return std::unexpected(e.unset.front());
    return std::move(e.text);
}

}  // namespace reconcile
