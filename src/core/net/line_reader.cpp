// LineReader: see line_reader.hpp.
#include "core/net/line_reader.hpp"

#include <tuple>

namespace layer7::core {

awaitable<ReadStatus> LineReader::fill(bool idle)
{
    constexpr std::size_t size = Stream::worker_input_size;
    std::error_code ec;
    std::size_t n = 0;
    char* const chunk = stream_.worker_input();
    for (;;) {
        std::tie(ec, n) = stream_.read_now(asio::buffer(chunk, size));
        if (ec != asio::error::would_block)
            break;
        if (idle)
            parser_.release_buffer();
        if ((ec = co_await stream_.wait_readable()))
            break;
    }
    if (ec)
        co_return stream_.timed_out() ? ReadStatus::timed_out : ReadStatus::closed;
    parser_.feed(std::string_view(chunk, n));
    co_return ReadStatus::line;
}

awaitable<ReadLine> LineReader::read_line(Wait wait)
{
    for (;;) {
        LineEvent event = parser_.next();
        if (event.status == LineStatus::line) {
            Trace::instance().line(stream_.id(), stream_.them(), event.text);
            co_return ReadLine{ReadStatus::line, event.text, event.end};
        }
        if (event.status == LineStatus::too_long) {
            Trace::instance().note(stream_.id(), "line too long");
            co_return ReadLine{ReadStatus::too_long, {}, event.end};
        }
        const bool idle = wait == Wait::for_command && parser_.buffered() == 0;
        stream_.set_between_messages(idle);
        ReadStatus status = co_await fill(idle);
        stream_.set_between_messages(false);
        if (status != ReadStatus::line)
            co_return ReadLine{status, {}, LineEnd::crlf};
    }
}

awaitable<std::pair<ReadStatus, std::string>> LineReader::read_exactly(std::size_t n)
{
    std::string out = parser_.take(n);
    while (out.size() < n) {
        ReadStatus status = co_await fill(false);
        if (status != ReadStatus::line)
            co_return std::pair{status, std::move(out)};
        out += parser_.take(n - out.size());
    }
    co_return std::pair{ReadStatus::line, std::move(out)};
}

}  // namespace layer7::core
