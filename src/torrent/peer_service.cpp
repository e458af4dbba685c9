// The peer shell: see peer_service.hpp. The connections are the host's (swarm_host.hpp): it dials,
// accepts, runs the handshakes, reads each connection and writes what is queued. A Session is one
// torrent on it: each peer past the handshake is a Remote, whose messages it acts on, and whose
// writer it gives the peer's requested blocks one at a time (read from disk as it goes, so memory per
// peer is one block plus the queue of small messages), each when the host's upload cap lets it go.
// Every coroutine the session spawns is in its TaskGroup, and run() returns only once all have ended.
#include "torrent/peer_service.hpp"

#include <unistd.h>

#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "core/net/signal.hpp"
#include "core/trace/trace.hpp"
#include "torrent/extension_handshake.hpp"
#include "torrent/peer_wire.hpp"
#include "torrent/piece_picker.hpp"
#include "torrent/progress.hpp"
#include "torrent/request_depth.hpp"
#include "torrent/storage.hpp"
#include "torrent/swarm_host.hpp"
#include "torrent/ut_metadata.hpp"

namespace layer7::torrent {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Past this much queued for a peer, its ut_metadata requests are rejected: it asks faster than it reads.
constexpr std::size_t metadata_backlog = 1u << 20;
// Requests in flight per peer (request_depth.hpp): a second of what it sends, at least 2 (one
// arriving, one waiting), 4 before anything was measured, at most PeerOptions::pipeline.
constexpr std::size_t min_requests = 2, first_requests = 4;
constexpr double request_queue_seconds = 1.0;

HostOptions host_options(const PeerOptions& options)
{
    return {options.listen,      options.announce_port, options.encryption,
            options.upload_rate, options.download_rate, options.notes};
}

}  // namespace

class Peer::Session final : public SwarmTorrent {
public:
    // On a host of its own, which it opens and closes; or on `shared`, which its owner opens.
    Session(asio::io_context& io, SwarmHost* shared, const Metainfo& meta, PeerOptions options)
        : own_host_(shared ? nullptr : std::make_unique<SwarmHost>(io, host_options(options))),
          host_(shared ? *shared : *own_host_), meta_(meta), options_(std::move(options)),
          hash_(info_hash_of(meta.info_bytes)), hash_hex_(hash_.hex()), storage_(meta, options_.dir),
          picker_(meta.total_length(), meta.piece_length, std::random_device{}(), options_.picker),
          choker_(options_.choker, std::random_device{}()), tick_(io), tasks_(io)
    {
    }

    core::awaitable<void> run()
    {
        co_await serve();
        finish(status_);
        co_await tasks_.wait();
        if (own_host_) {
            own_host_->close();
            co_await own_host_->closed();
        }
        json_line("stopped");
    }

    void stop(int status) { finish(status); }
    int status() const { return status_; }
    std::uint64_t uploaded() const { return uploaded_; }

    const InfoHash& info_hash() const override { return hash_; }
    TaskGroup& tasks() override { return tasks_; }

    std::shared_ptr<Conversation> admit(const std::shared_ptr<Link>& link, const Handshake& theirs) override
    {
        if (theirs.peer_id == host_.peer_id() || banned_.contains(theirs.peer_id) ||
            connected_ids_.contains(theirs.peer_id) || done_ || peers_.size() >= options_.max_peers)
            return nullptr;  // ourselves, a banned peer, a second connection to the same peer, or no room
        auto peer = std::make_shared<Remote>(*this, link);
        peer->has = Bitfield(picker_.piece_count());
        peer->peer_id = theirs.peer_id;
        peer->key = ++last_key_;
        peers_[peer->key] = peer;
        connected_ids_.insert(peer->peer_id);
        if (theirs.extensions())
            send(*peer, Message::with_payload(MessageType::extended, encode(extension_handshake())));
        if (!picker_.have().none())
            send(*peer, Message::with_payload(MessageType::bitfield, picker_.have().to_wire()));
        return peer;
    }

private:
    // A peer at the other end of one connection, as we see it.
    struct Remote final : Conversation {
        Remote(Session& session, std::shared_ptr<Link> link)
            : session(session), link(std::move(link)),
              depth(min_requests, session.options_.pipeline, first_requests, request_queue_seconds)
        {
        }
        void on_message(const Message& m, std::string& why) override { session.on_message(*this, m, why); }
        std::optional<Clock::time_point> read_after() override { return session.read_after(*this); }
        std::optional<Clock::time_point> fill() override { return session.fill(*this); }
        void on_closed() override { session.on_closed(*this); }

        Session& session;
        std::shared_ptr<Link> link;
        PeerKey key = 0;
        std::string peer_id;
        Bitfield has;
        bool am_choking = true, am_interested = false, peer_choking = true, peer_interested = false;
        std::vector<BlockRef> outstanding;  // our requests in flight
        RequestDepth depth;                 // how many of them to keep
        std::uint64_t downloaded_last_second = 0;
        std::set<BlockRef> cancelled;         // cancelled or choked away: a late block is not a fault
        std::deque<BlockRef> their_requests;  // theirs, served by the writer while they are unchoked
        std::optional<BlockRef> paced;        // read from disk, waiting for the upload cap
        std::string block;                    // its bytes
        Clock::time_point paced_at{};
        std::uint64_t downloaded = 0, uploaded = 0;
        std::size_t uncharged = 0;           // piece data read but not yet taken from the download cap
        bool bitfield_allowed = true;        // BEP 3: only as the first message (BEP 10's handshake may precede it)
        std::uint8_t their_ut_metadata = 0;  // BEP 9: the id they want ut_metadata messages under; 0: none
    };

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
        if (own_host_ && !own_host_->open(error)) {
            std::cerr << "layer7: cannot listen on " << core::to_string(options_.listen) << ": " << error << "\n";
            finish(1);
            co_return;
        }
        if (!options_.seed && picker_.complete()) {
            if (options_.notes)
                std::cerr << "layer7: " << meta_.name << " is already complete in " << options_.dir << "\n";
            json_line("complete");
            if (options_.on_complete)
                options_.on_complete();
            if (!options_.keep_seeding) {
                finish(0);
                co_return;
            }
        }
        if (options_.notes)
            std::cerr << "layer7: " << (options_.seed ? "seeding " : "downloading ") << meta_.name << " ("
                      << hash_.hex() << ") on port " << host_.port() << "\n";
        host_.add(*this);
        tasks_.spawn(tick_loop());
        co_await announce_loop();
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

    void finish(int status)
    {
        if (done_)
            return;
        done_ = true;
        status_ = status;
        host_.remove(*this);  // closes every connection, those in their handshakes too
        tick_.cancel();
        if (announce_wait_)
            announce_wait_->cancel();
    }

    // ---- the tracker ----

    core::awaitable<std::optional<AnnounceReply>> announce(std::string_view event)
    {
        auto reply =
            co_await host_.announce(meta_.announce, hash_, {uploaded_, downloaded_, picker_.bytes_left(), event});
        if (reply && options_.on_announced)
            options_.on_announced();
        co_return reply;
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
        if (peers_.size() + connecting_ >= options_.max_peers || done_ || host_.is_us(p))
            return;
        const std::string address = p.ip + ":" + std::to_string(p.port);
        if (banned_.contains(address) || attempted_.contains(address))
            return;
        attempted_.insert(address);
        ++connecting_;
        tasks_.spawn(dial(core::HostPort{p.ip, p.port}, address));
    }

    core::awaitable<void> dial(core::HostPort hp, std::string address)
    {
        co_await host_.dial(hp, *this);
        --connecting_;
        attempted_.erase(address);
    }

    void send(Remote& peer, const Message& m) { peer.link->send(m); }

    void drop(Remote& peer, std::string_view why) { peer.link->drop(why); }

    void on_closed(Remote& peer)
    {
        core::Trace::instance().note(peer.link->stream().id(), "peer " + peer.link->address() + " gone");
        picker_.abort_peer(peer.key);
        picker_.remove_peer(peer.has);
        connected_ids_.erase(peer.peer_id);
        peers_.erase(peer.key);
        request_from_all();
        if (!done_)
            rechoke();
    }

    // The download cap: what the peer sent since the last read is charged, and due then.
    std::optional<Clock::time_point> read_after(Remote& peer)
    {
        if (peer.uncharged == 0 || host_.download_cap().rate() <= 0)
            return std::nullopt;
        return host_.download_cap().reserve(Clock::now(), std::exchange(peer.uncharged, 0));
    }

    // The writer's next block: read from disk when the peer asked for one, sent once the upload cap
    // lets it go, unless the peer was choked meanwhile (BEP 3: a choke discards its requests; the
    // cap's share is spent all the same).
    std::optional<Clock::time_point> fill(Remote& peer)
    {
        if (!peer.paced && !peer.am_choking && !peer.their_requests.empty()) {
            peer.paced = peer.their_requests.front();
            peer.their_requests.pop_front();
            if (!storage_.read(peer.paced->piece, peer.paced->begin, peer.paced->length, peer.block)) {
                drop(peer, "cannot read piece " + std::to_string(peer.paced->piece) + " from disk");
                return std::nullopt;
            }
            peer.paced_at = host_.upload_cap().reserve(Clock::now(), peer.block.size());
        }
        if (peer.paced && Clock::now() >= peer.paced_at) {
            const BlockRef r = *peer.paced;
            peer.paced.reset();
            if (!peer.am_choking) {
                core::Stream& stream = peer.link->stream();
                if (core::Trace::instance().enabled())
                    core::Trace::instance().line(stream.id(), stream.us(),
                                                 "piece " + std::to_string(r.piece) + " " + std::to_string(r.begin) +
                                                     " (" + std::to_string(r.length) + " bytes)");
                peer.link->send_encoded(encode_piece_head(r.piece, r.begin, peer.block.size()));
                peer.link->send_encoded(peer.block);
                peer.uploaded += r.length;
                uploaded_ += r.length;
            }
        }
        if (peer.paced)
            return peer.paced_at;
        return std::nullopt;
    }

    // ---- messages ----

    void on_message(Remote& peer, const Message& m, std::string& why)
    {
        if (core::Trace::instance().enabled() && m.type != MessageType::piece)
            core::Trace::instance().line(peer.link->stream().id(), peer.link->stream().them(), describe(m));
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
            request_from_all();
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
            peer.link->wake();
            break;
        }
        case MessageType::cancel: std::erase(peer.their_requests, BlockRef{m.index, m.begin, m.length}); break;
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
        h.port = host_.port();
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
                core::Trace::instance().note(peer.link->stream().id(), describe(*h));
                peer.their_ut_metadata = h->id_of(ut_metadata_name);
            }
            return;
        }
        if (m.extended_id != our_ut_metadata_id || peer.their_ut_metadata == 0)
            return;
        auto request = decode_metadata_message(m.payload);
        if (!request || request->type != MetadataMessageType::request)
            return;
        core::Trace::instance().note(peer.link->stream().id(), describe(*request));
        const MetadataMessage reply = peer.link->queued() > metadata_backlog
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
            core::Trace::instance().line(peer.link->stream().id(), peer.link->stream().them(), describe(m));
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
        if (!peer.link->closing())
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
            if (!p->link->closing())
                send(*p, Message::have(piece));
            update_interest(*p);
        }
        if (picker_.complete()) {
            if (options_.notes)
                std::cerr << "layer7: " << meta_.name << " complete: " << meta_.total_length() << " bytes in "
                          << picker_.piece_count() << " pieces, all SHA-1 checked\n";
            json_line("complete");
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
        if (want != peer.am_interested && !peer.link->closing()) {
            peer.am_interested = want;
            send(peer, Message::simple(want ? MessageType::interested : MessageType::not_interested));
        }
        if (want)
            request_more(peer);
    }

    // Tops up every peer's requests. Called when blocks a peer will not send (it choked us or
    // left) are open again, so the others are asked for them at once: else a peer that has sent all
    // we asked of it is never asked again, and the download stalls (the 8-leecher swarm test: the
    // last blocks' requesters had left, the seed sat idle). And when the depths have changed.
    void request_from_all()
    {
        for (auto& [key, p] : peers_)
            request_more(*p);
    }

    void request_more(Remote& peer)
    {
        if (peer.peer_choking || !peer.am_interested || peer.link->closing() || done_)
            return;
        const std::size_t depth = peer.depth.depth();
        if (peer.outstanding.size() >= depth)
            return;
        for (const auto& b : picker_.pick(peer.has, peer.key, depth - peer.outstanding.size())) {
            peer.outstanding.push_back(b);
            send(peer, Message::request(b.piece, b.begin, b.length));
        }
    }

    // ---- choking and progress ----

    // Each peer's request depth follows what it sent in the last second.
    void adjust_request_depths()
    {
        for (auto& [key, p] : peers_)
            p->depth.on_second(p->downloaded - std::exchange(p->downloaded_last_second, p->downloaded));
        request_from_all();
    }

    void rechoke()
    {
        std::vector<ChokePeer> view;
        for (const auto& [key, p] : peers_)
            if (!p->link->closing())
                view.push_back({key, p->peer_interested, p->downloaded, p->uploaded});
        auto decision = choker_.tick(Clock::now(), view, picker_.complete());
        if (!decision)
            return;
        // Peers by connection id (#N), as every other trace line names them; a full rechoke is
        // told apart from a slot filled or emptied between rechokes.
        std::string note = decision->rechoke ? "choker: rechoke, unchoke" : "choker: unchoke";
        for (PeerKey k : decision->unchoked) {
            const auto it = peers_.find(k);  // the choker saw only peers in peers_
            note += " #" + std::to_string(it == peers_.end() ? 0 : it->second->link->stream().id()) +
                    (decision->optimistic == k ? "(optimistic)" : "");
        }
        core::Trace::instance().note(0, note);
        for (auto& [key, p] : peers_) {
            if (p->link->closing())
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
            adjust_request_depths();
            const Progress p =
                progress(static_cast<double>(downloaded_ - last_down), static_cast<double>(uploaded_ - last_up));
            last_down = downloaded_;
            last_up = uploaded_;
            if (options_.json)
                std::cout << progress_json(p, "status") << std::endl;
            else if (options_.progress)  // several torrents on one host: each line says whose it is
                std::cerr << (own_host_ ? "" : meta_.name + ": ") << progress_line(p) << (tty ? "\r" : "\n")
                          << std::flush;
        }
    }

    // With --json, the line for `event` ("complete", "stopped"; "status" lines come from tick_loop).
    void json_line(std::string_view event) const
    {
        if (options_.json)
            std::cout << progress_json(progress(0, 0), event) << std::endl;
    }

    // The figures the progress line and --json show; rates in bytes/s.
    Progress progress(double down_rate, double up_rate) const
    {
        Progress p;
        p.name = meta_.name;
        p.info_hash = hash_hex_;
        p.pieces = picker_.piece_count();
        p.pieces_have = picker_.have().count();
        p.peers = peers_.size();
        p.size = meta_.total_length();
        p.left = picker_.bytes_left();
        p.downloaded = downloaded_;
        p.uploaded = uploaded_;
        p.down_rate = down_rate;
        p.up_rate = up_rate;
        p.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        return p;
    }

    std::unique_ptr<SwarmHost> own_host_;  // a standalone peer's
    SwarmHost& host_;
    const Metainfo& meta_;
    PeerOptions options_;
    InfoHash hash_;
    std::string hash_hex_;
    Storage storage_;
    PiecePicker picker_;
    Choker choker_;
    asio::steady_timer tick_;
    TaskGroup tasks_;
    std::map<PeerKey, std::shared_ptr<Remote>> peers_;  // those past the handshake
    std::set<std::string> connected_ids_, banned_, attempted_;
    std::size_t connecting_ = 0;
    PeerKey last_key_ = 0;
    std::uint64_t downloaded_ = 0, uploaded_ = 0;
    Clock::time_point started_ = Clock::now();
    std::unique_ptr<asio::steady_timer> announce_wait_;
    bool done_ = false;
    int status_ = 0;
};

Peer::Peer(asio::io_context& io, const Metainfo& meta, PeerOptions options)
    : session_(std::make_unique<Session>(io, nullptr, meta, std::move(options)))
{
}

Peer::Peer(SwarmHost& host, asio::io_context& io, const Metainfo& meta, PeerOptions options)
    : session_(std::make_unique<Session>(io, &host, meta, std::move(options)))
{
}

Peer::~Peer() = default;

core::awaitable<void> Peer::run()
{
    return session_->run();
}
void Peer::stop(int status)
{
    session_->stop(status);
}
int Peer::status() const
{
    return session_->status();
}
std::uint64_t Peer::uploaded() const
{
    return session_->uploaded();
}

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

namespace {

// Every torrent's run() to its end, then the host's.
core::awaitable<void> run_all(asio::io_context& io, std::vector<std::unique_ptr<Peer>>& peers, SwarmHost& host,
                              asio::signal_set& signals)
{
    TaskGroup running(io);
    for (auto& peer : peers)
        running.spawn(peer->run());
    co_await running.wait();
    signals.cancel();
    host.close();
    co_await host.closed();
}

}  // namespace

int run_peers(const std::vector<Metainfo>& metas, const PeerOptions& options)
{
    asio::io_context io;
    SwarmHost host(io, host_options(options));
    std::string error;
    if (!host.open(error)) {
        std::cerr << "layer7: cannot listen on " << core::to_string(options.listen) << ": " << error << "\n";
        return 1;
    }
    std::vector<std::unique_ptr<Peer>> peers;
    for (const auto& meta : metas)
        peers.push_back(std::make_unique<Peer>(host, io, meta, options));
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const std::error_code& ec, int) {
        if (!ec)
            for (auto& peer : peers)
                peer->stop(0);
    });
    asio::co_spawn(io, run_all(io, peers, host, signals), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
    io.run();
    int status = 0;
    for (const auto& peer : peers)
        status = std::max(status, peer->status());
    return status;
}

}  // namespace layer7::torrent
