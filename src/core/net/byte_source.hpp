// ByteSource: a body that is pulled chunk by chunk instead of held whole — an HTTP request body as
// it arrives, a reply body generated or relayed while it is sent, an upload read from a file. The
// consumer asks for the next chunk only when it has room for it, which is all backpressure needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/net/asio.hpp"

namespace layer7::core {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Sets `chunk` to the next bytes, valid until the following call; an empty chunk is the end.
    // An error also ends the source (std::errc::message_size: over the size limit).
    virtual awaitable<std::error_code> next(std::string_view& chunk) = 0;
    // The total size when it is known before the first chunk (Content-Length, a file's size).
    virtual std::optional<std::uint64_t> size() const { return std::nullopt; }
    // A source that waits for something to send (an event stream) stops waiting, and its next()
    // ends it: the server is stopping or the peer went. Called on the thread that pulls it.
    virtual void cancel() {}
};

// A body held whole, handed out in one chunk.
class StringSource final : public ByteSource {
public:
    explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}
    awaitable<std::error_code> next(std::string_view& chunk) override
    {
        chunk = done_ ? std::string_view() : std::string_view(bytes_);
        done_ = true;
        co_return std::error_code{};
    }
    std::optional<std::uint64_t> size() const override { return bytes_.size(); }

private:
    std::string bytes_;
    bool done_ = false;
};

}  // namespace layer7::core
