// The peer shell: see peer_service.hpp. Each connection is two coroutines over one Stream: the
// reader feeds the WireDecoder and acts on each message; the writer sends what the reader queued
// and serves the peer's requests one block at a time (read from disk as it goes, so memory per
// peer is one block plus the queue of small messages), each block when the upload cap lets it go.
// Every coroutine the session spawns is counted, and run() returns only once all have ended.
#include "torrent/peer_service.hpp"

#include <unistd.h>

#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "core/net/resolve.hpp"
#include "core/net/signal.hpp"
#include "core/net/stream.hpp"
#include "http/client/fetch.hpp"
#include "http/message/target.hpp"
#include "torrent/announce_reply.hpp"
#include "torrent/extension_handshake.hpp"
#include "torrent/peer_wire.hpp"
#include "torrent/piece_picker.hpp"
#include "torrent/sha1.hpp"
#include "torrent/storage.hpp"
#include "torrent/token_bucket.hpp"
#include "torrent/ut_metadata.hpp"

namespace layer7::torrent {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace hc = http::client;

constexpr auto handshake_timeout = 20s;
constexpr auto handshake_deadline = 30s;  // the whole start, MSE included
constexpr auto idle_timeout = 150s;      // BEP 3: keep-alives come every two minutes
constexpr auto keep_alive_every = 90s;
constexpr std::size_t read_chunk = 64 * 1024;
// Past this much queued for a peer, its ut_metadata requests are rejected: it asks faster than it reads.
constexpr std::size_t metadata_backlog = 1u << 20;

// A peer at the other end of one connection, as we see it.
struct Remote {
    PeerKey key = 0;
    std::unique_ptr<core::Stream> stream;
    LinkCipher cipher;  // RC4 both ways when MSE selected it
    std::string address;
    std::string peer_id;
    Bitfield has;
    bool am_choking = true, am_interested = false, peer_choking = true, peer_interested = false;
    std::vector<BlockRef> outstanding;   // our requests in flight
    std::set<BlockRef> cancelled;        // cancelled or choked away: a late block is not a fault
    std::deque<BlockRef> their_requests;  // theirs, served by the writer while they are unchoked
    std::string out;                      // messages queued for the writer
    std::unique_ptr<asio::steady_timer> wake;
    std::uint64_t downloaded = 0, uploaded = 0;
    std::size_t uncharged = 0;             // piece data read but not yet taken from the download cap
    asio::steady_timer* paused = nullptr;  // the reader's wait for the cap, cut short when the peer closes
    bool closing = false;
    bool bitfield_allowed = true;  // BEP 3: only as the first message (BEP 10's handshake may precede it)
    std::uint8_t their_ut_metadata = 0;  // BEP 9: the id they want ut_metadata messages under; 0: none
};

std::string human_bytes(double n)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    int u = 0;
    while (n >= 1024 && u < 3) {
        n /= 1024;
        ++u;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", n, units[u]);
    return text;
}

}  // namespace

class Peer::Session {
public:
    Session(asio::io_context& io, const Metainfo& meta, PeerOptions options)
        : io_(io),
          executor_(io.get_executor()),
          meta_(meta),
          options_(std::move(options)),
          hash_(info_hash_of(meta.info_bytes)),
          storage_(meta, options_.dir),
          picker_(meta.total_length(), meta.piece_length, std::random_device{}(), options_.picker),
          choker_(options_.choker, std::random_device{}()),
          upload_cap_(options_.upload_rate, block_size),
          download_cap_(options_.download_rate, block_size),
          acceptor_(io),
          tick_(io),
          all_ended_(executor_)
    {
        std::mt19937_64 random(std::random_device{}());
        peer_id_ = "-L70001-";
        static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
        while (peer_id_.size() < 20)
            peer_id_ += alphabet[random() % 36];
    }

    core::awaitable<void> run()
    {
        co_await serve();
        finish(status_);
        while (tasks_ > 0)
            co_await all_ended_.wait();
    }

    void stop(int status) { finish(status); }
    int status() const { return status_; }
    std::uint64_t uploaded() const { return uploaded_; }

private:
    core::awaitable<void> serve()
    {
        if (done_)
            co_return;  // stopped before it started
        std::string error;
        if (!storage_.open(!options_.seed, error)) {
            std::cerr << "layer7: " << error << "\n";
            finish(1);
            co_return;
        }
        recheck();
        if (options_.seed && !picker_.complete()) {
            std::cerr << "layer7: " << options_.dir << " holds " << picker_.have().count() << " of "
                      << picker_.piece_count() << " pieces; seeding what is there\n";
        }
        if (!listen(error)) {
            std::cerr << "layer7: cannot listen on " << core::to_string(options_.listen) << ": " << error << "\n";
            finish(1);
            co_return;
        }
        if (!options_.seed && picker_.complete()) {
            if (options_.notes)
                std::cerr << "layer7: " << meta_.name << " is already complete in " << options_.dir << "\n";
            if (options_.on_complete)
                options_.on_complete();
            if (!options_.keep_seeding) {
                finish(0);
                co_return;
            }
        }
        if (options_.notes)
            std::cerr << "layer7: " << (options_.seed ? "seeding " : "downloading ") << meta_.name << " ("
                      << hash_.hex() << ") on port " << port_ << "\n";
        spawn(accept_loop());
        spawn(tick_loop());
        co_await announce_loop();
    }

    // Runs `task` beside the session; run() waits for it to end.
    void spawn(core::awaitable<void> task)
    {
        ++tasks_;
        asio::co_spawn(io_, std::move(task), [this](std::exception_ptr) {
            if (--tasks_ == 0)
                all_ended_.notify();
        });
    }

    // Fast resume: every piece already on disk with the right hash counts as had.
    void recheck()
    {
        for (std::uint32_t i = 0; i < picker_.piece_count(); ++i)
            if (storage_.verify(i))
                picker_.mark_have(i);
        if (picker_.have().count() > 0 && options_.notes)
            std::cerr << "layer7: " << picker_.have().count() << " of " << picker_.piece_count()
                      << " pieces already on disk\n";
    }

    bool listen(std::string& error)
    {
        auto endpoint = core::tcp_endpoint(options_.listen);
        if (!endpoint) {
            error = "not an IP address";
            return false;
        }
        std::error_code ec;
        acceptor_.open(endpoint->protocol(), ec);
        if (!ec)
            acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            acceptor_.bind(*endpoint, ec);
        if (!ec)
            acceptor_.listen(64, ec);
        if (ec) {
            error = ec.message();
            return false;
        }
        port_ = acceptor_.local_endpoint().port();
        return true;
    }

    void finish(int status)
    {
        if (done_)
            return;
        done_ = true;
        status_ = status;
        std::error_code ignored;
        acceptor_.close(ignored);
        tick_.cancel();
        for (Remote* peer : connections_) {
            peer->closing = true;
            peer->stream->socket().close(ignored);
            peer->wake->cancel();
            if (peer->paused)
                peer->paused->cancel();
        }
        if (announce_wait_)
            announce_wait_->cancel();
    }

    // ---- the tracker ----

    std::string announce_url(std::string_view event) const
    {
        std::string url = meta_.announce;
        url += url.find('?') == std::string::npos ? '?' : '&';
        url += "info_hash=" + http::percent_encode(hash_.raw(), "") + "&peer_id=" + http::percent_encode(peer_id_, "") +
               "&port=" + std::to_string(announced_port()) + "&uploaded=" + std::to_string(uploaded_) +
               "&downloaded=" + std::to_string(downloaded_) + "&left=" + std::to_string(picker_.bytes_left()) +
               "&compact=1&numwant=50";
        if (!event.empty())
            url += "&event=" + std::string(event);
        return url;
    }

    core::awaitable<std::optional<AnnounceReply>> announce(std::string event)
    {
        hc::Options client_options;
        client_options.connect_timeout = 10s;
        client_options.io_timeout = 15s;
        hc::Client client(client_options);
        http::Request request;
        request.method = http::Method(http::MethodId::get);
        request.fields.add("User-Agent", "layer7/0.1");
        const hc::FetchOptions fetch_options;
        const std::string url = announce_url(event);
        auto result = co_await hc::fetch(client, url, request, std::string(), fetch_options);
        if (!result) {
            std::cerr << "layer7: tracker " << meta_.announce << ": " << hc::describe(result.error().error) << " "
                      << result.error().detail << "\n";
            co_return std::nullopt;
        }
        auto reply = parse_announce_reply(result->last.body);
        if (!reply) {
            std::cerr << "layer7: tracker " << meta_.announce << ": " << reply.error() << "\n";
            co_return std::nullopt;
        }
        if (options_.on_announced)
            options_.on_announced();
        co_return std::move(reply).value();
    }

    core::awaitable<void> announce_loop()
    {
        auto executor = co_await asio::this_coro::executor;
        if (meta_.announce.rfind("http", 0) != 0) {
            std::cerr << "layer7: only HTTP trackers are announced to; " << meta_.announce << " is not one\n";
        }
        std::string event = "started";
        bool told_completed = picker_.complete();
        while (!done_) {
            std::chrono::seconds wait = 30s;
            if (meta_.announce.rfind("http", 0) == 0) {
                auto reply = co_await announce(event);
                if (reply) {
                    event.clear();
                    for (const auto& p : reply->peers)
                        connect_to(p);
                    wait = std::chrono::seconds(reply->interval);
                    // Few peers while downloading: ask again as soon as the tracker allows.
                    if (!picker_.complete() && peers_.size() < 4)
                        wait = std::chrono::seconds(std::max<std::int64_t>(reply->min_interval, 2));
                }
            }
            if (done_)
                break;
            announce_wait_ = std::make_unique<asio::steady_timer>(executor, wait);
            co_await announce_wait_->async_wait(core::use_tuple);
            if (picker_.complete() && !told_completed && !done_) {
                event = "completed";
                told_completed = true;
            }
        }
        // Tell the tracker we leave (best effort: a dead tracker must not hold up the exit). A get
        // that ends on completion has not said "completed" yet; it says so on its way out. Any
        // other peer says "stopped", so the tracker forgets it at once.
        const bool ends_on_completion = !options_.seed && !options_.keep_seeding && status_ == 0;
        if (meta_.announce.rfind("http", 0) == 0)
            co_await announce(picker_.complete() && !told_completed && ends_on_completion ? "completed" : "stopped");
    }

    // ---- connections ----

    void connect_to(const TrackerPeer& p)
    {
        if (peers_.size() + connecting_ >= options_.max_peers || done_)
            return;
        const std::string address = p.ip + ":" + std::to_string(p.port);
        if ((p.port == port_ || p.port == announced_port()) && (p.ip == "127.0.0.1" || p.ip == options_.listen.host))
            return;  // ourselves, as the tracker saw us
        if (banned_.contains(p.ip + ":" + std::to_string(p.port)) || attempted_.contains(address))
            return;
        attempted_.insert(address);
        ++connecting_;
        spawn(dial(core::HostPort{p.ip, p.port}));
    }

    core::awaitable<void> dial(core::HostPort hp)
    {
        auto [ec, socket] = co_await core::connect_tcp(hp, 10s);
        --connecting_;
        if (ec || done_) {
            attempted_.erase(hp.host + ":" + std::to_string(hp.port));
            co_return;
        }
        bool mse_failed = false;
        co_await serve_peer(std::move(socket), core::Role::client, options_.encryption != Encryption::off, &mse_failed);
        if (mse_failed && options_.encryption == Encryption::prefer && !done_) {
            // Like aria2: a peer that does not speak MSE gets the plain handshake on a new connection.
            auto [again, plain_socket] = co_await core::connect_tcp(hp, 10s);
            if (!again && !done_)
                co_await serve_peer(std::move(plain_socket), core::Role::client, false);
        }
        attempted_.erase(hp.host + ":" + std::to_string(hp.port));
    }

    core::awaitable<void> accept_loop()
    {
        while (!done_) {
            auto [ec, socket] = co_await acceptor_.async_accept(core::use_tuple);
            if (ec)
                co_return;
            if (peers_.size() >= options_.max_peers)
                continue;  // the socket closes as it goes out of scope
            spawn(serve_peer(std::move(socket), core::Role::server));
        }
    }

    void send(Remote& peer, const Message& m)
    {
        if (core::Trace::instance().enabled())
            core::Trace::instance().line(peer.stream->id(), peer.stream->us(), describe(m));
        peer.out += encode(m);
        peer.wake->cancel();
    }

    void drop(Remote& peer, std::string_view why)
    {
        if (peer.closing)
            return;
        if (options_.notes)
            std::cerr << "layer7: dropping peer " << peer.address << ": " << why << "\n";
        peer.closing = true;
        std::error_code ignored;
        peer.stream->socket().close(ignored);
        peer.wake->cancel();
        if (peer.paused)
            peer.paused->cancel();
    }

    // `dial_mse`: we dialled and begin with MSE; `mse_failed` is told when that did not complete.
    core::awaitable<void> serve_peer(asio::ip::tcp::socket socket, core::Role role, bool dial_mse = false,
                                     bool* mse_failed = nullptr)
    {
        auto peer = std::make_shared<Remote>();
        peer->stream = std::make_unique<core::Stream>(std::move(socket), role);
        peer->wake = std::make_unique<asio::steady_timer>(io_);
        peer->address = peer->stream->peer_string();
        peer->has = Bitfield(picker_.piece_count());
        if (done_)
            co_return;
        // Known to finish() meanwhile, so a stop closes it even in the middle of the handshake. No
        // guard object: an io_context torn down mid-run destroys this frame, maybe after the session.
        connections_.insert(peer.get());
        co_await converse(peer, dial_mse, mse_failed);
        connections_.erase(peer.get());
    }

    // The handshake, then the messages until either side closes.
    core::awaitable<void> converse(std::shared_ptr<Remote> peer, bool dial_mse, bool* mse_failed)
    {
        core::Stream& stream = *peer->stream;
        stream.set_timeout(handshake_timeout);
        Handshake ours;
        ours.info_hash = hash_;
        ours.peer_id = peer_id_;
        ours.set_extensions();
        core::Trace::instance().line(stream.id(), stream.us(), describe(ours));
        // MSE or the plain handshake: ours is sent, and what came of theirs is in link.received.
        // A named plan: GCC 12 destroys a braced temporary in a co_await expression twice.
        const LinkPlan plan{options_.encryption, dial_mse, hash_, encode_handshake(ours), handshake_deadline};
        const LinkOpened link = co_await open_link(stream, peer->cipher, plan);
        if (!link.ok) {
            const bool fall_back = link.mse_failed && mse_failed && options_.encryption == Encryption::prefer;
            if (fall_back)
                *mse_failed = true;
            if (options_.notes)
                std::cerr << "layer7: " << (fall_back ? "peer " : "dropping peer ") << peer->address << ": " << link.why
                          << (fall_back ? "; trying the plain handshake\n" : "\n");
            co_return;
        }
        core::Trace::instance().note(stream.id(), "link: " + link.method);
        WireDecoder decoder;
        decoder.feed(link.received);
        std::string buffer(read_chunk, '\0');
        std::optional<Handshake> theirs;
        for (;;) {
            auto h = decoder.handshake();
            if (!h) {
                if (options_.notes)
                    std::cerr << "layer7: dropping peer " << peer->address << ": " << to_string(h.error()) << "\n";
                co_return;
            }
            if (*h) {
                theirs = *h;
                break;
            }
            auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
            if (ec || n == 0)
                co_return;
            peer->cipher.on_receive(buffer.data(), n);
            decoder.feed(std::string_view(buffer.data(), n));
        }
        core::Trace::instance().line(stream.id(), stream.them(), describe(*theirs));
        if (theirs->info_hash != hash_) {
            if (options_.notes)
                std::cerr << "layer7: dropping peer " << peer->address << ": wrong info-hash "
                          << theirs->info_hash.hex() << "\n";
            co_return;
        }
        if (theirs->peer_id == peer_id_ || banned_.contains(theirs->peer_id) || connected_ids_.contains(theirs->peer_id))
            co_return;  // ourselves, a banned peer, or a second connection to the same peer
        if (done_)
            co_return;
        peer->peer_id = theirs->peer_id;
        peer->key = ++last_key_;
        stream.set_timeout(idle_timeout);
        peers_[peer->key] = peer;
        connected_ids_.insert(peer->peer_id);
        if (theirs->extensions())
            send(*peer, Message::with_payload(MessageType::extended, encode(extension_handshake())));
        if (!picker_.have().none())
            send(*peer, Message::with_payload(MessageType::bitfield, picker_.have().to_wire()));
        spawn(write_loop(peer));
        std::string why;
        while (!peer->closing && why.empty()) {
            for (;;) {
                auto m = decoder.next();
                if (!m) {
                    why = to_string(m.error());
                    break;
                }
                if (!*m)
                    break;
                on_message(*peer, **m, why);
                if (!why.empty() || peer->closing)
                    break;
            }
            if (!why.empty() || peer->closing)
                break;
            if (peer->uncharged > 0 && download_cap_.rate() > 0) {
                // The download cap: this peer is not read again until what it sent is due. TCP's
                // window then slows the sender, as aria2c's --max-download-limit does.
                const auto due = download_cap_.reserve(Clock::now(), std::exchange(peer->uncharged, 0));
                asio::steady_timer pause(stream.socket().get_executor(), due);
                peer->paused = &pause;
                co_await pause.async_wait(core::use_tuple);
                peer->paused = nullptr;
            }
            auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
            if (ec || n == 0)
                break;
            peer->cipher.on_receive(buffer.data(), n);
            decoder.feed(std::string_view(buffer.data(), n));
        }
        if (!why.empty())
            drop(*peer, why);
        peer->closing = true;
        peer->wake->cancel();
        core::Trace::instance().note(stream.id(), "peer " + peer->address + " gone");
        picker_.abort_peer(peer->key);
        picker_.remove_peer(peer->has);
        connected_ids_.erase(peer->peer_id);
        peers_.erase(peer->key);
        request_elsewhere();
        if (!done_)
            rechoke();
    }

    core::awaitable<void> write_loop(std::shared_ptr<Remote> peer)
    {
        core::Stream& stream = *peer->stream;
        std::string block;
        std::optional<BlockRef> paced;  // read from disk, waiting for the upload cap
        Clock::time_point paced_at{};
        while (!peer->closing) {
            if (!paced && !peer->am_choking && !peer->their_requests.empty()) {
                paced = peer->their_requests.front();
                peer->their_requests.pop_front();
                if (!storage_.read(paced->piece, paced->begin, paced->length, block)) {
                    drop(*peer, "cannot read piece " + std::to_string(paced->piece) + " from disk");
                    break;
                }
                paced_at = upload_cap_.reserve(Clock::now(), block.size());
            }
            // A block whose time has come goes unless the peer was choked meanwhile (BEP 3: a
            // choke discards its requests; the cap's share is spent all the same).
            if (paced && Clock::now() >= paced_at) {
                const BlockRef r = *paced;
                paced.reset();
                if (!peer->am_choking) {
                    if (core::Trace::instance().enabled())
                        core::Trace::instance().line(stream.id(), stream.us(),
                                                     "piece " + std::to_string(r.piece) + " " +
                                                         std::to_string(r.begin) + " (" + std::to_string(r.length) +
                                                         " bytes)");
                    peer->out += encode_piece_head(r.piece, r.begin, block.size());
                    peer->out += block;
                    peer->uploaded += r.length;
                    uploaded_ += r.length;
                }
            }
            if (peer->out.empty()) {
                // Woken early by send() when the reader queues a message: ours go out while a
                // block waits for the cap.
                peer->wake->expires_at(paced ? paced_at : Clock::now() + keep_alive_every);
                auto [ec] = co_await peer->wake->async_wait(core::use_tuple);
                if (!ec && !paced && !peer->closing && peer->out.empty())
                    send(*peer, Message{});  // keep-alive
                continue;
            }
            std::string sending = std::move(peer->out);
            peer->out.clear();
            peer->cipher.on_send(sending);
            if (co_await stream.write(sending, false)) {
                drop(*peer, stream.timed_out() ? "timed out" : "connection lost");
                break;
            }
        }
    }

    // ---- messages ----

    void on_message(Remote& peer, const Message& m, std::string& why)
    {
        if (core::Trace::instance().enabled() && m.type != MessageType::piece)
            core::Trace::instance().line(peer.stream->id(), peer.stream->them(), describe(m));
        const auto pieces = static_cast<std::uint32_t>(picker_.piece_count());
        const bool bitfield_allowed = peer.bitfield_allowed;
        if (m.type != MessageType::extended && m.type != MessageType::keep_alive && m.type != MessageType::port)
            peer.bitfield_allowed = false;
        switch (m.type) {
        case MessageType::choke:
            peer.peer_choking = true;
            for (const auto& r : peer.outstanding) {
                picker_.abort_request(r, peer.key);
                peer.cancelled.insert(r);
            }
            peer.outstanding.clear();
            request_elsewhere();
            break;
        case MessageType::unchoke:
            peer.peer_choking = false;
            request_more(peer);
            break;
        case MessageType::interested:
        case MessageType::not_interested:
            peer.peer_interested = m.type == MessageType::interested;
            rechoke();
            break;
        case MessageType::have:
            if (m.index >= pieces) {
                why = "have for piece " + std::to_string(m.index) + " of " + std::to_string(pieces);
                return;
            }
            if (!peer.has.test(m.index)) {
                peer.has.set(m.index);
                picker_.add_have(m.index);
            }
            update_interest(peer);
            break;
        case MessageType::bitfield: {
            auto has = Bitfield::from_wire(m.payload, pieces);
            if (!has) {
                why = "bitfield of the wrong size";
                return;
            }
            if (bitfield_allowed) {
                peer.has = *has;
                picker_.add_peer(peer.has);
            } else {
                // BEP 3 wants it first only, but aria2c sends it again later (after a magnet's
                // metadata arrives, twice in a row): taken as haves, never as pieces lost.
                for (std::uint32_t i = 0; i < pieces; ++i)
                    if (has->test(i) && !peer.has.test(i)) {
                        peer.has.set(i);
                        picker_.add_have(i);
                    }
            }
            update_interest(peer);
            break;
        }
        case MessageType::request: {
            if (m.index >= pieces || !picker_.have().test(m.index) || m.length == 0 ||
                std::uint64_t{m.begin} + m.length > picker_.piece_size(m.index)) {
                why = "request for data we do not have: " + describe(m);
                return;
            }
            if (peer.am_choking)
                break;  // BEP 3: requests from a choked peer are ignored
            if (peer.their_requests.size() >= options_.max_peer_requests) {
                why = "over " + std::to_string(options_.max_peer_requests) + " requests queued";
                return;
            }
            peer.their_requests.push_back({m.index, m.begin, m.length});
            peer.wake->cancel();
            break;
        }
        case MessageType::cancel:
            std::erase(peer.their_requests, BlockRef{m.index, m.begin, m.length});
            break;
        case MessageType::piece: on_piece(peer, m, why); break;
        case MessageType::extended: on_extended(peer, m); break;
        default: break;  // keep-alive, port, unknown
        }
    }

    // BEP 10: who we are, how deep to pipeline, and (BEP 9) the metadata we serve.
    ExtensionHandshake extension_handshake() const
    {
        ExtensionHandshake h;
        h.extensions = {{std::string(ut_metadata_name), our_ut_metadata_id}};
        h.metadata_size = meta_.info_bytes.size();
        h.port = port_;
        h.reqq = static_cast<std::uint32_t>(2 * options_.pipeline);
        h.client = "layer7 0.1";
        return h;
    }

    // The peer's extension handshake, and its requests for the metadata (BEP 9): a magnet link's
    // leecher fetches the info dictionary from us. Anything else extended is not ours to answer.
    void on_extended(Remote& peer, const Message& m)
    {
        if (m.extended_id == 0) {
            if (auto h = decode_extension_handshake(m.payload)) {
                core::Trace::instance().note(peer.stream->id(), describe(*h));
                peer.their_ut_metadata = h->id_of(ut_metadata_name);
            }
            return;
        }
        if (m.extended_id != our_ut_metadata_id || peer.their_ut_metadata == 0)
            return;
        auto request = decode_metadata_message(m.payload);
        if (!request || request->type != MetadataMessageType::request)
            return;
        core::Trace::instance().note(peer.stream->id(), describe(*request));
        const MetadataMessage reply = peer.out.size() > metadata_backlog
                                          ? MetadataMessage::reject(request->piece)
                                          : answer_request(meta_.info_bytes, request->piece);
        Message wire = Message::with_payload(MessageType::extended, encode(reply));
        wire.extended_id = peer.their_ut_metadata;
        send(peer, wire);
    }

    void on_piece(Remote& peer, const Message& m, std::string& why)
    {
        const BlockRef ref{m.index, m.begin, static_cast<std::uint32_t>(m.payload.size())};
        peer.uncharged += m.payload.size();
        if (core::Trace::instance().enabled())
            core::Trace::instance().line(peer.stream->id(), peer.stream->them(), describe(m));
        std::erase(peer.outstanding, ref);
        if (peer.cancelled.erase(ref)) {
            // A block we had cancelled or been choked on: still welcome if nobody else sent it.
        }
        const BlockResult result = picker_.on_block(ref, peer.key);
        if (result.outcome == BlockOutcome::unrequested) {
            if (!peer.cancelled.empty() || options_.seed)
                return;  // in the window after a cancel or choke, a stray block is no fault
            why = "unrequested block: " + describe(m);
            return;
        }
        if (result.outcome == BlockOutcome::duplicate)
            return;
        std::string error;
        if (!storage_.write(ref.piece, ref.begin, m.payload, error)) {
            std::cerr << "layer7: cannot write: " << error << "\n";
            finish(1);
            return;
        }
        peer.downloaded += ref.length;
        downloaded_ += ref.length;
        for (PeerKey other : result.cancel_at) {
            auto it = peers_.find(other);
            if (it == peers_.end())
                continue;
            Remote& o = *it->second;
            std::erase(o.outstanding, ref);
            o.cancelled.insert(ref);
            send(o, Message::cancel(ref.piece, ref.begin, ref.length));
        }
        if (result.piece_done)
            check_piece(ref.piece);
        if (!peer.closing)
            request_more(peer);
    }

    void check_piece(std::uint32_t piece)
    {
        const bool ok = storage_.verify(piece);
        const auto culprits = picker_.on_piece_checked(piece, ok);
        if (!ok) {
            for (PeerKey k : culprits) {
                auto it = peers_.find(k);
                if (it == peers_.end())
                    continue;
                banned_.insert(it->second->peer_id);
                drop(*it->second, "sent piece " + std::to_string(piece) + " that fails its SHA-1 check (banned)");
            }
            return;
        }
        for (auto& [key, p] : peers_) {
            if (!p->closing)
                send(*p, Message::have(piece));
            update_interest(*p);
        }
        if (picker_.complete()) {
            if (options_.notes)
                std::cerr << "layer7: " << meta_.name << " complete: " << meta_.total_length() << " bytes in "
                          << picker_.piece_count() << " pieces, all SHA-1 checked\n";
            if (options_.on_complete)
                options_.on_complete();
            if (!options_.seed && !options_.keep_seeding)
                finish(0);
            else if (announce_wait_)
                announce_wait_->cancel();  // tell the tracker "completed" now
        }
    }

    void update_interest(Remote& peer)
    {
        const bool want = picker_.interesting(peer.has);
        if (want != peer.am_interested && !peer.closing) {
            peer.am_interested = want;
            send(peer, Message::simple(want ? MessageType::interested : MessageType::not_interested));
        }
        if (want)
            request_more(peer);
    }

    // Blocks a peer will not send (it choked us or left) are open again: ask the others for them at
    // once. Else a peer that has sent all we asked of it is never asked again, and the download
    // stalls (the 8-leecher swarm test: the last blocks' requesters had left, the seed sat idle).
    void request_elsewhere()
    {
        for (auto& [key, p] : peers_)
            if (!p->closing)
                request_more(*p);
    }

    void request_more(Remote& peer)
    {
        if (peer.peer_choking || !peer.am_interested || peer.closing || done_)
            return;
        if (peer.outstanding.size() >= options_.pipeline)
            return;
        for (const auto& b : picker_.pick(peer.has, peer.key, options_.pipeline - peer.outstanding.size())) {
            peer.outstanding.push_back(b);
            send(peer, Message::request(b.piece, b.begin, b.length));
        }
    }

    // ---- choking and progress ----

    void rechoke()
    {
        std::vector<ChokePeer> view;
        for (const auto& [key, p] : peers_)
            if (!p->closing)
                view.push_back({key, p->peer_interested, p->downloaded, p->uploaded});
        auto decision = choker_.tick(Clock::now(), view, picker_.complete());
        if (!decision)
            return;
        // Peers by connection id (#N), as every other trace line names them; a full rechoke is
        // told apart from a slot filled or emptied between rechokes.
        std::string note = decision->rechoke ? "choker: rechoke, unchoke" : "choker: unchoke";
        for (PeerKey k : decision->unchoked) {
            const auto it = peers_.find(k);  // the choker saw only peers in peers_
            note += " #" + std::to_string(it == peers_.end() ? 0 : it->second->stream->id()) +
                    (decision->optimistic == k ? "(optimistic)" : "");
        }
        core::Trace::instance().note(0, note);
        for (auto& [key, p] : peers_) {
            if (p->closing)
                continue;
            const bool unchoke =
                std::find(decision->unchoked.begin(), decision->unchoked.end(), key) != decision->unchoked.end();
            if (unchoke && p->am_choking) {
                p->am_choking = false;
                send(*p, Message::simple(MessageType::unchoke));
            } else if (!unchoke && !p->am_choking) {
                p->am_choking = true;
                p->their_requests.clear();  // BEP 3: a choke discards the peer's pending requests
                send(*p, Message::simple(MessageType::choke));
            }
        }
    }

    core::awaitable<void> tick_loop()
    {
        std::uint64_t last_down = 0, last_up = 0;
        const bool tty = ::isatty(STDERR_FILENO);
        while (!done_) {
            tick_.expires_after(1s);
            co_await tick_.async_wait(core::use_tuple);
            if (done_)
                break;
            rechoke();
            if (!options_.progress)
                continue;
            const double down = static_cast<double>(downloaded_ - last_down), up = static_cast<double>(uploaded_ - last_up);
            last_down = downloaded_;
            last_up = uploaded_;
            const std::uint64_t left = picker_.bytes_left();
            const double percent = 100.0 * static_cast<double>(meta_.total_length() - left) /
                                   static_cast<double>(meta_.total_length());
            char line[256];
            std::snprintf(line, sizeof line, "%5.1f%%  %zu/%zu pieces  %zu peers  down %s/s  up %s/s  ETA %s", percent,
                          picker_.have().count(), picker_.piece_count(), peers_.size(), human_bytes(down).c_str(),
                          human_bytes(up).c_str(),
                          left == 0 ? "done"
                          : down > 0 ? (std::to_string(static_cast<long>(static_cast<double>(left) / down)) + "s").c_str()
                                     : "?");
            std::cerr << line << (tty ? "\r" : "\n") << std::flush;
        }
    }

    // The port the tracker is told.
    std::uint16_t announced_port() const { return options_.announce_port ? options_.announce_port : port_; }

    asio::io_context& io_;
    asio::any_io_executor executor_;
    const Metainfo& meta_;
    PeerOptions options_;
    InfoHash hash_;
    std::string peer_id_;
    Storage storage_;
    PiecePicker picker_;
    Choker choker_;
    TokenBucket upload_cap_;    // shared by every connection's writer
    TokenBucket download_cap_;  // and by every connection's reader
    asio::ip::tcp::acceptor acceptor_;
    asio::steady_timer tick_;
    core::Signal all_ended_;  // the spawned coroutines have all ended
    std::size_t tasks_ = 0;   // spawned coroutines still running
    std::uint16_t port_ = 0;
    std::set<Remote*> connections_;  // every connection from its start, handshake included
    std::map<PeerKey, std::shared_ptr<Remote>> peers_;  // those past the handshake
    std::set<std::string> connected_ids_, banned_, attempted_;
    std::size_t connecting_ = 0;
    PeerKey last_key_ = 0;
    std::uint64_t downloaded_ = 0, uploaded_ = 0;
    std::unique_ptr<asio::steady_timer> announce_wait_;
    bool done_ = false;
    int status_ = 0;
};

Peer::Peer(asio::io_context& io, const Metainfo& meta, PeerOptions options)
    : session_(std::make_unique<Session>(io, meta, std::move(options)))
{
}

Peer::~Peer() = default;

core::awaitable<void> Peer::run() { return session_->run(); }
void Peer::stop(int status) { session_->stop(status); }
int Peer::status() const { return session_->status(); }
std::uint64_t Peer::uploaded() const { return session_->uploaded(); }

int run_peer(const Metainfo& meta, const PeerOptions& options)
{
    asio::io_context io;
    Peer peer(io, meta, options);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const std::error_code& ec, int) {
        if (!ec)
            peer.stop(0);
    });
    asio::co_spawn(io, peer.run(), [&](std::exception_ptr e) {
        signals.cancel();
        if (e)
            std::rethrow_exception(e);
    });
    io.run();
    return peer.status();
}

}  // namespace layer7::torrent
