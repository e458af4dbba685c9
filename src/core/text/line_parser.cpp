// LineParser: see line_parser.hpp.
#include "core/text/line_parser.hpp"

#include <algorithm>

namespace layer7::core {

void LineParser::feed(std::string_view bytes)
{
    compact();
    buffer_.append(bytes);
}

void LineParser::compact()
{
    // Moving the tail down only when the consumed prefix dominates keeps feed() amortised O(n).
    if (start_ > 0 && (start_ >= buffer_.size() / 2 || start_ > 65536)) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
}

LineEvent LineParser::next()
{
    for (;;) {
        const std::size_t from = start_ + scanned_;
        const std::size_t lf = buffer_.find('\n', from);
        if (discarding_) {
            if (lf == std::string::npos) {
                start_ = buffer_.size();  // drop the junk, keep waiting for its end
                scanned_ = 0;
                return {};
            }
            start_ = lf + 1;
            scanned_ = 0;
            discarding_ = false;
            continue;
        }
        if (lf == std::string::npos) {
            scanned_ = buffer_.size() - start_;
            // A line of max_line bytes may still need its CR LF, hence the + 2.
            if (scanned_ > max_line_ + 1) {
                discarding_ = true;
                start_ = buffer_.size();
                scanned_ = 0;
                return {LineStatus::too_long, {}, LineEnd::crlf};
            }
            return {};
        }
        std::size_t end = lf;
        LineEnd how = LineEnd::bare_lf;
        if (end > start_ && buffer_[end - 1] == '\r') {
            --end;
            how = LineEnd::crlf;
        }
        const std::size_t begin = start_;
        start_ = lf + 1;
        scanned_ = 0;
        if (end - begin > max_line_)
            return {LineStatus::too_long, {}, how};
        return {LineStatus::line, std::string_view(buffer_).substr(begin, end - begin), how};
    }
}

std::string LineParser::take(std::size_t n)
{
    n = std::min(n, buffered());
    std::string out = buffer_.substr(start_, n);
    start_ += n;
    scanned_ = 0;
    return out;
}

void LineParser::discard_buffered()
{
    buffer_.clear();
    start_ = 0;
    scanned_ = 0;
    discarding_ = false;
}

void LineParser::release_buffer()
{
    if (buffered() != 0)
        return;
    std::string().swap(buffer_);
    start_ = 0;
    scanned_ = 0;
}

DotLine unstuff_dot(std::string_view line)
{
    if (line == ".")
        return {true, {}};
    if (!line.empty() && line.front() == '.')
        line.remove_prefix(1);
    return {false, line};
}

}  // namespace layer7::core
