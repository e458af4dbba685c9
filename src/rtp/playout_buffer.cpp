// The playout buffer: see playout_buffer.hpp.
#include "rtp/playout_buffer.hpp"

namespace layer7::rtp {

std::uint64_t PlayoutBuffer::extend(std::uint16_t sequence)
{
    if (!highest_)
        return (1u << 16) + sequence;  // room below for packets reordered before the first
    const std::uint64_t high = *highest_;
    // the candidate nearest the highest seen: within half the sequence space either way
    std::uint64_t candidate = (high & ~0xffffull) | sequence;
    if (candidate + 0x8000 < high)
        candidate += 0x10000;
    else if (candidate > high + 0x8000 && candidate >= 0x10000)
        candidate -= 0x10000;
    return candidate;
}

std::int64_t PlayoutBuffer::playout_time(std::uint32_t rtp_time) const
{
    // a signed 32-bit difference: right across one timestamp wrap (hours at 90 kHz)
    const auto ticks = static_cast<std::int32_t>(rtp_time - base_rtp_);
    return base_arrival_us_ + static_cast<std::int64_t>(ticks) * 1'000'000 / clock_rate_ + delay_us_;
}

PlayoutBuffer::Push PlayoutBuffer::push(std::uint16_t sequence, std::uint32_t rtp_time, bool marker,
                                        std::vector<std::uint8_t> payload, std::int64_t arrival_us)
{
    const std::uint64_t ext = extend(sequence);
    if (!anchored_) {
        anchored_ = true;
        base_arrival_us_ = arrival_us;
        base_rtp_ = rtp_time;
    }
    const std::int64_t due = playout_time(rtp_time);
    if ((last_played_ && ext <= *last_played_) || due < arrival_us) {
        ++late_;
        return Push::late;
    }
    if (packets_.contains(ext))
        return Push::duplicate;
    if (packets_.size() >= max_packets_)
        return Push::full;
    if (!highest_ || ext > *highest_)
        highest_ = ext;
    packets_.emplace(ext, Entry{ext, rtp_time, marker, due, std::move(payload)});
    return Push::queued;
}

std::vector<PlayoutBuffer::Entry> PlayoutBuffer::pop_due(std::int64_t now_us)
{
    std::vector<Entry> due;
    while (!packets_.empty() && packets_.begin()->second.playout_us <= now_us) {
        auto node = packets_.extract(packets_.begin());
        last_played_ = node.key();
        due.push_back(std::move(node.mapped()));
    }
    return due;
}

std::optional<std::int64_t> PlayoutBuffer::next_due() const
{
    if (packets_.empty())
        return std::nullopt;
    return packets_.begin()->second.playout_us;
}

}  // namespace layer7::rtp
