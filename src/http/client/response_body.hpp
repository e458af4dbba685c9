// ResponseBody: the content of one HTTP/1.1 response, pulled from its connection as the caller asks
// (RFC 9112 §6: Content-Length, chunked or until close). At the end the connection goes back to
// its Client's pool when it may persist; a reader dropped before the end closes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/net/byte_source.hpp"

namespace layer7::http::client {

class Client;
struct Connection;

class ResponseBody final : public core::ByteSource {
public:
    // The head of the response has been parsed on `c`; `reusable`: the connection may carry
    // another request once this content is read (keep-alive on both sides, not until-close).
    ResponseBody(Client& client, std::unique_ptr<Connection> c, std::string pool_key, bool reusable);
    ~ResponseBody() override;

    // Errors: std::errc::timed_out (io_timeout), message_size (limits.max_body), bad_message
    // (broken framing), asio::error::eof (closed inside the content), or the socket's error; an
    // error is final, and every later call returns it again.
    core::awaitable<std::error_code> next(std::string_view& chunk) override;
    std::optional<std::uint64_t> size() const override { return size_; }

private:
    void end();
    std::error_code fail(std::error_code ec);  // closes the connection; later calls repeat `ec`

    Client* client_;
    std::unique_ptr<Connection> c_;  // null once the content ended or failed
    std::string key_;
    bool reusable_;
    std::optional<std::uint64_t> size_;
    std::error_code failed_;
};

}  // namespace layer7::http::client
