// UDP tracker protocol: see udp_tracker.hpp. All integers are big-endian (BEP 15).
#include "torrent/udp_tracker.hpp"

#include <cstring>

#include "core/bytes/wire_reader.hpp"
#include "core/bytes/wire_writer.hpp"

namespace layer7::torrent {

namespace {

constexpr std::size_t connect_size = 16;
constexpr std::size_t announce_size = 98;
constexpr std::size_t scrape_header_size = 16;

std::uint64_t u64(core::WireReader& r)
{
    const std::uint64_t hi = r.u32();
    return hi << 32 | r.u32();
}

void u64(core::WireWriter& w, std::uint64_t v)
{
    w.u32(static_cast<std::uint32_t>(v >> 32));
    w.u32(static_cast<std::uint32_t>(v));
}

std::string take(core::WireWriter& w)
{
    auto bytes = w.take();
    return std::string(bytes.begin(), bytes.end());
}

std::string_view as_text(std::span<const std::uint8_t> bytes)
{
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

core::WireReader reader(std::string_view packet)
{
    return core::WireReader(std::span(reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size()));
}

}  // namespace

core::Result<UdpRequest, UdpDecodeError> decode_udp_request(std::string_view packet, const UdpLimits& limits)
{
    if (packet.size() < connect_size)
        return core::fail(UdpDecodeError::too_short);
    auto r = reader(packet);
    const std::uint64_t connection_id = u64(r);
    const std::uint32_t action = r.u32();
    const std::uint32_t transaction_id = r.u32();
    switch (static_cast<UdpAction>(action)) {
    case UdpAction::connect:
        if (connection_id != udp_protocol_id)
            return core::fail(UdpDecodeError::bad_protocol_id);
        return UdpRequest{UdpConnectRequest{transaction_id}};
    case UdpAction::announce: {
        if (packet.size() < announce_size)
            return core::fail(UdpDecodeError::too_short);
        UdpAnnounceRequest a;
        a.connection_id = connection_id;
        a.transaction_id = transaction_id;
        a.announce.info_hash = *InfoHash::from_raw(as_text(r.bytes(20)));
        a.announce.peer_id = std::string(as_text(r.bytes(20)));
        a.announce.downloaded = u64(r);
        a.announce.left = u64(r);
        a.announce.uploaded = u64(r);
        const std::uint32_t event = r.u32();
        a.announce.event = event <= 3 ? static_cast<AnnounceEvent>(event) : AnnounceEvent::none;
        a.ip = r.u32();
        a.key = r.u32();
        const std::uint32_t numwant = r.u32();
        if (numwant != 0xffffffffu)  // -1: the tracker's default
            a.announce.numwant = numwant;
        a.announce.endpoint.port = r.u16();
        return UdpRequest{std::move(a)};
    }
    case UdpAction::scrape: {
        UdpScrapeRequest s;
        s.connection_id = connection_id;
        s.transaction_id = transaction_id;
        const std::size_t n = (packet.size() - scrape_header_size) / 20;
        if (n > limits.max_scrape_hashes)
            return core::fail(UdpDecodeError::too_many_hashes);
        for (std::size_t i = 0; i < n; ++i)
            s.info_hashes.push_back(*InfoHash::from_raw(as_text(r.bytes(20))));
        return UdpRequest{std::move(s)};
    }
    case UdpAction::error: break;
    }
    return core::fail(UdpDecodeError::unknown_action);
}

std::string encode_udp_request(const UdpRequest& request)
{
    core::WireWriter w;
    if (const auto* c = std::get_if<UdpConnectRequest>(&request)) {
        u64(w, udp_protocol_id);
        w.u32(static_cast<std::uint32_t>(UdpAction::connect));
        w.u32(c->transaction_id);
    } else if (const auto* a = std::get_if<UdpAnnounceRequest>(&request)) {
        u64(w, a->connection_id);
        w.u32(static_cast<std::uint32_t>(UdpAction::announce));
        w.u32(a->transaction_id);
        w.bytes(a->announce.info_hash.raw());
        std::string peer_id = a->announce.peer_id;
        peer_id.resize(20, '\0');
        w.bytes(peer_id);
        u64(w, a->announce.downloaded);
        u64(w, a->announce.left);
        u64(w, a->announce.uploaded);
        w.u32(static_cast<std::uint32_t>(a->announce.event));
        w.u32(a->ip);
        w.u32(a->key);
        w.u32(a->announce.numwant.value_or(0xffffffffu));
        w.u16(a->announce.endpoint.port);
    } else if (const auto* s = std::get_if<UdpScrapeRequest>(&request)) {
        u64(w, s->connection_id);
        w.u32(static_cast<std::uint32_t>(UdpAction::scrape));
        w.u32(s->transaction_id);
        for (const auto& h : s->info_hashes)
            w.bytes(h.raw());
    }
    return take(w);
}

std::optional<std::uint32_t> udp_transaction_id(std::string_view packet)
{
    if (packet.size() < connect_size)
        return std::nullopt;
    auto r = reader(packet);
    r.skip(12);
    return r.u32();
}

std::string encode_udp_connect_response(std::uint32_t transaction_id, std::uint64_t connection_id)
{
    core::WireWriter w;
    w.u32(static_cast<std::uint32_t>(UdpAction::connect));
    w.u32(transaction_id);
    u64(w, connection_id);
    return take(w);
}

std::string encode_udp_announce_response(std::uint32_t transaction_id, const AnnounceResponse& response, bool v6)
{
    core::WireWriter w;
    w.u32(static_cast<std::uint32_t>(UdpAction::announce));
    w.u32(transaction_id);
    w.u32(static_cast<std::uint32_t>(response.interval.count()));
    w.u32(response.counts.incomplete);
    w.u32(response.counts.complete);
    for (const auto& p : response.peers) {
        if (p.endpoint.v6() != v6)
            continue;
        w.bytes(p.endpoint.ip);
        w.u16(p.endpoint.port);
    }
    return take(w);
}

std::string encode_udp_scrape_response(std::uint32_t transaction_id, const std::vector<SwarmCounts>& counts)
{
    core::WireWriter w;
    w.u32(static_cast<std::uint32_t>(UdpAction::scrape));
    w.u32(transaction_id);
    for (const auto& c : counts) {
        w.u32(c.complete);
        w.u32(c.downloaded);
        w.u32(c.incomplete);
    }
    return take(w);
}

std::string encode_udp_error(std::uint32_t transaction_id, std::string_view message)
{
    core::WireWriter w;
    w.u32(static_cast<std::uint32_t>(UdpAction::error));
    w.u32(transaction_id);
    w.bytes(message);
    return take(w);
}

std::uint64_t UdpTracker::id_for_minute(const PeerEndpoint& from, std::int64_t minute) const
{
    std::string input = from.ip;
    input += static_cast<char>(from.port >> 8);
    input += static_cast<char>(from.port & 0xff);
    for (int shift = 56; shift >= 0; shift -= 8)
        input += static_cast<char>((minute >> shift) & 0xff);
    return siphash24(secret_, input);
}

std::uint64_t UdpTracker::connection_id(const PeerEndpoint& from, Clock::time_point now) const
{
    const auto minute = std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
    return id_for_minute(from, minute);
}

bool UdpTracker::valid(std::uint64_t id, const PeerEndpoint& from, Clock::time_point now) const
{
    const auto minute = std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
    return id == id_for_minute(from, minute) || id == id_for_minute(from, minute - 1);
}

std::optional<std::string> UdpTracker::on_datagram(std::string_view packet, const PeerEndpoint& from,
                                                   Clock::time_point now)
{
    auto request = decode_udp_request(packet, limits_);
    if (!request) {
        auto tid = udp_transaction_id(packet);
        // Never answer an error with an error: two trackers must not ping-pong forever.
        if (!tid || (packet.size() >= 12 && packet[11] == static_cast<char>(UdpAction::error) &&
                     packet.substr(8, 3) == std::string_view("\0\0\0", 3)))
            return std::nullopt;
        switch (request.error()) {
        case UdpDecodeError::bad_protocol_id: return encode_udp_error(*tid, "bad protocol id");
        case UdpDecodeError::unknown_action: return encode_udp_error(*tid, "unknown action");
        case UdpDecodeError::too_many_hashes: return encode_udp_error(*tid, "too many info hashes");
        case UdpDecodeError::too_short: return encode_udp_error(*tid, "packet too short");
        }
        return std::nullopt;
    }
    if (const auto* c = std::get_if<UdpConnectRequest>(&*request))
        return encode_udp_connect_response(c->transaction_id, connection_id(from, now));
    if (auto* a = std::get_if<UdpAnnounceRequest>(&*request)) {
        if (!valid(a->connection_id, from, now))
            return encode_udp_error(a->transaction_id, "bad connection id");
        if (a->announce.endpoint.port == 0)
            return encode_udp_error(a->transaction_id, "bad port");
        a->announce.endpoint.ip = from.ip;
        auto outcome = tracker_.announce(a->announce, now);
        if (const auto* refusal = std::get_if<AnnounceRefusal>(&outcome))
            return encode_udp_error(a->transaction_id, to_string(*refusal));
        return encode_udp_announce_response(a->transaction_id, std::get<AnnounceResponse>(outcome), from.v6());
    }
    const auto& s = std::get<UdpScrapeRequest>(*request);
    if (!valid(s.connection_id, from, now))
        return encode_udp_error(s.transaction_id, "bad connection id");
    std::vector<SwarmCounts> counts;
    for (const auto& h : s.info_hashes)
        counts.push_back(tracker_.scrape(h));
    return encode_udp_scrape_response(s.transaction_id, counts);
}

}  // namespace layer7::torrent
