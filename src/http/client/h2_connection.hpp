// One HTTP/2 client connection (RFC 9113): the shell around h2::ClientSession. Any number of
// exchanges run on it at once, each a stream; a reader coroutine feeds the server's bytes to the
// session and a writer sends what the session has to say, so the responses interleave as the
// server sends them. Internal to the client shell (client.cpp); a Client keeps one per origin.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/net/signal.hpp"
#include "core/result.hpp"
#include "http/client/client.hpp"
#include "http/client/connection.hpp"
#include "http/h2/client_session.hpp"

namespace layer7::http::client {

class H2Connection final : public h2::ClientEvents, public std::enable_shared_from_this<H2Connection> {
public:
    H2Connection(std::unique_ptr<Connection> connection, const Options& options, asio::any_io_executor executor);
    ~H2Connection() override;

    void start();  // the reader and the writer; they keep the connection alive until it ends
    void close();  // ends both; exchanges in flight fail
    bool usable() const { return !dead_ && !session_.closing(); }
    const std::string& peer() const { return connection_->peer; }

    // One request on a new stream; the response whole (limits.max_body), as HTTP/1.1's send().
    core::awaitable<core::Result<Exchange, Failure>> exchange(const Url& url, const Request& request, std::string body);

private:
    struct Pending {
        explicit Pending(const asio::any_io_executor& executor) : done(executor) {}
        Response response;
        bool has_response = false, finished = false;
        std::uint32_t error = 0;
        std::string body;
        std::chrono::steady_clock::time_point first_byte{};
        core::Signal done;
    };

    void on_response(std::int32_t stream, Response&& response) override;
    void on_data(std::int32_t stream, std::string_view data) override;
    void on_stream_close(std::int32_t stream, std::uint32_t error_code) override;
    void on_trace(bool ours, std::string_view line) override;
    core::awaitable<void> reader();
    core::awaitable<void> writer();
    void fail_all();

    std::unique_ptr<Connection> connection_;
    const Options& options_;
    asio::any_io_executor executor_;
    h2::ClientSession session_;
    std::unordered_map<std::int32_t, Pending*> pending_;
    core::Signal writer_wake_;
    bool dead_ = false;
    std::string failure_;  // why the connection ended, for the exchanges it ended
};

}  // namespace layer7::http::client
