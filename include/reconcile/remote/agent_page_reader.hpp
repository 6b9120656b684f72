#pragma once
// A page of the agents' listing read in one pass over its text: each agent is built in a small
// arena the page reuses, turned into a LiveAgent and dropped, instead of parsing the whole
// page (1.2 MB for 100 large agents) into a tree first. The tree of a page is fresh memory
// touched once per page, and on a 2-core machine that cost was most of a listing's time.
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "reconcile/model/live_state.hpp"
#include "reconcile/remote/https_transport.hpp"

namespace reconcile {

struct AgentPage {
    std::vector<LiveAgent> agents;   // in the page's order
    std::optional<long long> current_page;
    std::optional<long long> last_page;
};

// Reads `{"success": true, "data": {"items": [agent, ...], "pagination": {"current_page": n,
// "last_page": m}}, ...}`, the shape the API documents, from a 2xx answer whose Content-Type is
// JSON or absent, as its bytes arrive. It refuses anything else (another shape, `success: false`,
// an item without a string `agent_uuid`, a pagination number that is not an integer, invalid
// JSON): the caller then reads the answer the general way, which accepts the other shapes and
// words the errors. Where both read a page, they give the same agents, texts included.
class AgentPageReader final : public BodyReader {
public:
    AgentPageReader();
    ~AgentPageReader() override;
    AgentPageReader(const AgentPageReader&) = delete;
    AgentPageReader& operator=(const AgentPageReader&) = delete;

    bool begin(unsigned status, std::string_view content_type) override;
    bool write(std::string_view bytes) override;
    bool finish() override;
    // The page, after finish() returned true.
    AgentPage take();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The same for a whole body at once; nullopt where the reader refuses it.
std::optional<AgentPage> read_agent_page(std::string_view body);

}  // namespace reconcile
