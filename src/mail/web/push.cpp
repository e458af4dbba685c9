// Push streams' bookkeeping and framing: see push.hpp.
#include "mail/web/push.hpp"

#include <cstdio>

namespace layer7::mail::web {

PushRegistry::Opened PushRegistry::open(std::string_view session, std::string_view user)
{
    Opened out;
    // The oldest stream of the session, then of the user, makes room: `streams_` is oldest first.
    const auto make_room = [&](auto same, std::size_t cap) {
        std::size_t n = 0;
        for (const auto& [id, e] : streams_)
            n += same(e);
        for (auto it = streams_.begin(); n >= cap && it != streams_.end();) {
            if (same(it->second)) {
                out.replaced.push_back(it->first);
                it = streams_.erase(it);
                --n;
            } else {
                ++it;
            }
        }
    };
    make_room([&](const Entry& e) { return e.session == session; }, limits_.per_session);
    make_room([&](const Entry& e) { return e.user == user; }, limits_.per_user);
    if (streams_.size() >= limits_.total || limits_.per_session == 0 || limits_.per_user == 0)
        return out;
    out.ok = true;
    out.id = next_++;
    streams_.emplace(out.id, Entry{std::string(session), std::string(user)});
    return out;
}

std::string sse_event(std::string_view name, std::string_view data)
{
    std::string out = "event: " + std::string(name) + "\n";
    // A CR, LF or CRLF in the data would end the field: each line becomes its own "data:" line.
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = data.find_first_of("\r\n", start);
        out += "data: " + std::string(data.substr(start, end - start)) + "\n";
        if (end == std::string_view::npos)
            break;
        start = end + (data.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    }
    return out + "\n";
}

void FolderStamp::add(std::uint64_t number)
{
    for (int i = 0; i < 8; ++i) {
        hash_ ^= (number >> (8 * i)) & 0xff;
        hash_ *= 1099511628211ull;
    }
}

void FolderStamp::add(std::string_view text)
{
    add(text.size());
    for (unsigned char c : text) {
        hash_ ^= c;
        hash_ *= 1099511628211ull;
    }
}

std::string FolderStamp::hex() const
{
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash_));
    return out;
}

}  // namespace layer7::mail::web
