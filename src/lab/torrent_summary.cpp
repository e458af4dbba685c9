#include "lab/torrent_summary.hpp"

#include <algorithm>

#include "torrent/announce_reply.hpp"

namespace layer7::lab {

namespace {

// "info_hash=%8a%1f…": a long value kept to its first `kept` characters, so that the request line
// fits the transcript's width with its event at the end.
std::string shorten_parameter(std::string line, std::string_view name, std::size_t kept)
{
    const std::string key = std::string(name) + "=";
    const auto at = line.find(key);
    if (at == std::string::npos)
        return line;
    const auto start = at + key.size();
    const auto end = std::min(line.find_first_of("& ", start), line.size());
    if (end - start > kept)
        line.replace(start + kept, end - start - kept, "…");
    return line;
}

}  // namespace

std::string announce_text(std::string_view bytes, bool from_client)
{
    if (from_client) {
        const auto eol = bytes.find("\r\n");
        std::string first(bytes.substr(0, eol));
        // The info-hash is binary and the peer id's tail random: their first bytes say enough
        // (the peer id's first eight are the client's name and version, "-L70001-").
        first = shorten_parameter(shorten_parameter(std::move(first), "info_hash", 6), "peer_id", 8);
        return first + (eol == std::string_view::npos ? "" : std::string(bytes.substr(eol)));
    }
    const auto head_end = bytes.find("\r\n\r\n");
    const std::string_view head =
        head_end == std::string_view::npos ? std::string_view{} : bytes.substr(0, head_end + 4);
    const std::string_view body = bytes.substr(head.size());
    if (body.empty())
        return std::string(bytes);
    auto reply = torrent::parse_announce_reply(body);
    if (!reply)
        return std::string(bytes);  // the transcript shows its size
    std::string text = std::string(head) + "(bencoded) interval " + std::to_string(reply->interval) + " s, peers";
    for (const auto& p : reply->peers)
        text += " " + p.ip + ":" + std::to_string(p.port);
    if (reply->peers.empty())
        text += ": none";
    return text + "\n";
}

std::vector<std::string> WireLines::feed(std::string_view bytes)
{
    std::vector<std::string> lines;
    if (failed_)
        return lines;
    decoder_.feed(bytes);
    if (!handshake_seen_) {
        auto h = decoder_.handshake();
        if (!h) {
            failed_ = true;
            return {"[not the peer wire: " + std::string(torrent::to_string(h.error())) + "]"};
        }
        if (!*h)
            return lines;
        handshake_seen_ = true;
        lines.push_back(torrent::describe(**h));
    }
    for (;;) {
        auto m = decoder_.next();
        if (!m) {
            failed_ = true;
            lines.push_back("[broken message: " + std::string(torrent::to_string(m.error())) + "]");
            break;
        }
        if (!*m)
            break;
        lines.push_back(torrent::describe(**m));
    }
    return lines;
}

}  // namespace layer7::lab
