// The RTSP server shells: see server.hpp.
#include "rtsp/server.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "core/net/udp_batch.hpp"
#include "core/trace/trace.hpp"
#include "rtsp/file_player.hpp"
#include "rtsp/stats_page.hpp"

namespace layer7::rtsp {

namespace {

std::string random_session_id()
{
    unsigned char bytes[8];
    RAND_bytes(bytes, sizeof bytes);
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string id;
    for (unsigned char b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    return id;
}

std::string summary(const rtp::RtcpPacket& packet)
{
    if (auto* sr = std::get_if<rtp::SenderReport>(&packet))
        return "RTCP SR ssrc=" + std::to_string(sr->ssrc) + " rtp=" + std::to_string(sr->rtp_time) +
               " packets=" + std::to_string(sr->packet_count) + " octets=" + std::to_string(sr->octet_count);
    if (auto* rr = std::get_if<rtp::ReceiverReport>(&packet)) {
        std::string s = "RTCP RR ssrc=" + std::to_string(rr->ssrc);
        for (const auto& b : rr->blocks)
            s += " [source=" + std::to_string(b.ssrc) + " lost=" + std::to_string(b.cumulative_lost) +
                 " fraction=" + std::to_string(b.fraction_lost) + "/256 highest=" + std::to_string(b.highest_sequence) +
                 " jitter=" + std::to_string(b.jitter) + "]";
        return s;
    }
    if (std::holds_alternative<rtp::Sdes>(packet))
        return "RTCP SDES";
    if (auto* bye = std::get_if<rtp::Bye>(&packet))
        return "RTCP BYE " + bye->reason;
    return "RTCP type " + std::to_string(std::get<rtp::OtherRtcp>(packet).type);
}

// A reader's RTCP: its receiver reports become the stats of that reader.
void take_reports(Reader& reader, std::size_t track, std::span<const std::uint8_t> datagram, std::uint64_t trace_id)
{
    reader.last_heard_ms.store(now_ms(), std::memory_order_relaxed);
    auto packets = rtp::decode_rtcp(datagram);
    if (!packets)
        return;
    for (const auto& packet : *packets) {
        if (auto* rr = std::get_if<rtp::ReceiverReport>(&packet); rr && !rr->blocks.empty())
            reader.on_report(track, rr->blocks.front());
        if (core::Trace::instance().enabled())
            core::Trace::instance().note(trace_id, reader.peer() + " " + summary(packet));
    }
}

// One RTSP control connection: the session, what it publishes or reads, and its sources.
class Connection {
public:
    Connection(core::Stream& stream, ServerContext& context, std::shared_ptr<Outbox> outbox)
        : stream_(stream), context_(context),
          outbox_(std::move(outbox)), policy_{.session_timeout = context.options.session_timeout,
                                              .peer_address = stream.peer().address().to_string(),
                                              .server_rtp_port = context.hub.ports.rtp_port,
                                              .server_rtcp_port = context.hub.ports.rtcp_port},
          session_(policy_, context.catalog, random_session_id())
    {
    }
    ~Connection() { stop(); }

    // Answers one request; false when the connection must close.
    bool on_request(const Request& request);
    void on_interleaved(const Interleaved& frame);
    // Heard from recently enough (RTSP or RTP/RTCP) to stay past an idle read timeout.
    bool alive() const;
    void stop();

private:
    void respond(const Response& response);
    void start_play(Step& step, const Request& request);
    void start_record(Step& step);
    asio::ip::udp::endpoint peer_port(std::uint16_t port) const
    {
        return {asio::ip::make_address(policy_.peer_address), port};
    }

    core::Stream& stream_;
    ServerContext& context_;
    std::shared_ptr<Outbox> outbox_;
    ServerPolicy policy_;
    ServerSession session_;
    std::shared_ptr<LiveStream> publishing_;
    std::shared_ptr<LiveStream> reading_;
    std::shared_ptr<Reader> reader_;
    std::shared_ptr<FilePlayer> player_;
    std::vector<asio::ip::udp::endpoint> sources_;  // registered with the hub, removed at stop
};

void Connection::respond(const Response& response)
{
    std::string wire = to_wire(response);
    core::Trace::instance().block(stream_.id(), core::Speaker::server, wire);
    outbox_->push(std::move(wire), false);
}

bool Connection::on_request(const Request& request)
{
    if (core::Trace::instance().enabled())
        core::Trace::instance().block(stream_.id(), core::Speaker::client, to_wire(request));
    Step step = session_.on_request(request);
    switch (step.action) {
    case Action::play: start_play(step, request); break;
    case Action::record: start_record(step); break;
    case Action::pause:
        if (player_)
            player_->pause();
        if (reading_ && reader_)
            reading_->detach(reader_.get());
        break;
    case Action::teardown: stop(); break;
    case Action::none: break;
    }
    respond(step.response);
    if (step.action == Action::play && player_)
        player_->play(stream_.socket().get_executor(), step.range_start);
    return true;
}

void Connection::start_play(Step& step, const Request& request)
{
    if (!reader_) {
        std::map<std::size_t, Route> routes;
        for (const auto& [track, t] : session_.tracks()) {
            Route r;
            r.tcp = t.tcp;
            if (t.tcp) {
                r.rtp_channel = static_cast<std::uint8_t>(t.interleaved->first);
                r.rtcp_channel = static_cast<std::uint8_t>(t.interleaved->second);
            } else {
                r.rtp = to_sockaddr(peer_port(t.client_port->first));
                r.rtcp = to_sockaddr(peer_port(t.client_port->second));
            }
            routes[track] = r;
        }
        Reader::Identity who{stream_.peer_string(), session_.path(), !context_.hub.find(session_.path()), {}, {}};
        for (const auto& media : session_.description().media) {
            who.clock_rates.push_back(clock_rate_of(media));
            who.media.push_back(track_label(media));
        }
        reader_ = std::make_shared<Reader>(std::move(who), outbox_, std::move(routes));
        context_.hub.add_reader(reader_);
        for (const auto& [track, t] : session_.tracks()) {
            if (t.tcp)
                continue;
            const auto from = peer_port(t.client_port->second);
            context_.hub.add_source(from, {{}, reader_, track, true});
            sources_.push_back(from);
        }
    }
    if (auto live = context_.hub.find(session_.path())) {
        if (reading_ != live) {
            reading_ = live;
            spdlog::info("rtsp: {} reads {}", stream_.peer_string(), session_.path());
        }
        live->attach(reader_);
        return;
    }
    if (!player_) {
        auto file = context_.catalog.open_file(session_.path());
        if (!file) {
            step.response.status = 404;  // gone between SETUP and PLAY
            step.action = Action::none;
            return;
        }
        player_ = std::make_shared<FilePlayer>(std::move(file), reader_, context_.hub.ports);
        spdlog::info("rtsp: {} plays file {}", stream_.peer_string(), session_.path());
    }
    std::string base = request.uri;
    if (!base.ends_with('/'))
        base += '/';
    step.response.headers.add("RTP-Info", player_->rtp_info(base));
    if (player_->file().duration() > 0 && !step.range_start)
        step.response.headers.add("Range", "npt=0-" + std::to_string(player_->file().duration()));
}

void Connection::start_record(Step& step)
{
    publishing_ = context_.hub.publish(session_.path(), stream_.peer_string(), session_.description());
    if (!publishing_) {
        step.response.status = 455;
        step.action = Action::none;
        return;
    }
    spdlog::info("rtsp: {} publishes {} ({} tracks)", stream_.peer_string(), session_.path(),
                 session_.description().media.size());
    for (const auto& [track, t] : session_.tracks()) {
        if (t.tcp || !t.client_port)
            continue;
        const auto rtp_from = peer_port(t.client_port->first), rtcp_from = peer_port(t.client_port->second);
        context_.hub.add_source(rtp_from, {publishing_, {}, track, false});
        context_.hub.add_source(rtcp_from, {publishing_, {}, track, true});
        sources_.push_back(rtp_from);
        sources_.push_back(rtcp_from);
    }
}

void Connection::on_interleaved(const Interleaved& frame)
{
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(frame.data.data()),
                                              frame.data.size());
    for (const auto& [track, t] : session_.tracks()) {
        if (!t.tcp || !t.interleaved)
            continue;
        const bool rtcp = frame.channel == t.interleaved->second;
        if (frame.channel != t.interleaved->first && !rtcp)
            continue;
        if (publishing_) {
            publishing_->forward(track, rtcp, bytes);
            if (rtcp && core::Trace::instance().enabled())
                if (auto packets = rtp::decode_rtcp(bytes))
                    for (const auto& p : *packets)
                        core::Trace::instance().note(stream_.id(), summary(p));
        } else if (reader_ && rtcp) {
            take_reports(*reader_, track, bytes, stream_.id());
        }
        return;
    }
}

bool Connection::alive() const
{
    const std::int64_t limit = now_ms() - std::chrono::milliseconds(context_.options.session_timeout).count();
    if (publishing_ && publishing_->last_heard_ms.load() > limit)
        return true;
    return reader_ && reader_->last_heard_ms.load() > limit;
}

void Connection::stop()
{
    for (const auto& from : sources_)
        context_.hub.remove_source(from);
    sources_.clear();
    if (publishing_) {
        spdlog::info("rtsp: {} stopped publishing {}", stream_.peer_string(), publishing_->path());
        context_.hub.unpublish(publishing_);  // its readers get a BYE and are closed
        publishing_.reset();
    }
    if (reading_ && reader_)
        reading_->detach(reader_.get());
    reading_.reset();
    if (player_)
        player_->pause();
    player_.reset();
    reader_.reset();
}

// Writes what the outbox collects until it closes; then makes the read loop stop too.
core::awaitable<void> write_loop(core::Stream& stream, std::shared_ptr<Outbox> outbox,
                                 std::shared_ptr<asio::steady_timer> done)
{
    std::vector<asio::const_buffer> buffers;
    for (;;) {
        std::vector<std::string> pieces = co_await outbox->take();
        if (pieces.empty())
            break;
        buffers.clear();
        for (const auto& p : pieces)
            buffers.emplace_back(asio::buffer(p));
        if (co_await stream.write_gather(buffers))
            break;
    }
    outbox->close();
    std::error_code ignored;
    stream.socket().cancel(ignored);  // the reader side may be waiting on the peer
    done->cancel();                   // tell serve_connection we are finished with the stream
    done->expires_at(asio::steady_timer::time_point::min());
}

}  // namespace

core::awaitable<void> serve_connection(core::Stream& stream, ServerContext& context)
{
    auto executor = co_await asio::this_coro::executor;
    auto outbox = std::make_shared<Outbox>(executor, context.options.max_queued);
    auto done = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
    asio::co_spawn(executor, write_loop(stream, outbox, done), asio::detached);
    stream.set_timeout(context.options.session_timeout);
    {
        Connection connection(stream, context, outbox);
        MessageParser parser(context.options.limits);
        std::vector<char> buffer(16384);
        bool open = true;
        while (open && !outbox->closed()) {
            auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
            if (ec) {
                if (stream.timed_out() && !outbox->closed() && connection.alive())
                    continue;  // media still flows: the session lives (RFC 2326 §12.37)
                break;
            }
            parser.feed(std::string_view(buffer.data(), n));
            for (;;) {
                ParseEvent event = parser.next();
                if (std::holds_alternative<NeedMore>(event))
                    break;
                if (auto* request = std::get_if<Request>(&event)) {
                    open = connection.on_request(*request);
                } else if (auto* frame = std::get_if<Interleaved>(&event)) {
                    connection.on_interleaved(*frame);
                } else if (auto* dropped = std::get_if<FrameDropped>(&event)) {
                    spdlog::debug("rtsp: {} sent a {}-byte interleaved frame: dropped", stream.peer_string(),
                                  dropped->size);
                } else if (auto* error = std::get_if<ParseError>(&event)) {
                    spdlog::info("rtsp: {}: {}", stream.peer_string(), to_string(*error));
                    Response r;
                    r.status = status_for(*error);
                    r.headers.add("Connection", "close");
                    std::string wire = to_wire(r);
                    core::Trace::instance().block(stream.id(), core::Speaker::server, wire);
                    outbox->push(std::move(wire), false);
                    open = false;
                    break;
                }
                // a Response: the client answering a request we never send; ignored
            }
        }
        connection.stop();
    }
    outbox->close();
    if (done->expiry() != asio::steady_timer::time_point::min())
        co_await done->async_wait(core::use_tuple);
}

core::awaitable<void> serve_udp(asio::ip::udp::socket& socket, bool rtcp, Hub& hub)
{
    const int fd = socket.native_handle();
    // room for bursts to many readers (a key frame × every reader)
    const int size = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    // Don't fragment: RTP is packetized to fit the path already, and with DF set the kernel skips
    // hashing an IP ID for every datagram to every reader (2 % of a 100-reader fan-out). PROBE sets
    // DF without letting a learned path MTU refuse packets.
    const int df = IP_PMTUDISC_PROBE;
    if (socket.local_endpoint().address().is_v4())
        ::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &df, sizeof df);
    int expected = -1;
    (rtcp ? hub.ports.rtcp_fd : hub.ports.rtp_fd).compare_exchange_strong(expected, fd);
    auto batch = std::make_unique<core::UdpBatch>();
    co_await core::serve_batches(socket, *batch, [&](std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            asio::ip::udp::endpoint from;
            const socklen_t length = batch->received[i].msg_hdr.msg_namelen;
            std::memcpy(from.data(), &batch->peers[i], length);
            from.resize(length);
            const std::span<const std::uint8_t> datagram(batch->slot(i), batch->received[i].msg_len);
            auto source = hub.source(from);
            if (!source)
                continue;  // not a party to any session: dropped
            if (auto stream = source->stream.lock()) {
                stream->forward(source->track, source->rtcp, datagram);
            } else if (auto reader = source->reader.lock()) {
                take_reports(*reader, source->track, datagram, 0);
            }
        }
    });
    // this socket closes: let another worker's socket send
    expected = fd;
    (rtcp ? hub.ports.rtcp_fd : hub.ports.rtp_fd).compare_exchange_strong(expected, -1);
}

}  // namespace layer7::rtsp
