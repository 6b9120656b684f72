#pragma once
// The simulated Mihu workspace: agents and phone numbers, and the handling of one /api/v1 request
// (auth, routing, Laravel-style trimming, schema validation, default filling, merge rules).
// No sockets, no wall clock, no randomness: everything is a function of the seed document and the
// requests received, so tests are reproducible.
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reconcile {
struct SchemaNode;
}

namespace mihu_sim {

namespace json = boost::json;

struct HttpRequest {
    std::string method;  // "GET", "PATCH", ...
    std::string target;  // "/api/v1/agents?page=2"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // When the request arrived (the log's "at_ms"); default: when it is processed.
    std::optional<std::chrono::steady_clock::time_point> received;

    // Case-insensitive header lookup; nullopt when absent.
    std::optional<std::string_view> header(std::string_view name) const;
    // The path part of the target (before '?').
    std::string_view path() const;
    // The query string (after '?'), or "".
    std::string_view query() const;
};

struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Type is among them
    std::string body;

    std::optional<std::string_view> header(std::string_view name) const;
};

// A JSON response with Content-Type application/json.
HttpResponse json_response(int status, const json::value& body);
// {"success": false, "message": ..., "error": {"code": ..., "details"?: ..., "field"?: ...}}
HttpResponse error_response(int status, std::string_view message, std::string_view code,
                            std::string_view details = {}, std::string_view field = {});

// Laravel's TrimStrings + ConvertEmptyStringsToNull middleware: every string value (not keys),
// at any depth, is trimmed of " \t\n\r\0\x0B"; a string left empty becomes null.
void laravel_trim(json::value& v);
std::string php_trim(std::string_view s);

// Deterministic fake clock: 2026-01-01T00:00:00Z, one second per write.
class FakeClock {
public:
    // The current instant as "YYYY-MM-DDTHH:MM:SSZ", then advance by one second.
    std::string tick();
    std::string peek() const;
    void reset() { seconds_ = 0; }

private:
    std::int64_t seconds_ = 0;  // since the start instant
};

// Version-4-shaped UUIDs from a fixed-seed SplitMix64 stream.
class UuidGenerator {
public:
    std::string next();
    void reset() { state_ = kSeed; }

private:
    static constexpr std::uint64_t kSeed = 0x6d69687573696dULL;
    std::uint64_t state_ = kSeed;
    std::uint64_t next64();
};

struct ValidationFailure {
    std::string field;    // "settings.voice.interaction.max_silence_prompts"
    std::string details;  // human-readable reason
};

// Validates a (trimmed) request body against the agent schema: types, enums, unknown fields
// where additionalProperties is false, read-only fields, and "required" inside array items.
// `creating` additionally enforces the root's required fields (and always `name`).
std::optional<ValidationFailure> validate_agent_body(const json::object& body, bool creating);

// Merge `src` into `dst` the way PATCH does: objects deep-merge unless their schema node says
// "x-patch": "replace"; arrays and scalars replace. `node` may be null (no schema knowledge).
void patch_merge(json::object& dst, const json::object& src, const reconcile::SchemaNode* node);

// Every number in the value becomes a double (the live service returns 1 as 1.0).
void numbers_to_double(json::value& v);

class SimState {
public:
    explicit SimState(std::string token = "sim-token");

    // Replaces the whole workspace with a seed document:
    // {"agents": [...], "phone_numbers": [...]}. Resets the clock and the UUID stream.
    // On error the state is left unchanged.
    std::expected<void, std::string> load_seed(const json::value& seed);

    // Handles one request under /api/v1 (including authentication).
    HttpResponse handle(const HttpRequest& req);

    // {"agents": [full agents], "phone_numbers": [full phone numbers]}
    json::value dump() const;

    // Full rendering of one agent, or nullopt.
    std::optional<json::object> agent(std::string_view uuid) const;
    std::size_t agent_count() const { return agents_.size(); }

    const std::string& token() const { return token_; }

private:
    struct Binding {
        std::string agent_uuid;
        std::string setting_uuid;
    };
    struct PhoneNumber {
        std::string uuid;
        std::string number;
        json::value country_code;  // string or null
        std::string type = "local";
        std::string status = "active";
        json::object capabilities;
        std::map<std::string, Binding> bindings;  // "call", "sms", "whatsapp"
    };

    std::string token_;
    std::vector<json::object> agents_;  // creation order; stored without derived lists
    std::vector<PhoneNumber> numbers_;
    FakeClock clock_;
    UuidGenerator uuids_;

    json::object default_agent(std::string uuid, std::string timestamp);
    void finish_agent(json::object& agent);  // item uuids, numbers as doubles
    json::object render_agent(const json::object& stored) const;
    json::object render_number(const PhoneNumber& n) const;
    json::object* find(std::string_view uuid);
    const json::object* find(std::string_view uuid) const;
    PhoneNumber* find_number(std::string_view uuid);

    HttpResponse list_agents(const HttpRequest& req);
    HttpResponse get_agent(std::string_view uuid);
    HttpResponse create_agent(const HttpRequest& req);
    HttpResponse update_agent(std::string_view uuid, const HttpRequest& req);
    HttpResponse delete_agent(std::string_view uuid);
    HttpResponse list_numbers(const HttpRequest& req);
    HttpResponse provision_call(std::string_view uuid, const HttpRequest& req);
};

}  // namespace mihu_sim
