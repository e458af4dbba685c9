// The metadata fetch: see metadata_fetch.hpp. One coroutine reads each connection and acts on its
// messages; a second writes what was queued for it (a request can be queued for any peer when
// another's data or failure frees pieces). Every spawned coroutine is counted, and run() returns
// only once all have ended, as in peer_service.cpp.
#include "torrent/metadata_fetch.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "core/net/resolve.hpp"
#include "core/net/signal.hpp"
#include "core/net/stream.hpp"
#include "http/client/fetch.hpp"
#include "http/message/target.hpp"
#include "torrent/announce_reply.hpp"
#include "torrent/extension_handshake.hpp"
#include "torrent/metadata_exchange.hpp"
#include "torrent/peer_wire.hpp"
#include "torrent/torrent_file.hpp"

namespace layer7::torrent {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace hc = http::client;

constexpr auto handshake_timeout = 20s;
constexpr auto idle_timeout = 150s;  // BEP 3: keep-alives come every two minutes
constexpr auto keep_alive_every = 90s;
constexpr std::size_t read_chunk = 64 * 1024;
// What a peer may send while we only want the metadata: a bitfield of a large torrent, a piece of
// metadata. Anything larger ends the connection (WireError::message_too_large).
constexpr WireLimits fetch_wire_limits{.max_message = (1u << 20) + 13, .max_block = 128 * 1024};

struct Remote {
    PeerKey key = 0;
    std::unique_ptr<core::Stream> stream;
    std::unique_ptr<asio::steady_timer> wake;
    std::string address, peer_id;
    std::uint8_t their_ut_metadata = 0;  // the id they want ut_metadata messages under
    std::string out;                     // queued for the writer
    bool closing = false;
};

}  // namespace

class MetadataFetch::Session {
public:
    Session(asio::io_context& io, const Magnet& magnet, const PeerOptions& options)
        : io_(io),
          executor_(io.get_executor()),
          magnet_(magnet),
          options_(options),
          exchange_(magnet.info_hash),
          acceptor_(io),
          all_ended_(executor_)
    {
        for (const auto& t : magnet_.trackers)
            if (t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0)
                trackers_.push_back(t);
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
    bool complete() const { return exchange_.complete(); }
    const std::string& metadata() const { return exchange_.metadata(); }

private:
    core::awaitable<void> serve()
    {
        if (done_)
            co_return;
        std::string error;
        if (!listen(error)) {
            std::cerr << "layer7: cannot listen on " << core::to_string(options_.listen) << ": " << error << "\n";
            finish(1);
            co_return;
        }
        if (options_.notes)
            std::cerr << "layer7: fetching the metadata of " << magnet_.info_hash.hex() << " from peers, on port "
                      << port_ << "\n";
        spawn(accept_loop());
        co_await announce_loop();
    }

    void spawn(core::awaitable<void> task)
    {
        ++tasks_;
        asio::co_spawn(io_, std::move(task), [this](std::exception_ptr) {
            if (--tasks_ == 0)
                all_ended_.notify();
        });
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
        for (Remote* peer : connections_)
            close(*peer);
        if (announce_wait_)
            announce_wait_->cancel();
    }

    void close(Remote& peer)
    {
        peer.closing = true;
        std::error_code ignored;
        peer.stream->socket().close(ignored);
        peer.wake->cancel();
    }

    // ---- the trackers ----

    core::awaitable<std::optional<AnnounceReply>> announce(const std::string& tracker, std::string_view event)
    {
        std::string url = tracker;
        url += url.find('?') == std::string::npos ? '?' : '&';
        // left: the size is unknown until the metadata is here; anything but 0 says "not a seed".
        url += "info_hash=" + http::percent_encode(magnet_.info_hash.raw(), "") +
               "&peer_id=" + http::percent_encode(peer_id_, "") + "&port=" + std::to_string(port_) +
               "&uploaded=0&downloaded=0&left=" + std::to_string(metadata_piece_size) + "&compact=1&numwant=50";
        if (!event.empty())
            url += "&event=" + std::string(event);
        hc::Options client_options;
        client_options.connect_timeout = 10s;
        client_options.io_timeout = 15s;
        hc::Client client(client_options);
        http::Request request;
        request.method = http::Method(http::MethodId::get);
        request.fields.add("User-Agent", "layer7/0.1");
        auto result = co_await hc::fetch(client, url, request, std::string(), hc::FetchOptions{});
        if (!result) {
            std::cerr << "layer7: tracker " << tracker << ": " << hc::describe(result.error().error) << " "
                      << result.error().detail << "\n";
            co_return std::nullopt;
        }
        auto reply = parse_announce_reply(result->last.body);
        if (!reply) {
            std::cerr << "layer7: tracker " << tracker << ": " << reply.error() << "\n";
            co_return std::nullopt;
        }
        co_return std::move(reply).value();
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
        // The download that follows announces under its own peer id: this one leaves the swarm.
        for (const auto& tracker : trackers_)
            if (started.contains(tracker))
                co_await announce(tracker, "stopped");
    }

    // ---- connections ----

    void connect_to(const TrackerPeer& p)
    {
        const std::string address = p.ip + ":" + std::to_string(p.port);
        if (done_ || connections_.size() + connecting_ >= options_.max_peers || attempted_.contains(address) ||
            banned_.contains(address))
            return;
        if (p.port == port_ && (p.ip == "127.0.0.1" || p.ip == options_.listen.host))
            return;  // ourselves
        attempted_.insert(address);
        ++connecting_;
        spawn(dial(core::HostPort{p.ip, p.port}, address));
    }

    core::awaitable<void> dial(core::HostPort hp, std::string address)
    {
        auto [ec, socket] = co_await core::connect_tcp(hp, 10s);
        --connecting_;
        if (!ec && !done_)
            co_await serve_peer(std::move(socket), core::Role::client);
        attempted_.erase(address);
    }

    core::awaitable<void> accept_loop()
    {
        while (!done_) {
            auto [ec, socket] = co_await acceptor_.async_accept(core::use_tuple);
            if (ec)
                co_return;
            if (connections_.size() >= options_.max_peers)
                continue;
            spawn(serve_peer(std::move(socket), core::Role::server));
        }
    }

    core::awaitable<void> serve_peer(asio::ip::tcp::socket socket, core::Role role)
    {
        auto peer = std::make_shared<Remote>();
        peer->stream = std::make_unique<core::Stream>(std::move(socket), role);
        peer->wake = std::make_unique<asio::steady_timer>(io_);
        peer->address = peer->stream->peer_string();
        if (done_)
            co_return;
        connections_.insert(peer.get());
        co_await converse(peer);
        connections_.erase(peer.get());
    }

    void drop(Remote& peer, std::string_view why)
    {
        if (peer.closing)
            return;
        if (options_.notes)
            std::cerr << "layer7: dropping peer " << peer.address << ": " << why << "\n";
        close(peer);
    }

    void send(Remote& peer, const Message& m, std::string_view what)
    {
        if (core::Trace::instance().enabled())
            core::Trace::instance().line(peer.stream->id(), peer.stream->us(), what);
        peer.out += encode(m);
        peer.wake->cancel();
    }

    void send_metadata(Remote& peer, const MetadataMessage& m)
    {
        Message wire = Message::with_payload(MessageType::extended, encode(m));
        wire.extended_id = peer.their_ut_metadata;
        send(peer, wire, describe(m));
    }

    core::awaitable<void> converse(std::shared_ptr<Remote> peer)
    {
        core::Stream& stream = *peer->stream;
        stream.set_timeout(handshake_timeout);
        Handshake ours;
        ours.info_hash = magnet_.info_hash;
        ours.peer_id = peer_id_;
        ours.set_extensions();
        core::Trace::instance().line(stream.id(), stream.us(), describe(ours));
        if (co_await stream.write(encode_handshake(ours), false))
            co_return;
        WireDecoder decoder(fetch_wire_limits);
        std::string buffer(read_chunk, '\0');
        std::optional<Handshake> theirs;
        while (!theirs) {
            auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
            if (ec || n == 0)
                co_return;
            decoder.feed(std::string_view(buffer.data(), n));
            auto h = decoder.handshake();
            if (!h) {
                drop(*peer, to_string(h.error()));
                co_return;
            }
            theirs = *h;
        }
        core::Trace::instance().line(stream.id(), stream.them(), describe(*theirs));
        if (theirs->info_hash != magnet_.info_hash) {
            drop(*peer, "wrong info-hash " + theirs->info_hash.hex());
            co_return;
        }
        if (theirs->peer_id == peer_id_ || banned_.contains(theirs->peer_id) || connected_ids_.contains(theirs->peer_id) ||
            done_)
            co_return;
        if (!theirs->extensions()) {
            drop(*peer, "no extension protocol (BEP 10), so no metadata to fetch");
            co_return;
        }
        peer->peer_id = theirs->peer_id;
        peer->key = ++last_key_;
        connected_ids_.insert(peer->peer_id);
        stream.set_timeout(idle_timeout);
        ExtensionHandshake hello;
        hello.extensions = {{std::string(ut_metadata_name), our_ut_metadata_id}};
        hello.port = port_;
        hello.client = "layer7 0.1";
        send(*peer, Message::with_payload(MessageType::extended, encode(hello)), describe(hello));
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
                if ((*m)->type == MessageType::extended)
                    on_extended(*peer, **m, why);
                if (!why.empty() || peer->closing)
                    break;
            }
            if (!why.empty() || peer->closing)
                break;
            auto [ec, n] = co_await stream.read_some(asio::buffer(buffer));
            if (ec || n == 0)
                break;
            decoder.feed(std::string_view(buffer.data(), n));
        }
        if (!why.empty())
            drop(*peer, why);
        close(*peer);
        exchange_.remove_peer(peer->key);
        connected_ids_.erase(peer->peer_id);
        keys_.erase(peer->key);
        if (!done_)
            request_everywhere();  // its pieces in flight go to the others
    }

    core::awaitable<void> write_loop(std::shared_ptr<Remote> peer)
    {
        while (!peer->closing) {
            if (peer->out.empty()) {
                peer->wake->expires_after(keep_alive_every);
                auto [ec] = co_await peer->wake->async_wait(core::use_tuple);
                if (!ec && !peer->closing && peer->out.empty())
                    send(*peer, Message{}, "keep-alive");
                continue;
            }
            const std::string sending = std::move(peer->out);
            peer->out.clear();
            if (co_await peer->stream->write(sending, false)) {
                drop(*peer, peer->stream->timed_out() ? "timed out" : "connection lost");
                break;
            }
        }
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
            core::Trace::instance().line(peer.stream->id(), peer.stream->them(), describe(*h));
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
            core::Trace::instance().line(peer.stream->id(), peer.stream->them(), describe(*message));
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
                          << metadata_piece_count(exchange_.size()) << " pieces from peers, SHA-1 matches the info-hash\n";
            finish(0);
            break;
        case MetadataOutcome::hash_failed:
            for (PeerKey k : result.culprits) {
                auto it = keys_.find(k);
                if (it == keys_.end())
                    continue;
                banned_.insert(it->second->peer_id);
                banned_.insert(it->second->address);
                drop(*it->second, "sent metadata (" + std::to_string(m.total_size) +
                                      " bytes) that fails its SHA-1 check against the info-hash (banned)");
            }
            request_everywhere();
            break;
        }
    }

    void request_from(Remote& peer)
    {
        if (peer.closing || done_)
            return;
        for (std::uint32_t piece : exchange_.requests(peer.key))
            send_metadata(peer, MetadataMessage::request(piece));
    }

    void request_everywhere()
    {
        for (auto& [key, peer] : keys_)
            request_from(*peer);
    }

    asio::io_context& io_;
    asio::any_io_executor executor_;
    const Magnet& magnet_;
    const PeerOptions& options_;
    std::vector<std::string> trackers_;  // the magnet's HTTP ones
    std::string peer_id_;
    MetadataExchange exchange_;
    asio::ip::tcp::acceptor acceptor_;
    core::Signal all_ended_;
    std::size_t tasks_ = 0;
    std::uint16_t port_ = 0;
    std::set<Remote*> connections_;        // every connection from its start
    std::map<PeerKey, Remote*> keys_;      // those that sent an extension handshake with ut_metadata
    std::set<std::string> connected_ids_, banned_, attempted_;
    std::size_t connecting_ = 0;
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

core::awaitable<void> MetadataFetch::run() { return session_->run(); }
void MetadataFetch::stop(int status) { session_->stop(status); }
int MetadataFetch::status() const { return session_->status(); }
bool MetadataFetch::complete() const { return session_->complete(); }
const std::string& MetadataFetch::metadata() const { return session_->metadata(); }

int run_magnet(const Magnet& magnet, const PeerOptions& options, bool save_metadata)
{
    const bool has_http_tracker = std::any_of(magnet.trackers.begin(), magnet.trackers.end(), [](const auto& t) {
        return t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0;
    });
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
        } else if (std::filesystem::create_directories(options.dir, ec), !write_file_atomically(path.string(), file, error)) {
            std::cerr << "layer7: cannot save the metadata: " << error << "\n";
        } else if (options.notes) {
            std::cerr << "layer7: metadata saved as " << path.string() << "\n";
        }
    }
    return run_peer(*meta, options);
}

}  // namespace layer7::torrent
