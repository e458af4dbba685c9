// The BitTorrent host of one process: one listening socket for all its torrents, the dialling, the
// start of every connection (MSE or the plain handshake, peer_link.hpp, then both BitTorrent
// handshakes), each connection's reader and writer, and the announce to a tracker. A torrent is added
// under its info-hash; an accepted connection goes to the torrent its peer's handshake (under MSE,
// SKEY) names, and one for a torrent not here is dropped. What is said after the handshakes is the
// torrent's Conversation: the download and seeding (peer_service.cpp) and a magnet's metadata fetch
// (metadata_fetch.cpp) are the two. The upload and download caps are the host's, so they hold for
// all its torrents together (aria2c's --max-overall-upload-limit).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/net/asio.hpp"
#include "core/net/signal.hpp"
#include "core/net/stream.hpp"
#include "core/text/host_port.hpp"
#include "torrent/announce_reply.hpp"
#include "torrent/info_hash.hpp"
#include "torrent/peer_link.hpp"
#include "torrent/peer_wire.hpp"
#include "torrent/token_bucket.hpp"

namespace layer7::torrent {

// Coroutines run beside their owner, which waits for all of them before it goes away.
class TaskGroup {
public:
    explicit TaskGroup(asio::io_context& io) : io_(io), executor_(io.get_executor()), all_ended_(executor_) {}
    void spawn(core::awaitable<void> task);
    // Until none is running.
    core::awaitable<void> wait();

private:
    asio::io_context& io_;
    asio::any_io_executor executor_;
    core::Signal all_ended_;
    std::size_t running_ = 0;
};

// One connection, from its first byte: the stream, its cipher, what waits for the writer.
class Link {
public:
    Link(asio::ip::tcp::socket socket, core::Role role, bool notes);
    core::Stream& stream() { return *stream_; }
    const std::string& address() const { return address_; }
    // Queues a message for the writer; --trace shows `trace`, or describe(m) when it is empty.
    void send(const Message& m, std::string_view trace = {});
    // Queues bytes already encoded (a block after its piece head).
    void send_encoded(std::string_view bytes) { out_ += bytes; }
    std::size_t queued() const { return out_.size(); }
    // Wakes the writer: the conversation has something for fill().
    void wake() { wake_.cancel(); }
    // "dropping peer ADDR: why" (unless quiet), then close().
    void drop(std::string_view why);
    // Closes the socket, which ends the reader and the writer.
    void close();
    bool closing() const { return closing_; }

private:
    friend class SwarmHost;
    std::unique_ptr<core::Stream> stream_;
    std::string address_;
    bool notes_;
    LinkCipher cipher_;  // RC4 both ways when MSE selected it
    std::string out_;
    asio::steady_timer wake_;               // the writer's wait, cut short by send()
    asio::steady_timer* paused_ = nullptr;  // the reader's wait for the download cap
    bool closing_ = false;
};

// What a torrent says on one connection once both handshakes are through.
class Conversation {
public:
    virtual ~Conversation() = default;
    // A message from the peer; setting `why` drops the peer with that reason.
    virtual void on_message(const Message& m, std::string& why) = 0;
    // Before the reader reads again: until when it waits (the download cap), if at all.
    virtual std::optional<std::chrono::steady_clock::time_point> read_after() { return std::nullopt; }
    // Before the writer waits: queues on the link what is due now, and says when more will be (a
    // block held back by the upload cap), if ever.
    virtual std::optional<std::chrono::steady_clock::time_point> fill() { return std::nullopt; }
    // The connection has ended.
    virtual void on_closed() = 0;
};

// A torrent on the host.
class SwarmTorrent {
public:
    virtual ~SwarmTorrent() = default;
    virtual const InfoHash& info_hash() const = 0;
    // The peer's handshake, ours sent: the conversation with it, or null to close quietly (ourselves,
    // a second connection to the same peer, a banned peer, no room). May drop the link with a reason.
    virtual std::shared_ptr<Conversation> admit(const std::shared_ptr<Link>& link, const Handshake& theirs) = 0;
    // Where an admitted connection runs, so the torrent waits for its connections before it goes.
    virtual TaskGroup& tasks() = 0;
};

struct HostOptions {
    core::HostPort listen{"127.0.0.1", 0};       // port 0: the kernel picks, the tracker is told
    std::uint16_t announce_port = 0;             // the port the tracker is told (one forwarded to us); 0: ours
    Encryption encryption = Encryption::prefer;  // MSE/PE: see peer_link.hpp
    double upload_rate = 0;                      // bytes/s of piece data sent, every torrent together; 0: no cap
    double download_rate = 0;                    // bytes/s of piece data received, likewise
    bool notes = true;                           // the dropped-peer lines
};

// What a torrent tells the tracker about itself (BEP 3).
struct AnnounceState {
    std::uint64_t uploaded = 0, downloaded = 0, left = 0;
    std::string_view event;  // "started", "completed", "stopped" or none
};

class SwarmHost {
public:
    SwarmHost(asio::io_context& io, HostOptions options);
    SwarmHost(const SwarmHost&) = delete;
    SwarmHost& operator=(const SwarmHost&) = delete;

    // Binds, listens and starts accepting; false with `error`.
    bool open(std::string& error);
    std::uint16_t port() const { return port_; }
    // The port the tracker is told: announce_port, or ours.
    std::uint16_t announced_port() const { return options_.announce_port ? options_.announce_port : port_; }
    const HostOptions& options() const { return options_; }
    // One peer id for every torrent of the host, as libtorrent's session has.
    const std::string& peer_id() const { return peer_id_; }
    TokenBucket& upload_cap() { return upload_cap_; }
    TokenBucket& download_cap() { return download_cap_; }

    void add(SwarmTorrent& torrent);
    // Forgets the torrent and closes its connections, those in their handshakes too.
    void remove(SwarmTorrent& torrent);
    bool serves(const SwarmTorrent& torrent) const;
    // Whether a peer a tracker named is this host.
    bool is_us(const TrackerPeer& p) const;

    // Dials `peer` for `torrent` (MSE first unless --encryption off, then the plain handshake again
    // when MSE failed and it is only preferred) and, once admitted, talks until the connection ends.
    // Run it in the torrent's tasks.
    core::awaitable<void> dial(core::HostPort peer, SwarmTorrent& torrent);
    // One announce to `tracker` (an HTTP URL); nullopt, with a line on stderr, when it failed.
    core::awaitable<std::optional<AnnounceReply>> announce(const std::string& tracker, const InfoHash& hash,
                                                           const AnnounceState& state);

    // Stops accepting and closes every connection; closed() then waits for the host's own coroutines.
    void close();
    core::awaitable<void> closed() { return tasks_.wait(); }

private:
    struct Admitted;
    core::awaitable<void> accept_loop();
    core::awaitable<void> serve_accepted(asio::ip::tcp::socket socket);
    core::awaitable<void> serve_dialled(asio::ip::tcp::socket socket, SwarmTorrent& torrent, bool dial_mse,
                                        bool& mse_failed);
    core::awaitable<std::optional<Admitted>> start(std::shared_ptr<Link> link, SwarmTorrent* torrent, bool dial_mse,
                                                   bool* mse_failed);
    core::awaitable<void> talk(std::shared_ptr<Link> link, std::shared_ptr<Conversation> conversation,
                               WireDecoder decoder, TaskGroup& tasks);
    core::awaitable<void> write_loop(std::shared_ptr<Link> link, std::shared_ptr<Conversation> conversation);
    std::string our_handshake(const InfoHash& hash, core::Stream& stream) const;

    asio::io_context& io_;
    HostOptions options_;
    std::string peer_id_;
    TokenBucket upload_cap_;    // shared by every connection's writer
    TokenBucket download_cap_;  // and by every connection's reader
    asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    bool closed_ = false;
    std::map<InfoHash, SwarmTorrent*> torrents_;
    // Every connection from its start; the torrent once known (accepted ones: after the handshake).
    std::map<Link*, SwarmTorrent*> links_;
    TaskGroup tasks_;  // the accept loop and the accepted connections until their torrent is known
};

}  // namespace layer7::torrent
