// TrackReceiver: see track_receiver.hpp.
#include "rtsp/track_receiver.hpp"

#include "rtp/packet.hpp"
#include "rtp/rtcp.hpp"

namespace layer7::rtsp {

TrackReceiver::TrackReceiver(const Media& media, std::int64_t delay_us)
    : clock_rate_(clock_rate_of(media)), buffer_(clock_rate_, delay_us)
{
    if (auto map = media.rtpmap())
        encoding_ = map->encoding;
    h264_ = encoding_ == "H264" || encoding_ == "h264";
    if (h264_)
        parameter_sets_ = rtp::h264::parameter_sets_annex_b(media.fmtp());
}

void TrackReceiver::on_rtp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us)
{
    auto packet = rtp::decode(datagram);
    if (!packet)
        return;
    if (!ssrc_)
        ssrc_ = packet->ssrc;
    if (packet->ssrc != *ssrc_)
        return;  // one source per track
    // the arrival time on the media clock, for the jitter estimate (A.8)
    const auto arrival = static_cast<std::uint32_t>(arrival_us * clock_rate_ / 1'000'000);
    stats_.on_packet(packet->sequence, packet->timestamp, arrival);
    buffer_.push(packet->sequence, packet->timestamp, packet->marker,
                 std::vector<std::uint8_t>(packet->payload.begin(), packet->payload.end()), arrival_us);
}

void TrackReceiver::on_rtcp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us, std::vector<std::string>* notes)
{
    auto packets = rtp::decode_rtcp(datagram);
    if (!packets)
        return;
    for (const auto& p : *packets) {
        if (auto* sr = std::get_if<rtp::SenderReport>(&p)) {
            last_sr_ = static_cast<std::uint32_t>(sr->ntp_time >> 16);
            last_sr_arrival_us_ = arrival_us;
            if (notes)
                notes->push_back("RTCP SR ssrc=" + std::to_string(sr->ssrc) + " rtp=" + std::to_string(sr->rtp_time) +
                                 " packets=" + std::to_string(sr->packet_count));
        } else if (auto* bye = std::get_if<rtp::Bye>(&p)) {
            ended_ = true;
            if (notes)
                notes->push_back("RTCP BYE " + bye->reason);
        }
    }
}

void TrackReceiver::play(std::int64_t now_us, std::string* annex_b)
{
    for (auto& entry : buffer_.pop_due(now_us)) {
        const bool gap = last_played_ && entry.sequence != *last_played_ + 1;
        last_played_ = entry.sequence;
        ++played_;
        if (h264_ && annex_b)
            depacketizer_.on_payload(entry.payload, gap, *annex_b);
    }
}

TrackReceiver::Counters TrackReceiver::counters() const
{
    Counters c;
    c.received = stats_.received();
    c.lost = stats_.lost();
    c.reordered = stats_.reordered();
    c.jitter_ms = stats_.jitter() * 1000.0 / clock_rate_;
    c.buffered = buffer_.level();
    c.late = buffer_.late_drops();
    c.played = played_;
    return c;
}

std::vector<std::uint8_t> TrackReceiver::receiver_report(std::uint32_t our_ssrc, std::int64_t now_us)
{
    std::vector<std::uint8_t> out;
    if (!ssrc_)
        return out;
    // DLSR in 1/65536 s (§6.4.1)
    const std::uint32_t dlsr =
        last_sr_ == 0 ? 0 : static_cast<std::uint32_t>((now_us - last_sr_arrival_us_) * 65536 / 1'000'000);
    rtp::encode(rtp::ReceiverReport{our_ssrc, {stats_.report(*ssrc_, last_sr_, dlsr)}}, out);
    rtp::encode(rtp::Sdes{{{our_ssrc, {{1, "layer7-play"}}}}}, out);
    return out;
}

}  // namespace layer7::rtsp
