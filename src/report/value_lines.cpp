// A value as indented YAML-like lines, for new collection items shown whole.
#include "reconcile/report/value_lines.hpp"

#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

constexpr std::size_t kMaxLine = 2'000;

bool multiline(const json::value& v) { return v.is_string() && v.get_string().find('\n') != json::string::npos; }

std::string scalar(const json::value& v) {
    if (v.is_double()) return short_value(v, 64);
    if (v.is_object() && v.get_object().empty()) return "{}";
    if (v.is_array() && v.get_array().empty()) return "[]";
    return json::serialize(v);
}

bool is_scalar(const json::value& v) {
    return !(v.is_object() && !v.get_object().empty()) && !(v.is_array() && !v.get_array().empty()) && !multiline(v);
}

class Writer {
public:
    explicit Writer(std::vector<std::string>& out) : out_(out) {}

    // `head` is what precedes the value on its first line ("key:" or "-"), at `indent`.
    void value(const json::value& v, std::size_t indent, const std::string& head) {
        const std::string pad(indent, ' ');
        if (is_scalar(v)) {
            emit(pad + head + (head.empty() ? "" : " ") + scalar(v));
        } else if (multiline(v)) {
            emit(pad + head + (head.empty() ? "|" : " |"));
            std::string_view s = v.get_string();
            for (std::size_t pos = 0;;) {
                const auto nl = s.find('\n', pos);
                emit(pad + "  " + std::string(s.substr(pos, nl == std::string_view::npos ? nl : nl - pos)));
                if (nl == std::string_view::npos) break;
                pos = nl + 1;
            }
        } else if (v.is_object()) {
            // A list item's first field shares the "-" line; a key's fields go below it.
            bool first = true;
            std::size_t inner = indent;
            if (head == "-") {
                inner = indent + 2;
            } else if (!head.empty()) {
                emit(pad + head);
                inner = indent + 2;
            }
            for (const auto& kv : v.get_object()) {
                const std::string key = std::string(kv.key()) + ":";
                if (first && head == "-") {
                    // "- key: value" on one line, then the other fields aligned under key.
                    const std::size_t before = out_.size();
                    value(kv.value(), inner, key);
                    if (out_.size() > before) out_[before].replace(indent, 2, "- ");
                } else {
                    value(kv.value(), inner, key);
                }
                first = false;
            }
        } else {  // a non-empty list
            if (!head.empty()) emit(pad + head);
            const std::size_t inner = head.empty() ? indent : indent + 2;
            for (const auto& e : v.get_array()) value(e, inner, "-");
        }
    }

private:
    void emit(std::string line) { out_.push_back(cut_utf8(line, kMaxLine)); }
    std::vector<std::string>& out_;
};

}  // namespace

std::vector<std::string> value_lines(const json::value& v, std::size_t max_lines) {
    std::vector<std::string> out;
    Writer(out).value(v, 0, "");
    if (max_lines > 0 && out.size() > max_lines) {
        const std::size_t hidden = out.size() - (max_lines - 1);
        out.resize(max_lines - 1);
        out.push_back("… " + std::to_string(hidden) + " more lines");
    }
    return out;
}

}  // namespace reconcile
