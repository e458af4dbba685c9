// HTTP tracker wire format: see http_announce.hpp.
#include "torrent/http_announce.hpp"

#include <algorithm>
#include <charconv>

#include "core/text/percent.hpp"
#include "http/message/target.hpp"
#include "http/message/token.hpp"
#include "torrent/bencode.hpp"

namespace layer7::torrent {

namespace {

struct Parameter {
    std::string_view key;
    std::string value;  // decoded bytes
};

// Splits and decodes the query. Escapes must be well formed, but %00 is allowed: info_hash and
// peer_id are arbitrary bytes.
core::Result<std::vector<Parameter>, std::string> split_query(std::string_view query, const HttpQueryLimits& limits)
{
    std::vector<Parameter> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty())
            continue;
        if (out.size() >= limits.max_parameters)
            return core::fail(std::string("too many query parameters"));
        const auto eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        const std::string_view raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        auto value = core::percent_decode(raw, {.allow_nul = true});  // info_hash and peer_id are binary
        if (!value)
            return core::fail("malformed percent-encoding in " + std::string(key));
        out.push_back({key, std::move(value).value()});
    }
    return out;
}

template <class T>
bool parse_number(std::string_view text, T& out)
{
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

std::string compact_peers(const std::vector<PeerInfo>& peers, bool v6)
{
    std::string out;
    for (const auto& p : peers) {
        if (p.endpoint.v6() != v6)
            continue;
        out += p.endpoint.ip;
        out += static_cast<char>(p.endpoint.port >> 8);
        out += static_cast<char>(p.endpoint.port & 0xff);
    }
    return out;
}

}  // namespace

std::string ip_text(const PeerEndpoint& e)
{
    std::string out;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(e.ip[i])); };
    if (e.ip.size() == 4) {
        for (std::size_t i = 0; i < 4; ++i)
            out += (i ? "." : "") + std::to_string(byte(i));
    } else if (e.ip.size() == 16) {
        static constexpr char digits[] = "0123456789abcdef";
        for (std::size_t g = 0; g < 8; ++g) {
            if (g)
                out += ':';
            const unsigned v = byte(2 * g) << 8 | byte(2 * g + 1);
            bool started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                const unsigned d = (v >> shift) & 15;
                if (d || started || shift == 0) {
                    out += digits[d];
                    started = true;
                }
            }
        }
    }
    return out;
}

core::Result<HttpAnnounceQuery, std::string> parse_announce_query(std::string_view raw_query, const PeerEndpoint& from,
                                                                  const HttpQueryLimits& limits)
{
    auto params = split_query(raw_query, limits);
    if (!params)
        return core::fail(params.error());
    HttpAnnounceQuery q;
    q.request.endpoint = from;
    bool have_hash = false, have_peer = false, have_port = false, have_left = false;
    for (const auto& [key, value] : *params) {
        if (key == "info_hash") {
            auto h = InfoHash::from_raw(value);
            if (!h)
                return core::fail(std::string("info_hash is not 20 bytes"));
            q.request.info_hash = *h;
            have_hash = true;
        } else if (key == "peer_id") {
            if (value.size() != 20)
                return core::fail(std::string("peer_id is not 20 bytes"));
            q.request.peer_id = value;
            have_peer = true;
        } else if (key == "port") {
            if (!parse_number(value, q.request.endpoint.port) || q.request.endpoint.port == 0)
                return core::fail(std::string("bad port"));
            have_port = true;
        } else if (key == "uploaded" || key == "downloaded" || key == "left") {
            std::uint64_t& field = key == "uploaded"     ? q.request.uploaded
                                   : key == "downloaded" ? q.request.downloaded
                                                         : q.request.left;
            if (!parse_number(value, field))
                return core::fail("bad " + std::string(key));
            have_left = have_left || key == "left";
        } else if (key == "event") {
            if (value == "started")
                q.request.event = AnnounceEvent::started;
            else if (value == "completed")
                q.request.event = AnnounceEvent::completed;
            else if (value == "stopped")
                q.request.event = AnnounceEvent::stopped;
            // "", "paused" (BEP 21) and unknown events are plain announces
        } else if (key == "numwant") {
            std::uint32_t n = 0;
            if (parse_number(value, n))
                q.request.numwant = n;  // a negative or garbage numwant means "the default"
        } else if (key == "compact") {
            q.compact = value != "0";
        } else if (key == "no_peer_id") {
            q.no_peer_id = value == "1";
        }
    }
    if (!have_hash)
        return core::fail(std::string("missing info_hash"));
    if (!have_peer)
        return core::fail(std::string("missing peer_id"));
    if (!have_port)
        return core::fail(std::string("missing port"));
    if (!have_left)
        return core::fail(std::string("missing left"));
    return q;
}

core::Result<std::vector<InfoHash>, std::string> parse_scrape_query(std::string_view raw_query,
                                                                    const HttpQueryLimits& limits)
{
    auto params = split_query(raw_query, limits);
    if (!params)
        return core::fail(params.error());
    std::vector<InfoHash> out;
    for (const auto& [key, value] : *params) {
        if (key != "info_hash")
            continue;
        auto h = InfoHash::from_raw(value);
        if (!h)
            return core::fail(std::string("info_hash is not 20 bytes"));
        if (std::find(out.begin(), out.end(), *h) != out.end())
            continue;  // asked twice, answered once: a dictionary's keys are unique
        if (out.size() >= limits.max_scrape_hashes)
            return core::fail(std::string("too many info_hash parameters"));
        out.push_back(*h);
    }
    return out;
}

std::string encode_announce_response(const AnnounceResponse& r, bool compact, bool no_peer_id)
{
    Value::Dict d;
    d.push_back({"complete", static_cast<std::int64_t>(r.counts.complete)});
    d.push_back({"downloaded", static_cast<std::int64_t>(r.counts.downloaded)});
    d.push_back({"incomplete", static_cast<std::int64_t>(r.counts.incomplete)});
    d.push_back({"interval", static_cast<std::int64_t>(r.interval.count())});
    d.push_back({"min interval", static_cast<std::int64_t>(r.min_interval.count())});
    if (compact) {
        d.push_back({"peers", compact_peers(r.peers, false)});
        d.push_back({"peers6", compact_peers(r.peers, true)});
    } else {
        Value::List peers;
        for (const auto& p : r.peers) {
            Value::Dict peer;
            peer.push_back({"ip", ip_text(p.endpoint)});
            if (!no_peer_id)
                peer.push_back({"peer id", p.peer_id});
            peer.push_back({"port", static_cast<std::int64_t>(p.endpoint.port)});
            peers.push_back(std::move(peer));
        }
        d.push_back({"peers", std::move(peers)});
    }
    return encode(d);
}

std::string encode_scrape_response(const std::vector<TorrentStats>& files)
{
    Value::Dict by_hash;
    for (const auto& f : files)
        by_hash.push_back({std::string(f.info_hash.raw()),
                           Value::Dict{{"complete", static_cast<std::int64_t>(f.counts.complete)},
                                       {"downloaded", static_cast<std::int64_t>(f.counts.downloaded)},
                                       {"incomplete", static_cast<std::int64_t>(f.counts.incomplete)}}});
    return encode(Value::Dict{{"files", std::move(by_hash)}});
}

std::string encode_failure(std::string_view reason)
{
    return encode(Value::Dict{{"failure reason", std::string(reason)}});
}

}  // namespace layer7::torrent
