// The request pipeline's depth per peer: see request_depth.hpp.
#include "torrent/request_depth.hpp"

#include <algorithm>
#include <cmath>

#include "torrent/peer_wire.hpp"

namespace layer7::torrent {

RequestDepth::RequestDepth(std::size_t min, std::size_t max, std::size_t start, double queue_seconds)
    : min_(min), max_(std::max(min, max)), depth_(std::clamp(start, min_, max_)), queue_seconds_(queue_seconds)
{
}

void RequestDepth::on_second(std::uint64_t bytes)
{
    const auto now = static_cast<double>(bytes);
    rate_ = std::max(now, (rate_ + now) / 2);
    // One block more than the rate asks for: the one being received while the others wait.
    const double wanted = std::ceil(rate_ * queue_seconds_ / static_cast<double>(block_size)) + 1;
    depth_ = std::clamp(static_cast<std::size_t>(wanted), min_, max_);
}

}  // namespace layer7::torrent
