// Announce responses as a peer reads them: see announce_reply.hpp.
#include "torrent/announce_reply.hpp"

#include "torrent/bencode.hpp"
#include "torrent/http_announce.hpp"

namespace layer7::torrent {

namespace {

std::uint16_t port_at(std::string_view s, std::size_t at)
{
    return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) << 8 | static_cast<unsigned char>(s[at + 1]));
}

// Compact entries: 4 (or 16) address bytes and 2 port bytes each.
bool add_compact(std::string_view s, std::size_t address_size, std::vector<TrackerPeer>& out, std::size_t max)
{
    const std::size_t entry = address_size + 2;
    if (s.size() % entry != 0)
        return false;
    for (std::size_t at = 0; at < s.size() && out.size() < max; at += entry) {
        TrackerPeer p;
        p.ip = ip_text(PeerEndpoint{std::string(s.substr(at, address_size)), 0});
        p.port = port_at(s, at + address_size);
        if (p.port != 0)
            out.push_back(std::move(p));
    }
    return true;
}

}  // namespace

core::Result<AnnounceReply, std::string> parse_announce_reply(std::string_view body, const AnnounceReplyLimits& limits)
{
    auto value = decode(body);
    if (!value || !value->dict())
        return core::fail(std::string("tracker reply is not a bencoded dictionary"));
    if (const Value* failure = value->find("failure reason"); failure && failure->string())
        return core::fail("tracker says: " + *failure->string());
    AnnounceReply reply;
    if (const Value* v = value->find("interval"); v && v->integer() && *v->integer() > 0)
        reply.interval = *v->integer();
    if (const Value* v = value->find("min interval"); v && v->integer() && *v->integer() > 0)
        reply.min_interval = *v->integer();
    const Value* peers = value->find("peers");
    if (!peers)
        return core::fail(std::string("tracker reply has no peers"));
    if (peers->string()) {
        if (!add_compact(*peers->string(), 4, reply.peers, limits.max_peers))
            return core::fail(std::string("tracker's compact peers are not 6 bytes each"));
    } else if (peers->list()) {
        for (const Value& p : *peers->list()) {
            const Value* ip = p.find("ip");
            const Value* port = p.find("port");
            if (!ip || !ip->string() || !port || !port->integer() || *port->integer() <= 0 || *port->integer() > 65535)
                return core::fail(std::string("tracker's peer list has a bad entry"));
            if (reply.peers.size() < limits.max_peers)
                reply.peers.push_back({*ip->string(), static_cast<std::uint16_t>(*port->integer())});
        }
    } else {
        return core::fail(std::string("tracker's peers are neither a string nor a list"));
    }
    if (const Value* v6 = value->find("peers6"); v6 && v6->string())
        if (!add_compact(*v6->string(), 16, reply.peers, limits.max_peers))
            return core::fail(std::string("tracker's peers6 are not 18 bytes each"));
    return reply;
}

}  // namespace layer7::torrent
