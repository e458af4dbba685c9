// The piece picker: see piece_picker.hpp.
#include "torrent/piece_picker.hpp"

#include <algorithm>

#include "torrent/peer_wire.hpp"

namespace layer7::torrent {

PiecePicker::PiecePicker(std::uint64_t total_length, std::uint64_t piece_length, std::uint64_t random_seed,
                         const PickerConfig& config)
    : total_length_(total_length), piece_length_(piece_length), config_(config),
      have_(static_cast<std::size_t>((total_length + piece_length - 1) / piece_length)), availability_(have_.size(), 0),
      random_(random_seed)
{
}

std::uint32_t PiecePicker::piece_size(std::uint32_t piece) const
{
    const std::uint64_t start = std::uint64_t{piece} * piece_length_;
    return static_cast<std::uint32_t>(std::min(piece_length_, total_length_ - start));
}

std::uint32_t PiecePicker::block_count(std::uint32_t piece) const
{
    return (piece_size(piece) + block_size - 1) / block_size;
}

BlockRef PiecePicker::block(std::uint32_t piece, std::uint32_t index) const
{
    const std::uint32_t begin = index * block_size;
    return {piece, begin, std::min(block_size, piece_size(piece) - begin)};
}

std::uint64_t PiecePicker::bytes_left() const
{
    std::uint64_t left = 0;
    for (std::uint32_t i = 0; i < have_.size(); ++i)
        if (!have_.test(i))
            left += piece_size(i);
    return left;
}

void PiecePicker::mark_have(std::uint32_t piece)
{
    have_.set(piece);
    partial_.erase(piece);
}

void PiecePicker::add_peer(const Bitfield& pieces)
{
    for (std::uint32_t i = 0; i < availability_.size(); ++i)
        availability_[i] += pieces.test(i);
}

void PiecePicker::remove_peer(const Bitfield& pieces)
{
    for (std::uint32_t i = 0; i < availability_.size(); ++i)
        if (pieces.test(i) && availability_[i] > 0)
            --availability_[i];
}

void PiecePicker::add_have(std::uint32_t piece)
{
    if (piece < availability_.size())
        ++availability_[piece];
}

bool PiecePicker::interesting(const Bitfield& pieces) const
{
    for (std::uint32_t i = 0; i < have_.size(); ++i)
        if (pieces.test(i) && !have_.test(i))
            return true;
    return false;
}

std::int64_t PiecePicker::choose_new_piece(const Bitfield& pieces)
{
    // Until a first piece is whole, any piece will do, and a random one spreads a new swarm's
    // first downloads; after that the rarest, so a piece few peers have does not vanish.
    const bool random_first = have_.none();
    std::uint32_t best = UINT32_MAX;
    std::vector<std::uint32_t> ties;
    for (std::uint32_t i = 0; i < have_.size(); ++i) {
        if (have_.test(i) || !pieces.test(i) || partial_.contains(i))
            continue;
        const std::uint32_t rank = random_first ? 0 : availability_[i];
        if (rank < best) {
            best = rank;
            ties.clear();
        }
        if (rank == best)
            ties.push_back(i);
    }
    if (ties.empty())
        return -1;
    return ties[std::uniform_int_distribution<std::size_t>(0, ties.size() - 1)(random_)];
}

void PiecePicker::take_open(Partial& partial, std::uint32_t piece, PeerKey who, std::size_t max,
                            std::vector<BlockRef>& out)
{
    for (std::uint32_t b = 0; b < partial.slots.size() && out.size() < max; ++b) {
        Slot& slot = partial.slots[b];
        if (slot.state != BlockState::open)
            continue;
        slot.state = BlockState::requested;
        slot.requesters.push_back(who);
        out.push_back(block(piece, b));
    }
}

std::vector<BlockRef> PiecePicker::pick(const Bitfield& pieces, PeerKey who, std::size_t max)
{
    std::vector<BlockRef> out;
    // Strict completion: finish what is started before starting more.
    for (auto& [piece, partial] : partial_) {
        if (out.size() >= max)
            return out;
        if (pieces.test(piece))
            take_open(partial, piece, who, max, out);
    }
    while (out.size() < max) {
        const std::int64_t next = choose_new_piece(pieces);
        if (next < 0)
            break;
        const auto piece = static_cast<std::uint32_t>(next);
        Partial& partial = partial_[piece];
        partial.slots.resize(block_count(piece));
        take_open(partial, piece, who, max, out);
    }
    if (!out.empty())
        return out;
    // Nothing open: when every missing piece is started and all its blocks are asked for, the
    // last blocks are asked of one more peer each, so one slow peer cannot hold up the finish.
    bool all_started = true;
    for (std::uint32_t i = 0; i < have_.size() && all_started; ++i)
        all_started = have_.test(i) || partial_.contains(i);
    if (!all_started)
        return out;
    endgame_ = true;
    for (auto& [piece, partial] : partial_) {
        if (!pieces.test(piece))
            continue;
        for (std::uint32_t b = 0; b < partial.slots.size() && out.size() < max; ++b) {
            Slot& slot = partial.slots[b];
            if (slot.state != BlockState::requested || slot.requesters.size() >= config_.endgame_requesters ||
                std::find(slot.requesters.begin(), slot.requesters.end(), who) != slot.requesters.end())
                continue;
            slot.requesters.push_back(who);
            out.push_back(block(piece, b));
        }
    }
    return out;
}

void PiecePicker::abort_request(const BlockRef& ref, PeerKey who)
{
    auto it = partial_.find(ref.piece);
    if (it == partial_.end() || ref.begin % block_size != 0 || ref.begin / block_size >= it->second.slots.size())
        return;
    Slot& slot = it->second.slots[ref.begin / block_size];
    std::erase(slot.requesters, who);
    if (slot.state == BlockState::requested && slot.requesters.empty())
        slot.state = BlockState::open;
}

void PiecePicker::abort_peer(PeerKey who)
{
    for (auto& [piece, partial] : partial_)
        for (auto& slot : partial.slots) {
            std::erase(slot.requesters, who);
            if (slot.state == BlockState::requested && slot.requesters.empty())
                slot.state = BlockState::open;
        }
}

BlockResult PiecePicker::on_block(const BlockRef& ref, PeerKey who)
{
    BlockResult result;
    if (ref.piece >= have_.size())
        return result;
    if (have_.test(ref.piece)) {
        result.outcome = BlockOutcome::duplicate;
        return result;
    }
    auto it = partial_.find(ref.piece);
    if (it == partial_.end() || ref.begin % block_size != 0 || ref.begin / block_size >= it->second.slots.size() ||
        block(ref.piece, ref.begin / block_size).length != ref.length)
        return result;
    Partial& partial = it->second;
    Slot& slot = partial.slots[ref.begin / block_size];
    const bool asked = std::find(slot.requesters.begin(), slot.requesters.end(), who) != slot.requesters.end();
    if (slot.state == BlockState::received) {  // an endgame race lost, the cancel too late
        result.outcome = BlockOutcome::duplicate;
        return result;
    }
    if (!asked)
        return result;
    result.outcome = BlockOutcome::accepted;
    for (PeerKey other : slot.requesters)
        if (other != who)
            result.cancel_at.push_back(other);
    slot.requesters.clear();
    slot.state = BlockState::received;
    if (std::find(partial.contributors.begin(), partial.contributors.end(), who) == partial.contributors.end())
        partial.contributors.push_back(who);
    result.piece_done = ++partial.received == partial.slots.size();
    return result;
}

std::vector<PeerKey> PiecePicker::on_piece_checked(std::uint32_t piece, bool ok)
{
    auto it = partial_.find(piece);
    if (it == partial_.end())
        return {};
    std::vector<PeerKey> culprits;
    if (ok) {
        have_.set(piece);
    } else {
        culprits = std::move(it->second.contributors);
        endgame_ = false;
    }
    partial_.erase(it);
    return culprits;
}

}  // namespace layer7::torrent
