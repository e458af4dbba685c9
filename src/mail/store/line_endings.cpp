// Line ends between the wire and the mailbox: see line_endings.hpp.
#include "mail/store/line_endings.hpp"

namespace layer7::mail {

std::string to_lf(std::string_view wire)
{
    std::string out;
    out.reserve(wire.size());
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r' && i + 1 < wire.size() && wire[i + 1] == '\n')
            continue;
        out += wire[i];
    }
    return out;
}

std::string to_crlf(std::string_view stored)
{
    std::string out;
    out.reserve(stored.size() + stored.size() / 32 + 2);
    for (std::size_t i = 0; i < stored.size(); ++i) {
        if (stored[i] == '\n' && (i == 0 || stored[i - 1] != '\r'))
            out += '\r';
        out += stored[i];
    }
    if (!stored.empty() && stored.back() != '\n')
        out += "\r\n";
    return out;
}

std::uint64_t crlf_size(std::string_view stored)
{
    std::uint64_t n = stored.size();
    for (std::size_t i = 0; i < stored.size(); ++i)
        if (stored[i] == '\n' && (i == 0 || stored[i - 1] != '\r'))
            ++n;
    if (!stored.empty() && stored.back() != '\n')
        n += 2;
    return n;
}

}  // namespace layer7::mail
