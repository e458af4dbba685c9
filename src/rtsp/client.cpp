// The RTSP player: see client.hpp.
#include "rtsp/client.hpp"

#include <openssl/rand.h>

#include <iostream>
#include <map>
#include <memory>

#include "core/net/resolve.hpp"
#include "core/net/stream.hpp"
#include "core/trace/trace.hpp"
#include "http/message/target.hpp"
#include "rtp/packet.hpp"
#include "rtsp/media_writer.hpp"
#include "rtsp/parser.hpp"
#include "rtsp/track_receiver.hpp"
#include "rtsp/transport.hpp"

namespace layer7::rtsp {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_us()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

struct Track {
    std::size_t index = 0;
    std::unique_ptr<TrackReceiver> receiver;
    std::string control_url;
    std::unique_ptr<asio::ip::udp::socket> rtp, rtcp;  // UDP mode
    asio::ip::udp::endpoint server_rtcp;               // where our RRs go
    PortPair channels{0, 1};                           // TCP mode
};

class Player {
public:
    Player(asio::io_context& io, const PlayOptions& options, std::ostream& report)
        : io_(io), options_(options), report_(report), tick_(io), signals_(io, SIGINT, SIGTERM)
    {
        RAND_bytes(reinterpret_cast<unsigned char*>(&ssrc_), sizeof ssrc_);
    }

    core::awaitable<int> run();

private:
    // The wire form of a request with our CSeq, User-Agent and Session.
    std::string make_request(const std::string& method, const std::string& uri,
                             const std::vector<std::pair<std::string, std::string>>& headers);
    // Sends a request and waits for its response (media arriving meanwhile is taken).
    core::awaitable<std::optional<Response>> exchange(const std::string& wire);
    core::awaitable<void> read_rtsp();
    core::awaitable<void> read_udp(Track& track, bool rtcp);
    core::awaitable<bool> open_udp_pair(Track& track);
    void on_packet(Track& track, bool rtcp, std::span<const std::uint8_t> bytes);
    void print_second(double elapsed);
    void send_reports();
    bool all_ended() const;
    // Releases what is due on every track (all of it at the end) into the --out file.
    void play_out(bool drain);

    asio::io_context& io_;
    const PlayOptions& options_;
    std::ostream& report_;
    std::unique_ptr<core::Stream> stream_;
    MessageParser parser_;
    std::uint32_t cseq_ = 0;
    std::string session_;
    std::vector<Track> tracks_;
    std::optional<Response> pending_response_;
    asio::steady_timer tick_;
    asio::signal_set signals_;
    bool closed_ = false;
    bool interrupted_ = false;
    std::uint32_t ssrc_ = 0;
    std::unique_ptr<MediaWriter> out_;
    std::vector<Frame> frames_;
    std::map<std::size_t, TrackReceiver::Counters> last_;
};

std::string Player::make_request(const std::string& method, const std::string& uri,
                                 const std::vector<std::pair<std::string, std::string>>& headers)
{
    Request r{method, uri, {}, {}};
    r.headers.add("CSeq", std::to_string(++cseq_));
    r.headers.add("User-Agent", "layer7");
    if (!session_.empty())
        r.headers.add("Session", session_);
    for (const auto& [name, value] : headers)
        r.headers.add(name, value);
    return to_wire(r);
}

core::awaitable<std::optional<Response>> Player::exchange(const std::string& wire)
{
    if (co_await stream_->write(wire))
        co_return std::nullopt;
    // the answer, with media frames that arrive before it (after PLAY) handed on
    std::vector<char> buffer(16384);
    for (;;) {
        ParseEvent event = parser_.next();
        if (auto* response = std::get_if<Response>(&event)) {
            core::Trace::instance().block(stream_->id(), core::Speaker::server, to_wire(*response));
            co_return std::move(*response);
        }
        if (auto* frame = std::get_if<Interleaved>(&event)) {
            for (auto& t : tracks_)
                if (frame->channel == t.channels.first || frame->channel == t.channels.second)
                    on_packet(t, frame->channel == t.channels.second,
                              {reinterpret_cast<const std::uint8_t*>(frame->data.data()), frame->data.size()});
            continue;
        }
        if (std::holds_alternative<ParseError>(event))
            co_return std::nullopt;
        if (!std::holds_alternative<NeedMore>(event))
            continue;
        auto [ec, n] = co_await stream_->read_some(asio::buffer(buffer));
        if (ec)
            co_return std::nullopt;
        parser_.feed(std::string_view(buffer.data(), n));
    }
}

core::awaitable<bool> Player::open_udp_pair(Track& track)
{
    // RTP on an even port and RTCP on the next (RFC 3550 §11): let the kernel pick, retry if odd
    const auto local = stream_->socket().local_endpoint().address();
    for (int attempt = 0; attempt < 50; ++attempt) {
        auto rtp = std::make_unique<asio::ip::udp::socket>(io_, asio::ip::udp::endpoint(local, 0));
        const auto port = rtp->local_endpoint().port();
        if (port % 2 != 0 || port == 65535)
            continue;
        std::error_code ec;
        auto rtcp = std::make_unique<asio::ip::udp::socket>(io_);
        rtcp->open(local.is_v6() ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
        if (!ec)
            rtcp->bind({local, static_cast<std::uint16_t>(port + 1)}, ec);
        if (ec)
            continue;
        const int size = 4 << 20;
        ::setsockopt(rtp->native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        track.rtp = std::move(rtp);
        track.rtcp = std::move(rtcp);
        co_return true;
    }
    co_return false;
}

void Player::on_packet(Track& track, bool rtcp, std::span<const std::uint8_t> bytes)
{
    const std::int64_t now = now_us();
    if (!rtcp) {
        if (core::Trace::instance().enabled())
            if (auto packet = rtp::decode(bytes))
                core::Trace::instance().note(stream_->id(),
                                             "track " + std::to_string(track.index) + " " + rtp::summary(*packet));
        track.receiver->on_rtp(bytes, now);
        return;
    }
    std::vector<std::string> notes;
    track.receiver->on_rtcp(bytes, now, core::Trace::instance().enabled() ? &notes : nullptr);
    for (const auto& note : notes)
        core::Trace::instance().note(stream_->id(), "track " + std::to_string(track.index) + " " + note);
}

core::awaitable<void> Player::read_rtsp()
{
    std::vector<char> buffer(65536);
    for (;;) {
        for (;;) {
            ParseEvent event = parser_.next();
            if (std::holds_alternative<NeedMore>(event))
                break;
            if (auto* frame = std::get_if<Interleaved>(&event)) {
                for (auto& t : tracks_)
                    if (frame->channel == t.channels.first || frame->channel == t.channels.second)
                        on_packet(t, frame->channel == t.channels.second,
                                  {reinterpret_cast<const std::uint8_t*>(frame->data.data()), frame->data.size()});
            } else if (auto* response = std::get_if<Response>(&event)) {
                core::Trace::instance().block(stream_->id(), core::Speaker::server, to_wire(*response));
            } else if (std::holds_alternative<ParseError>(event)) {
                closed_ = true;
                co_return;
            }
        }
        auto [ec, n] = co_await stream_->read_some(asio::buffer(buffer));
        if (ec) {
            if (stream_->timed_out() && !closed_)
                continue;  // a quiet UDP session: the RTSP connection has nothing to say
            closed_ = true;
            co_return;
        }
        parser_.feed(std::string_view(buffer.data(), n));
    }
}

core::awaitable<void> Player::read_udp(Track& track, bool rtcp)
{
    auto& socket = rtcp ? *track.rtcp : *track.rtp;
    std::vector<std::uint8_t> buffer(65536);
    asio::ip::udp::endpoint from;
    const auto server = stream_->peer().address();
    for (;;) {
        auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buffer), from, core::use_tuple);
        if (ec == asio::error::operation_aborted || !socket.is_open())
            co_return;
        if (ec || from.address() != server)
            continue;  // only the server we asked sends our media
        if (rtcp && track.server_rtcp.port() == 0)
            track.server_rtcp = from;
        on_packet(track, rtcp, {buffer.data(), n});
    }
}

void Player::print_second(double elapsed)
{
    for (const auto& t : tracks_) {
        const auto c = t.receiver->counters();
        const auto& before = last_[t.index];
        char line[320];
        std::snprintf(line, sizeof line,
                      "%6.1fs track %zu %-6s received %llu (+%llu) lost %lld reordered %llu jitter %.2f ms "
                      "buffer %zu pkts late-dropped %llu played %llu\n",
                      elapsed, t.index, t.receiver->encoding().c_str(), static_cast<unsigned long long>(c.received),
                      static_cast<unsigned long long>(c.received - before.received), static_cast<long long>(c.lost),
                      static_cast<unsigned long long>(c.reordered), c.jitter_ms, c.buffered,
                      static_cast<unsigned long long>(c.late), static_cast<unsigned long long>(c.played));
        report_ << line << std::flush;
        last_[t.index] = c;
    }
}

void Player::send_reports()
{
    for (auto& t : tracks_) {
        auto report = t.receiver->receiver_report(ssrc_, now_us());
        if (report.empty())
            continue;
        if (core::Trace::instance().enabled())
            core::Trace::instance().note(stream_->id(), "track " + std::to_string(t.index) + " sends RTCP RR");
        if (options_.tcp) {
            const std::string frame = interleaved_frame(static_cast<std::uint8_t>(t.channels.second),
                                                        {reinterpret_cast<const char*>(report.data()), report.size()});
            std::string_view rest = frame;
            stream_->write_now(rest);  // best effort: a report may be skipped when the socket is full
        } else if (t.rtcp && t.server_rtcp.port() != 0) {
            std::error_code ec;
            t.rtcp->send_to(asio::buffer(report), t.server_rtcp, 0, ec);
        }
    }
}

void Player::play_out(bool drain)
{
    const std::int64_t now = now_us();
    for (auto& t : tracks_) {
        frames_.clear();
        std::vector<Frame>* frames = out_ && out_->carries(t.index) ? &frames_ : nullptr;
        if (drain)
            t.receiver->drain(frames);
        else
            t.receiver->play(now, frames);
        for (const auto& frame : frames_)
            out_->write(t.index, frame);
    }
}

bool Player::all_ended() const
{
    for (const auto& t : tracks_)
        if (!t.receiver->ended())
            return false;
    return !tracks_.empty();
}

core::awaitable<int> Player::run()
{
    auto url = http::parse_url(options_.url);
    if (!url || url->scheme != "rtsp") {
        std::cerr << "rtsp play: not an rtsp:// URL: " << options_.url << '\n';
        co_return 2;
    }
    const core::HostPort server{url->host, url->port};
    const auto connect_timeout = std::chrono::seconds(options_.connect_timeout_s);
    auto [cec, socket] = co_await core::connect_tcp(server, connect_timeout);
    if (cec) {
        std::cerr << "rtsp play: cannot connect to " << core::to_string(server) << ": " << cec.message() << '\n';
        co_return 1;
    }
    stream_ = std::make_unique<core::Stream>(std::move(socket), core::Role::client);
    stream_->set_timeout(std::chrono::seconds(15));

    const std::string describe = make_request("DESCRIBE", options_.url, {{"Accept", "application/sdp"}});
    auto described = co_await exchange(describe);
    if (!described || described->status != 200) {
        std::cerr << "rtsp play: DESCRIBE " << options_.url << ": "
                  << (described ? std::to_string(described->status) + " " + described->reason : "no answer") << '\n';
        co_return 1;
    }
    auto sdp = parse_sdp(described->body);
    if (!sdp || sdp->media.empty()) {
        std::cerr << "rtsp play: the description is not usable SDP\n";
        co_return 1;
    }
    std::string base = std::string(described->headers.get("Content-Base").value_or(options_.url));
    if (!base.ends_with('/'))
        base += '/';

    for (std::size_t i = 0; i < sdp->media.size(); ++i) {
        Track t;
        t.index = i;
        t.receiver =
            std::make_unique<TrackReceiver>(sdp->media[i], static_cast<std::int64_t>(options_.delay_ms) * 1000);
        const std::string control = sdp->media[i].control();
        t.control_url = control.starts_with("rtsp://")      ? control
                        : control.empty() || control == "*" ? options_.url
                                                            : base + control;
        t.channels = {static_cast<std::uint16_t>(2 * i), static_cast<std::uint16_t>(2 * i + 1)};
        tracks_.push_back(std::move(t));
    }
    for (auto& t : tracks_) {
        std::string transport;
        if (options_.tcp) {
            transport = "RTP/AVP/TCP;unicast;interleaved=" + std::to_string(t.channels.first) + '-' +
                        std::to_string(t.channels.second);
        } else {
            const bool opened = co_await open_udp_pair(t);
            if (!opened) {
                std::cerr << "rtsp play: no free UDP port pair\n";
                co_return 1;
            }
            const auto port = t.rtp->local_endpoint().port();
            transport = "RTP/AVP;unicast;client_port=" + std::to_string(port) + '-' + std::to_string(port + 1);
        }
        const std::string setup = make_request("SETUP", t.control_url, {{"Transport", transport}});
        auto answer = co_await exchange(setup);
        if (!answer || answer->status != 200) {
            std::cerr << "rtsp play: SETUP " << t.control_url << ": "
                      << (answer ? std::to_string(answer->status) : "no answer") << '\n';
            co_return 1;
        }
        if (auto s = answer->headers.get("Session"))
            session_ = std::string(s->substr(0, s->find(';')));
        auto chosen = parse_transports(answer->headers.get("Transport").value_or(""));
        if (!chosen.empty() && chosen[0].interleaved)
            t.channels = *chosen[0].interleaved;
        if (!chosen.empty() && chosen[0].server_port)
            t.server_rtcp = {stream_->peer().address(), chosen[0].server_port->second};
    }
    if (!options_.out.empty()) {
        std::string why;
        out_ = MediaWriter::open(options_.out, sdp->media, why);
        if (!out_) {
            std::cerr << "rtsp play: --out: " << why << '\n';
            co_return 1;
        }
        report_ << "writing " << out_->summary() << " to " << options_.out << '\n';
    }

    const std::string play = make_request("PLAY", options_.url, {{"Range", "npt=0.000-"}});
    auto played = co_await exchange(play);
    if (!played || played->status != 200) {
        std::cerr << "rtsp play: PLAY: " << (played ? std::to_string(played->status) : "no answer") << '\n';
        co_return 1;
    }
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor, read_rtsp(), asio::detached);
    for (auto& t : tracks_)
        if (t.rtp) {
            asio::co_spawn(executor, read_udp(t, false), asio::detached);
            asio::co_spawn(executor, read_udp(t, true), asio::detached);
        }
    signals_.async_wait([this](std::error_code ec, int) {
        if (!ec)
            interrupted_ = true;
    });

    // the playout clock: every 5 ms, release what is due; every second, the report line
    const auto start = Clock::now();
    auto next_second = start + std::chrono::seconds(1);
    auto next_rr = start + std::chrono::seconds(2);
    auto next_keep_alive = start + std::chrono::seconds(20);
    while (!interrupted_ && !closed_ && !all_ended()) {
        const auto now = Clock::now();
        if (options_.duration > 0 && now - start >= std::chrono::duration<double>(options_.duration))
            break;
        play_out(false);
        if (now >= next_second) {
            print_second(std::chrono::duration<double>(now - start).count());
            next_second += std::chrono::seconds(1);
        }
        if (now >= next_rr) {
            send_reports();
            next_rr += std::chrono::seconds(5);
        }
        if (now >= next_keep_alive && !options_.tcp) {
            // RFC 2326 §12.37: a session lives while the client shows it is there
            const std::string wire = make_request("GET_PARAMETER", options_.url, {});
            std::string_view rest = wire;
            stream_->write_now(rest);
            next_keep_alive += std::chrono::seconds(20);
        }
        tick_.expires_after(std::chrono::milliseconds(5));
        co_await tick_.async_wait(core::use_tuple);
    }
    play_out(true);
    if (out_)
        if (const std::string why = out_->finish(); !why.empty())
            std::cerr << "rtsp play: --out " << options_.out << ": " << why << '\n';
    print_second(std::chrono::duration<double>(Clock::now() - start).count());
    if (!closed_) {
        const std::string teardown = make_request("TEARDOWN", options_.url, {});
        co_await stream_->write(teardown);
    }
    std::error_code ignored;
    for (auto& t : tracks_) {
        if (t.rtp)
            t.rtp->close(ignored);
        if (t.rtcp)
            t.rtcp->close(ignored);
    }
    signals_.cancel(ignored);
    stream_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_->socket().close(ignored);
    std::uint64_t played_total = 0;
    for (const auto& t : tracks_)
        played_total += t.receiver->counters().played;
    co_return played_total > 0 ? 0 : 1;
}

}  // namespace

int play(const PlayOptions& options, std::ostream& report)
{
    asio::io_context io;
    Player player(io, options, report);
    int status = 1;
    auto main = [&]() -> core::awaitable<void> { status = co_await player.run(); };  // alive until run() ends
    asio::co_spawn(io, main(), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
    io.run();
    return status;
}

}  // namespace layer7::rtsp
