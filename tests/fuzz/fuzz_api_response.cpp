// libFuzzer target: arbitrary bytes as an API response body (status and content type taken
// from the first bytes). The envelope parser and the live-state parsers must never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcile/remote/envelope.hpp"
#include "reconcile/model/live_state.hpp"
#include "reconcile/engine/fingerprint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace reconcile;
    if (size < 2) return 0;
    static const unsigned kStatuses[] = {200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503};
    HttpResponse response;
    response.status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
    response.content_type = (data[1] & 1) ? "application/json" : "text/html; charset=utf-8";
    if (data[1] & 2) response.retry_after = "1";
    response.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
    auto parsed = parse_envelope("GET", "/api/v1/agents", response);
    if (!parsed) {
        (void)parsed.error().describe();
        return 0;
    }
    auto visit = [](const json::value& v) {
        if (!v.is_object()) return;
        if (auto a = live_agent_from_json(v.get_object())) (void)agent_fingerprint(a->body(), Schema::agent());
        (void)phone_number_from_json(v.get_object());
    };
    visit(*parsed);
    if (parsed->is_object())
        if (auto* items = parsed->get_object().if_contains("items"); items && items->is_array())
            for (const auto& item : items->get_array()) visit(item);
    return 0;
}
