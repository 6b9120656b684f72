#include "sim_state.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "reconcile/model/schema.hpp"

namespace mihu_sim {

using reconcile::JsonType;
using reconcile::PatchMode;
using reconcile::SchemaNode;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += char(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// First value of a query parameter, decoded.
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = part.find('=');
        std::string key = percent_decode(part.substr(0, eq));
        if (key == name)
            return eq == std::string_view::npos ? std::string{} : percent_decode(part.substr(eq + 1));
    }
    return std::nullopt;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
    }
    return out;
}

std::string_view type_name(JsonType t) { return reconcile::to_string(t); }

bool has_type(const SchemaNode& n, JsonType t) {
    return std::find(n.types.begin(), n.types.end(), t) != n.types.end();
}

bool type_ok(const json::value& v, const SchemaNode& n) {
    if (n.types.empty()) return true;
    switch (v.kind()) {
        case json::kind::null: return has_type(n, JsonType::Null);
        case json::kind::bool_: return has_type(n, JsonType::Boolean);
        case json::kind::int64:
        case json::kind::uint64:
            return has_type(n, JsonType::Integer) || has_type(n, JsonType::Number);
        case json::kind::double_: {
            double d = v.get_double();
            if (has_type(n, JsonType::Number)) return true;
            return has_type(n, JsonType::Integer) && std::isfinite(d) && std::floor(d) == d;
        }
        case json::kind::string: return has_type(n, JsonType::String);
        case json::kind::array: return has_type(n, JsonType::Array);
        case json::kind::object: return has_type(n, JsonType::Object);
    }
    return false;
}

std::string expected_types(const SchemaNode& n) {
    std::string out;
    for (auto t : n.types) {
        if (t == JsonType::Null) continue;
        if (!out.empty()) out += " or ";
        out += type_name(t);
    }
    if (has_type(n, JsonType::Null)) out += out.empty() ? "null" : " (or null)";
    return out;
}

// Fields the live service treats as read-only whatever the schema says.
bool hard_read_only(const std::string& field) {
    static const std::array<std::string_view, 10> fields = {
        "agent_uuid", "created_at",      "updated_at", "intents",           "webhooks",
        "phone_numbers", "channels",     "recommendations", "settings.memorize", "settings.evaluation"};
    if (std::find(fields.begin(), fields.end(), field) != fields.end()) return true;
    // The uuid of any collection element: "guidelines[0].uuid".
    return field.size() > 6 && field.ends_with("].uuid");
}

std::string join_field(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    std::string out = parent;
    out += '.';
    out += key;
    return out;
}

std::optional<ValidationFailure> check_node(const json::value& v, const SchemaNode* node,
                                            const std::string& field, bool enforce_required) {
    if (node == nullptr) return std::nullopt;
    if (!type_ok(v, *node)) {
        std::string got;
        if (v.is_null())
            return ValidationFailure{field, "The " + field + " field must not be null (expected " +
                                                expected_types(*node) + ")."};
        return ValidationFailure{field, "The " + field + " field must be of type " +
                                            expected_types(*node) + "."};
    }
    if (v.is_string() && !node->enum_values.empty()) {
        auto s = v.get_string();
        if (std::find(node->enum_values.begin(), node->enum_values.end(), std::string_view(s)) ==
            node->enum_values.end()) {
            std::string allowed;
            for (const auto& e : node->enum_values) allowed += (allowed.empty() ? "" : ", ") + e;
            return ValidationFailure{field, "The selected " + field + " is invalid (allowed: " +
                                                allowed + ")."};
        }
    }
    if (v.is_object()) {
        const auto& o = v.get_object();
        for (const auto& kv : o) {
            std::string child_field = join_field(field, kv.key());
            const SchemaNode* child = node->property(kv.key());
            // The agent schema also describes repository-only keys the API does not have.
            if (child_field == "uuid")
                return ValidationFailure{child_field,
                                         "The " + child_field + " field is not allowed."};
            if (hard_read_only(child_field) || (child && child->read_only))
                return ValidationFailure{child_field,
                                         "The " + child_field + " field is read-only."};
            if (child == nullptr) {
                if (!node->additional_properties)
                    return ValidationFailure{child_field,
                                             "The " + child_field + " field is not allowed."};
                continue;
            }
            if (auto f = check_node(kv.value(), child, child_field, false)) return f;
        }
        if (enforce_required) {
            for (const auto& r : node->required) {
                auto it = o.find(r);
                if (it == o.end() || it->value().is_null()) {
                    std::string rf = join_field(field, r);
                    return ValidationFailure{rf, "The " + rf + " field is required."};
                }
            }
        }
    }
    if (v.is_array() && node->items) {
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::string item_field = field + "[" + std::to_string(i) + "]";
            if (auto f = check_node(a[i], node->items.get(), item_field, true)) return f;
        }
    }
    return std::nullopt;
}

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// Default settings blocks and collections a create fills in. Strings the docs show as
// "<string>" default to null.
constexpr std::string_view kDefaultVoice = R"({
  "interaction": {"customer_speak_first": false, "inbound_first_message": null,
    "outbound_first_message": null, "voice_mail_message": null, "end_call_message": null,
    "silence_message": null, "max_silence_prompts": 3},
  "interruption": {"mode": "balanced"},
  "voice_profile": {"language": null, "voice_uuid": null, "voice_name": null},
  "voice_advanced": {"stability": 0.5, "similarity": 0.75, "style": 0, "speed": 1,
    "speaker_boost": true},
  "call_behavior": {"audio_recording": true, "background_sound": false,
    "silence_timeout_seconds": 60, "max_call_duration_seconds": 1800,
    "max_call_duration_message": null},
  "compliance": {"eu_gdpr_compliance": false, "hipaa_compliance": false},
  "normalizers": {"outbound": {}, "inbound": {}}
})";

constexpr std::string_view kDefaultText = R"({
  "daily_limits": {"daily_max_messages_per_conversation": 100,
    "daily_conversation_limit_exceeded_message": null},
  "timing_and_delay": {"base_delay": 0.5, "pause_before_reply": 1, "typing_speed_wpm_min": 40,
    "typing_speed_wpm_max": 60, "typing_speed_char": 0.05, "delay_jitter_min": 0.1,
    "delay_jitter_max": 1.5},
  "typing_simulation": {"show_typing_indicator": true, "simulate_typing_breaks": true,
    "simulate_typos_corrections": false},
  "working_hours": {"enabled": false, "start": "9 AM", "end": "5 PM", "timezone": null,
    "outside_hours_behavior": "Auto-reply", "offline_message": null, "during_hours_agent": "ai"},
  "handover": {"enabled": false, "handover_triggers": "User request",
    "handover_method": "Assign agent", "handover_message": null,
    "assignment_strategy": "First available", "handover_timeout": 60,
    "fallback_agent": "Bot assistant"},
  "confidence_controls": {"min_confidence_threshold": 0.7, "ask_clarifying_questions": false},
  "message_behavior": {
    "second_message_behavior": {"enabled": false, "chance": 0.25, "delay_min": 1, "delay_max": 4},
    "follow_up_behavior": {"enabled": false, "delay_min": 24, "delay_max": 48}},
  "personality": {"use_response_variations": true, "emoji_usage": "None",
    "use_punctuation_variation": false, "use_filler_words": false, "enable_small_talk": false,
    "energy_level": "Friendly", "empathy_level": "Medium"},
  "advanced": {"split_messages": true, "simulate_message_editing": false,
    "use_memory_based_context": false, "human_first_mode": false}
})";

// Top-level string fields, in the API's key order (status and speed have non-null defaults).
constexpr std::array<std::string_view, 13> kLeadingStrings = {
    "name",           "description",         "company_name",     "role",
    "objective",      "tone",                "behavior_guidelines", "company_service",
    "topic",          "length_detail",       "interest_of_product", "negative_response",
    "status"};

constexpr std::array<std::string_view, 6> kCollections = {
    "guidelines", "notes", "procedures", "training", "routing_rules", "guard_rules"};

std::optional<std::string> country_for(std::string_view number) {
    static const std::array<std::pair<std::string_view, std::string_view>, 14> prefixes = {{
        {"+39", "IT"}, {"+44", "GB"}, {"+49", "DE"}, {"+33", "FR"}, {"+34", "ES"},
        {"+90", "TR"}, {"+31", "NL"}, {"+41", "CH"}, {"+43", "AT"}, {"+32", "BE"},
        {"+351", "PT"}, {"+353", "IE"}, {"+61", "AU"}, {"+1", "US"},
    }};
    for (const auto& [p, c] : prefixes)
        if (number.starts_with(p)) return std::string(c);
    return std::nullopt;
}

const reconcile::SchemaNode& agent_root() { return reconcile::Schema::agent().root(); }

std::expected<std::size_t, HttpResponse> parse_positive(const std::optional<std::string>& text,
                                                        std::size_t fallback,
                                                        std::string_view field) {
    if (!text) return fallback;
    std::size_t value = 0;
    const char* b = text->data();
    const char* e = b + text->size();
    auto [ptr, ec] = std::from_chars(b, e, value);
    if (text->empty() || ec != std::errc{} || ptr != e || value < 1) {
        std::string f(field);
        return std::unexpected(error_response(422, "The given data was invalid.", "VALIDATION_ERROR",
                                              "The " + f + " must be a positive integer.", f));
    }
    return value;
}

struct Page {
    std::size_t page;
    std::size_t per_page;
};

std::expected<Page, HttpResponse> parse_pagination(const HttpRequest& req) {
    auto page = parse_positive(query_param(req.query(), "page"), 1, "page");
    if (!page) return std::unexpected(page.error());
    auto per_page = parse_positive(query_param(req.query(), "per_page"), 15, "per_page");
    if (!per_page) return std::unexpected(per_page.error());
    if (*per_page > 100)
        return std::unexpected(error_response(422, "The given data was invalid.", "VALIDATION_ERROR",
                                              "The per_page may not be greater than 100.",
                                              "per_page"));
    return Page{*page, *per_page};
}

json::object pagination_block(const Page& p, std::size_t total) {
    std::size_t last = std::max<std::size_t>(1, (total + p.per_page - 1) / p.per_page);
    json::object o;
    o["current_page"] = p.page;
    o["per_page"] = p.per_page;
    o["total"] = total;
    o["last_page"] = last;
    return o;
}

json::object success(std::string_view message, json::value data) {
    json::object o;
    o["success"] = true;
    o["message"] = message;
    o["data"] = std::move(data);
    return o;
}

// Parses a request body as a JSON object (an empty body is {}).
std::expected<json::object, HttpResponse> body_object(const HttpRequest& req) {
    std::string_view body = req.body;
    bool blank = std::all_of(body.begin(), body.end(),
                             [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
    if (blank) return json::object{};
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec)
        return std::unexpected(error_response(400, "Malformed request or invalid JSON", "INVALID_JSON",
                                              ec.message()));
    if (!v.is_object())
        return std::unexpected(error_response(400, "The request body must be a JSON object",
                                              "INVALID_JSON"));
    return std::move(v.as_object());
}

HttpResponse not_found(std::string_view what) {
    return error_response(404, std::string(what) + " not found", "NOT_FOUND");
}

HttpResponse validation_error(const ValidationFailure& f) {
    return error_response(422, "The given data was invalid.", "VALIDATION_ERROR", f.details, f.field);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Request / response helpers

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return std::string_view(v);
    return std::nullopt;
}

std::string_view HttpRequest::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
    std::string_view t = target;
    auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return std::string_view(v);
    return std::nullopt;
}

HttpResponse json_response(int status, const json::value& body) {
    HttpResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json::serialize(body);
    return r;
}

HttpResponse error_response(int status, std::string_view message, std::string_view code,
                            std::string_view details, std::string_view field) {
    json::object err;
    err["code"] = code;
    if (!details.empty()) err["details"] = details;
    if (!field.empty()) err["field"] = field;
    json::object o;
    o["success"] = false;
    o["message"] = message;
    o["error"] = std::move(err);
    return json_response(status, o);
}

std::string php_trim(std::string_view s) {
    constexpr std::string_view ws{" \t\n\r\0\x0B", 6};
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return std::string(s.substr(b, e - b + 1));
}

void laravel_trim(json::value& v) {
    if (v.is_string()) {
        std::string t = php_trim(v.get_string());
        if (t.empty())
            v = nullptr;
        else
            v = t;
    } else if (v.is_array()) {
        for (auto& e : v.get_array()) laravel_trim(e);
    } else if (v.is_object()) {
        for (auto& kv : v.get_object()) laravel_trim(kv.value());
    }
}

void numbers_to_double(json::value& v) {
    switch (v.kind()) {
        case json::kind::int64: v = static_cast<double>(v.get_int64()); break;
        case json::kind::uint64: v = static_cast<double>(v.get_uint64()); break;
        case json::kind::array:
            for (auto& e : v.get_array()) numbers_to_double(e);
            break;
        case json::kind::object:
            for (auto& kv : v.get_object()) numbers_to_double(kv.value());
            break;
        default: break;
    }
}

// ---------------------------------------------------------------------------------------------
// Clock and UUIDs

std::string FakeClock::peek() const {
    using namespace std::chrono;
    sys_seconds t = sys_days{year{2026} / January / 1} + seconds{seconds_};
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

std::string FakeClock::tick() {
    std::string now = peek();
    ++seconds_;
    return now;
}

std::uint64_t UuidGenerator::next64() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::string UuidGenerator::next() {
    std::uint64_t hi = next64();
    std::uint64_t lo = next64();
    hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10xx
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32),
                  unsigned((hi >> 16) & 0xffff), unsigned(hi & 0xffff), unsigned(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return buf;
}

// ---------------------------------------------------------------------------------------------
// Validation and merging

std::optional<ValidationFailure> validate_agent_body(const json::object& body, bool creating) {
    const SchemaNode& root = agent_root();
    json::value v = body;  // check_node works on values
    if (auto f = check_node(v, &root, "", false)) return f;
    if (creating) {
        std::vector<std::string> required = root.required;
        if (std::find(required.begin(), required.end(), "name") == required.end())
            required.insert(required.begin(), "name");
        for (const auto& r : required) {
            auto it = body.find(r);
            if (it == body.end() || it->value().is_null())
                return ValidationFailure{r, "The " + r + " field is required."};
        }
    }
    return std::nullopt;
}

void patch_merge(json::object& dst, const json::object& src, const SchemaNode* node) {
    for (const auto& kv : src) {
        const SchemaNode* child = node ? node->property(kv.key()) : nullptr;
        auto it = dst.find(kv.key());
        bool replace = child && child->patch == PatchMode::Replace;
        if (kv.value().is_object() && it != dst.end() && it->value().is_object() && !replace) {
            patch_merge(it->value().as_object(), kv.value().get_object(), child);
        } else {
            dst[kv.key()] = kv.value();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SimState

SimState::SimState(std::string token) : token_(std::move(token)) {}

json::object SimState::default_agent(std::string uuid, std::string timestamp) {
    json::object a;
    a["agent_uuid"] = uuid;
    for (auto key : kLeadingStrings) a[key] = nullptr;
    a["status"] = "pending";
    a["custom_prompt"] = nullptr;
    a["language"] = nullptr;
    a["speed"] = "normal";
    a["timezone"] = nullptr;
    a["appointment_scheduling_enabled"] = false;
    a["appointment_scheduling_randomly"] = false;
    a["custom_llm_url"] = nullptr;
    a["recommendations"] = nullptr;
    json::object settings;
    settings["voice"] = parse_object(kDefaultVoice);
    settings["text"] = parse_object(kDefaultText);
    settings["memorize"] = json::object{};
    settings["evaluation"] = json::object{};
    a["settings"] = std::move(settings);
    a["guidelines"] = json::array{};
    a["notes"] = json::array{};
    a["procedures"] = json::array{};
    a["training"] = json::array{};
    a["intents"] = json::array{};
    a["webhooks"] = json::array{};
    a["appointments"] = parse_object(
        R"({"enabled": false, "random_assignment": false, "schedule_assignments": []})");
    a["routing_rules"] = json::array{};
    a["guard_rules"] = json::array{};
    a["phone_numbers"] = json::array{};
    a["channels"] = json::array{};
    a["created_at"] = timestamp;
    a["updated_at"] = timestamp;
    return a;
}

void SimState::finish_agent(json::object& agent) {
    auto ensure_uuids = [this](json::value* arr) {
        if (arr == nullptr || !arr->is_array()) return;
        for (auto& item : arr->get_array()) {
            if (!item.is_object()) continue;
            auto& o = item.get_object();
            auto it = o.find("uuid");
            if (it != o.end() && it->value().is_string()) continue;
            json::object n;
            n["uuid"] = uuids_.next();
            for (const auto& kv : o)
                if (kv.key() != "uuid") n[kv.key()] = kv.value();
            o = std::move(n);
        }
    };
    for (auto key : kCollections) ensure_uuids(agent.if_contains(key));
    if (auto* ap = agent.if_contains("appointments"); ap && ap->is_object())
        ensure_uuids(ap->get_object().if_contains("schedule_assignments"));
    // Everything numeric the agent carries is settings or collection content.
    for (auto& kv : agent) numbers_to_double(kv.value());
}

json::object* SimState::find(std::string_view uuid) {
    for (auto& a : agents_)
        if (auto* u = a.if_contains("agent_uuid"); u && u->is_string() && u->get_string() == uuid)
            return &a;
    return nullptr;
}

const json::object* SimState::find(std::string_view uuid) const {
    return const_cast<SimState*>(this)->find(uuid);
}

SimState::PhoneNumber* SimState::find_number(std::string_view uuid) {
    for (auto& n : numbers_)
        if (n.uuid == uuid) return &n;
    return nullptr;
}

json::object SimState::render_agent(const json::object& stored) const {
    json::object a = stored;
    std::string_view uuid = stored.at("agent_uuid").get_string();
    json::array phone_numbers;
    json::array channels;
    for (const auto& n : numbers_) {
        bool any = false;
        for (const auto& [channel, b] : n.bindings) {
            if (b.agent_uuid != uuid) continue;
            any = true;
            json::object c;
            c["channel"] = channel;
            c["phone_number_uuid"] = n.uuid;
            c["number"] = n.number;
            if (channel == "call") c["call_setting_uuid"] = b.setting_uuid;
            channels.push_back(std::move(c));
        }
        if (!any) continue;
        auto cap = [&](std::string_view k) {
            auto* v = n.capabilities.if_contains(k);
            return v && v->is_bool() && v->get_bool();
        };
        json::object p;
        p["phone_number_uuid"] = n.uuid;
        p["number"] = n.number;
        p["provider"] = "mihu";
        p["status"] = n.status;
        p["country_code"] = n.country_code;
        p["type"] = n.type;
        p["capabilities"] = json::object{{"call", cap("voice")},
                                         {"sms", cap("sms")},
                                         {"whatsapp", cap("whatsapp")},
                                         {"whatsapp_call", cap("whatsapp_call")}};
        phone_numbers.push_back(std::move(p));
    }
    a["phone_numbers"] = std::move(phone_numbers);
    a["channels"] = std::move(channels);
    return a;
}

json::object SimState::render_number(const PhoneNumber& n) const {
    json::object p;
    p["phone_number_uuid"] = n.uuid;
    p["number"] = n.number;
    p["country_code"] = n.country_code;
    p["type"] = n.type;
    p["status"] = n.status;
    p["capabilities"] = n.capabilities;
    json::object bindings;
    for (std::string_view channel : {"call", "sms", "whatsapp"}) {
        json::object b;
        auto it = n.bindings.find(std::string(channel));
        const json::object* agent = it == n.bindings.end() ? nullptr : find(it->second.agent_uuid);
        b["bound"] = agent != nullptr;
        if (agent) {
            b["agent_uuid"] = it->second.agent_uuid;
            b["agent_name"] = agent->at("name");
        } else {
            b["agent_uuid"] = nullptr;
            b["agent_name"] = nullptr;
        }
        bindings[channel] = std::move(b);
    }
    p["bindings"] = std::move(bindings);
    return p;
}

std::optional<json::object> SimState::agent(std::string_view uuid) const {
    const json::object* a = find(uuid);
    if (!a) return std::nullopt;
    return render_agent(*a);
}

json::value SimState::dump() const {
    json::array agents;
    for (const auto& a : agents_) agents.push_back(render_agent(a));
    json::array numbers;
    for (const auto& n : numbers_) numbers.push_back(render_number(n));
    return json::object{{"agents", std::move(agents)}, {"phone_numbers", std::move(numbers)}};
}

std::expected<void, std::string> SimState::load_seed(const json::value& seed) {
    if (!seed.is_object()) return std::unexpected("seed: the document must be a JSON object");
    const auto& doc = seed.get_object();

    // Work on fresh state; swap in only on success.
    auto saved_agents = std::move(agents_);
    auto saved_numbers = std::move(numbers_);
    auto saved_clock = clock_;
    auto saved_uuids = uuids_;
    agents_.clear();
    numbers_.clear();
    clock_.reset();
    uuids_.reset();
    auto fail = [&](std::string msg) -> std::expected<void, std::string> {
        agents_ = std::move(saved_agents);
        numbers_ = std::move(saved_numbers);
        clock_ = saved_clock;
        uuids_ = saved_uuids;
        return std::unexpected(std::move(msg));
    };

    if (auto* agents = doc.if_contains("agents")) {
        if (!agents->is_array()) return fail("seed: \"agents\" must be an array");
        std::size_t i = 0;
        for (const auto& entry : agents->get_array()) {
            std::string where = "seed: agents[" + std::to_string(i++) + "]";
            if (!entry.is_object()) return fail(where + " must be an object");
            json::object fields = entry.get_object();
            std::string uuid;
            if (auto* u = fields.if_contains("agent_uuid")) {
                if (!u->is_string()) return fail(where + ".agent_uuid must be a string");
                uuid = std::string(u->get_string());
                if (find(uuid)) return fail(where + ": duplicate agent_uuid " + uuid);
            } else {
                uuid = uuids_.next();
            }
            std::string created, updated;
            for (auto [key, out] : {std::pair{"created_at", &created}, std::pair{"updated_at", &updated}}) {
                if (auto* t = fields.if_contains(key)) {
                    if (!t->is_string()) return fail(where + "." + key + " must be a string");
                    *out = std::string(t->get_string());
                }
            }
            if (created.empty()) created = clock_.tick();
            if (updated.empty()) updated = created;
            for (auto key : {"agent_uuid", "created_at", "updated_at", "phone_numbers", "channels"})
                fields.erase(key);
            json::object agent = default_agent(uuid, created);
            agent["updated_at"] = updated;
            patch_merge(agent, fields, &agent_root());
            finish_agent(agent);
            agents_.push_back(std::move(agent));
        }
    }

    if (auto* numbers = doc.if_contains("phone_numbers")) {
        if (!numbers->is_array()) return fail("seed: \"phone_numbers\" must be an array");
        std::size_t i = 0;
        for (const auto& entry : numbers->get_array()) {
            std::string where = "seed: phone_numbers[" + std::to_string(i++) + "]";
            if (!entry.is_object()) return fail(where + " must be an object");
            const auto& o = entry.get_object();
            PhoneNumber n;
            auto* num = o.if_contains("number");
            if (!num || !num->is_string()) return fail(where + ".number must be a string");
            n.number = std::string(num->get_string());
            if (auto* u = o.if_contains("phone_number_uuid")) {
                if (!u->is_string()) return fail(where + ".phone_number_uuid must be a string");
                n.uuid = std::string(u->get_string());
                if (find_number(n.uuid)) return fail(where + ": duplicate phone_number_uuid");
            } else {
                n.uuid = uuids_.next();
            }
            if (auto cc = country_for(n.number)) n.country_code = *cc;
            if (auto* cc = o.if_contains("country_code")) n.country_code = *cc;
            if (auto* t = o.if_contains("type"); t && t->is_string()) n.type = std::string(t->get_string());
            if (auto* s = o.if_contains("status"); s && s->is_string()) n.status = std::string(s->get_string());
            n.capabilities = json::object{{"voice", true}, {"sms", true}, {"mms", false},
                                          {"fax", false}, {"emergency", true}, {"local_calling", true}};
            if (auto* c = o.if_contains("capabilities")) {
                if (!c->is_object()) return fail(where + ".capabilities must be an object");
                for (const auto& kv : c->get_object()) n.capabilities[kv.key()] = kv.value();
            }
            if (auto* b = o.if_contains("bindings")) {
                if (!b->is_object()) return fail(where + ".bindings must be an object");
                for (const auto& kv : b->get_object()) {
                    std::string channel(kv.key());
                    if (channel != "call" && channel != "sms" && channel != "whatsapp")
                        return fail(where + ".bindings." + channel + ": unknown channel");
                    if (kv.value().is_null()) continue;
                    if (!kv.value().is_object())
                        return fail(where + ".bindings." + channel + " must be an object");
                    const auto& bo = kv.value().get_object();
                    auto* au = bo.if_contains("agent_uuid");
                    if (!au || au->is_null()) continue;  // unbound
                    if (!au->is_string())
                        return fail(where + ".bindings." + channel + ".agent_uuid must be a string");
                    if (!find(au->get_string()))
                        return fail(where + ".bindings." + channel + ": unknown agent " +
                                    std::string(au->get_string()));
                    Binding bind{std::string(au->get_string()), {}};
                    if (auto* s = bo.if_contains("call_setting_uuid"); s && s->is_string())
                        bind.setting_uuid = std::string(s->get_string());
                    else if (channel == "call")
                        bind.setting_uuid = uuids_.next();
                    n.bindings[channel] = std::move(bind);
                }
            }
            numbers_.push_back(std::move(n));
        }
    }
    return {};
}

HttpResponse SimState::handle(const HttpRequest& req) {
    std::string_view path = req.path();
    auto segs = split_path(path);
    if (segs.size() < 2 || segs[0] != "api" || segs[1] != "v1") return not_found("Route");

    auto auth = req.header("Authorization");
    if (!auth || php_trim(*auth).empty())
        return error_response(401, "Authentication token is missing.", "MISSING_AUTH_TOKEN");
    std::string value = php_trim(*auth);
    if (value.size() < 7 || !iequals(std::string_view(value).substr(0, 7), "Bearer ") ||
        php_trim(std::string_view(value).substr(7)) != token_)
        return error_response(401, "Invalid authentication token.", "INVALID_AUTH_TOKEN");

    segs.erase(segs.begin(), segs.begin() + 2);
    const std::string& m = req.method;
    auto method_not_allowed = [] {
        return error_response(405, "Method not allowed", "METHOD_NOT_ALLOWED");
    };

    if (segs.size() == 1 && segs[0] == "agents") {
        if (m == "GET") return list_agents(req);
        if (m == "POST") return create_agent(req);
        return method_not_allowed();
    }
    if (segs.size() == 2 && segs[0] == "agents") {
        if (m == "GET") return get_agent(segs[1]);
        if (m == "PATCH") return update_agent(segs[1], req);
        if (m == "DELETE") return delete_agent(segs[1]);
        return method_not_allowed();
    }
    if (segs.size() == 5 && segs[0] == "agents" && segs[2] == "channels" && segs[3] == "call" &&
        segs[4] == "provision") {
        if (m == "POST") return provision_call(segs[1], req);
        return method_not_allowed();
    }
    if (segs.size() == 1 && segs[0] == "phone-numbers") {
        if (m == "GET") return list_numbers(req);
        return method_not_allowed();
    }
    return not_found("Route");
}

HttpResponse SimState::list_agents(const HttpRequest& req) {
    auto page = parse_pagination(req);
    if (!page) return page.error();
    json::array items;
    std::size_t begin = (page->page - 1) * page->per_page;
    for (std::size_t i = begin; i < agents_.size() && i < begin + page->per_page; ++i)
        items.push_back(render_agent(agents_[i]));
    json::object data{{"items", std::move(items)},
                      {"pagination", pagination_block(*page, agents_.size())}};
    return json_response(200, success("Agents retrieved successfully", std::move(data)));
}

HttpResponse SimState::get_agent(std::string_view uuid) {
    const json::object* a = find(uuid);
    if (!a) return not_found("Agent");
    return json_response(200, success("Agent retrieved successfully", render_agent(*a)));
}

HttpResponse SimState::create_agent(const HttpRequest& req) {
    auto body = body_object(req);
    if (!body) return body.error();
    json::value v = std::move(*body);
    laravel_trim(v);
    const json::object& fields = v.get_object();
    if (auto f = validate_agent_body(fields, true)) return validation_error(*f);
    std::string now = clock_.tick();
    json::object agent = default_agent(uuids_.next(), now);
    patch_merge(agent, fields, &agent_root());
    finish_agent(agent);
    agents_.push_back(std::move(agent));
    return json_response(201, success("Agent created successfully", render_agent(agents_.back())));
}

HttpResponse SimState::update_agent(std::string_view uuid, const HttpRequest& req) {
    json::object* stored = find(uuid);
    if (!stored) return not_found("Agent");
    auto body = body_object(req);
    if (!body) return body.error();
    json::value v = std::move(*body);
    laravel_trim(v);
    const json::object& fields = v.get_object();
    if (auto f = validate_agent_body(fields, false)) return validation_error(*f);
    json::object agent = *stored;
    patch_merge(agent, fields, &agent_root());
    finish_agent(agent);
    agent["updated_at"] = clock_.tick();
    *stored = std::move(agent);
    return json_response(200, success("Agent updated successfully", render_agent(*stored)));
}

HttpResponse SimState::delete_agent(std::string_view uuid) {
    auto it = std::find_if(agents_.begin(), agents_.end(), [&](const json::object& a) {
        return a.at("agent_uuid").get_string() == uuid;
    });
    if (it == agents_.end()) return not_found("Agent");
    std::string id(uuid);
    agents_.erase(it);
    for (auto& n : numbers_)
        std::erase_if(n.bindings, [&](const auto& kv) { return kv.second.agent_uuid == id; });
    clock_.tick();
    json::object o{{"success", true}, {"message", "Agent deleted successfully"}};
    return json_response(200, o);
}

HttpResponse SimState::list_numbers(const HttpRequest& req) {
    auto page = parse_pagination(req);
    if (!page) return page.error();
    json::array items;
    std::size_t begin = (page->page - 1) * page->per_page;
    for (std::size_t i = begin; i < numbers_.size() && i < begin + page->per_page; ++i)
        items.push_back(render_number(numbers_[i]));
    json::object data{{"items", std::move(items)},
                      {"pagination", pagination_block(*page, numbers_.size())}};
    return json_response(200, success("Phone numbers retrieved successfully", std::move(data)));
}

HttpResponse SimState::provision_call(std::string_view uuid, const HttpRequest& req) {
    json::object* agent = find(uuid);
    if (!agent) return not_found("Agent");
    auto body = body_object(req);
    if (!body) return body.error();
    json::value v = std::move(*body);
    laravel_trim(v);
    auto* pn = v.get_object().if_contains("phone_number_uuid");
    if (!pn || pn->is_null())
        return validation_error({"phone_number_uuid", "The phone_number_uuid field is required."});
    if (!pn->is_string())
        return validation_error({"phone_number_uuid", "The phone_number_uuid must be a string."});
    PhoneNumber* number = find_number(pn->get_string());
    if (!number) return not_found("Phone number");
    auto it = number->bindings.find("call");
    if (it != number->bindings.end() && it->second.agent_uuid != uuid)
        return error_response(409, "The phone number's call channel is bound to another agent.",
                              "CONFLICT",
                              "Bound to agent " + it->second.agent_uuid, "phone_number_uuid");
    std::string setting;
    if (it != number->bindings.end()) {
        setting = it->second.setting_uuid;
    } else {
        setting = uuids_.next();
        number->bindings["call"] = Binding{std::string(uuid), setting};
    }
    (*agent)["updated_at"] = clock_.tick();
    json::object provisioning{{"success", true},
                              {"message", "Call channel provisioned on " + number->number},
                              {"call_setting_uuid", setting}};
    json::object data{{"agent", render_agent(*agent)}, {"provisioning", std::move(provisioning)}};
    return json_response(200, success("Call channel provisioned", std::move(data)));
}

}  // namespace mihu_sim
