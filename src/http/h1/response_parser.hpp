// ResponseParser: incremental HTTP/1.1 response parser for clients and proxies (RFC 9112 §4, §6).
// Framing depends on the request (HEAD, CONNECT), so each request's method is queued first.
#pragma once

#include <deque>

#include "http/h1/message_parser.hpp"

namespace layer7::http::h1 {

class ResponseParser : public detail::MessageParser {
public:
    explicit ResponseParser(const ParserLimits& limits = {}) : MessageParser(limits) {}

    // Queues the method of a sent request; responses consume them in order (pipelining).
    // With an empty queue a response is framed as a response to GET.
    void expect_response_to(const Method& method) { methods_.push_back(method); }

    // Filled when the head event is returned. A 1xx other than 101 is interim: it completes
    // without consuming the queued method, and the final response follows.
    const Response& response() const { return response_; }
    Response& response() { return response_; }

private:
    void reset_message() override;
    MaybeError on_start_line(std::string_view line) override;
    MaybeError on_head(Framing& framing) override;
    Fields& fields() override { return response_.fields; }
    Error start_line_too_long() const override { return Error::bad_status_line; }

    Response response_;
    std::deque<Method> methods_;
};

}  // namespace layer7::http::h1
