// `layer7 torrent get|seed`: one torrent's peer, the coroutine shell around the pure codec, piece
// picker and choker. It announces to the HTTP tracker, connects to the peers it names and accepts
// theirs, keeps a second's worth of requests in flight to each unchoking peer (request_depth.hpp),
// writes blocks straight into the files under --dir, checks each piece's SHA-1, and answers requests from the peers the
// choker unchokes, within its upload cap. A Peer runs on an io_context it is given (the lab runs a swarm on one), on a
// host of its own or on one shared with the other torrents of the process (swarm_host.hpp); run_peer gives it one of
// its own and the signals, for the command line, and run_peers runs several torrents on one host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/net/asio.hpp"
#include "core/text/host_port.hpp"
#include "torrent/choker.hpp"
#include "torrent/metainfo.hpp"
#include "torrent/peer_link.hpp"

namespace layer7::torrent {

class SwarmHost;

struct PeerOptions {
    std::string dir = ".";
    bool seed = false;          // seed: never exit on completion (a signal stops it)
    bool keep_seeding = false;  // get: stay and upload once complete, until stopped
    // listen, announce_port, encryption, upload_rate, download_rate and the dropped-peer notes are the
    // host's: on a shared host, its own HostOptions hold instead.
    core::HostPort listen{"127.0.0.1", 0};  // port 0: the kernel picks, the tracker is told
    std::uint16_t announce_port = 0;        // the port the tracker is told (one forwarded to us); 0: ours
    ChokerConfig choker;
    PickerConfig picker;
    std::size_t max_peers = 50;
    std::size_t pipeline = 64;                   // requests in flight per peer at most: 1 MiB of 16 KiB blocks
    std::size_t max_peer_requests = 512;         // queued requests from one peer before it is dropped
    double upload_rate = 0;                      // bytes/s of piece data sent, all connections together; 0: no cap
    double download_rate = 0;                    // bytes/s of piece data received, likewise
    Encryption encryption = Encryption::prefer;  // MSE/PE: see peer_link.hpp
    bool progress = true;                        // the progress line on stderr
    bool json = false;                           // instead, progress.hpp's JSON lines on stdout
    bool notes = true;                           // the start, completion and dropped-peer lines (errors always)
    std::function<void()> on_announced;          // after each announce the tracker answered
    std::function<void()> on_complete;           // once every piece has passed its SHA-1 check
};

class Peer {
public:
    // On a host of its own, opened by run() on options.listen.
    Peer(asio::io_context& io, const Metainfo& meta, PeerOptions options);
    // On `host`, which its owner opens before run() and closes after.
    Peer(SwarmHost& host, asio::io_context& io, const Metainfo& meta, PeerOptions options);
    ~Peer();
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    // Runs until the download completes (get) or stop(); returns once its connections are closed
    // and the tracker was told, so the Peer may then be destroyed.
    core::awaitable<void> run();
    // Closes every connection and ends run() with `status`; a second call changes nothing.
    void stop(int status = 0);
    // 0, or 1 when the files or the listening socket failed.
    int status() const;
    // Bytes of piece data sent to peers so far.
    std::uint64_t uploaded() const;

private:
    class Session;
    std::unique_ptr<Session> session_;
};

// Runs until the download completes (get) or a signal arrives (seed). Returns the exit status.
int run_peer(const Metainfo& meta, const PeerOptions& options);
// Several torrents on one host (one listening port, the caps over all of them), each with `options`
// and its files under options.dir. Runs until every download completes (get) or a signal arrives
// (seed); a torrent that fails ends alone. The exit status: 0, or 1 when any failed.
int run_peers(const std::vector<Metainfo>& metas, const PeerOptions& options);

}  // namespace layer7::torrent
