#include "reconcile/util/json.hpp"

#include "reconcile/util/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <new>
#include <vector>

namespace reconcile {

namespace {
// A scalar as json::serialize writes it, except infinity (see kJsonInfinity).
void append_scalar(std::string& out, const json::value& v) {
    if (v.is_double() && std::isinf(v.get_double())) {
        if (v.get_double() < 0) out += '-';
        out += kJsonInfinity;
    } else {
        out += json::serialize(v);
    }
}

void pretty(std::string& out, const json::value& v, int indent) {
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
    switch (v.kind()) {
        case json::kind::object: {
            const auto& o = v.get_object();
            if (o.empty()) { out += "{}"; return; }
            out += "{\n";
            bool first = true;
            for (const auto& kv : o) {
                if (!first) out += ",\n";
                first = false;
                out += inner + json::serialize(json::value(kv.key())) + ": ";
                pretty(out, kv.value(), indent + 1);
            }
            out += "\n" + pad + "}";
            return;
        }
        case json::kind::array: {
            const auto& a = v.get_array();
            if (a.empty()) { out += "[]"; return; }
            out += "[\n";
            bool first = true;
            for (const auto& e : a) {
                if (!first) out += ",\n";
                first = false;
                out += inner;
                pretty(out, e, indent + 1);
            }
            out += "\n" + pad + "]";
            return;
        }
        default:
            append_scalar(out, v);
    }
}
}  // namespace

void write_infinities_as_json(std::string& text) {
    constexpr std::string_view kWord = "Infinity";
    if (text.find(kWord) == std::string::npos) return;
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
            out += c;
        } else if (text.compare(i, kWord.size(), kWord) == 0) {
            out += kJsonInfinity;
            i += kWord.size() - 1;
        } else {
            out += c;
        }
    }
    text.swap(out);
}

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;  // start of the pending unescaped run
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
                out.append(esc, sizeof esc);
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_canonical_json(std::string& out, const json::object& o, CanonicalJsonOptions options) {
    // Small objects (the usual case) sort on the stack.
    const json::key_value_pair* small[32];
    std::vector<const json::key_value_pair*> large;
    const json::key_value_pair** members = small;
    if (o.size() > std::size(small)) {
        large.resize(o.size());
        members = large.data();
    }
    std::size_t n = 0;
    for (const auto& kv : o)
        if ((!options.drop_null_members || !kv.value().is_null()) &&
            (options.omit_top_member.empty() || kv.key() != options.omit_top_member))
            members[n++] = &kv;
    std::sort(members, members + n, [](const auto* a, const auto* b) { return a->key() < b->key(); });
    CanonicalJsonOptions inner = options;
    inner.omit_top_member = {};
    out += '{';
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        append_json_string(out, members[i]->key());
        out += ':';
        append_canonical_json(out, members[i]->value(), inner);
    }
    out += '}';
}

void append_canonical_json(std::string& out, const json::value& v, CanonicalJsonOptions options) {
    switch (v.kind()) {
        case json::kind::object:
            append_canonical_json(out, v.get_object(), options);
            return;
        case json::kind::array: {
            out += '[';
            bool first = true;
            CanonicalJsonOptions inner = options;
            inner.omit_top_member = {};
            for (const auto& e : v.get_array()) {
                if (!first) out += ',';
                first = false;
                append_canonical_json(out, e, inner);
            }
            out += ']';
            return;
        }
        case json::kind::string:
            append_json_string(out, v.get_string());
            return;
        case json::kind::int64:
        case json::kind::uint64: {
            char buf[24];
            auto r = v.is_int64() ? std::to_chars(buf, buf + sizeof buf, v.get_int64())
                                  : std::to_chars(buf, buf + sizeof buf, v.get_uint64());
            out.append(buf, r.ptr);
            return;
        }
        case json::kind::bool_:
            out += v.get_bool() ? "true" : "false";
            return;
        case json::kind::null:
            out += "null";
            return;
        default:
            append_scalar(out, v);
    }
}

std::string canonical_json(const json::value& v, CanonicalJsonOptions options) {
    std::string out;
    append_canonical_json(out, v, options);
    return out;
}

std::string to_pretty_json(const json::value& v) {
    std::string out;
    pretty(out, v, 0);
    out += '\n';
    return out;
}

std::string pointer_append(std::string_view pointer, std::string_view token) {
    std::string out(pointer);
    out += '/';
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string pointer_append(std::string_view pointer, std::size_t index) {
    return std::string(pointer) + '/' + std::to_string(index);
}

namespace {
std::vector<std::string> split_pointer(std::string_view pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    std::size_t pos = pointer.front() == '/' ? 1 : 0;
    while (true) {
        auto next = pointer.find('/', pos);
        std::string_view raw = pointer.substr(pos, next == std::string_view::npos ? next : next - pos);
        std::string tok;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '~' && i + 1 < raw.size()) {
                tok += raw[i + 1] == '1' ? '/' : '~';
                ++i;
            } else {
                tok += raw[i];
            }
        }
        tokens.push_back(std::move(tok));
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return tokens;
}

bool is_index(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}
}  // namespace

std::string pointer_to_display(std::string_view pointer) {
    std::string out;
    for (const auto& tok : split_pointer(pointer)) {
        if (is_index(tok)) {
            out += '[' + tok + ']';
        } else {
            if (!out.empty()) out += '.';
            out += tok;
        }
    }
    return out;
}

const json::value* find_pointer(const json::value& root, std::string_view pointer) {
    const json::value* cur = &root;
    for (const auto& tok : split_pointer(pointer)) {
        if (cur->is_object()) {
            cur = cur->get_object().if_contains(tok);
        } else if (cur->is_array() && is_index(tok)) {
            auto idx = std::stoul(tok);
            const auto& a = cur->get_array();
            cur = idx < a.size() ? &a[idx] : nullptr;
        } else {
            return nullptr;
        }
        if (!cur) return nullptr;
    }
    return cur;
}

json::value* find_pointer(json::value& root, std::string_view pointer) {
    return const_cast<json::value*>(find_pointer(static_cast<const json::value&>(root), pointer));
}

std::optional<std::string> get_string(const json::object& o, std::string_view key) {
    if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
    return std::nullopt;
}

bool whole_in_int64(double d) {
    // 2^63 is exactly representable; everything strictly below it fits.
    constexpr double kTwo63 = 9223372036854775808.0;
    return std::isfinite(d) && d == std::trunc(d) && d >= -kTwo63 && d < kTwo63;
}

std::string short_value(const json::value& v, std::size_t max_len) {
    std::string out;
    switch (v.kind()) {
        case json::kind::array: {
            auto n = v.get_array().size();
            out = "[" + std::to_string(n) + (n == 1 ? " item]" : " items]");
            break;
        }
        case json::kind::object: {
            auto n = v.get_object().size();
            out = "{" + std::to_string(n) + (n == 1 ? " field}" : " fields}");
            break;
        }
        case json::kind::double_: {
            double d = v.get_double();
            // Print 1.0 as 1 and 0.5 as 0.5: the plan shows values, not encodings.
            if (d == static_cast<double>(static_cast<long long>(d)) && d < 1e15 && d > -1e15) {
                out = std::to_string(static_cast<long long>(d));
            } else {
                out = json::serialize(v);
                auto e = out.find('E');
                if (e != std::string::npos) {
                    char buf[64];
                    std::snprintf(buf, sizeof buf, "%.15g", d);
                    out = buf;
                }
            }
            break;
        }
        default:
            out = json::serialize(v);
    }
    if (out.size() > max_len) {
        out = std::string(utf8_prefix(out, max_len > 3 ? max_len - 3 : max_len)) + "...";
        if (v.is_string()) out += "\"";
    }
    return out;
}

JsonArena::~JsonArena() {
    for (auto& b : blocks_) ::operator delete(b.data);
}

void JsonArena::reset() {
    if (blocks_.size() > 1) {
        auto largest = std::max_element(blocks_.begin(), blocks_.end(),
                                        [](const Block& a, const Block& b) { return a.size < b.size; });
        Block keep = *largest;
        for (auto& b : blocks_)
            if (b.data != keep.data) ::operator delete(b.data);
        blocks_.assign(1, keep);
    }
    offset_ = 0;
    used_ = 0;
}

bool JsonArena::owns(const void* p) const {
    const auto* b = static_cast<const std::byte*>(p);
    return std::any_of(blocks_.begin(), blocks_.end(),
                       [&](const Block& block) { return b >= block.data && b < block.data + block.size; });
}

void JsonArena::do_deallocate(void* p, std::size_t /*bytes*/, std::size_t align) {
    if (!owns(p)) ::operator delete(p, std::align_val_t(align));
}

void* JsonArena::do_allocate(std::size_t bytes, std::size_t align) {
    if (!blocks_.empty()) {
        Block& b = blocks_.back();
        const std::size_t start = (offset_ + align - 1) & ~(align - 1);
        if (start + bytes <= b.size) {
            used_ += start + bytes - offset_;
            offset_ = start + bytes;
            return b.data + start;
        }
    }
    if (heap_when_full_ && !blocks_.empty()) return ::operator new(bytes, std::align_val_t(align));
    // operator new aligns to __STDCPP_DEFAULT_NEW_ALIGNMENT__, more than JSON nodes need.
    const std::size_t size = std::max(bytes + align, next_block_);
    blocks_.push_back(Block{static_cast<std::byte*>(::operator new(size)), size});
    next_block_ = std::max<std::size_t>(4096, size / 2);  // later growth: small steps
    offset_ = 0;
    return do_allocate(bytes, align);
}

json::value copy_into_own_arena(const json::value& v, std::size_t bytes) {
    // A copy can place nodes at different alignments than the original: a little spare.
    return json::value(v, json::make_shared_resource<JsonArena>(bytes + 256, /*heap_when_full=*/true));
}

}  // namespace reconcile
