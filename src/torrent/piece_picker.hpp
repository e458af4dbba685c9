// Which block to ask which peer for next (BEP 3 leaves it to the client; the textbook's policy):
// 16 KiB blocks; random pieces until the first is complete, then rarest first by how many
// connected peers have each piece, ties broken at random; strict completion (blocks of started
// pieces before new pieces); endgame once every missing block is requested, asking a second peer
// for blocks still in flight and cancelling the loser. A finished piece waits for its SHA-1 check;
// a failed check names the peers that sent its blocks, to be banned (pure: the random seed is
// passed in, no clock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "torrent/bitfield.hpp"

namespace layer7::torrent {

using PeerKey = std::uint32_t;

struct BlockRef {
    std::uint32_t piece = 0;
    std::uint32_t begin = 0;
    std::uint32_t length = 0;
    auto operator<=>(const BlockRef&) const = default;
};

struct PickerConfig {
    std::size_t endgame_requesters = 2;  // in endgame, peers asked for the same block at most
};

enum class BlockOutcome {
    accepted,     // ours: write it; `piece_done` tells when the piece is whole
    duplicate,    // already have it (an endgame race): ignore
    unrequested,  // we never asked this peer for it (or the wrong size): drop the peer
};

struct BlockResult {
    BlockOutcome outcome = BlockOutcome::unrequested;
    bool piece_done = false;         // every block received: hash the piece, then on_piece_checked()
    std::vector<PeerKey> cancel_at;  // endgame: others asked for the same block, send them cancel
};

class PiecePicker {
public:
    PiecePicker(std::uint64_t total_length, std::uint64_t piece_length, std::uint64_t random_seed,
                const PickerConfig& config = {});

    std::size_t piece_count() const { return have_.size(); }
    std::uint32_t piece_size(std::uint32_t piece) const;
    const Bitfield& have() const { return have_; }
    bool complete() const { return have_.all(); }
    std::uint64_t bytes_left() const;
    bool endgame() const { return endgame_; }

    // Resume: a piece found whole on disk.
    void mark_have(std::uint32_t piece);

    // Availability: a peer's bitfield on arrival and departure, and its have messages.
    void add_peer(const Bitfield& pieces);
    void remove_peer(const Bitfield& pieces);
    void add_have(std::uint32_t piece);
    std::uint32_t availability(std::uint32_t piece) const { return availability_[piece]; }
    // Whether a peer with `pieces` has one we lack (we are interested).
    bool interesting(const Bitfield& pieces) const;

    // Up to `max` blocks to request from peer `who`, which has `pieces`.
    std::vector<BlockRef> pick(const Bitfield& pieces, PeerKey who, std::size_t max);
    // A request from `who` that will not be answered (cancelled, choked, the peer left).
    void abort_request(const BlockRef& block, PeerKey who);
    void abort_peer(PeerKey who);
    // A block arrived from `who`.
    BlockResult on_block(const BlockRef& block, PeerKey who);
    // The SHA-1 check of a whole piece. On failure its blocks are open again and the result lists
    // the peers that sent them (BEP 3 leaves the policy open; we ban them all).
    std::vector<PeerKey> on_piece_checked(std::uint32_t piece, bool ok);

private:
    enum class BlockState : std::uint8_t { open, requested, received };
    struct Slot {
        BlockState state = BlockState::open;
        std::vector<PeerKey> requesters;
    };
    struct Partial {
        std::vector<Slot> slots;
        std::size_t received = 0;
        std::vector<PeerKey> contributors;
    };

    std::uint32_t block_count(std::uint32_t piece) const;
    BlockRef block(std::uint32_t piece, std::uint32_t index) const;
    // The next piece to start for a peer with `pieces`, or -1: random first, then rarest.
    std::int64_t choose_new_piece(const Bitfield& pieces);
    void take_open(Partial& partial, std::uint32_t piece, PeerKey who, std::size_t max, std::vector<BlockRef>& out);

    std::uint64_t total_length_;
    std::uint64_t piece_length_;
    PickerConfig config_;
    Bitfield have_;
    std::vector<std::uint32_t> availability_;
    std::map<std::uint32_t, Partial> partial_;  // pieces started and not yet checked
    std::mt19937_64 random_;
    bool endgame_ = false;
};

}  // namespace layer7::torrent
