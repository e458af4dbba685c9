// Assembling the info dictionary from peers: see metadata_exchange.hpp.
#include "torrent/metadata_exchange.hpp"

#include <algorithm>

#include "torrent/sha1.hpp"

namespace layer7::torrent {

MetadataExchange::MetadataExchange(InfoHash info_hash, const MetadataLimits& limits)
    : info_hash_(info_hash), limits_(limits)
{
}

void MetadataExchange::start(std::uint64_t size)
{
    size_ = size;
    pieces_.assign(metadata_piece_count(size), Piece{});
    buffer_.assign(static_cast<std::size_t>(size), '\0');
    received_ = 0;
    for (auto& [key, source] : peers_)
        source.in_flight.clear();  // answers to them now arrive as `ignored`
}

void MetadataExchange::choose_size()
{
    if (peers_.empty()) {
        size_ = 0;
        pieces_.clear();
        buffer_.clear();
        received_ = 0;
        return;
    }
    start(peers_.begin()->second.size);
}

bool MetadataExchange::add_peer(PeerKey peer, std::uint64_t size)
{
    if (complete_ || size == 0 || size > limits_.max_size)
        return false;
    remove_peer(peer);  // BEP 10 lets a peer send its handshake again
    peers_[peer] = Source{size, {}, {}};
    if (size_ == 0)
        start(size);
    return true;
}

void MetadataExchange::remove_peer(PeerKey peer)
{
    auto it = peers_.find(peer);
    if (it == peers_.end())
        return;
    for (std::uint32_t p : it->second.in_flight)
        --pieces_[p].asked;
    peers_.erase(it);
}

std::vector<std::uint32_t> MetadataExchange::requests(PeerKey peer)
{
    std::vector<std::uint32_t> out;
    auto it = peers_.find(peer);
    if (complete_ || it == peers_.end() || it->second.size != size_)
        return out;
    Source& source = it->second;
    // Two passes: pieces nobody is asked for, then (endgame) pieces asked of another peer only.
    for (std::size_t max_asked : {std::size_t{0}, std::size_t{1}}) {
        for (std::uint32_t p = 0; p < pieces_.size() && source.in_flight.size() < limits_.max_in_flight; ++p) {
            Piece& piece = pieces_[p];
            if (piece.have || piece.asked > max_asked || source.in_flight.contains(p) || source.rejected.contains(p))
                continue;
            ++piece.asked;
            source.in_flight.insert(p);
            out.push_back(p);
        }
    }
    return out;
}

void MetadataExchange::on_reject(PeerKey peer, std::uint32_t piece)
{
    auto it = peers_.find(peer);
    if (it == peers_.end() || !it->second.in_flight.erase(piece))
        return;
    --pieces_[piece].asked;
    it->second.rejected.insert(piece);
}

MetadataResult MetadataExchange::on_data(PeerKey peer, const MetadataMessage& m)
{
    MetadataResult result;
    auto it = peers_.find(peer);
    if (complete_ || it == peers_.end() || !it->second.in_flight.erase(m.piece))
        return result;  // unasked, or asked before a restart
    --pieces_[m.piece].asked;
    if (m.total_size != size_) {
        result.outcome = MetadataOutcome::bad;
        result.reason = "ut_metadata total_size " + std::to_string(m.total_size) + ", not the " +
                        std::to_string(size_) + " its handshake said";
        return result;
    }
    const std::uint64_t begin = std::uint64_t{m.piece} * metadata_piece_size;
    const std::uint64_t want = std::min<std::uint64_t>(metadata_piece_size, size_ - begin);
    if (m.data.size() != want) {
        result.outcome = MetadataOutcome::bad;
        result.reason = "ut_metadata piece " + std::to_string(m.piece) + " of " + std::to_string(m.data.size()) +
                        " bytes, not " + std::to_string(want);
        return result;
    }
    Piece& piece = pieces_[m.piece];
    if (piece.have)
        return result;  // the endgame's second copy
    piece.have = true;
    piece.from = peer;
    buffer_.replace(static_cast<std::size_t>(begin), m.data.size(), m.data);
    result.outcome = MetadataOutcome::stored;
    if (++received_ < pieces_.size())
        return result;
    if (info_hash_of(buffer_) == info_hash_) {
        complete_ = true;
        for (auto& [key, source] : peers_)
            source.in_flight.clear();
        result.outcome = MetadataOutcome::complete;
        return result;
    }
    // BEP 9: the metadata must be checked against the info-hash; we cannot tell which piece lied,
    // so everyone who sent one is out, and the fetch starts again from the others.
    result.outcome = MetadataOutcome::hash_failed;
    for (const Piece& p : pieces_)
        if (std::find(result.culprits.begin(), result.culprits.end(), p.from) == result.culprits.end())
            result.culprits.push_back(p.from);
    for (PeerKey k : result.culprits)
        peers_.erase(k);
    choose_size();
    return result;
}

}  // namespace layer7::torrent
