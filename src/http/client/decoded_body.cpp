// Streaming content decoding: see decoded_body.hpp.
#include "http/client/decoded_body.hpp"

namespace layer7::http::client {

namespace {

// Coded bytes fed at once: deflate expands at most ~1000:1, so one piece decodes to about 4 MiB.
constexpr std::size_t kFeed = 4096;

}  // namespace

DecodedBody::DecodedBody(std::unique_ptr<core::ByteSource> coded, Coding coding, std::size_t max_output)
    : coded_(std::move(coded)), decoder_(coding, max_output)
{
}

core::awaitable<std::error_code> DecodedBody::next(std::string_view& chunk)
{
    chunk = {};
    for (;;) {
        if (pending_.empty()) {
            if (auto ec = co_await coded_->next(pending_))
                co_return ec;
            if (pending_.empty()) {
                // A body that stops inside the compressed stream is truncated, not shorter.
                if (any_input_ && !decoder_.finished())
                    co_return std::make_error_code(std::errc::illegal_byte_sequence);
                co_return std::error_code{};
            }
            any_input_ = true;
        }
        const std::string_view piece = pending_.substr(0, kFeed);
        pending_.remove_prefix(piece.size());
        out_.clear();
        const DecodeStatus status = decoder_.feed(piece, out_);
        if (status == DecodeStatus::corrupt)
            co_return std::make_error_code(std::errc::illegal_byte_sequence);
        if (status == DecodeStatus::too_large)
            co_return std::make_error_code(std::errc::message_size);
        if (!out_.empty()) {
            chunk = out_;
            co_return std::error_code{};
        }
    }
}

}  // namespace layer7::http::client
