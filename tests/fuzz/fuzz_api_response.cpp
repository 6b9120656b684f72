// libFuzzer target: arbitrary bytes as an API response body (status and content type taken
// from the first bytes). The envelope parser and the live-state parsers must never crash, and
// the one-pass page reader, fed the body in pieces, may only accept a page the general reader
// reads the same way (the same agents, texts included): otherwise the target aborts.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/remote/agent_page_reader.hpp"
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
    AgentPageReader reader;
    std::optional<AgentPage> streamed;
    if (reader.begin(response.status, response.content_type)) {
        const std::size_t piece = 1 + (data[1] >> 2) * 97;
        bool ok = true;
        for (std::size_t at = 0; ok && at < response.body.size(); at += piece)
            ok = reader.write(std::string_view(response.body).substr(at, piece));
        if (ok && reader.finish()) streamed = reader.take();
    }
    auto parsed = parse_envelope("GET", "/api/v1/agents", response);
    if (streamed) {
        // The general reader must read the same page.
        if (!parsed || !parsed->is_object()) __builtin_trap();
        auto* items = parsed->get_object().if_contains("items");
        if (!items || !items->is_array() || items->get_array().size() != streamed->agents.size()) __builtin_trap();
        for (std::size_t i = 0; i < streamed->agents.size(); ++i) {
            const auto& item = items->get_array()[i];
            if (!item.is_object()) __builtin_trap();
            auto general = live_agent_from_json(item.get_object());
            const LiveAgent& mine = streamed->agents[i];
            if (!general || general->uuid != mine.uuid || general->name != mine.name ||
                general->updated_at != mine.updated_at || general->body_json() != mine.body_json())
                __builtin_trap();
        }
    }
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
