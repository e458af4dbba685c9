// Fuzzes LineParser: the input is split into feeds at bytes chosen by the input itself; every
// line returned must respect the limit and contain no LF, and re-joining what was returned
// must never exceed what was fed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text/line_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::size_t max_line = 1 + data[0] % 64;
    const std::size_t step = 1 + data[1] % 17;
    std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
    layer7::core::LineParser parser(max_line);
    std::size_t returned = 0;
    for (std::size_t at = 0; at < input.size(); at += step) {
        parser.feed(input.substr(at, step));
        for (;;) {
            auto event = parser.next();
            if (event.status == layer7::core::LineStatus::need_more)
                break;
            if (event.status == layer7::core::LineStatus::line) {
                if (event.text.size() > max_line || event.text.find('\n') != std::string_view::npos)
                    std::abort();
                returned += event.text.size() + 1;
            }
        }
        if (input[at] == '{' && parser.buffered() > 0)  // exercise counted mode as IMAP literals do
            returned += parser.take(data[1] % 8).size();
    }
    if (returned > input.size() + 1)
        std::abort();
    return 0;
}
