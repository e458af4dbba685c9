// `layer7 torrent get|seed`: one torrent's peer, the coroutine shell around the pure codec, piece
// picker and choker. It announces to the HTTP tracker, connects to the peers it names and accepts
// theirs, keeps a deep request pipeline to each unchoking peer, writes blocks straight into the
// files under --dir, checks each piece's SHA-1, and answers requests from the peers the choker
// unchokes, within its upload cap. A Peer runs on an io_context it is given (the lab runs a swarm
// on one); run_peer gives it one of its own and the signals, for the command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/net/asio.hpp"
#include "core/text/host_port.hpp"
#include "torrent/choker.hpp"
#include "torrent/metainfo.hpp"
#include "torrent/peer_link.hpp"

namespace layer7::torrent {

struct PeerOptions {
    std::string dir = ".";
    bool seed = false;                          // seed: never exit on completion (a signal stops it)
    bool keep_seeding = false;                  // get: stay and upload once complete, until stopped
    core::HostPort listen{"127.0.0.1", 0};     // port 0: the kernel picks, the tracker is told
    std::uint16_t announce_port = 0;            // the port the tracker is told (one forwarded to us); 0: ours
    ChokerConfig choker;
    PickerConfig picker;
    std::size_t max_peers = 50;
    std::size_t pipeline = 64;                  // requests in flight per peer: 1 MiB of 16 KiB blocks
    std::size_t max_peer_requests = 512;        // queued requests from one peer before it is dropped
    double upload_rate = 0;                     // bytes/s of piece data sent, all connections together; 0: no cap
    double download_rate = 0;                   // bytes/s of piece data received, likewise
    Encryption encryption = Encryption::prefer;  // MSE/PE: see peer_link.hpp
    bool progress = true;                       // the progress line on stderr
    bool json = false;                          // instead, progress.hpp's JSON lines on stdout
    bool notes = true;                          // the start, completion and dropped-peer lines (errors always)
    std::function<void()> on_announced;         // after each announce the tracker answered
    std::function<void()> on_complete;          // once every piece has passed its SHA-1 check
};

class Peer {
public:
    Peer(asio::io_context& io, const Metainfo& meta, PeerOptions options);
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

}  // namespace layer7::torrent
