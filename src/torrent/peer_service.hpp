// `layer7 torrent get|seed`: one torrent's peer, the coroutine shell around the pure codec, piece
// picker and choker. It announces to the HTTP tracker, connects to the peers it names and accepts
// theirs, keeps a deep request pipeline to each unchoking peer, writes blocks straight into the
// files under --dir, checks each piece's SHA-1, and answers requests from the peers the choker
// unchokes. One thread, one io_context.
#pragma once

#include <cstddef>
#include <string>

#include "core/text/host_port.hpp"
#include "torrent/choker.hpp"
#include "torrent/metainfo.hpp"

namespace layer7::torrent {

struct PeerOptions {
    std::string dir = ".";
    bool seed = false;                          // seed: never exit on completion (a signal stops it)
    core::HostPort listen{"127.0.0.1", 0};     // port 0: the kernel picks, the tracker is told
    ChokerConfig choker;
    std::size_t max_peers = 50;
    std::size_t pipeline = 64;                  // requests in flight per peer: 1 MiB of 16 KiB blocks
    std::size_t max_peer_requests = 512;        // queued requests from one peer before it is dropped
    bool progress = true;                       // the progress line on stderr
};

// Runs until the download completes (get) or a signal arrives (seed). Returns the exit status.
int run_peer(const Metainfo& meta, const PeerOptions& options);

}  // namespace layer7::torrent
