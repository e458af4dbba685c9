// `layer7 ws URL`: see client.hpp.
#include "http/websocket/client.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include <openssl/rand.h>

#include "core/bytes/base64.hpp"
#include "core/net/resolve.hpp"
#include "core/net/tls.hpp"
#include "http/h1/response_parser.hpp"
#include "http/h1/serializer.hpp"
#include "http/message/target.hpp"
#include "http/websocket/handshake.hpp"

namespace layer7::http::websocket {

namespace {

std::uint32_t random_mask()
{
    std::uint32_t key = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&key), sizeof key);
    return key;
}

// Prints what arrives; remembers how the connection closed.
class Printer final : public Application {
public:
    core::awaitable<void> on_message(Session&, Opcode, std::string& payload) override
    {
        std::fwrite(payload.data(), 1, payload.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        co_return;
    }
    void on_close(Session&, CloseCode code) override { code_ = code; }
    CloseCode code() const { return code_; }

private:
    CloseCode code_ = CloseCode::abnormal;
};

// Reads stdin on its own thread (a file or a pipe cannot be waited on with epoll) and hands each
// line to the session; `lock` keeps it from touching the session once the connection is over.
struct StdinPump {
    std::mutex lock;
    bool over = false;
    std::shared_ptr<Session> session;
    bool binary = false;

    void run()
    {
        std::string line;
        for (;;) {
            const bool got = static_cast<bool>(std::getline(std::cin, line));
            std::lock_guard guard(lock);
            if (over)
                return;
            if (!got) {
                session->close(CloseCode::normal, "");
                return;
            }
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (!binary && !is_valid_utf8(line)) {
                std::fprintf(stderr, "ws: not sent: the line is not UTF-8 (use --binary)\n");
                continue;
            }
            session->offer(binary ? Opcode::binary : Opcode::text, std::make_shared<const std::string>(line));
        }
    }
};

core::awaitable<int> connect_and_run(const ClientOptions& options, const Url& url, bool tls)
{
    const core::HostPort where{url.host, url.port};
    auto [ec, socket] = co_await core::connect_tcp(where, options.connect_timeout);
    if (ec) {
        std::fprintf(stderr, "ws: cannot connect to %s: %s\n", core::to_string(where).c_str(), ec.message().c_str());
        co_return 1;
    }
    core::Stream stream(std::move(socket), core::Role::client);
    stream.set_timeout(options.connect_timeout);
    std::shared_ptr<asio::ssl::context> context;
    if (tls) {
        try {
            context = core::make_client_tls(options.cacert, options.insecure);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ws: %s\n", e.what());
            co_return 1;
        }
        if (auto tls_ec = co_await stream.start_tls_client(*context, url.host)) {
            std::fprintf(stderr, "ws: TLS with %s failed: %s\n", url.host.c_str(), tls_ec.message().c_str());
            co_return 1;
        }
    }
    unsigned char nonce[16];
    RAND_bytes(nonce, sizeof nonce);
    const std::string key = core::base64_encode(std::span<const std::uint8_t>(nonce, sizeof nonce));
    const bool default_port = url.port == (tls ? 443 : 80);
    const std::string host = (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) +
                             (default_port ? "" : ":" + std::to_string(url.port));
    std::string head;
    h1::append_request_head(head, make_upgrade_request(host, url.path_and_query, key, options.deflate));
    if (auto write_ec = co_await stream.write(head)) {
        std::fprintf(stderr, "ws: %s\n", write_ec.message().c_str());
        co_return 1;
    }

    h1::ResponseParser parser;
    parser.expect_response_to(MethodId::get);
    std::vector<char> buffer(16384);
    for (bool have_head = false; !have_head;) {
        h1::Event e = parser.next();
        if (e.kind == h1::EventKind::head) {
            have_head = true;
            break;
        }
        if (e.kind == h1::EventKind::error) {
            std::fprintf(stderr, "ws: malformed handshake response\n");
            co_return 1;
        }
        auto [read_ec, n] = co_await stream.read_some(asio::buffer(buffer));
        if (read_ec) {
            std::fprintf(stderr, "ws: no handshake response: %s\n", read_ec.message().c_str());
            co_return 1;
        }
        parser.feed(std::string_view(buffer.data(), n));
    }
    const Response& response = parser.response();
    if (core::Trace::instance().enabled()) {
        std::string text = "HTTP/1.1 " + std::to_string(code(response.status)) + " " + response.reason + "\r\n";
        for (Field f : response.fields)
            text += std::string(f.name) + ": " + std::string(f.value) + "\r\n";
        core::Trace::instance().block(stream.id(), core::Speaker::server, text);
    }
    auto agreed = check_upgrade_response(response, key);
    if (!agreed) {
        std::fprintf(stderr, "ws: handshake refused: %s\n", agreed.error().c_str());
        co_return 1;
    }
    std::string early = parser.take_buffered();

    core::StreamDuplex duplex(stream);
    auto session = std::make_shared<Session>(duplex, Side::client, options.session, agreed.value(), random_mask);
    auto pump = std::make_shared<StdinPump>();
    pump->session = session;
    pump->binary = options.binary;
    std::thread([pump] { pump->run(); }).detach();  // blocked in read(2) until a line or EOF comes
    Printer printer;
    co_await session->run(printer, std::move(early));
    {
        std::lock_guard guard(pump->lock);
        pump->over = true;
        pump->session.reset();
    }
    co_await stream.shutdown();
    const CloseCode code = printer.code();
    if (code == CloseCode::normal || code == CloseCode::no_status)
        co_return 0;
    std::fprintf(stderr, "ws: connection closed with %d\n", static_cast<int>(code));
    co_return 1;
}

}  // namespace

int run_client(const ClientOptions& options)
{
    std::string_view u = options.url;
    bool tls = false;
    std::string as_http;
    if (u.starts_with("ws://")) {
        as_http = "http://" + std::string(u.substr(5));
    } else if (u.starts_with("wss://")) {
        as_http = "https://" + std::string(u.substr(6));
        tls = true;
    } else {
        std::fprintf(stderr, "ws: expected a ws:// or wss:// URL\n");
        return 2;
    }
    const auto url = parse_url(as_http);
    if (!url) {
        std::fprintf(stderr, "ws: bad URL %s\n", options.url.c_str());
        return 2;
    }
    asio::io_context context;
    int status = 1;
    asio::co_spawn(
        context, [&]() -> core::awaitable<void> { status = co_await connect_and_run(options, *url, tls); },
        asio::detached);
    context.run();
    return status;
}

}  // namespace layer7::http::websocket
