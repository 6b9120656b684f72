#include "reconcile/config/document_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "reconcile/config/vars.hpp"
#include "reconcile/config/yaml_scalar.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

struct Refused {};  // a limit refuses the document as a whole; the error is reported
struct Stopped {};  // the file stops here: a syntax error, or the reporter's budget is spent

constexpr std::uint32_t kNoTarget = UINT32_MAX;
constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// An event inside an anchored node, kept so that an alias can replay it.
struct StoredEvent {
    YamlEventKind kind;
    YamlMark mark;
    YamlScalarStyle style;
    std::string text;
    std::string tag;
    std::uint32_t target;  // an alias: the anchor record it named when it was read
};

struct AnchorRecord {
    std::size_t begin, end;  // range in the tape
    std::size_t nodes;       // expanded size, saturated at max_nodes + 1
};

bool is_core_tag(std::string_view tag) {
    if (tag.empty() || tag == "!") return true;
    if (tag.substr(0, kCoreTagPrefix.size()) != kCoreTagPrefix) return false;
    auto name = tag.substr(kCoreTagPrefix.size());
    return name == "str" || name == "int" || name == "float" || name == "bool" || name == "null" ||
           name == "map" || name == "seq";
}

// RFC 6901: '/' + the key with '~' and '/' escaped, appended in place.
void append_token(std::string& pointer, std::string_view key) {
    pointer += '/';
    if (key.find_first_of("~/") == std::string_view::npos) {
        pointer += key;
        return;
    }
    for (char c : key) {
        if (c == '~') pointer += "~0";
        else if (c == '/') pointer += "~1";
        else pointer += c;
    }
}

bool forces_string(std::string_view tag) { return tag == "!" || tag == "tag:yaml.org,2002:str"; }

bool is_quoted(const YamlEvent& e) { return e.style != YamlScalarStyle::Plain || forces_string(e.tag); }

bool is_start(YamlEventKind k) { return k == YamlEventKind::MappingStart || k == YamlEventKind::SequenceStart; }
bool is_end(YamlEventKind k) { return k == YamlEventKind::MappingEnd || k == YamlEventKind::SequenceEnd; }

// Keys seen in one mapping: a short list, or a hash map once a mapping is large (a hostile file
// may hold one mapping of 100,000 keys).
class KeySet {
public:
    // The first position of `key`, or nullopt after recording it.
    std::optional<YamlMark> insert(const std::string& key, YamlMark mark) {
        if (big_.empty()) {
            for (const auto& [k, m] : small_)
                if (k == key) return m;
            small_.emplace_back(key, mark);
            if (small_.size() > 32) {
                for (auto& [k, m] : small_) big_.emplace(std::move(k), m);
                small_.clear();
            }
            return std::nullopt;
        }
        auto [it, inserted] = big_.emplace(key, mark);
        if (!inserted) return it->second;
        return std::nullopt;
    }
    bool contains(const std::string& key) const {
        if (!big_.empty()) return big_.count(key) > 0;
        return std::any_of(small_.begin(), small_.end(), [&](const auto& p) { return p.first == key; });
    }

private:
    std::vector<std::pair<std::string, YamlMark>> small_;
    std::unordered_map<std::string, YamlMark> big_;
};

}  // namespace

struct DocumentBuilder::Impl {
    Impl(std::string_view text, std::string file_name, BuildOptions o, BuildReporter& r)
        : reader(text),
          file(std::move(file_name)),
          opt(std::move(o)),
          rep(r),
          scratch(std::clamp<std::size_t>(text.size() * 2, 4096, 1 << 20)) {}

    YamlEventReader reader;
    std::string file;
    BuildOptions opt;
    BuildReporter& rep;

    // Anchors of the current document and the recording that replays them.
    std::vector<StoredEvent> tape;
    std::vector<AnchorRecord> records;
    std::unordered_map<std::string, std::uint32_t> anchors;
    struct Active {
        std::string name;
        std::size_t begin;
        int open_at;
    };
    std::vector<Active> active;
    int open = 0;  // collections started and not ended in the live stream
    struct Replay {
        std::size_t pos, end;
    };
    std::vector<Replay> replays;
    YamlEvent replay_event;
    std::uint32_t pulled_target = kNoTarget;

    std::size_t nodes = 0;
    std::size_t documents = 0;
    bool finished = false;
    BuiltDocument* doc = nullptr;
    std::string ptr;  // pointer of the node being built
    // A document is built in a scratch arena reused from one document to the next, then
    // copied into an arena of exactly its size: a kept document is one allocation instead of
    // one per string, key and table (a large agent is ~300 of them, with ~20% of overhead).
    // Objects and arrays are sized once, as growing them in an arena would leave every
    // smaller table behind. `sp` points at the scratch arena.
    JsonArena scratch;
    json::storage_ptr sp;

    SourceLocation where(YamlMark m) const { return SourceLocation{file, m.line, m.column}; }
    static YamlMark or_else(YamlMark m, YamlMark fallback) { return m.known() ? m : fallback; }
    std::string display() const { return ptr.empty() ? std::string("(document)") : pointer_to_display(ptr); }
    std::string prefix() const { return ptr.empty() ? std::string() : "`" + pointer_to_display(ptr) + "`: "; }
    bool typed() const { return opt.schema != nullptr; }

    void error(YamlMark m, std::string message) {
        if (!rep.error(where(m), std::move(message))) throw Stopped{};
    }

    const YamlEvent& pull();
    void track(const YamlEvent& e);
    void register_anchor(const Active& a);
    void skip_node(const YamlEvent& e);
    void skip_open_collection();
    void count_node();
    void check_tag(const YamlEvent& e);

    std::optional<json::value> build(const YamlEvent& e, const SchemaNode* s, YamlMark key_mark, std::size_t depth);
    std::optional<json::value> build_alias(const YamlEvent& e, const SchemaNode* s, YamlMark key_mark,
                                           std::size_t depth);
    std::optional<json::value> build_map(YamlMark mark, const SchemaNode* s, std::size_t depth);
    bool accept_key(const std::string& key, bool plain, YamlMark kmark, const SchemaNode* s, KeySet& seen,
                    const SchemaNode*& child);
    std::optional<std::string> read_key(const YamlEvent& k, bool& plain);
    std::optional<json::value> build_seq(YamlMark mark, const SchemaNode* s, std::size_t depth);
    std::optional<json::value> build_scalar(const YamlEvent& e, const SchemaNode* s, YamlMark key_mark);
    std::optional<json::value> typed_scalar(const YamlEvent& e, const SchemaNode& s, YamlMark at, YamlMark key_mark);
    std::optional<json::value> type_error(const SchemaNode& s, YamlMark at, const std::string& got,
                                          bool quotes_hide = false);
    std::optional<BuiltDocument> build_document(const YamlEvent& first);
    std::optional<BuiltDocument> next();
};

// --- the event source: the live parser, or a recorded anchor being replayed -------------------

const YamlEvent& DocumentBuilder::Impl::pull() {
    if (!replays.empty() && replays.back().pos < replays.back().end) {
        const StoredEvent& s = tape[replays.back().pos++];
        replay_event = YamlEvent{s.kind, s.mark, s.text, {}, s.tag, s.style};
        pulled_target = s.target;
        return replay_event;
    }
    const YamlEvent* e = reader.next();
    if (!e) {
        if (const auto& err = reader.error()) rep.syntax_error(where(err->mark), "malformed YAML: " + err->message);
        throw Stopped{};
    }
    pulled_target = kNoTarget;
    if (e->kind == YamlEventKind::Alias) {
        if (auto it = anchors.find(std::string(e->text)); it != anchors.end()) pulled_target = it->second;
    }
    track(*e);
    return *e;
}

// Records the live events inside anchored nodes; registers an anchor when its node ends.
void DocumentBuilder::Impl::track(const YamlEvent& e) {
    if (e.kind == YamlEventKind::DocumentStart) {
        tape.clear(), records.clear(), anchors.clear(), active.clear();
        open = 0;
    }
    if (!e.anchor.empty()) active.push_back(Active{std::string(e.anchor), tape.size(), open});
    if (!active.empty())
        tape.push_back(StoredEvent{e.kind, e.mark, e.style, std::string(e.text), std::string(e.tag), pulled_target});
    if (is_start(e.kind)) ++open;
    if (is_end(e.kind)) --open;
    const bool node_done = is_end(e.kind) || e.kind == YamlEventKind::Scalar;
    while (node_done && !active.empty() && active.back().open_at == open) {
        register_anchor(active.back());
        active.pop_back();
    }
}

void DocumentBuilder::Impl::register_anchor(const Active& a) {
    const std::size_t limit = opt.limits.max_nodes + 1;
    std::size_t n = 0;
    for (std::size_t i = a.begin; i < tape.size() && n < limit; ++i) {
        const auto& s = tape[i];
        if (s.kind == YamlEventKind::Alias) n += s.target == kNoTarget ? 1 : records[s.target].nodes;
        else if (s.kind == YamlEventKind::Scalar || is_start(s.kind)) ++n;
    }
    records.push_back(AnchorRecord{a.begin, tape.size(), std::min(n, limit)});
    anchors[a.name] = static_cast<std::uint32_t>(records.size() - 1);
}

void DocumentBuilder::Impl::skip_node(const YamlEvent& e) {
    if (is_start(e.kind)) skip_open_collection();
}

void DocumentBuilder::Impl::skip_open_collection() {
    for (int depth = 1; depth > 0;) {
        const YamlEvent& e = pull();
        if (is_start(e.kind)) ++depth;
        else if (is_end(e.kind)) --depth;
    }
}

void DocumentBuilder::Impl::count_node() {
    if (++nodes > opt.limits.max_nodes) {
        if (!rep.error(doc->where, "document expands to more than " + std::to_string(opt.limits.max_nodes) + " nodes (YAML aliases?)"))
            throw Stopped{};
        throw Refused{};
    }
}

void DocumentBuilder::Impl::check_tag(const YamlEvent& e) {
    if (is_core_tag(e.tag)) return;
    std::string tag(e.tag);
    if (tag.size() > 40) tag = tag.substr(0, 37) + "...";
    error(e.mark, prefix() + "tag `" + tag + "` is not supported; only the YAML core tags (such as !!str) are");
}

// --- values -----------------------------------------------------------------------------------

std::optional<json::value> DocumentBuilder::Impl::build(const YamlEvent& e, const SchemaNode* s, YamlMark key_mark,
                                                        std::size_t depth) {
    count_node();
    if (depth > opt.limits.max_depth) {
        std::string field = display();
        if (field.size() > 60) field = field.substr(0, 57) + "...";
        error(key_mark, "`" + field + "`: nesting deeper than " + std::to_string(opt.limits.max_depth) + " levels");
        throw Refused{};
    }
    if (!e.tag.empty()) check_tag(e);
    switch (e.kind) {
        case YamlEventKind::Alias: return build_alias(e, s, key_mark, depth);
        case YamlEventKind::MappingStart: return build_map(or_else(e.mark, key_mark), s, depth);
        case YamlEventKind::SequenceStart: return build_seq(or_else(e.mark, key_mark), s, depth);
        case YamlEventKind::Scalar: return build_scalar(e, s, key_mark);
        default: throw Stopped{};  // the parser ends nodes before documents; never reached
    }
}

std::optional<json::value> DocumentBuilder::Impl::build_alias(const YamlEvent& e, const SchemaNode* s,
                                                              YamlMark key_mark, std::size_t depth) {
    if (pulled_target == kNoTarget) {
        error(e.mark, prefix() + "alias `*" + std::string(e.text).substr(0, 40) +
                          "` names no anchor written before it in this document");
        return std::nullopt;
    }
    const AnchorRecord rec = records[pulled_target];
    --nodes;  // the alias stands for its anchor's nodes, counted as they are replayed
    if (nodes + rec.nodes > opt.limits.max_nodes) {
        nodes = opt.limits.max_nodes;  // refused before anything is built
        count_node();
    }
    replays.push_back(Replay{rec.begin, rec.end});
    const YamlEvent& first = pull();
    auto value = build(first, s, key_mark, depth);
    replays.pop_back();
    return value;
}

std::optional<std::string> DocumentBuilder::Impl::read_key(const YamlEvent& k, bool& plain) {
    if (k.kind == YamlEventKind::Scalar) {
        if (!k.tag.empty()) check_tag(k);
        plain = !is_quoted(k);
        return std::string(k.text);
    }
    if (k.kind == YamlEventKind::Alias && pulled_target != kNoTarget) {
        const auto& first = tape[records[pulled_target].begin];
        if (first.kind == YamlEventKind::Scalar) {
            plain = first.style == YamlScalarStyle::Plain && !forces_string(first.tag);
            return first.text;
        }
    }
    std::string got = k.kind == YamlEventKind::MappingStart ? "object"
                      : k.kind == YamlEventKind::SequenceStart ? "array"
                                                                : "an alias";
    error(k.mark, prefix() + "keys must be plain strings, got " + got);
    skip_node(k);
    return std::nullopt;
}

// Duplicate, merge key, unknown and read-only fields: false after reporting (the value is skipped).
bool DocumentBuilder::Impl::accept_key(const std::string& key, bool plain, YamlMark kmark, const SchemaNode* s,
                                       KeySet& seen, const SchemaNode*& child) {
    auto child_display = [&] { return pointer_to_display(pointer_append(ptr, key)); };
    if (key == "<<" && plain) {
        error(kmark, prefix() + "YAML merge keys (`<<`) are not supported; write the fields out");
        return false;
    }
    if (auto first = seen.insert(key, kmark)) {
        error(kmark, "duplicate key `" + child_display() + "`; first written at " + where(*first).str());
        return false;
    }
    child = s ? s->property(key) : nullptr;
    if (s && !child && !s->additional_properties) {
        std::string msg = "unknown field `" + child_display() + "`";
        auto suggestion = nearest_name(key, s->property_names());
        // Never suggest a read-only field: it would only lead to the next error.
        if (auto* sn = suggestion.empty() ? nullptr : s->property(suggestion); sn && !sn->read_only)
            msg += "; did you mean `" + suggestion + "`?";
        error(kmark, std::move(msg));
        return false;
    }
    if (child && child->read_only) {
        std::string msg = "`" + child_display() + "` is a read-only field (the service sets it); remove it";
        if (ptr.empty() && key == "agent_uuid") msg += " (to pin this document to a live agent, use `uuid:`)";
        error(kmark, std::move(msg));
        return false;
    }
    return true;
}

std::optional<json::value> DocumentBuilder::Impl::build_map(YamlMark mark, const SchemaNode* s, std::size_t depth) {
    if (s && !s->allows(JsonType::Object) && !s->types.empty()) {
        type_error(*s, mark, "object");
        skip_open_collection();
        return std::nullopt;
    }
    // Members are gathered first so that the object's table is allocated once, at its size:
    // growing it in the arena would leave every smaller table behind.
    std::vector<std::pair<std::string, json::value>> members;
    KeySet seen;
    while (true) {
        const YamlEvent& k = pull();
        if (k.kind == YamlEventKind::MappingEnd) break;
        count_node();
        const YamlMark kmark = or_else(k.mark, mark);
        bool plain = true;
        auto key = read_key(k, plain);
        const SchemaNode* child = nullptr;
        if (!key || !accept_key(*key, plain, kmark, s, seen, child)) {
            skip_node(pull());
            continue;
        }
        const std::size_t base = ptr.size();
        append_token(ptr, *key);
        doc->locations.add(ptr, kmark.line, kmark.column);
        const YamlEvent& v = pull();
        if (opt.record_value_locations && v.mark.known()) doc->value_locations.add(ptr, v.mark.line, v.mark.column);
        if (auto value = build(v, child, kmark, depth + 1)) members.emplace_back(std::move(*key), std::move(*value));
        ptr.resize(base);
    }
    if (s && (opt.root_required_fields || !ptr.empty())) {
        for (const auto& r : s->required)
            if (!seen.contains(r)) error(mark, prefix() + "missing required field `" + r + "`");
    }
    json::object obj(members.size(), sp);
    for (auto& [key, value] : members) obj.insert_or_assign(key, std::move(value));
    return json::value(std::move(obj));
}

std::optional<json::value> DocumentBuilder::Impl::build_seq(YamlMark mark, const SchemaNode* s, std::size_t depth) {
    if (s && !s->allows(JsonType::Array) && !s->types.empty()) {
        type_error(*s, mark, "array");
        skip_open_collection();
        return std::nullopt;
    }
    const SchemaNode* items = s ? s->items.get() : nullptr;
    std::vector<json::value> items_built;  // then one table of the right size, as for objects
    for (std::size_t i = 0;; ++i) {
        const YamlEvent& e = pull();
        if (e.kind == YamlEventKind::SequenceEnd) break;
        const std::size_t base = ptr.size();
        ptr += '/';
        ptr += std::to_string(i);
        const YamlMark item_mark = or_else(e.mark, mark);
        doc->locations.add(ptr, item_mark.line, item_mark.column);
        // Keep indices stable after an error: the document is rejected anyway.
        auto item = build(e, items, item_mark, depth + 1);
        items_built.push_back(item ? std::move(*item) : json::value(nullptr, sp));
        ptr.resize(base);
    }
    json::array arr(sp);
    arr.reserve(items_built.size());
    for (auto& item : items_built) arr.push_back(std::move(item));
    return json::value(std::move(arr));
}

std::optional<json::value> DocumentBuilder::Impl::type_error(const SchemaNode& s, YamlMark at, const std::string& got,
                                                             bool quotes_hide) {
    std::string msg = prefix() + "expected " + expected_types(s) + ", got " + got;
    if (quotes_hide) msg += " (quoted values are strings; remove the quotes)";
    error(at, std::move(msg));
    return std::nullopt;
}

std::optional<json::value> DocumentBuilder::Impl::build_scalar(const YamlEvent& e, const SchemaNode* s,
                                                               YamlMark key_mark) {
    const ScalarText st{e.text, is_quoted(e)};
    const YamlMark at = or_else(e.mark, key_mark);
    if (!typed()) return st.is_null() ? json::value(nullptr, sp) : json::value(json::string(e.text, sp));
    if (!s || s->types.empty()) {
        json::value v = core_schema_value(st, sp);
        if (v.is_string()) {
            if (auto replaced = rep.string_value(e.text, ptr, where(at))) v = json::string(*replaced, sp);
        }
        return v;
    }
    if (st.is_null()) {
        if (s->allows(JsonType::Null)) return json::value(nullptr);
        return type_error(*s, key_mark, "null");  // a null has no position of its own
    }
    return typed_scalar(e, *s, at, key_mark);
}

std::optional<json::value> DocumentBuilder::Impl::typed_scalar(const YamlEvent& e, const SchemaNode& s, YamlMark at,
                                                               YamlMark) {
    const ScalarText st{e.text, is_quoted(e)};
    TypedScalar r = schema_value(st, s, sp);
    switch (r.problem) {
        case ScalarProblem::None: break;
        case ScalarProblem::WrongType: return type_error(s, at, describe_scalar(st), quotes_hide_a_value(st, s));
        case ScalarProblem::IntegerOutOfRange:
        case ScalarProblem::NumberOutOfRange:
            error(at, "`" + display() + "`: " +
                          (r.problem == ScalarProblem::IntegerOutOfRange ? "integer " : "number ") +
                          std::string(e.text) + " is out of range");
            return std::nullopt;
    }
    if (r.value.is_bool() && !st.quoted && is_yaml11_only_bool(e.text)) {
        rep.warning(where(at), "`" + display() + "`: `" + std::string(e.text) +
                                   "` is a YAML 1.1 boolean: editors and YAML 1.2 tools read it as a string; write " +
                                   (r.value.get_bool() ? "true" : "false"));
    }
    if (!r.value.is_string()) return std::move(r.value);
    if (auto replaced = rep.string_value(e.text, ptr, where(at))) r.value = json::string(*replaced, sp);
    // A `${var:}` is checked once substituted (config/vars.cpp).
    if (!s.enum_values.empty() && !mentions_var_reference(e.text) &&
        std::find(s.enum_values.begin(), s.enum_values.end(), e.text) == s.enum_values.end()) {
        std::string allowed;
        for (const auto& v : s.enum_values) allowed += (allowed.empty() ? "" : ", ") + v;
        // The source text, not the value: a substituted secret must not be printed.
        error(at, "`" + display() + "`: " + quote_for_message(e.text) + " is not an allowed value; expected one of: " +
                      allowed);
        return std::nullopt;
    }
    return std::move(r.value);
}

// --- documents --------------------------------------------------------------------------------

std::optional<BuiltDocument> DocumentBuilder::Impl::build_document(const YamlEvent& first) {
    if (first.kind == YamlEventKind::Scalar && first.anchor.empty() && ScalarText{first.text, is_quoted(first)}.is_null())
        return std::nullopt;  // an empty document (e.g. only comments)
    BuiltDocument d;
    if (opt.keep_location_pointers) d.locations.keep_pointers();
    d.locations.set_file(file);
    d.value_locations.set_file(file);
    const YamlMark start = or_else(first.mark, YamlMark{1, 1});
    d.where = where(start);
    d.locations.add("", start.line, start.column);
    doc = &d;
    nodes = 0;
    ptr.clear();
    scratch.reset();  // the previous document's tree is gone: it was copied out
    sp = json::storage_ptr(&scratch);
    if (!opt.root_mapping_error.empty() && first.kind != YamlEventKind::MappingStart) {
        std::string got = first.kind == YamlEventKind::SequenceStart ? "array"
                          : first.kind == YamlEventKind::Scalar ? describe_scalar(ScalarText{first.text, is_quoted(first)})
                                                                 : "an alias";
        error(start, opt.root_mapping_error + ", got " + got);
        skip_node(first);
        return std::nullopt;
    }
    try {
        auto value = build(first, opt.schema ? &opt.schema->root() : nullptr, start, 0);
        if (value) adopt_json(d.value, copy_into_own_arena(*value, scratch.used()));
    } catch (const Refused&) {
        replays.clear();
        while (open > 0) pull();
        d.refused = true;
        d.value = nullptr;
    }
    d.locations.finish();
    d.value_locations.finish();
    return d;
}

std::optional<BuiltDocument> DocumentBuilder::Impl::next() {
    if (finished) return std::nullopt;
    try {
        while (true) {
            const YamlEvent& e = pull();
            switch (e.kind) {
                case YamlEventKind::StreamStart:
                case YamlEventKind::DocumentEnd: continue;
                case YamlEventKind::StreamEnd: finished = true; return std::nullopt;
                case YamlEventKind::DocumentStart:
                    if (++documents > opt.limits.max_documents) {
                        error(e.mark, "more than " + format_count(opt.limits.max_documents) +
                                          " documents in one file; the rest is not read");
                        finished = true;
                        return std::nullopt;
                    }
                    continue;
                default:
                    if (auto d = build_document(e)) return d;
            }
        }
    } catch (const Stopped&) {
        finished = true;
        return std::nullopt;
    }
}

DocumentBuilder::DocumentBuilder(std::string_view text, std::string file, BuildOptions options,
                                 BuildReporter& reporter)
    : impl_(std::make_unique<Impl>(text, std::move(file), std::move(options), reporter)) {}

DocumentBuilder::~DocumentBuilder() = default;

std::optional<BuiltDocument> DocumentBuilder::next() { return impl_->next(); }

std::optional<BuiltDocument> build_single_document(std::string_view text, const std::string& file,
                                                   BuildOptions options, BuildReporter& reporter) {
    DocumentBuilder builder(text, file, std::move(options), reporter);
    return builder.next();
}

}  // namespace reconcile
