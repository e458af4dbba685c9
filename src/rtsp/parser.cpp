// MessageParser: see parser.hpp.
#include "rtsp/parser.hpp"

#include <charconv>

#include "http/message/token.hpp"

namespace layer7::rtsp {

int status_for(ParseError e)
{
    switch (e) {
    case ParseError::bad_version: return 505;
    case ParseError::line_too_long: return 414;
    case ParseError::body_too_large: return 413;
    default: return 400;
    }
}

const char* to_string(ParseError e)
{
    switch (e) {
    case ParseError::bad_start_line: return "malformed start line";
    case ParseError::bad_version: return "not RTSP/1.0";
    case ParseError::bad_header: return "malformed header field";
    case ParseError::line_too_long: return "line too long";
    case ParseError::header_too_large: return "header block too large";
    case ParseError::bad_length: return "bad Content-Length";
    case ParseError::body_too_large: return "body too large";
    }
    return "?";
}

ParseEvent MessageParser::fail(ParseError e)
{
    state_ = State::failed;
    return e;
}

ParseEvent MessageParser::next()
{
    for (;;) {
        switch (state_) {
        case State::failed: return NeedMore{};
        case State::skipping: {
            const std::size_t n = std::min(skip_, lines_.buffered());
            lines_.take(n);
            skip_ -= n;
            if (skip_ > 0)
                return NeedMore{};
            state_ = State::start;
            continue;
        }
        case State::body: {
            if (lines_.buffered() < body_length_)
                return NeedMore{};
            std::string body = lines_.take(body_length_);
            state_ = State::start;
            if (is_request_) {
                request_.body = std::move(body);
                return std::move(request_);
            }
            response_.body = std::move(body);
            return std::move(response_);
        }
        case State::start: {
            const std::string_view head = lines_.peek();
            if (!head.empty() && head[0] == '$') {
                if (head.size() < 4)
                    return NeedMore{};
                const auto channel = static_cast<std::uint8_t>(head[1]);
                const std::size_t size = static_cast<std::size_t>(static_cast<std::uint8_t>(head[2])) << 8 |
                                         static_cast<std::uint8_t>(head[3]);
                if (size > limits_.max_frame) {
                    lines_.take(4);
                    skip_ = size;
                    state_ = State::skipping;
                    return FrameDropped{channel, size};
                }
                if (head.size() < 4 + size)
                    return NeedMore{};
                lines_.take(4);
                return Interleaved{channel, lines_.take(size)};
            }
            [[fallthrough]];
        }
        case State::headers: {
            core::LineEvent line = lines_.next();
            if (line.status == core::LineStatus::need_more)
                return NeedMore{};
            if (line.status == core::LineStatus::too_long)
                return fail(state_ == State::start ? ParseError::line_too_long : ParseError::header_too_large);
            if (state_ == State::start) {
                if (line.text.empty())
                    continue;  // CRLF between messages is tolerated (keep-alive pings)
                ParseEvent e = start_line(line.text);
                if (!std::holds_alternative<NeedMore>(e))
                    return e;
                continue;
            }
            if (line.text.empty())
                return finish_headers();
            ParseEvent e = header_line(line.text);
            if (!std::holds_alternative<NeedMore>(e))
                return e;
            continue;
        }
        }
    }
}

ParseEvent MessageParser::start_line(std::string_view line)
{
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos)
        return fail(ParseError::bad_start_line);
    const std::string_view a = line.substr(0, sp1), b = line.substr(sp1 + 1, sp2 - sp1 - 1), c = line.substr(sp2 + 1);
    header_bytes_ = 0;
    if (a.starts_with("RTSP/")) {
        if (a != "RTSP/1.0")
            return fail(ParseError::bad_version);
        int status = 0;
        auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), status);
        if (b.size() != 3 || ec != std::errc{} || end != b.data() + b.size() || status < 100)
            return fail(ParseError::bad_start_line);
        response_ = Response{status, std::string(c), {}, {}};
        is_request_ = false;
    } else {
        if (!http::is_token(a) || b.empty() || c.find(' ') != std::string_view::npos)
            return fail(ParseError::bad_start_line);
        for (char ch : b)
            if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f)
                return fail(ParseError::bad_start_line);
        if (!c.starts_with("RTSP/"))
            return fail(ParseError::bad_start_line);
        if (c != "RTSP/1.0")
            return fail(ParseError::bad_version);
        request_ = Request{std::string(a), std::string(b), {}, {}};
        is_request_ = true;
    }
    state_ = State::headers;
    return NeedMore{};
}

ParseEvent MessageParser::header_line(std::string_view line)
{
    header_bytes_ += line.size() + 2;
    http::Fields& headers = is_request_ ? request_.headers : response_.headers;
    if (header_bytes_ > limits_.max_header || headers.size() >= limits_.max_headers)
        return fail(ParseError::header_too_large);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return fail(ParseError::bad_header);  // includes obs-fold continuation lines
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = http::trim_ows(line.substr(colon + 1));
    if (!http::is_token(name) || !http::is_field_value(value))
        return fail(ParseError::bad_header);
    headers.add(name, value);
    return NeedMore{};
}

ParseEvent MessageParser::finish_headers()
{
    const http::Fields& headers = is_request_ ? request_.headers : response_.headers;
    body_length_ = 0;
    if (auto length = headers.get("Content-Length")) {
        auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), body_length_);
        if (length->empty() || ec != std::errc{} || end != length->data() + length->size())
            return fail(ParseError::bad_length);
        if (body_length_ > limits_.max_body)
            return fail(ParseError::body_too_large);
    }
    state_ = State::body;
    return next();
}

}  // namespace layer7::rtsp
