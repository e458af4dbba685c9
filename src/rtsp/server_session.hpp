// ServerSession: one RTSP control connection's state machine (RFC 2326 §A.1), pure. It takes parsed
// requests and returns a Step: the response plus one action for the shell (start or pause the
// media, start taking a publisher's packets, tear down). Media paths are looked up in a Catalog
// (live publishers and files); transports are checked here: unicast only, RTP to the RTSP peer's
// own address only (no reflection attacks), client ports ≥ 1024.
//
// States: init → (SETUP) ready → (PLAY) playing ⇄ (PAUSE) ready; a publisher goes init →
// (ANNOUNCE) init+announced → (SETUP mode=record) ready → (RECORD) recording. TEARDOWN → init.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "rtsp/message.hpp"
#include "rtsp/parser.hpp"
#include "rtsp/sdp.hpp"
#include "rtsp/transport.hpp"

namespace layer7::rtsp {

// What the server has to offer, as the session sees it.
class Catalog {
public:
    virtual ~Catalog() = default;
    // The description of a live path or a file, with a=control:trackID=N per media; nullopt: 404.
    virtual std::optional<SessionDescription> describe(std::string_view path) = 0;
    // Whether `path` may be published now (200), or the status refusing it (403, 455 busy).
    virtual int can_announce(std::string_view path) = 0;
};

struct ServerPolicy {
    std::string server_name = "layer7";
    std::chrono::seconds session_timeout{60};  // advertised in Session: …;timeout= (§12.37)
    std::string peer_address;                  // the RTSP client's IP: the only RTP destination
    std::uint16_t server_rtp_port = 0;         // our UDP ports (RTP, RTCP)
    std::uint16_t server_rtcp_port = 0;
};

enum class Action {
    none,
    play,      // start (or resume) sending; Step::range_start is where, for files
    pause,     // stop sending, keep the session
    record,    // accept the publisher's packets and fan them out
    teardown,  // stop everything of this session
};

struct Step {
    Step(Response r) : response(std::move(r)) {}
    Response response;
    Action action = Action::none;
    std::optional<double> range_start;  // seconds, from Range: npt=<start>-
};

class ServerSession {
public:
    ServerSession(const ServerPolicy& policy, Catalog& catalog, std::string session_id);

    Step on_request(const Request& request);
    // The response to a request the parser could not read (the shell closes afterwards).
    Response on_parse_error(ParseError error) const;

    enum class State { init, ready, playing, recording };
    State state() const { return state_; }
    const std::string& path() const { return path_; }
    const std::string& session_id() const { return session_id_; }
    // Tracks set up so far, by index into the description, with the transport agreed.
    const std::map<std::size_t, Transport>& tracks() const { return tracks_; }
    // The description this session plays or publishes (the announced one for a publisher).
    const SessionDescription& description() const { return description_; }
    bool publishing() const { return announced_; }

private:
    using Handler = Step (ServerSession::*)(const Request&);
    Step options(const Request&);
    Step describe(const Request&);
    Step announce(const Request&);
    Step setup(const Request&);
    Step play(const Request&);
    Step pause(const Request&);
    Step record(const Request&);
    Step teardown(const Request&);
    Step keep_alive(const Request&);

    Response reply(int status) const;
    std::optional<Transport> choose(const Request& request, std::size_t track, int& status) const;
    std::string session_header() const;

    const ServerPolicy& policy_;
    Catalog& catalog_;
    std::string session_id_;
    State state_ = State::init;
    bool announced_ = false;
    bool has_session_ = false;  // a Session id was handed out by SETUP
    std::string path_;
    SessionDescription description_;
    std::map<std::size_t, Transport> tracks_;
    std::optional<std::uint32_t> cseq_;  // of the request being answered
};

// The path of an rtsp:// URI (or an absolute path): no leading or trailing '/', no query.
std::optional<std::string> uri_path(std::string_view uri);
// The track index a control name gives ("trackID=2", "streamid=2", or a=control of one media).
std::optional<std::size_t> track_of(const SessionDescription& sdp, std::string_view control);

}  // namespace layer7::rtsp
