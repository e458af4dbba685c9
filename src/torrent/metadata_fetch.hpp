// `layer7 torrent get MAGNET`: first the info dictionary from peers (BEP 9 ut_metadata over the
// BEP 10 extension protocol), found through the magnet's HTTP trackers; then, with it checked
// against the info-hash, the download exactly as for a .torrent (peer_service.hpp). The fetch is
// a torrent on a swarm host (swarm_host.hpp) around MetadataExchange: the host dials the peers the
// trackers name (MSE as --encryption says) and takes those that dial it; the fetch asks each for
// pieces of the metadata and nothing else, and drops a peer that breaks BEP 9 or sends metadata
// that fails the SHA-1 check.
#pragma once

#include <memory>
#include <string>

#include "core/net/asio.hpp"
#include "torrent/magnet.hpp"
#include "torrent/peer_service.hpp"

namespace layer7::torrent {

class MetadataFetch {
public:
    // Of `options` it uses listen, announce_port, encryption, max_peers and notes.
    MetadataFetch(asio::io_context& io, const Magnet& magnet, const PeerOptions& options);
    ~MetadataFetch();
    MetadataFetch(const MetadataFetch&) = delete;
    MetadataFetch& operator=(const MetadataFetch&) = delete;

    // Runs until the metadata is complete or stop(); returns once its connections are closed.
    core::awaitable<void> run();
    void stop(int status = 0);
    // 0, or 1 when the listening socket failed.
    int status() const;
    bool complete() const;
    // The info dictionary, SHA-1 checked, once complete().
    const std::string& metadata() const;

private:
    class Session;
    std::unique_ptr<Session> session_;
};

// The metadata, then the download (or seeding, with keep_seeding). With `save_metadata`, writes
// DIR/<info-hash hex>.torrent unless it exists, as aria2c --bt-save-metadata does. The exit status.
int run_magnet(const Magnet& magnet, const PeerOptions& options, bool save_metadata);

}  // namespace layer7::torrent
