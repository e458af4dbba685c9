// ServerSession: see server_session.hpp. The method table says which states accept a method.
#include "rtsp/server_session.hpp"

#include <array>
#include <charconv>
#include <cstdlib>

#include "core/text/percent.hpp"
#include "http/message/target.hpp"
#include "http/message/token.hpp"

namespace layer7::rtsp {

namespace {

constexpr std::string_view public_methods =
    "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, PAUSE, RECORD, TEARDOWN, GET_PARAMETER, SET_PARAMETER";

// Range: npt=<start>-[<end>] (§12.29, §3.6); "now" counts as 0.
std::optional<double> npt_start(std::string_view range)
{
    if (!range.starts_with("npt="))
        return std::nullopt;
    range.remove_prefix(4);
    const std::string_view start = range.substr(0, range.find('-'));
    if (start == "now" || start.empty())
        return 0.0;
    double seconds = 0;
    auto [end, ec] = std::from_chars(start.data(), start.data() + start.size(), seconds);
    if (ec != std::errc{} || end != start.data() + start.size() || seconds < 0)
        return std::nullopt;
    return seconds;
}

}  // namespace

std::optional<std::string> uri_path(std::string_view uri)
{
    std::string path;
    if (uri.starts_with("/")) {
        path = std::string(uri);
    } else {
        auto url = http::parse_url(uri);
        if (!url || url->scheme != "rtsp")
            return std::nullopt;
        path = url->path_and_query;
    }
    path = path.substr(0, path.find('?'));
    auto decoded = core::percent_decode(path);
    if (!decoded)
        return std::nullopt;
    path = std::move(*decoded);
    while (!path.empty() && path.front() == '/')
        path.erase(0, 1);
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    return path;
}

std::optional<std::size_t> track_of(const SessionDescription& sdp, std::string_view control)
{
    for (std::size_t i = 0; i < sdp.media.size(); ++i)
        if (sdp.media[i].control() == control)
            return i;
    for (std::string_view prefix : {"trackID=", "streamid="}) {
        if (!control.starts_with(prefix))
            continue;
        std::size_t n = 0;
        const std::string_view digits = control.substr(prefix.size());
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec == std::errc{} && end == digits.data() + digits.size() && n < sdp.media.size())
            return n;
    }
    return std::nullopt;
}

ServerSession::ServerSession(const ServerPolicy& policy, Catalog& catalog, std::string session_id)
    : policy_(policy), catalog_(catalog), session_id_(std::move(session_id))
{
}

Response ServerSession::reply(int status) const
{
    Response r;
    r.status = status;
    if (cseq_)
        r.headers.add("CSeq", std::to_string(*cseq_));
    r.headers.add("Server", policy_.server_name);
    return r;
}

Response ServerSession::on_parse_error(ParseError error) const
{
    Response r;
    r.status = status_for(error);
    r.headers.add("Server", policy_.server_name);
    r.headers.add("Connection", "close");
    return r;
}

std::string ServerSession::session_header() const
{
    return session_id_ + ";timeout=" + std::to_string(policy_.session_timeout.count());
}

Step ServerSession::on_request(const Request& request)
{
    cseq_ = request.cseq();
    if (!cseq_)
        return {reply(400)};  // §12.17: every request carries CSeq
    struct Entry {
        std::string_view method;
        Handler handler;
        bool needs_session;
    };
    static constexpr std::array<Entry, 10> table{{
        {"OPTIONS", &ServerSession::options, false},
        {"DESCRIBE", &ServerSession::describe, false},
        {"ANNOUNCE", &ServerSession::announce, false},
        {"SETUP", &ServerSession::setup, false},
        {"PLAY", &ServerSession::play, true},
        {"PAUSE", &ServerSession::pause, true},
        {"RECORD", &ServerSession::record, true},
        {"TEARDOWN", &ServerSession::teardown, true},
        {"GET_PARAMETER", &ServerSession::keep_alive, false},
        {"SET_PARAMETER", &ServerSession::keep_alive, false},
    }};
    for (const auto& entry : table) {
        if (entry.method != request.method)
            continue;
        // §12.37: a request naming a session must name ours
        const auto session = request.headers.get("Session");
        const std::string_view id = session ? session->substr(0, session->find(';')) : std::string_view{};
        if ((entry.needs_session && (!has_session_ || id != session_id_)) || (session && id != session_id_))
            return {reply(454)};
        return (this->*entry.handler)(request);
    }
    Step step{reply(501)};
    step.response.headers.add("Public", public_methods);
    return step;
}

Step ServerSession::options(const Request&)
{
    Step step{reply(200)};
    step.response.headers.add("Public", public_methods);
    return step;
}

Step ServerSession::describe(const Request& request)
{
    const auto path = uri_path(request.uri);
    if (!path)
        return {reply(400)};
    auto sdp = catalog_.describe(*path);
    if (!sdp)
        return {reply(404)};
    Step step{reply(200)};
    std::string base = request.uri;
    if (!base.ends_with('/'))
        base += '/';
    step.response.headers.add("Content-Base", base);
    step.response.headers.add("Content-Type", "application/sdp");
    step.response.body = to_string(*sdp);
    return step;
}

Step ServerSession::announce(const Request& request)
{
    if (state_ != State::init || announced_)
        return {reply(455)};
    const auto path = uri_path(request.uri);
    if (!path || path->empty())
        return {reply(400)};
    const auto type = request.headers.get("Content-Type");
    if (!type || !http::iequals(http::trim_ows(type->substr(0, type->find(';'))), "application/sdp"))
        return {reply(415)};
    auto sdp = parse_sdp(request.body);
    if (!sdp || sdp->media.empty())
        return {reply(400)};
    if (const int status = catalog_.can_announce(*path); status != 200)
        return {reply(status)};
    // number the tracks ourselves: players SETUP …/trackID=N whatever the publisher called them
    description_ = std::move(*sdp);
    path_ = *path;
    announced_ = true;
    return {reply(200)};
}

std::optional<Transport> ServerSession::choose(const Request& request, std::size_t track, int& status) const
{
    status = 461;
    const auto header = request.headers.get("Transport");
    if (!header)
        return std::nullopt;
    for (Transport t : parse_transports(*header)) {
        if (t.multicast)
            continue;
        // no reflection: RTP goes to the address the RTSP request came from, nowhere else
        if (!t.destination.empty() && t.destination != policy_.peer_address) {
            status = 403;
            continue;
        }
        t.destination.clear();
        if (t.tcp) {
            if (!t.interleaved)
                t.interleaved =
                    PortPair{static_cast<std::uint8_t>(2 * track), static_cast<std::uint8_t>(2 * track + 1)};
            return t;
        }
        if (!t.client_port || t.client_port->first < 1024 || t.client_port->second < 1024)
            continue;  // a publisher may omit ports only over TCP
        t.server_port = PortPair{policy_.server_rtp_port, policy_.server_rtcp_port};
        return t;
    }
    return std::nullopt;
}

Step ServerSession::setup(const Request& request)
{
    if (state_ == State::playing || state_ == State::recording)
        return {reply(455)};
    const auto full = uri_path(request.uri);
    if (!full)
        return {reply(400)};
    const auto slash = full->rfind('/');
    const std::string base = slash == std::string::npos ? std::string{} : full->substr(0, slash);
    const std::string control = slash == std::string::npos ? *full : full->substr(slash + 1);

    std::string path = base;
    std::optional<std::size_t> track;
    if (announced_) {
        if (base != path_)
            return {reply(459)};
        track = track_of(description_, control);
    } else {
        if (!path_.empty() && base != path_ && *full != path_)
            return {reply(459)};
        if (auto sdp = catalog_.describe(base)) {
            track = track_of(*sdp, control);
            if (track)
                description_ = std::move(*sdp);
        }
        if (!track) {
            // SETUP on the aggregate URL of a one-track stream (some players do this)
            auto whole = catalog_.describe(*full);
            if (whole && whole->media.size() == 1) {
                description_ = std::move(*whole);
                track = 0;
                path = *full;
            }
        }
    }
    if (!track)
        return {reply(404)};
    int status = 461;
    auto transport = choose(request, *track, status);
    if (!transport)
        return {reply(status)};
    if (announced_ != transport->record && transport->record)
        return {reply(455)};  // mode=record without ANNOUNCE
    path_ = path;
    tracks_[*track] = *transport;
    has_session_ = true;
    state_ = State::ready;
    Step step{reply(200)};
    step.response.headers.add("Transport", to_string(*transport));
    step.response.headers.add("Session", session_header());
    return step;
}

Step ServerSession::play(const Request& request)
{
    if (announced_ || (state_ != State::ready && state_ != State::playing))
        return {reply(455)};
    Step step{reply(200)};
    if (auto range = request.headers.get("Range")) {
        step.range_start = npt_start(*range);
        if (!step.range_start)
            return {reply(457)};
        step.response.headers.add("Range", *range);
    }
    step.response.headers.add("Session", session_id_);
    step.action = Action::play;
    state_ = State::playing;
    return step;
}

Step ServerSession::pause(const Request&)
{
    if (announced_ || (state_ != State::playing && state_ != State::ready))
        return {reply(455)};
    state_ = State::ready;
    Step step{reply(200)};
    step.response.headers.add("Session", session_id_);
    step.action = Action::pause;
    return step;
}

Step ServerSession::record(const Request&)
{
    if (!announced_ || state_ != State::ready)
        return {reply(455)};
    state_ = State::recording;
    Step step{reply(200)};
    step.response.headers.add("Session", session_id_);
    step.action = Action::record;
    return step;
}

Step ServerSession::teardown(const Request&)
{
    state_ = State::init;
    announced_ = false;
    has_session_ = false;
    tracks_.clear();
    path_.clear();
    Step step{reply(200)};
    step.action = Action::teardown;
    return step;
}

Step ServerSession::keep_alive(const Request&)
{
    Step step{reply(200)};
    if (has_session_)
        step.response.headers.add("Session", session_id_);
    return step;
}

}  // namespace layer7::rtsp
