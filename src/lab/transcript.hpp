// The dialogue as the relay saw it cross the emulated link: each piece with the time it reached
// the far end, in the --trace form ("C: GET / HTTP/1.1", "S: HTTP/1.1 200 OK"), binary content
// shown as its size. Pure: times come in as milliseconds since the step began.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace layer7::lab {

class Transcript {
public:
    explicit Transcript(std::size_t max_lines = 400) : max_lines_(max_lines) {}
    // `bytes` from the client (C:) or the server (S:) on connection `connection`, delivered at `ms`.
    void add(double ms, std::uint64_t connection, bool from_client, std::string_view bytes);
    // A line that is not protocol text ("connection 2 opened").
    void note(double ms, std::string_view text);
    const std::string& text() const { return text_; }
    bool empty() const { return text_.empty(); }

private:
    void emit(double ms, std::string_view prefix, std::string_view line);

    std::size_t max_lines_, lines_ = 0;
    bool cut_ = false;
    std::string text_;
};

}  // namespace layer7::lab
