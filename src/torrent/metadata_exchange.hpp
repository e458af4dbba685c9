// Assembling a magnet link's info dictionary from peers (BEP 9). Each peer's extension handshake
// says how large the metadata is; the exchange hands out 16 KiB pieces to request (every missing
// piece once, then — so a silent peer cannot stall it — those another peer holds), takes the data
// and rejects back, and once every piece is in, checks the SHA-1 against the info-hash. A failed
// check blames every peer that sent a piece and starts over without them.
//
// Sans-I/O, but not in the pure core library: it hashes with OpenSSL (torrent/sha1.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "torrent/info_hash.hpp"
#include "torrent/piece_picker.hpp"
#include "torrent/ut_metadata.hpp"

namespace layer7::torrent {

struct MetadataLimits {
    // As a .torrent file (MetainfoLimits::max_file): a 16 MiB info dictionary names ~800k pieces.
    std::uint64_t max_size = 16u << 20;
    std::size_t max_in_flight = 8;  // requests outstanding to one peer: 128 KiB
};

enum class MetadataOutcome {
    ignored,      // not asked of this peer, or already here: a late answer is no fault
    stored,       // a piece more; not complete yet
    complete,     // every piece is in and the SHA-1 matches: metadata() holds the info dictionary
    hash_failed,  // every piece is in and the SHA-1 does not match: `culprits` sent them
    bad,          // the peer broke BEP 9 (`reason`): drop it
};

struct MetadataResult {
    MetadataOutcome outcome = MetadataOutcome::ignored;
    std::string reason;             // bad: why
    std::vector<PeerKey> culprits;  // hash_failed: the peers that sent pieces (removed already)
};

class MetadataExchange {
public:
    explicit MetadataExchange(InfoHash info_hash, const MetadataLimits& limits = {});

    // A peer said (in its extension handshake) it serves `size` bytes of metadata. False when the
    // size is 0 or over the limit: it is not asked. The first peer's size is the one fetched;
    // peers that say another are asked only if a failed check makes theirs the one.
    bool add_peer(PeerKey peer, std::uint64_t size);
    // The peer is gone: its requests go back to the pool.
    void remove_peer(PeerKey peer);
    // The pieces to request from `peer` now (each recorded as in flight).
    std::vector<std::uint32_t> requests(PeerKey peer);
    MetadataResult on_data(PeerKey peer, const MetadataMessage& m);
    // The peer will not send `piece`: it is not asked for it again.
    void on_reject(PeerKey peer, std::uint32_t piece);

    bool complete() const { return complete_; }
    // The size being fetched; 0 until a peer has told one.
    std::uint64_t size() const { return size_; }
    std::size_t pieces_received() const { return received_; }
    // The info dictionary, once complete().
    const std::string& metadata() const { return buffer_; }

private:
    struct Source {
        std::uint64_t size = 0;
        std::set<std::uint32_t> in_flight, rejected;
    };
    struct Piece {
        bool have = false;
        PeerKey from = 0;
        std::size_t asked = 0;  // peers it is in flight to
    };
    void start(std::uint64_t size);  // size_ = size, no pieces yet
    void choose_size();              // the first remaining peer's size, or 0

    InfoHash info_hash_;
    MetadataLimits limits_;
    std::map<PeerKey, Source> peers_;
    std::uint64_t size_ = 0;
    std::vector<Piece> pieces_;
    std::string buffer_;
    std::size_t received_ = 0;
    bool complete_ = false;
};

}  // namespace layer7::torrent
