// The metadata fetch: see metadata_fetch.hpp. It is one torrent on a host of its own
// (swarm_host.hpp), which dials, accepts, runs the handshakes (MSE as --encryption says) and each
// connection's reader and writer; each peer past the handshake is a Remote, whose messages it acts on.
// A request can be queued for any peer when another's data or failure frees pieces. Every spawned
// coroutine is in its TaskGroup, and run() returns only once all have ended, as in peer_service.cpp.
#include "torrent/metadata_fetch.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "core/net/signal.hpp"
#include "core/trace/trace.hpp"
#include "torrent/extension_handshake.hpp"
#include "torrent/metadata_exchange.hpp"
#include "torrent/peer_wire.hpp"
#include "torrent/swarm_host.hpp"
#include "torrent/torrent_file.hpp"

namespace layer7::torrent {

namespace {

using namespace std::chrono_literals;

bool is_http(const std::string& url)
{
    return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

}  // namespace

class MetadataFetch::Session final : public SwarmTorrent {
public:
    Session(asio::io_context& io, const Magnet& magnet, const PeerOptions& options)
        : magnet_(magnet), options_(options), exchange_(magnet.info_hash),
          host_(io, {options.listen, options.announce_port, options.encryption, 0, 0, options.notes}), tasks_(io)
    {
        for (const auto& t : magnet_.trackers)
            if (is_http(t))
                trackers_.push_back(t);
    }

    core::awaitable<void> run()
    {
        co_await serve();
        finish(status_);
        co_await tasks_.wait();
        host_.close();
        co_await host_.closed();
    }

    void stop(int status) { finish(status); }
    int status() const { return status_; }
    bool complete() const { return exchange_.complete(); }
    const std::string& metadata() const { return exchange_.metadata(); }

    const InfoHash& info_hash() const override { return magnet_.info_hash; }
    TaskGroup& tasks() override { return tasks_; }

    std::shared_ptr<Conversation> admit(const std::shared_ptr<Link>& link, const Handshake& theirs) override
    {
        if (theirs.peer_id == host_.peer_id() || banned_.contains(theirs.peer_id) ||
            connected_ids_.contains(theirs.peer_id) || done_ || peers_ >= options_.max_peers)
            return nullptr;
        if (!theirs.extensions()) {
            link->drop("no extension protocol (BEP 10), so no metadata to fetch");
            return nullptr;
        }
        auto peer = std::make_shared<Remote>(*this, link);
        peer->peer_id = theirs.peer_id;
        peer->key = ++last_key_;
        connected_ids_.insert(peer->peer_id);
        ++peers_;
        ExtensionHandshake hello;
        hello.extensions = {{std::string(ut_metadata_name), our_ut_metadata_id}};
        hello.port = host_.port();
        hello.client = "layer7 0.1";
        link->send(Message::with_payload(MessageType::extended, encode(hello)), describe(hello));
        return peer;
    }

private:
    struct Remote final : Conversation {
        Remote(Session& session, std::shared_ptr<Link> link) : session(session), link(std::move(link)) {}
        void on_message(const Message& m, std::string& why) override
        {
            if (m.type == MessageType::extended)
                session.on_extended(*this, m, why);
        }
        void on_closed() override { session.on_closed(*this); }

        Session& session;
        std::shared_ptr<Link> link;
        PeerKey key = 0;
        std::string peer_id;
        std::uint8_t their_ut_metadata = 0;  // the id they want ut_metadata messages under
    };

    core::awaitable<void> serve()
    {
        if (done_)
            co_return;
        std::string error;
        if (!host_.open(error)) {
            std::cerr << "layer7: cannot listen on " << core::to_string(options_.listen) << ": " << error << "\n";
            finish(1);
            co_return;
        }
        if (options_.notes)
            std::cerr << "layer7: fetching the metadata of " << magnet_.info_hash.hex() << " from peers, on port "
                      << host_.port() << "\n";
        host_.add(*this);
        co_await announce_loop();
    }

    void finish(int status)
    {
        if (done_)
            return;
        done_ = true;
        status_ = status;
        host_.remove(*this);
        if (announce_wait_)
            announce_wait_->cancel();
    }

    // ---- the trackers ----

    core::awaitable<std::optional<AnnounceReply>> announce(const std::string& tracker, std::string_view event)
    {
        // left: the size is unknown until the metadata is here; anything but 0 says "not a seed".
        co_return co_await host_.announce(tracker, magnet_.info_hash, {0, 0, metadata_piece_size, event});
    }

    core::awaitable<void> announce_loop()
    {
        auto executor = co_await asio::this_coro::executor;
        std::set<std::string> started;  // the trackers that heard "started": they hear "stopped"
        while (!done_) {
            std::chrono::seconds wait = 30s;
            for (const auto& tracker : trackers_) {
                auto reply = co_await announce(tracker, started.contains(tracker) ? "" : "started");
                if (done_)
                    break;
                if (!reply)
                    continue;
                started.insert(tracker);
                for (const auto& p : reply->peers)
                    connect_to(p);
                // Until the metadata is here, ask again as soon as the tracker allows.
                wait = std::min(wait, std::chrono::seconds(std::max<std::int64_t>(reply->min_interval, 2)));
            }
            if (done_)
                break;
            announce_wait_ = std::make_unique<asio::steady_timer>(executor, wait);
            co_await announce_wait_->async_wait(core::use_tuple);
        }
        // The download that follows announces on its own host: this one leaves the swarm.
        for (const auto& tracker : trackers_)
            if (started.contains(tracker))
                co_await announce(tracker, "stopped");
    }

    // ---- connections ----

    void connect_to(const TrackerPeer& p)
    {
        const std::string address = p.ip + ":" + std::to_string(p.port);
        if (done_ || peers_ + connecting_ >= options_.max_peers || attempted_.contains(address) ||
            banned_.contains(address) || host_.is_us(p))
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

    void on_closed(Remote& peer)
    {
        --peers_;
        exchange_.remove_peer(peer.key);
        connected_ids_.erase(peer.peer_id);
        keys_.erase(peer.key);
        if (!done_)
            request_everywhere();  // its pieces in flight go to the others
    }

    void send_metadata(Remote& peer, const MetadataMessage& m)
    {
        Message wire = Message::with_payload(MessageType::extended, encode(m));
        wire.extended_id = peer.their_ut_metadata;
        peer.link->send(wire, describe(m));
    }

    // ---- BEP 10 and BEP 9 ----

    void on_extended(Remote& peer, const Message& m, std::string& why)
    {
        if (m.extended_id == 0) {
            auto h = decode_extension_handshake(m.payload);
            if (!h) {
                why = std::string(to_string(h.error()));
                return;
            }
            core::Trace::instance().line(peer.link->stream().id(), peer.link->stream().them(), describe(*h));
            peer.their_ut_metadata = h->id_of(ut_metadata_name);
            if (peer.their_ut_metadata == 0) {
                why = "no ut_metadata in its extension handshake (BEP 9)";
                return;
            }
            if (!h->metadata_size) {
                why = "no metadata_size in its extension handshake (BEP 9)";
                return;
            }
            keys_[peer.key] = &peer;
            if (!exchange_.add_peer(peer.key, *h->metadata_size)) {
                why = "metadata_size " + std::to_string(*h->metadata_size) + " (0 or over the limit)";
                return;
            }
            request_from(peer);
            return;
        }
        if (m.extended_id != our_ut_metadata_id)
            return;  // an extension we did not offer
        auto message = decode_metadata_message(m.payload);
        if (!message) {
            why = std::string(to_string(message.error()));
            return;
        }
        if (core::Trace::instance().enabled())
            core::Trace::instance().line(peer.link->stream().id(), peer.link->stream().them(), describe(*message));
        switch (message->type) {
        case MetadataMessageType::request:
            if (peer.their_ut_metadata)
                send_metadata(peer, MetadataMessage::reject(message->piece));  // we have none yet
            break;
        case MetadataMessageType::reject:
            exchange_.on_reject(peer.key, message->piece);
            request_from(peer);
            break;
        case MetadataMessageType::data: on_data(peer, *message, why); break;
        case MetadataMessageType::unknown: break;
        }
    }

    void on_data(Remote& peer, const MetadataMessage& m, std::string& why)
    {
        auto result = exchange_.on_data(peer.key, m);
        switch (result.outcome) {
        case MetadataOutcome::ignored: break;
        case MetadataOutcome::stored: request_from(peer); break;
        case MetadataOutcome::bad: why = result.reason; break;
        case MetadataOutcome::complete:
            if (options_.notes)
                std::cerr << "layer7: metadata complete: " << exchange_.size() << " bytes in "
                          << metadata_piece_count(exchange_.size())
                          << " pieces from peers, SHA-1 matches the info-hash\n";
            finish(0);
            break;
        case MetadataOutcome::hash_failed:
            for (PeerKey k : result.culprits) {
                auto it = keys_.find(k);
                if (it == keys_.end())
                    continue;
                banned_.insert(it->second->peer_id);
                banned_.insert(it->second->link->address());
                it->second->link->drop("sent metadata (" + std::to_string(m.total_size) +
                                       " bytes) that fails its SHA-1 check against the info-hash (banned)");
            }
            request_everywhere();
            break;
        }
    }

    void request_from(Remote& peer)
    {
        if (peer.link->closing() || done_)
            return;
        for (std::uint32_t piece : exchange_.requests(peer.key))
            send_metadata(peer, MetadataMessage::request(piece));
    }

    void request_everywhere()
    {
        for (auto& [key, peer] : keys_)
            request_from(*peer);
    }

    const Magnet& magnet_;
    const PeerOptions& options_;
    std::vector<std::string> trackers_;  // the magnet's HTTP ones
    MetadataExchange exchange_;
    SwarmHost host_;
    TaskGroup tasks_;
    std::map<PeerKey, Remote*> keys_;  // those that sent an extension handshake with ut_metadata
    std::set<std::string> connected_ids_, banned_, attempted_;
    std::size_t peers_ = 0, connecting_ = 0;
    PeerKey last_key_ = 0;
    std::unique_ptr<asio::steady_timer> announce_wait_;
    bool done_ = false;
    int status_ = 0;
};

MetadataFetch::MetadataFetch(asio::io_context& io, const Magnet& magnet, const PeerOptions& options)
    : session_(std::make_unique<Session>(io, magnet, options))
{
}

MetadataFetch::~MetadataFetch() = default;

core::awaitable<void> MetadataFetch::run()
{
    return session_->run();
}
void MetadataFetch::stop(int status)
{
    session_->stop(status);
}
int MetadataFetch::status() const
{
    return session_->status();
}
bool MetadataFetch::complete() const
{
    return session_->complete();
}
const std::string& MetadataFetch::metadata() const
{
    return session_->metadata();
}

int run_magnet(const Magnet& magnet, const PeerOptions& options, bool save_metadata)
{
    const bool has_http_tracker = std::any_of(magnet.trackers.begin(), magnet.trackers.end(), is_http);
    if (!has_http_tracker) {
        std::cerr << "layer7: the magnet link names no HTTP tracker (tr=); without DHT, layer7 finds peers only "
                     "through one\n";
        return 1;
    }
    std::string info;
    {
        asio::io_context io;
        MetadataFetch fetch(io, magnet, options);
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const std::error_code& ec, int) {
            if (!ec)
                fetch.stop(0);
        });
        asio::co_spawn(io, fetch.run(), [&](std::exception_ptr e) {
            signals.cancel();
            if (e)
                std::rethrow_exception(e);
        });
        io.run();
        if (!fetch.complete())
            return fetch.status();
        info = fetch.metadata();
    }
    const std::string file = torrent_from_info(info, magnet.trackers);
    auto meta = parse_metainfo(file);
    if (!meta) {
        std::cerr << "layer7: the metadata from peers matches the info-hash but is not a torrent we take: "
                  << to_string(meta.error()) << "\n";
        return 1;
    }
    if (save_metadata) {
        // aria2c's name and rule: DIR/<info-hash in hex>.torrent, and an existing file is kept.
        const auto path = std::filesystem::path(options.dir) / (magnet.info_hash.hex() + ".torrent");
        std::error_code ec;
        std::string error;
        if (std::filesystem::exists(path, ec)) {
            if (options.notes)
                std::cerr << "layer7: " << path.string() << " exists; metadata not saved\n";
        } else if (std::filesystem::create_directories(options.dir, ec),
                   !write_file_atomically(path.string(), file, error)) {
            std::cerr << "layer7: cannot save the metadata: " << error << "\n";
        } else if (options.notes) {
            std::cerr << "layer7: metadata saved as " << path.string() << "\n";
        }
    }
    return run_peer(*meta, options);
}

}  // namespace layer7::torrent
