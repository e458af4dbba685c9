// The HTTP tracker handler: see tracker_handler.hpp.
#include "torrent/tracker_handler.hpp"

#include <spdlog/spdlog.h>

namespace layer7::torrent {

namespace {

// Trackers answer bencode as text/plain: that is what every client expects and browsers show.
http::Reply bencoded(std::string body)
{
    http::Reply r = http::text_reply(http::Status::ok, std::move(body), "text/plain");
    r.response.fields.add("Cache-Control", "no-store");
    return r;
}

std::string stats_page(const std::vector<TorrentStats>& torrents)
{
    std::uint64_t seeders = 0, leechers = 0, completed = 0;
    std::string rows;
    for (const auto& t : torrents) {
        seeders += t.counts.complete;
        leechers += t.counts.incomplete;
        completed += t.counts.downloaded;
        rows += "<tr><td><code>" + t.info_hash.hex() + "</code></td><td>" + std::to_string(t.counts.complete) +
                "</td><td>" + std::to_string(t.counts.incomplete) + "</td><td>" + std::to_string(t.counts.downloaded) +
                "</td></tr>\n";
    }
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>layer7 tracker</title></head><body>\n"
           "<h1>layer7 tracker</h1>\n<p>" +
           std::to_string(torrents.size()) + " torrents, " + std::to_string(seeders) + " seeders, " +
           std::to_string(leechers) + " leechers, " + std::to_string(completed) +
           " completed</p>\n<table>\n<tr><th>info-hash</th><th>seeders</th><th>leechers</th><th>completed</th></tr>\n" +
           rows + "</table>\n</body></html>\n";
}

}  // namespace

PeerEndpoint peer_endpoint(const asio::ip::address& address, std::uint16_t port)
{
    PeerEndpoint e;
    e.port = port;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        const auto v4 = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_bytes();
        e.ip.assign(v4.begin(), v4.end());
    } else if (address.is_v4()) {
        const auto v4 = address.to_v4().to_bytes();
        e.ip.assign(v4.begin(), v4.end());
    } else {
        const auto v6 = address.to_v6().to_bytes();
        e.ip.assign(v6.begin(), v6.end());
    }
    return e;
}

std::optional<http::Reply> TrackerHandler::handle_now(const http::Request& request, const http::RequestContext& context)
{
    const http::Method& m = request.method;
    if (m == http::MethodId::options)
        return http::options_reply("GET, HEAD, OPTIONS");
    if (m != http::MethodId::get && m != http::MethodId::head)
        return http::not_allowed_reply("GET, HEAD, OPTIONS");
    // The path relative to the mount: "/announce", "/scrape", or the stats page at the root.
    std::string_view rest = context.path.substr(context.mount.size());
    if (context.mount.ends_with('/') && !rest.starts_with('/'))
        rest = context.path.substr(context.mount.size() - 1);
    if (rest == "/announce")
        return announce(context);
    if (rest == "/scrape")
        return scrape(context);
    if (rest.empty() || rest == "/" || rest == "/stats")
        return stats();
    return http::error_reply(http::Status::not_found);
}

core::awaitable<http::Outcome> TrackerHandler::handle(http::Exchange& exchange)
{
    co_return std::move(*handle_now(exchange.request, exchange.context));
}

http::Reply TrackerHandler::announce(const http::RequestContext& context)
{
    if (!context.peer)
        return bencoded(encode_failure("no peer address"));
    const PeerEndpoint from = peer_endpoint(context.peer->address(), 0);
    auto query = parse_announce_query(context.query, from, limits_);
    if (!query) {
        spdlog::info("tracker: bad announce from {}: {}", context.peer->address().to_string(), query.error());
        return bencoded(encode_failure(query.error()));
    }
    std::variant<AnnounceResponse, AnnounceRefusal> outcome;
    {
        std::lock_guard lock(shared_->mutex);
        outcome = shared_->tracker.announce(query->request, context.now);
    }
    if (const auto* refusal = std::get_if<AnnounceRefusal>(&outcome))
        return bencoded(encode_failure(to_string(*refusal)));
    return bencoded(encode_announce_response(std::get<AnnounceResponse>(outcome), query->compact, query->no_peer_id));
}

http::Reply TrackerHandler::scrape(const http::RequestContext& context)
{
    auto hashes = parse_scrape_query(context.query, limits_);
    if (!hashes)
        return bencoded(encode_failure(hashes.error()));
    std::vector<TorrentStats> files;
    {
        std::lock_guard lock(shared_->mutex);
        if (hashes->empty()) {
            files = shared_->tracker.torrents();  // BEP 48: no info_hash means every torrent
        } else {
            for (const auto& h : *hashes)
                files.push_back({h, shared_->tracker.scrape(h)});
        }
    }
    return bencoded(encode_scrape_response(files));
}

http::Reply TrackerHandler::stats()
{
    std::vector<TorrentStats> torrents;
    {
        std::lock_guard lock(shared_->mutex);
        torrents = shared_->tracker.torrents();
    }
    http::Reply r = http::text_reply(http::Status::ok, stats_page(torrents), "text/html; charset=utf-8");
    r.response.fields.add("Cache-Control", "no-store");
    return r;
}

}  // namespace layer7::torrent
