// Line ends between the wire and the mailbox: see line_endings.hpp.
#include "mail/store/line_endings.hpp"

#include <cstring>

namespace layer7::mail {

namespace {
// Calls `piece(text, true)` for each stretch of `stored` that ends just before an LF needing a CR,
// then `piece(rest, false)`: memchr does the searching, as a FETCH of a folder converts megabytes.
template <class Piece>
void split_at_bare_lfs(std::string_view stored, Piece&& piece)
{
    std::size_t from = 0, search = 0;
    while (search < stored.size()) {
        const void* hit = std::memchr(stored.data() + search, '\n', stored.size() - search);
        if (!hit)
            break;
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - stored.data());
        search = lf + 1;
        if (lf > 0 && stored[lf - 1] == '\r')
            continue;  // already CRLF
        piece(stored.substr(from, lf - from), true);
        from = lf;  // the LF starts the next stretch
    }
    piece(stored.substr(from), false);
}
}  // namespace

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

void append_crlf(std::string& out, std::string_view stored)
{
    split_at_bare_lfs(stored, [&out](std::string_view text, bool before_bare_lf) {
        out.append(text);
        if (before_bare_lf)
            out += '\r';
    });
    if (!stored.empty() && stored.back() != '\n')
        out += "\r\n";
}

std::string to_crlf(std::string_view stored)
{
    std::string out;
    out.reserve(stored.size() + stored.size() / 32 + 2);
    append_crlf(out, stored);
    return out;
}

std::uint64_t crlf_size(std::string_view stored)
{
    std::uint64_t n = stored.size();
    split_at_bare_lfs(stored, [&n](std::string_view, bool before_bare_lf) { n += before_bare_lf ? 1 : 0; });
    if (!stored.empty() && stored.back() != '\n')
        n += 2;
    return n;
}

}  // namespace layer7::mail
