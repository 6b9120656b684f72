// mihu-sim: an HTTPS simulator of the Mihu agents API, for integration tests and demos.
//
//   mihu-sim --cert server.pem --key server-key.pem --seed seed.json
//            [--token TOKEN] [--host 127.0.0.1] [--port 0] [--port-file FILE]
//
// The token also comes from MIHU_SIM_TOKEN (default "sim-token"). Test hooks live under /_sim/.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "sim_server.hpp"
#include "sim_service.hpp"

namespace {

bool write_port_file(const std::string& path, unsigned short port, std::string& error) {
    // Write to a temporary name, then rename: a reader never sees a partial file.
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) {
            error = "cannot write " + tmp;
            return false;
        }
        out << port << "\n";
        out.flush();
        if (!out) {
            error = "cannot write " + tmp;
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mihu-sim: HTTPS simulator of the Mihu agents API"};
    mihu_sim::ServerOptions options;
    std::string seed_file;
    std::string token;
    std::string port_file;
    app.add_option("--cert", options.cert_file, "server certificate chain (PEM)")->required();
    app.add_option("--key", options.key_file, "server private key (PEM)")->required();
    app.add_option("--seed", seed_file, "seed document (JSON): {\"agents\": [...], \"phone_numbers\": [...]}");
    app.add_option("--token", token, "bearer token to accept (default: $MIHU_SIM_TOKEN, else sim-token)");
    app.add_option("--host", options.host, "address to bind")->capture_default_str();
    app.add_option("--port", options.port, "port to bind (0: any free port)")->capture_default_str();
    app.add_option("--port-file", port_file, "write the bound port to this file");
    CLI11_PARSE(app, argc, argv);

    // A peer that disconnects mid-write must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);

    if (token.empty()) {
        const char* env = std::getenv("MIHU_SIM_TOKEN");
        token = (env && *env) ? env : "sim-token";
    }

    mihu_sim::SimService service(token);
    if (!seed_file.empty()) {
        std::ifstream in(seed_file);
        if (!in) {
            std::fprintf(stderr, "mihu-sim: cannot read seed file %s\n", seed_file.c_str());
            return 2;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        boost::system::error_code ec;
        auto seed = boost::json::parse(ss.str(), ec);
        if (ec) {
            std::fprintf(stderr, "mihu-sim: %s: invalid JSON: %s\n", seed_file.c_str(), ec.message().c_str());
            return 2;
        }
        if (auto r = service.load_seed(seed); !r) {
            std::fprintf(stderr, "mihu-sim: %s: %s\n", seed_file.c_str(), r.error().c_str());
            return 2;
        }
        service.render_all();
    }

    mihu_sim::SimServer server(service, options);
    auto port = server.listen();
    if (!port) {
        std::fprintf(stderr, "mihu-sim: %s\n", port.error().c_str());
        return 1;
    }
    if (!port_file.empty()) {
        std::string error;
        if (!write_port_file(port_file, *port, error)) {
            std::fprintf(stderr, "mihu-sim: %s\n", error.c_str());
            return 1;
        }
    }
    mihu_sim::log_line("listening on https://" + options.host + ":" + std::to_string(*port));
    server.run();

    if (!port_file.empty()) {
        std::error_code ec;
        std::filesystem::remove(port_file, ec);
    }
    std::fflush(stderr);
    std::fflush(stdout);
    // Connection threads are detached and may be blocked in reads: leave without running
    // destructors they could still be using.
    std::_Exit(0);
}
