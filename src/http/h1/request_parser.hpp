// RequestParser: incremental HTTP/1.1 request parser for servers (RFC 9112 §3, §6).
#pragma once

#include "http/h1/message_parser.hpp"

namespace layer7::http::h1 {

class RequestParser : public detail::MessageParser {
public:
    explicit RequestParser(const ParserLimits& limits = {}) : MessageParser(limits) {}

    // Filled when the head event is returned; valid until next() is called after complete.
    const Request& request() const { return request_; }
    Request& request() { return request_; }
    // Between requests: frees the input buffer and the last request (its target and fields).
    void release_memory()
    {
        if (release_buffer())
            request_ = Request{};
    }

private:
    void reset_message() override;
    MaybeError on_start_line(std::string_view line) override;
    MaybeError on_head(Framing& framing) override;
    Fields& fields() override { return request_.fields; }
    Error start_line_too_long() const override { return Error::uri_too_long; }

    Request request_;
};

}  // namespace layer7::http::h1
