#include "sim_server.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

namespace mihu_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

void log_line(const std::string& line) {
    static std::mutex mu;
    std::lock_guard lock(mu);
    std::fprintf(stderr, "mihu-sim: %s\n", line.c_str());
    std::fflush(stderr);
}

struct SimServer::Impl {
    SimService& service;
    ServerOptions options;
    asio::io_context ioc;
    ssl::context tls{ssl::context::tls_server};
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc, SIGINT, SIGTERM};
    std::atomic<std::uint64_t> next_connection{1};

    Impl(SimService& s, ServerOptions o) : service(s), options(std::move(o)) {}

    void accept_loop() {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec != asio::error::operation_aborted && acceptor.is_open()) accept_loop();
                return;
            }
            std::uint64_t id = next_connection++;
            // As a production server does: a response's header and body records go out at once
            // instead of waiting on the client's delayed ACK (Nagle), which would add ~40 ms.
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            std::thread([this, id, s = std::move(socket)]() mutable { session(std::move(s), id); })
                .detach();
            accept_loop();
        });
    }

    static void hard_close(ssl::stream<tcp::socket>& stream) {
        boost::system::error_code ec;
        stream.next_layer().shutdown(tcp::socket::shutdown_both, ec);
        stream.next_layer().close(ec);
    }

    static void graceful_close(ssl::stream<tcp::socket>& stream) {
        // No TLS close_notify exchange: a synchronous one would wait for a peer that may never
        // answer. Every response is Content-Length delimited, so clients lose nothing.
        boost::system::error_code ec;
        stream.next_layer().shutdown(tcp::socket::shutdown_send, ec);
        stream.next_layer().close(ec);
    }

    void send(ssl::stream<tcp::socket>& stream, const HttpResponse& r, unsigned version,
              bool keep_alive, boost::system::error_code& ec) {
        http::response<http::string_body> res{static_cast<http::status>(r.status), version};
        res.set(http::field::server, "mihu-sim");
        for (const auto& [k, v] : r.headers) res.set(k, v);
        res.body() = r.body;
        res.keep_alive(keep_alive);
        res.prepare_payload();
        http::write(stream, res, ec);
    }

    // Reads one request (answering "Expect: 100-continue"); false when the connection ends.
    bool read_request(ssl::stream<tcp::socket>& stream, beast::flat_buffer& buffer,
                      std::uint64_t id, HttpRequest& req, unsigned& version, bool& keep_alive) {
        boost::system::error_code ec;
        http::request_parser<http::string_body> parser;
        parser.body_limit(options.body_limit);
        http::read_header(stream, buffer, parser, ec);
        if (!ec && !parser.is_done()) {
            auto expect = parser.get()[http::field::expect];
            if (beast::iequals(expect, "100-continue")) {
                http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
                http::write(stream, cont, ec);
            }
            if (!ec) http::read(stream, buffer, parser, ec);
        }
        if (ec == http::error::body_limit) {
            log_line("conn=" + std::to_string(id) + " request body over the limit");
            send(stream, error_response(413, "Payload Too Large", "PAYLOAD_TOO_LARGE"), 11, false, ec);
            return false;
        }
        if (ec) return false;  // end of stream, truncated stream, bad request: close quietly
        auto& msg = parser.get();
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        for (const auto& f : msg)
            req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        req.body = std::move(msg.body());
        keep_alive = msg.keep_alive();
        version = msg.version();
        return true;
    }

    static void log_outcome(std::uint64_t id, const HttpRequest& req, const Outcome& out,
                            std::chrono::steady_clock::time_point started) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
        std::string line = "conn=" + std::to_string(id) + " " + req.method + " " + req.target + " -> ";
        line += out.logged_status ? std::to_string(*out.logged_status) : std::string("(no response)");
        if (out.fault) line += " fault=" + std::string(to_string(*out.fault));
        line += " " + std::to_string(ms) + "ms";
        log_line(line);
    }

    // One thread per connection: requests are served one after another on it, and connections
    // are served in parallel (a latency fault sleeps in its own connection's thread).
    void session(tcp::socket socket, std::uint64_t id) {
        ssl::stream<tcp::socket> stream(std::move(socket), tls);
        boost::system::error_code ec;
        stream.handshake(ssl::stream_base::server, ec);
        if (ec) {
            log_line("conn=" + std::to_string(id) + " TLS handshake failed: " + ec.message());
            hard_close(stream);
            return;
        }
        beast::flat_buffer buffer;
        for (;;) {
            HttpRequest req;
            unsigned version = 11;
            bool keep_alive = false;
            if (!read_request(stream, buffer, id, req, version, keep_alive)) break;
            auto started = std::chrono::steady_clock::now();
            req.received = started;
            Outcome out = service.serve(req, id, [](std::chrono::milliseconds ms) {
                std::this_thread::sleep_for(ms);
            });
            if (out.disposition == Disposition::StallThenClose && out.stall_ms > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(out.stall_ms));
            log_outcome(id, req, out, started);
            if (out.disposition != Disposition::Respond) {
                hard_close(stream);
                return;
            }
            send(stream, out.response, version, keep_alive, ec);
            if (ec || !keep_alive) break;
        }
        graceful_close(stream);
    }
};

SimServer::SimServer(SimService& service, ServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

SimServer::~SimServer() = default;

std::expected<unsigned short, std::string> SimServer::listen() {
    auto& im = *impl_;
    boost::system::error_code ec;
    SSL_CTX_set_min_proto_version(im.tls.native_handle(), TLS1_2_VERSION);
    im.tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::single_dh_use);
    im.tls.use_certificate_chain_file(im.options.cert_file, ec);
    if (ec) return std::unexpected("cannot load certificate " + im.options.cert_file + ": " + ec.message());
    im.tls.use_private_key_file(im.options.key_file, ssl::context::pem, ec);
    if (ec) return std::unexpected("cannot load private key " + im.options.key_file + ": " + ec.message());
    if (SSL_CTX_check_private_key(im.tls.native_handle()) != 1)
        return std::unexpected("the private key does not match the certificate");

    auto address = asio::ip::make_address(im.options.host, ec);
    if (ec) return std::unexpected("invalid --host " + im.options.host + ": " + ec.message());
    tcp::endpoint ep(address, im.options.port);
    im.acceptor.open(ep.protocol(), ec);
    if (!ec) im.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) im.acceptor.bind(ep, ec);
    if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return std::unexpected("cannot listen on " + im.options.host + ":" + std::to_string(im.options.port) + ": " + ec.message());
    return im.acceptor.local_endpoint().port();
}

void SimServer::run() {
    auto& im = *impl_;
    im.signals.async_wait([&im](boost::system::error_code ec, int signo) {
        if (ec) return;
        log_line(std::string("received ") + (signo == SIGTERM ? "SIGTERM" : "SIGINT") + ", shutting down");
        boost::system::error_code ignored;
        im.acceptor.close(ignored);
        im.ioc.stop();
    });
    im.accept_loop();
    im.ioc.run();
}

void SimServer::stop() {
    auto& im = *impl_;
    asio::post(im.ioc, [&im] {
        boost::system::error_code ignored;
        im.acceptor.close(ignored);
        im.signals.cancel(ignored);
        im.ioc.stop();
    });
}

}  // namespace mihu_sim
