// DecodedBody: a response body with its content coding (gzip, deflate) undone as it is pulled,
// so a compressed download streams to disk without being held whole (RFC 9110 §8.4.1).
#pragma once

#include <memory>
#include <string>

#include "core/net/byte_source.hpp"
#include "http/client/content_decoder.hpp"

namespace layer7::http::client {

class DecodedBody final : public core::ByteSource {
public:
    // `coding` is gzip or deflate; decoding stops at `max_output` bytes (a decompression bomb).
    DecodedBody(std::unique_ptr<core::ByteSource> coded, Coding coding, std::size_t max_output);

    // Errors: the coded source's, std::errc::illegal_byte_sequence (corrupt or truncated),
    // std::errc::message_size (over max_output).
    core::awaitable<std::error_code> next(std::string_view& chunk) override;

private:
    std::unique_ptr<core::ByteSource> coded_;
    ContentDecoder decoder_;
    std::string_view pending_;  // coded bytes not yet fed (valid until coded_ is asked again)
    std::string out_;
    bool any_input_ = false;
};

}  // namespace layer7::http::client
