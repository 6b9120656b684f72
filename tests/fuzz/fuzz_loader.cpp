// libFuzzer target: arbitrary bytes as an agent YAML file. The loader must return diagnostics,
// never crash, hang or exhaust memory (limits on size, depth and alias expansion).
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcile/config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace reconcile;
    static const Schema& schema = Schema::agent();
    LoadOptions options;
    options.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "SET") return std::string("value");
        return std::nullopt;
    };
    options.max_file_bytes = 64 * 1024;
    options.max_nodes = 20'000;
    LoadResult out;
    load_yaml_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml", schema, options, out);
    check_duplicates(out);
    return 0;
}
