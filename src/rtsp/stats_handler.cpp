// The stats handler: see stats_handler.hpp.
#include "rtsp/stats_handler.hpp"

namespace layer7::rtsp {

StatsSnapshot snapshot(Hub& hub)
{
    const std::int64_t now = now_ms();
    StatsSnapshot s;
    for (const auto& stream : hub.streams()) {
        StreamRow row{stream->path(),
                      stream->publisher(),
                      {},
                      stream->packets_in.load(),
                      stream->readers().size(),
                      (now - stream->last_heard_ms.load()) / 1000.0};
        for (const auto& media : stream->description().media)
            row.tracks.push_back(track_label(media));
        s.streams.push_back(std::move(row));
    }
    for (const auto& reader : hub.readers()) {
        const auto& who = reader->who();
        ReaderRow row{who.peer, who.path, who.file, false, (now - reader->started_ms) / 1000.0, {}};
        for (const auto& [track, t] : reader->stats()) {
            ReaderTrackRow tr;
            tr.track = track;
            tr.media = "track " + std::to_string(track);
            if (track < who.clock_rates.size())
                tr.clock_rate = who.clock_rates[track];
            if (track < who.media.size())
                tr.media = who.media[track];
            tr.packets = t.packets;
            tr.octets = t.octets;
            tr.report = t.report;
            tr.report_age = t.report ? (now - t.report_ms) / 1000.0 : 0;
            row.tcp = row.tcp || reader->routes().at(track).tcp;
            row.tracks.push_back(std::move(tr));
        }
        s.readers.push_back(std::move(row));
    }
    return s;
}

std::optional<http::Reply> StatsHandler::handle_now(const http::Request& request, const http::RequestContext& context)
{
    const http::Method& m = request.method;
    if (m == http::MethodId::options)
        return http::options_reply("GET, HEAD, OPTIONS");
    if (m != http::MethodId::get && m != http::MethodId::head)
        return http::not_allowed_reply("GET, HEAD, OPTIONS");
    http::Reply r;
    if (context.path == "/" || context.path == "/stats")
        r = http::text_reply(http::Status::ok, stats_html(snapshot(hub_)), "text/html; charset=utf-8");
    else if (context.path == "/stats.json")
        r = http::text_reply(http::Status::ok, stats_json(snapshot(hub_)), "application/json");
    else
        return http::error_reply(http::Status::not_found);
    r.response.fields.add("Cache-Control", "no-store");
    return r;
}

core::awaitable<http::Outcome> StatsHandler::handle(http::Exchange& exchange)
{
    co_return std::move(*handle_now(exchange.request, exchange.context));
}

}  // namespace layer7::rtsp
