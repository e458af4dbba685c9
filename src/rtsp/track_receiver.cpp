// TrackReceiver: see track_receiver.hpp.
#include "rtsp/track_receiver.hpp"

#include "core/text/ascii.hpp"
#include "rtp/aac.hpp"
#include "rtp/packet.hpp"
#include "rtp/rtcp.hpp"

namespace layer7::rtsp {

Codec codec_of(const Media& media)
{
    const auto map = media.rtpmap();
    if (!map)
        return Codec::other;
    if (core::iequals(map->encoding, "H264"))
        return Codec::h264;
    if (core::iequals(map->encoding, "MPEG4-GENERIC"))
        return Codec::aac;
    if (core::iequals(map->encoding, "opus"))
        return Codec::opus;
    return Codec::other;
}

TrackReceiver::TrackReceiver(const Media& media, std::int64_t delay_us)
    : clock_rate_(clock_rate_of(media)), codec_(codec_of(media)), buffer_(clock_rate_, delay_us)
{
    if (auto map = media.rtpmap())
        encoding_ = map->encoding;
    if (codec_ == Codec::h264)
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

void TrackReceiver::on_rtcp(std::span<const std::uint8_t> datagram, std::int64_t arrival_us,
                            std::vector<std::string>* notes)
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

void TrackReceiver::play(std::int64_t now_us, std::vector<Frame>* frames)
{
    for (auto& entry : buffer_.pop_due(now_us)) {
        const bool gap = last_played_ && entry.sequence != *last_played_ + 1;
        last_played_ = entry.sequence;
        ++played_;
        if (!frames)
            continue;
        const auto as_text = [](std::span<const std::uint8_t> bytes) {
            return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        };
        switch (codec_) {
        case Codec::h264:
            // a picture is every packet of one timestamp; the marker bit ends it (RFC 6184 §5.1)
            if (picture_time_ && entry.rtp_time != *picture_time_)
                finish_picture(*frames);
            if (!picture_time_) {
                picture_time_ = entry.rtp_time;
                picture_.playout_us = entry.playout_us;
            }
            depacketizer_.on_payload(entry.payload, gap, picture_.data);
            if (entry.marker)
                finish_picture(*frames);
            break;
        case Codec::aac: {
            // AAC frames are 1024 samples each (ISO 14496-3 §4.5.1.1), so a payload's later ones play later
            std::int64_t at = entry.playout_us;
            for (auto au : rtp::aac::depacketize(entry.payload)) {
                frames->push_back({at, true, as_text(au)});
                at += 1024 * 1'000'000ll / clock_rate_;
            }
            break;
        }
        case Codec::opus: frames->push_back({entry.playout_us, true, as_text(entry.payload)}); break;
        case Codec::other: break;
        }
    }
}

void TrackReceiver::drain(std::vector<Frame>* frames)
{
    play(INT64_MAX, frames);
    if (frames && picture_time_)
        finish_picture(*frames);
}

void TrackReceiver::finish_picture(std::vector<Frame>& frames)
{
    picture_.key = false;
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(picture_.data.data()), picture_.data.size());
    for (auto nal : rtp::h264::split_annex_b(bytes))
        if (!nal.empty() && (nal[0] & 0x1f) == 5)  // an IDR slice
            picture_.key = true;
    if (!picture_.data.empty())
        frames.push_back(std::move(picture_));
    picture_ = Frame{};
    picture_time_.reset();
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
