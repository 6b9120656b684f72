#pragma once
// HTTPS transport (Boost.Beast + OpenSSL). TLS is always verified: chain, host name, SNI,
// TLS 1.2 or newer. Connections are kept alive and reused.
#include <atomic>
#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/remote/endpoint.hpp"

namespace reconcile {

struct TlsOptions {
    std::string ca_file;   // extra PEM bundle (a private CA); empty = system store
                           // (SSL_CERT_FILE is honoured by OpenSSL's default paths)
};

struct Timeouts {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds handshake{10'000};
    std::chrono::milliseconds request{60'000};   // write request + read whole response
};

// Reads a response body as it arrives, where the transport would otherwise keep it whole: a
// listing page of 1.2 MB is parsed while it is read and never held. A transport that cannot
// stream ignores it (the body is kept as usual).
class BodyReader {
public:
    virtual ~BodyReader() = default;
    // Before each response's body (every attempt, every answer): whether to read this one.
    virtual bool begin(unsigned status, std::string_view content_type) = 0;
    // The next bytes; false when the body turns out not to be for this reader.
    virtual bool write(std::string_view bytes) = 0;
    // The end of the body; false as for write().
    virtual bool finish() = 0;
};

struct HttpRequest {
    std::string method;   // "GET", "POST", "PATCH", "DELETE"
    std::string target;   // full path incl. base and query: "/api/v1/agents?page=1"
    std::string body;     // JSON text; empty = none
    BodyReader* body_reader = nullptr;  // optional: reads the response body as it arrives
};

struct HttpResponse {
    unsigned status = 0;
    std::string content_type;
    std::string body;
    // The request's body_reader read the body (`body` is empty), or refused it part-way (the
    // body is lost: send the request again without a reader to read it).
    bool body_read = false;
    bool body_refused = false;
    std::size_t body_bytes_streamed = 0;  // bytes handed to the body reader
    std::optional<std::string> retry_after;
    // X-RateLimit-Limit / X-RateLimit-Remaining, when the server sends them as whole numbers.
    std::optional<long long> rate_limit;
    std::optional<long long> rate_remaining;
};

struct TransportError {
    using Kind = NetworkFailure;
    Kind kind = Kind::Connect;
    std::string message;        // names the problem ("certificate verify failed: ...")
    bool request_sent = false;  // true when the server may have received (and committed) it
};

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    virtual std::expected<HttpResponse, TransportError> send(const HttpRequest& request) = 0;
    // Opens the connection now, when it is not open, so that a later send() finds it ready.
    // A failure is not reported here: the next send() tries again and reports it.
    virtual void connect_ahead() {}
};

struct TransportOptions {
    Endpoint endpoint;
    TlsOptions tls;
    Timeouts timeouts;
    std::string bearer_token;                 // sent as Authorization; never logged
    std::size_t max_response_bytes = 64 * 1024 * 1024;
    std::string user_agent = "reconcile/0.1";
    // Set on Ctrl-C: no new request starts, and one in flight gets `cancel_grace` to finish
    // before its connection is closed (Kind::Cancelled).
    const std::atomic<bool>* cancel = nullptr;
    std::chrono::milliseconds cancel_grace{2000};
};

// One connection, opened lazily, reopened after the server closes it. Not thread-safe:
// use one per worker. A bad CA file is reported by every send() (Kind::Tls); call
// check_tls_options() first to fail early.
std::unique_ptr<HttpTransport> make_https_transport(const TransportOptions& options);

// One TLS client setup (the system CA store and the CA file loaded and parsed once), to share
// between the transports of a run: loading the system store costs milliseconds per transport.
class TlsClientContext;
std::shared_ptr<TlsClientContext> make_tls_context(const TlsOptions& tls);
// `context` must come from make_tls_context(options.tls).
std::unique_ptr<HttpTransport> make_https_transport(const TransportOptions& options,
                                                    std::shared_ptr<TlsClientContext> context);

// Checks that the TLS settings can be used (the CA file exists and holds certificates).
// The error names the file and the problem.
std::expected<void, std::string> check_tls_options(const TlsOptions& tls);

}  // namespace reconcile
