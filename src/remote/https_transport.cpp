// HTTPS transport: Boost.Beast over OpenSSL, one kept-alive connection per transport.
//
// Every network step is an asynchronous operation run on a private io_context inside send(),
// so each one is bounded by a deadline (tcp_stream::expires_after): a server that accepts a
// connection and then stops answering produces a Timeout error, never a hang.
//
// TLS is always verified: the chain against the system store (OpenSSL's default paths, which
// honour SSL_CERT_FILE / SSL_CERT_DIR; the bundle parsed only when needed) plus an optional
// extra CA file, the host name (or IP address) against the certificate, TLS 1.2 or newer, SNI
// for host names.
//
// The bearer token is only ever written into the Authorization header of outgoing requests;
// it is never logged and never part of an error message.
#include "reconcile/remote/https_transport.hpp"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <type_traits>

namespace reconcile {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

// ---------------------------------------------------------------------------------------------
// TLS context

namespace {

std::string openssl_error_text() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

// The system CA bundle (one PEM file of ~150 CAs) takes 20 to 40 ms to parse, before the first
// request could leave. This lookup parses it only when the verifier asks for an issuer that
// neither the CA file nor the hashed CA directory holds: a server whose CA came with --ca-file,
// or whose root the directory has, never waits for it. Trust is unchanged: the same CAs answer
// as with OpenSSL's default paths, only later.
struct LazyBundle {
    std::string path;
    std::once_flag parsed;
};

int lazy_bundle_new(X509_LOOKUP*) { return 1; }

void lazy_bundle_free(X509_LOOKUP* lookup) { delete static_cast<LazyBundle*>(X509_LOOKUP_get_method_data(lookup)); }

int lazy_bundle_get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* ret) {
    auto* bundle = static_cast<LazyBundle*>(X509_LOOKUP_get_method_data(lookup));
    X509_STORE* store = X509_LOOKUP_get_store(lookup);
    if (!bundle || !store || type != X509_LU_X509) return 0;
    // Into the store itself (its lock guards the additions), once, whichever connection asks.
    std::call_once(bundle->parsed, [&] {
        if (X509_load_cert_crl_file(lookup, bundle->path.c_str(), X509_FILETYPE_PEM) <= 0)
            spdlog::debug("tls: no CA bundle at {}", bundle->path);
        ERR_clear_error();
    });
    if (X509_STORE_lock(store) != 1) return 0;
    X509_OBJECT* found = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), type, name);
    X509* cert = found ? X509_OBJECT_get0_X509(found) : nullptr;
    const bool ok = cert && X509_OBJECT_set1_X509(ret, cert) == 1;
    X509_STORE_unlock(store);
    // set1 took a reference and the caller takes another for what a lookup returns: drop one,
    // as OpenSSL's own store lookup does.
    if (ok) X509_free(cert);
    return ok ? 1 : 0;
}

const X509_LOOKUP_METHOD* lazy_bundle_method() {
    static X509_LOOKUP_METHOD* method = [] {
        X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("reconcile: CA bundle parsed on first need");
        if (!m) return m;
        X509_LOOKUP_meth_set_new_item(m, lazy_bundle_new);
        X509_LOOKUP_meth_set_free(m, lazy_bundle_free);
        X509_LOOKUP_meth_set_get_by_subject(m, lazy_bundle_get_by_subject);
        return m;
    }();
    return method;
}

// The system's CA store, as OpenSSL's default paths define it (SSL_CERT_DIR / SSL_CERT_FILE,
// else the build's directory and bundle): the directory is searched by subject hash when a
// certificate is verified, the bundle parsed on first need (above). Errors are not fatal: a
// missing system store leaves the CA file.
void load_system_store(ssl::context& ctx) {
    const char* dir_env = std::getenv(X509_get_default_cert_dir_env());
    const char* file_env = std::getenv(X509_get_default_cert_file_env());
    const std::string dir = dir_env ? dir_env : X509_get_default_cert_dir();
    const std::string file = file_env ? file_env : X509_get_default_cert_file();
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
    if (X509_LOOKUP* by_dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir()))
        X509_LOOKUP_add_dir(by_dir, dir.c_str(), X509_FILETYPE_PEM);
    const X509_LOOKUP_METHOD* method = lazy_bundle_method();
    X509_LOOKUP* by_bundle = method ? X509_STORE_add_lookup(store, const_cast<X509_LOOKUP_METHOD*>(method)) : nullptr;
    if (by_bundle) X509_LOOKUP_set_method_data(by_bundle, new LazyBundle{file, {}});
    ERR_clear_error();
}

// Builds the client context. Errors name the CA file and the problem. A check of the options
// leaves the system store out: it cannot fail there.
std::expected<void, std::string> configure_context(ssl::context& ctx, const TlsOptions& tls, bool system_store) {
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1)
        return std::unexpected("cannot require TLS 1.2: " + openssl_error_text());
    ctx.set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (system_store) load_system_store(ctx);
    if (!tls.ca_file.empty()) {
        std::ifstream probe(tls.ca_file, std::ios::binary);
        if (!probe) {
            const int err = errno;
            return std::unexpected("cannot read CA file '" + tls.ca_file + "': " +
                                   (err ? std::strerror(err) : "cannot open"));
        }
        std::string head(4096, '\0');
        probe.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(probe.gcount()));
        if (head.find("-----BEGIN") == std::string::npos)
            return std::unexpected("CA file '" + tls.ca_file +
                                   "' holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        ERR_clear_error();
        ctx.load_verify_file(tls.ca_file, ec);
        if (ec)
            return std::unexpected("cannot load CA file '" + tls.ca_file + "': " + ec.message());
    }
    return {};
}

}  // namespace

class TlsClientContext {
public:
    explicit TlsClientContext(const TlsOptions& tls) : ctx(ssl::context::tls_client) {
        if (auto ok = configure_context(ctx, tls, /*system_store=*/true); !ok) init_error = ok.error();
    }
    ssl::context ctx;
    std::optional<std::string> init_error;
};

std::shared_ptr<TlsClientContext> make_tls_context(const TlsOptions& tls) {
    return std::make_shared<TlsClientContext>(tls);
}

std::expected<void, std::string> check_tls_options(const TlsOptions& tls) {
    ssl::context ctx(ssl::context::tls_client);
    return configure_context(ctx, tls, /*system_store=*/false);
}

// ---------------------------------------------------------------------------------------------
// Transport

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
    return std::to_string(d.count()) + "ms";
}

bool is_reset(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
           ec == asio::error::broken_pipe || ec == asio::error::not_connected ||
           ec == ssl::error::stream_truncated || ec == http::error::partial_message;
}

const char* verify_hint(long result) {
    switch (result) {
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            return "; if the server uses a private CA, pass its certificate with --ca-file";
        default:
            return "";
    }
}

// A header holding a small whole number ("57"), or nullopt.
template <class Message>
std::optional<long long> header_count(const Message& msg, std::string_view name) {
    auto it = msg.find(name);
    if (it == msg.end()) return std::nullopt;
    const std::string_view v = it->value();
    if (v.empty() || v.size() > 12) return std::nullopt;
    long long n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

// A response body, kept in a string or handed to the request's BodyReader as it arrives.
struct ReceivedBody {
    std::string text;
    BodyReader* reader = nullptr;  // set before reading; asked with begin() once the header is in
    bool streaming = false;
    bool refused = false;
    std::size_t streamed = 0;
};

// Beast's body type for ReceivedBody. The string is grown without zero-filling it first:
// Beast's string_body grows its string with resize(), which writes zeros the copy then
// overwrites (a twentieth of a listing's time). The length is bounded by the parser's body
// limit before init() reserves it.
struct ResponseBody {
    using value_type = ReceivedBody;

    static std::uint64_t size(const value_type& body) { return body.text.size(); }

    class reader {
    public:
        // Beast builds the reader with the parser, before the header is read: the header is
        // looked at in init(), when the body starts.
        template <bool isRequest, class Fields>
        reader(http::header<isRequest, Fields>& header, value_type& body) : body_(body) {
            if constexpr (!isRequest && std::is_same_v<Fields, http::fields>) header_ = &header;
        }

        void init(const boost::optional<std::uint64_t>& length, error_code& ec) {
            ec = {};
            if (body_.reader && header_) {
                const auto type = header_->find(http::field::content_type);
                const std::string_view content_type =
                    type == header_->end() ? std::string_view() : std::string_view(type->value());
                body_.streaming = body_.reader->begin(header_->result_int(), content_type);
            }
            if (!length || body_.streaming) return;
            if (*length > body_.text.max_size()) {
                ec = http::error::buffer_overflow;
                return;
            }
            body_.text.reserve(static_cast<std::size_t>(*length));
        }

        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
            ec = {};
            const std::size_t extra = beast::buffer_bytes(buffers);
            if (body_.streaming) {
                // A refused body is read to its end and dropped, so that the connection stays usable.
                for (const auto b : beast::buffers_range_ref(buffers))
                    if (!body_.refused &&
                        !body_.reader->write(std::string_view(static_cast<const char*>(b.data()), b.size())))
                        body_.refused = true;
                body_.streamed += extra;
                return extra;
            }
            std::string& text = body_.text;
            const std::size_t size = text.size();
            if (extra > text.max_size() - size) {
                ec = http::error::buffer_overflow;
                return 0;
            }
            text.resize_and_overwrite(size + extra, [&](char* data, std::size_t n) {
                std::size_t at = size;
                for (const auto b : beast::buffers_range_ref(buffers)) {
                    std::memcpy(data + at, b.data(), b.size());
                    at += b.size();
                }
                return n;
            });
            return extra;
        }

        void finish(error_code& ec) {
            ec = {};
            if (body_.streaming && !body_.refused && !body_.reader->finish()) body_.refused = true;
        }

    private:
        value_type& body_;
        http::response_header<>* header_ = nullptr;
    };
};

class HttpsTransport final : public HttpTransport {
public:
    HttpsTransport(const TransportOptions& options, std::shared_ptr<TlsClientContext> context)
        : opts_(options), tls_(std::move(context)), ctx_(tls_->ctx), init_error_(tls_->init_error) {
        // Beast reads as much as the buffer has room for, and grows it only when fewer than 512
        // bytes are free: left to itself, a response is read 512 bytes per TLS read, each one a
        // trip through the event loop (30 per TLS record), which busied a core during a listing.
        buffer_.reserve(64 * 1024);
        host_header_ = opts_.endpoint.authority();
        where_ = opts_.endpoint.host_port();
        ip_host_ = opts_.endpoint.ip_literal();
    }

    ~HttpsTransport() override { close(); }

    std::expected<HttpResponse, TransportError> send(const HttpRequest& request) override {
        if (init_error_) return std::unexpected(TransportError{TransportError::Kind::Tls, *init_error_, false});
        if (cancelled())
            return std::unexpected(TransportError{TransportError::Kind::Cancelled,
                                                  "not sent: the run was interrupted", false});

        // An idle kept-alive connection the server has closed (or that holds unexpected bytes)
        // is dropped before use, so that most stale connections never see a request.
        if (stream_ && requests_on_connection_ > 0 && !connection_looks_alive()) {
            spdlog::debug("http: connection #{} was closed by the server while idle; reconnecting",
                          connection_id_);
            close();
        }

        const bool reused = stream_ && requests_on_connection_ > 0;
        Attempt first = send_once(request);
        if (first.result || !reused || first.got_response_bytes ||
            first.result.error().kind != TransportError::Kind::Reset)
            return std::move(first.result);

        // The reused connection failed before any byte of a response arrived: the server most
        // likely closed it while it was idle. GET and PATCH are resent once on a fresh
        // connection; a POST may have been received, so the caller must decide.
        close();
        if (request.method == "GET" || request.method == "PATCH") {
            spdlog::debug("http: {} {}: kept-alive connection was stale; resending once",
                          request.method, request.target);
            return std::move(send_once(request).result);
        }
        TransportError err = first.result.error();
        err.request_sent = true;
        err.message += " (on a reused connection; the server may have received the request)";
        return std::unexpected(std::move(err));
    }

    void connect_ahead() override {
        if (init_error_ || stream_ || cancelled()) return;
        if (auto err = connect()) spdlog::debug("http: opening a connection ahead failed: {}", err->message);
    }

private:
    struct Attempt {
        std::expected<HttpResponse, TransportError> result;
        bool got_response_bytes = false;
    };

    using Stream = beast::ssl_stream<beast::tcp_stream>;

    // Runs the io_context until `done` or until `limit` (a backstop: the stream's own
    // deadline normally fires first). On the backstop the socket is closed and the handlers
    // drained, so the operation has completed with an error when this returns. (A cancelled
    // name lookup completes when the system resolver returns, which its own timeouts bound.)
    //
    // An interrupt (opts_.cancel) shortens the limit to cancel_grace from when it is noticed:
    // the operation then completes with an error and cancelled_by_interrupt_ is set.
    void run(const bool& done, std::chrono::milliseconds limit, tcp::resolver* resolver = nullptr) {
        using clock = std::chrono::steady_clock;
        ioc_.restart();
        cancelled_by_interrupt_ = false;
        auto until = clock::now() + limit;
        bool grace_started = false;
        while (!done && !ioc_.stopped()) {
            if (!grace_started && cancelled()) {
                grace_started = true;
                until = std::min(until, clock::now() + opts_.cancel_grace);
            }
            const auto now = clock::now();
            if (now >= until) break;
            // Short slices only when an interrupt can arrive; run_for returns early when done.
            auto slice = until - now;
            if (opts_.cancel) slice = std::min<clock::duration>(slice, std::chrono::milliseconds(50));
            ioc_.run_for(slice);
        }
        if (!done) {
            if (grace_started) cancelled_by_interrupt_ = true;
            if (resolver) resolver->cancel();
            if (stream_) {
                error_code ignored;
                beast::get_lowest_layer(*stream_).socket().close(ignored);
            }
            ioc_.restart();
            ioc_.run();
            timed_out_by_backstop_ = true;
        }
    }

    void close() {
        if (stream_) {
            error_code ignored;
            beast::get_lowest_layer(*stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
            beast::get_lowest_layer(*stream_).socket().close(ignored);
            stream_.reset();
            // Drain handlers that may still refer to the closed stream.
            ioc_.restart();
            ioc_.poll();
        }
        requests_on_connection_ = 0;
        buffer_.clear();
    }

    bool cancelled() const { return opts_.cancel && opts_.cancel->load(std::memory_order_relaxed); }

    bool connection_looks_alive() {
        auto& sock = beast::get_lowest_layer(*stream_).socket();
        if (!sock.is_open()) return false;
        pollfd p{};
        p.fd = sock.native_handle();
        p.events = POLLIN;
        const int n = ::poll(&p, 1, 0);
        // Readable while idle means EOF, a reset or bytes nobody asked for: do not reuse.
        return n == 0;
    }

    std::optional<TransportError> connect() {
        using Kind = TransportError::Kind;
        const auto& ep = opts_.endpoint;
        const auto backstop = opts_.timeouts.connect + std::chrono::seconds(5);
        timed_out_by_backstop_ = false;

        // Resolve.
        tcp::resolver resolver(ioc_);
        tcp::resolver::results_type results;
        error_code ec;
        bool done = false;
        resolver.async_resolve(ep.host, ep.port,
                               [&](error_code e, tcp::resolver::results_type r) {
                                   ec = e;
                                   results = std::move(r);
                                   done = true;
                               });
        run(done, opts_.timeouts.connect, &resolver);
        if (cancelled_by_interrupt_)
            return TransportError{Kind::Cancelled, "interrupted while resolving host '" + ep.host + "'", false};
        if (timed_out_by_backstop_)
            return TransportError{Kind::Timeout,
                                  "resolving host '" + ep.host + "' timed out after " +
                                      seconds_text(opts_.timeouts.connect),
                                  false};
        if (ec)
            return TransportError{Kind::Resolve,
                                  "cannot resolve host '" + ep.host + "': " + ec.message(), false};

        // TCP connect.
        stream_.emplace(ioc_, ctx_);
        // Numbered across the run: a listing reads pages over several transports at once.
        static std::atomic<std::size_t> connections_opened{0};
        connection_id_ = ++connections_opened;
        requests_on_connection_ = 0;
        buffer_.clear();
        auto& lowest = beast::get_lowest_layer(*stream_);
        lowest.expires_after(opts_.timeouts.connect);
        done = false;
        lowest.async_connect(results, [&](error_code e, const tcp::endpoint&) {
            ec = e;
            done = true;
        });
        run(done, backstop);
        if (ec && cancelled_by_interrupt_) {
            close();
            return TransportError{Kind::Cancelled, "interrupted while connecting to " + where_, false};
        }
        if (ec) {
            const bool timeout = ec == beast::error::timeout || timed_out_by_backstop_;
            TransportError err{timeout ? Kind::Timeout : Kind::Connect,
                               timeout ? "connecting to " + where_ + " timed out after " +
                                             seconds_text(opts_.timeouts.connect)
                                       : "cannot connect to " + where_ + ": " + ec.message(),
                               false};
            close();
            return err;
        }
        error_code ignored;
        lowest.socket().set_option(tcp::no_delay(true), ignored);

        // TLS: SNI (host names only, per RFC 6066), host name or IP check, handshake.
        SSL* ssl_handle = stream_->native_handle();
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
        if (ip_host_) {
            if (X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str()) != 1) {
                close();
                return TransportError{Kind::Tls, "cannot set the IP address to verify for " + where_, false};
            }
        } else {
            if (SSL_set_tlsext_host_name(ssl_handle, ep.host.c_str()) != 1) {
                close();
                return TransportError{Kind::Tls, "cannot set SNI for " + where_ + ": " + openssl_error_text(), false};
            }
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            if (X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), 0) != 1) {
                close();
                return TransportError{Kind::Tls, "cannot set the host name to verify for " + where_, false};
            }
        }
        stream_->set_verify_mode(ssl::verify_peer);

        lowest.expires_after(opts_.timeouts.handshake);
        done = false;
        ERR_clear_error();
        stream_->async_handshake(ssl::stream_base::client, [&](error_code e) {
            ec = e;
            done = true;
        });
        run(done, opts_.timeouts.handshake + std::chrono::seconds(5));
        if (ec && cancelled_by_interrupt_) {
            close();
            return TransportError{Kind::Cancelled, "interrupted during the TLS handshake with " + where_, false};
        }
        if (ec) {
            TransportError err{Kind::Tls, "", false};
            const long verify = SSL_get_verify_result(ssl_handle);
            if (ec == beast::error::timeout || timed_out_by_backstop_) {
                err.kind = Kind::Timeout;
                err.message = "TLS handshake with " + where_ + " timed out after " +
                              seconds_text(opts_.timeouts.handshake);
            } else if (verify != X509_V_OK) {
                err.message = "TLS handshake with " + where_ + " failed: certificate verify failed (" +
                              X509_verify_cert_error_string(verify) + ")" + verify_hint(verify);
            } else if (is_reset(ec)) {
                err.message = "TLS handshake with " + where_ +
                              " failed: the server closed the connection (" + ec.message() + ")";
            } else {
                std::string reason = ec.message();
                if (ec.category() == asio::error::get_ssl_category()) {
                    const char* r = ERR_reason_error_string(ec.value());
                    if (r) reason = r;
                }
                err.message = "TLS handshake with " + where_ + " failed: " + reason;
                if (reason.find("wrong version number") != std::string::npos)
                    err.message += " (is the server speaking TLS on this port?)";
            }
            close();
            return err;
        }
        spdlog::debug("http: connection #{} to {} established ({})", connection_id_, where_,
                      SSL_get_version(ssl_handle));
        return std::nullopt;
    }

    Attempt send_once(const HttpRequest& request) {
        using Kind = TransportError::Kind;
        Attempt attempt{std::unexpected(TransportError{}), false};
        const auto started = std::chrono::steady_clock::now();

        if (!stream_) {
            if (auto err = connect()) {
                attempt.result = std::unexpected(std::move(*err));
                return attempt;
            }
        }

        http::request<http::string_body> req;
        req.version(11);
        req.method_string(request.method);
        req.target(request.target);
        req.set(http::field::host, host_header_);
        req.set(http::field::user_agent, opts_.user_agent);
        req.set(http::field::accept, "application/json");
        if (!opts_.bearer_token.empty())
            req.set(http::field::authorization, "Bearer " + opts_.bearer_token);
        if (!request.body.empty()) {
            req.set(http::field::content_type, "application/json");
            req.body() = request.body;
        }
        req.keep_alive(true);
        req.prepare_payload();

        auto& lowest = beast::get_lowest_layer(*stream_);
        const auto backstop = opts_.timeouts.request + std::chrono::seconds(5);
        timed_out_by_backstop_ = false;
        lowest.expires_after(opts_.timeouts.request);  // one deadline for write + whole read

        error_code ec;
        bool done = false;
        http::async_write(*stream_, req, [&](error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        run(done, backstop);
        bool interrupted = cancelled_by_interrupt_;

        http::response_parser<ResponseBody> parser;
        parser.get().body().reader = request.body_reader;
        parser.body_limit(opts_.max_response_bytes);
        parser.header_limit(64 * 1024);
        if (!ec) {
            done = false;
            http::async_read(*stream_, buffer_, parser, [&](error_code e, std::size_t) {
                ec = e;
                done = true;
            });
            run(done, backstop);
            interrupted = interrupted || cancelled_by_interrupt_;
        }
        attempt.got_response_bytes = parser.got_some();
        ++requests_on_connection_;
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);

        if (ec) {
            TransportError err{Kind::Protocol, "", true};
            if (interrupted) {
                err.kind = Kind::Cancelled;
                err.message = "interrupted: no complete response from " + where_ + " within " +
                              seconds_text(opts_.cancel_grace) + " of the interrupt; connection closed";
            } else if (ec == beast::error::timeout || timed_out_by_backstop_) {
                err.kind = Kind::Timeout;
                err.message = "timed out: no complete response from " + where_ + " within " +
                              seconds_text(opts_.timeouts.request);
            } else if (ec == http::error::body_limit) {
                err.kind = Kind::TooLarge;
                err.message = "response from " + where_ + " exceeds the limit of " +
                              std::to_string(opts_.max_response_bytes) + " bytes";
            } else if (is_reset(ec)) {
                err.kind = Kind::Reset;
                err.message = attempt.got_response_bytes
                                  ? "connection to " + where_ + " closed in the middle of the response (" +
                                        ec.message() + ")"
                                  : "connection to " + where_ + " closed before a response arrived (" +
                                        ec.message() + ")";
            } else {
                err.message = "bad HTTP response from " + where_ + ": " + ec.message();
            }
            spdlog::debug("http: {} {} failed after {} ms on connection #{}: {}", request.method,
                          request.target, elapsed.count(), connection_id_, err.message);
            close();
            attempt.result = std::unexpected(std::move(err));
            return attempt;
        }

        auto msg = parser.release();
        HttpResponse response;
        response.status = msg.result_int();
        if (auto it = msg.find(http::field::content_type); it != msg.end())
            response.content_type = std::string(it->value());
        if (auto it = msg.find(http::field::retry_after); it != msg.end())
            response.retry_after = std::string(it->value());
        response.rate_limit = header_count(msg, "X-RateLimit-Limit");
        response.rate_remaining = header_count(msg, "X-RateLimit-Remaining");
        const bool keep = msg.keep_alive();
        ReceivedBody& received = msg.body();
        response.body = std::move(received.text);
        response.body_read = received.streaming && !received.refused;
        response.body_refused = received.streaming && received.refused;
        response.body_bytes_streamed = received.streamed;
        spdlog::debug("http: {} {} -> {} in {} ms (connection #{}, request {} on it)",
                      request.method, request.target, response.status, elapsed.count(),
                      connection_id_, requests_on_connection_);
        if (!keep) close();
        attempt.result = std::move(response);
        return attempt;
    }

    TransportOptions opts_;
    asio::io_context ioc_;
    std::shared_ptr<TlsClientContext> tls_;  // shared by the transports of a run
    ssl::context& ctx_;
    std::optional<std::string> init_error_;
    std::optional<Stream> stream_;
    beast::flat_buffer buffer_;
    std::string host_header_;
    std::string where_;
    bool ip_host_ = false;
    bool timed_out_by_backstop_ = false;
    bool cancelled_by_interrupt_ = false;
    std::size_t connection_id_ = 0;
    std::size_t requests_on_connection_ = 0;
};

}  // namespace

std::unique_ptr<HttpTransport> make_https_transport(const TransportOptions& options) {
    return std::make_unique<HttpsTransport>(options, make_tls_context(options.tls));
}

std::unique_ptr<HttpTransport> make_https_transport(const TransportOptions& options,
                                                    std::shared_ptr<TlsClientContext> context) {
    if (!context) context = make_tls_context(options.tls);
    return std::make_unique<HttpsTransport>(options, std::move(context));
}

}  // namespace reconcile
