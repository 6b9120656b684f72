#pragma once
// HTTPS front of the simulator: HTTP/1.1 over TLS 1.2+, keep-alive, one thread per connection.
#include <cstddef>
#include <expected>
#include <memory>
#include <string>

#include "sim_service.hpp"

namespace mihu_sim {

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  // 0: any free port
    std::string cert_file;    // PEM certificate chain
    std::string key_file;     // PEM private key
    std::size_t body_limit = 8 * 1024 * 1024;
};

class SimServer {
public:
    SimServer(SimService& service, ServerOptions options);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // Loads the certificate and key, binds and listens. Returns the bound port.
    std::expected<unsigned short, std::string> listen();
    // Accepts connections until SIGINT/SIGTERM or stop(). Connection threads are detached.
    void run();
    // Thread-safe.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One line on stderr, serialized across threads.
void log_line(const std::string& line);

}  // namespace mihu_sim
