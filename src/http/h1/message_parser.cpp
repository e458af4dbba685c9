// The HTTP/1.1 message state machine (RFC 9112 §2–§7); see the header for the theory of operation.
#include "http/h1/message_parser.hpp"

#include <cstring>

#include "http/h1/chunked.hpp"

namespace layer7::http::h1::detail {

void MessageParser::feed(std::string_view bytes)
{
    if (pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
    } else if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
        // Compact only when at least half is dead, so the memmove is amortised O(1) per byte.
        buffer_.erase(0, pos_);
        pos_ = 0;
    }
    buffer_.append(bytes);
}

bool MessageParser::release_buffer()
{
    if (!idle())
        return false;
    std::string().swap(buffer_);
    pos_ = scanned_ = 0;
    return true;
}

std::string MessageParser::take_buffered()
{
    std::string rest(buffered());
    pos_ = buffer_.size();
    scanned_ = 0;
    return rest;
}

Event MessageParser::fail(Error e)
{
    error_ = e;
    state_ = State::failed;
    return {EventKind::error, {}};
}

bool MessageParser::find_line(std::size_t& lf)
{
    const char* base = buffer_.data() + pos_;
    std::size_t avail = buffer_.size() - pos_;
    const void* hit = scanned_ < avail ? std::memchr(base + scanned_, '\n', avail - scanned_) : nullptr;
    if (!hit) {
        scanned_ = avail;
        return false;
    }
    lf = static_cast<std::size_t>(static_cast<const char*>(hit) - buffer_.data());
    scanned_ = 0;
    return true;
}

bool MessageParser::line_before(std::size_t lf, bool allow_bare_lf, std::string_view& line)
{
    line = std::string_view(buffer_.data() + pos_, lf - pos_);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
        return true;
    }
    return allow_bare_lf;
}

Event MessageParser::finish()
{
    switch (state_) {
    case State::until_close: state_ = State::complete; return next();
    case State::start_line:
        // Leading empty lines (§2.2) are not a message; anything else is.
        for (std::size_t i = pos_; i < buffer_.size(); ++i)
            if (buffer_[i] != '\r' && buffer_[i] != '\n')
                return fail(Error::incomplete_message);
        return {};
    case State::upgraded:
    case State::complete: return next();
    case State::failed: return {EventKind::error, {}};
    default: return fail(Error::incomplete_message);
    }
}

std::optional<Event> MessageParser::field_line(std::size_t lf, bool trailer)
{
    section_bytes_ += lf + 1 - pos_;
    if (section_bytes_ > limits_.max_field_section)
        return fail(Error::header_too_large);
    std::string_view line;
    if (!line_before(lf, limits_.allow_bare_lf, line))
        return fail(Error::bare_lf);
    pos_ = lf + 1;
    Fields& target = trailer ? trailers_ : fields();
    if (!line.empty()) {
        if (target.size() >= limits_.max_fields)
            return fail(Error::too_many_fields);
        if (auto e = parse_field_line(line, target))
            return fail(*e);
        return std::nullopt;
    }
    if (trailer) {
        state_ = State::complete;
        return std::nullopt;
    }
    if (auto e = on_head(framing_))
        return fail(*e);
    if (framing_.kind == BodyKind::length && framing_.length > limits_.max_body)
        return fail(Error::body_too_large);
    switch (framing_.kind) {
    case BodyKind::none: state_ = State::complete; break;
    case BodyKind::tunnel:
        state_ = State::complete;
        tunnel_after_ = true;
        break;
    case BodyKind::length:
        remaining_ = framing_.length;
        state_ = State::body_length;
        break;
    case BodyKind::chunked: state_ = State::chunk_size; break;
    case BodyKind::until_close: state_ = State::until_close; break;
    }
    return Event{EventKind::head, {}};
}

Event MessageParser::content(std::uint64_t& remaining, State after)
{
    std::size_t avail = buffer_.size() - pos_;
    std::size_t n = remaining < avail ? static_cast<std::size_t>(remaining) : avail;
    if (n == 0)
        return Event{};
    std::string_view data(buffer_.data() + pos_, n);
    pos_ += n;
    remaining -= n;
    body_bytes_ += n;
    if (remaining == 0)
        state_ = after;
    return {EventKind::data, data};
}

std::optional<Event> MessageParser::step()
{
    std::size_t lf = 0;
    std::string_view line;
    switch (state_) {
    case State::failed: return Event{EventKind::error, {}};
    case State::upgraded: return Event{};
    case State::complete:
        state_ = tunnel_after_ ? State::upgraded : State::start_line;
        message_started_ = false;
        return Event{EventKind::complete, {}};
    case State::start_line: {
        if (pos_ == buffer_.size())
            return Event{};
        if (!message_started_) {
            // Reset lazily, so the previous message stays readable until the next one arrives.
            reset_message();
            trailers_.clear();
            framing_ = {};
            body_bytes_ = 0;
            section_bytes_ = 0;
            tunnel_after_ = false;
            message_started_ = true;
        }
        if (!find_line(lf)) {
            // +1: the CR of a line exactly at the limit may already be here.
            if (buffer_.size() - pos_ > limits_.max_start_line + 1)
                return fail(start_line_too_long());
            return Event{};
        }
        // Length before line-ending policy, so the error does not depend on how bytes were split.
        if (lf - pos_ > limits_.max_start_line + 1)
            return fail(start_line_too_long());
        if (!line_before(lf, limits_.allow_bare_lf, line))
            return fail(Error::bare_lf);
        if (line.size() > limits_.max_start_line)
            return fail(start_line_too_long());
        if (line.empty()) {  // §2.2: ignore empty lines before the start line
            pos_ = lf + 1;
            return std::nullopt;
        }
        if (auto e = on_start_line(line))
            return fail(*e);
        pos_ = lf + 1;
        state_ = State::fields;
        return std::nullopt;
    }
    case State::fields:
    case State::trailers:
        if (!find_line(lf)) {
            if (section_bytes_ + (buffer_.size() - pos_) > limits_.max_field_section)
                return fail(Error::header_too_large);
            return Event{};
        }
        return field_line(lf, state_ == State::trailers);
    case State::body_length: return content(remaining_, State::complete);
    case State::chunk_data: return content(remaining_, State::chunk_end);
    case State::chunk_end: {
        std::size_t avail = buffer_.size() - pos_;
        if (avail >= 1 && buffer_[pos_] != '\r')
            return fail(Error::bad_chunk_terminator);
        if (avail < 2)
            return Event{};
        if (buffer_[pos_ + 1] != '\n')
            return fail(Error::bad_chunk_terminator);
        pos_ += 2;
        state_ = State::chunk_size;
        return std::nullopt;
    }
    case State::chunk_size: {
        if (!find_line(lf)) {
            if (buffer_.size() - pos_ > limits_.max_chunk_line + 1)
                return fail(Error::chunk_line_too_long);
            return Event{};
        }
        if (lf - pos_ > limits_.max_chunk_line + 1)
            return fail(Error::chunk_line_too_long);
        if (!line_before(lf, false, line))  // a bare LF here is a known smuggling vector
            return fail(Error::bare_lf);
        if (line.size() > limits_.max_chunk_line)
            return fail(Error::chunk_line_too_long);
        std::uint64_t size = 0;
        if (auto e = parse_chunk_line(line, size))
            return fail(*e);
        if (size > limits_.max_body - body_bytes_)
            return fail(Error::body_too_large);
        pos_ = lf + 1;
        if (size == 0) {
            state_ = State::trailers;
            section_bytes_ = 0;
        } else {
            remaining_ = size;
            state_ = State::chunk_data;
        }
        return std::nullopt;
    }
    case State::until_close: {
        std::uint64_t left = limits_.max_body - body_bytes_;
        if (left == 0 && pos_ < buffer_.size())
            return fail(Error::body_too_large);
        return content(left, State::until_close);
    }
    }
    return Event{};
}

}  // namespace layer7::http::h1::detail

namespace layer7::http::h1::detail {

Event MessageParser::next()
{
    for (;;)
        if (auto event = step())
            return *event;
}

}  // namespace layer7::http::h1::detail
