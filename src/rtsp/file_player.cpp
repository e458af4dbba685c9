// FilePlayer: see file_player.hpp.
#include "rtsp/file_player.hpp"

#include <openssl/rand.h>

#include "rtp/packet.hpp"
#include "rtp/rtcp.hpp"

namespace layer7::rtsp {

namespace {

std::uint32_t random32()
{
    std::uint32_t v = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
    return v;
}

}  // namespace

FilePlayer::FilePlayer(std::unique_ptr<MediaFile> file, std::shared_ptr<Reader> reader, const UdpPorts& ports)
    : file_(std::move(file)), reader_(std::move(reader)), ports_(ports), tracks_(file_->tracks().size())
{
    for (auto& t : tracks_) {
        t.ssrc = random32();
        t.sequence = static_cast<std::uint16_t>(random32());
        t.timestamp_base = random32();
    }
}

std::string FilePlayer::rtp_info(const std::string& base_url) const
{
    std::string info;
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        if (!reader_->routes().contains(i))
            continue;
        if (!info.empty())
            info += ',';
        info += "url=" + base_url + "trackID=" + std::to_string(i) + ";seq=" + std::to_string(tracks_[i].sequence);
    }
    return info;
}

void FilePlayer::play(asio::any_io_executor executor, std::optional<double> start)
{
    if (start) {
        file_->seek(*start);
        pending_.reset();
    }
    if (!timer_)
        timer_ = std::make_unique<asio::steady_timer>(executor);
    timer_->cancel();
    asio::co_spawn(executor, run(++generation_), asio::detached);
}

void FilePlayer::pause()
{
    ++generation_;
    if (timer_)
        timer_->cancel();
}

void FilePlayer::send_reports()
{
    const std::uint64_t ntp = ntp_now();
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        if (!reader_->routes().contains(i) || tracks_[i].packets == 0)
            continue;
        const auto& t = tracks_[i];
        std::vector<std::uint8_t> report;
        rtp::encode(rtp::SenderReport{t.ssrc, ntp, t.last_rtp, t.packets, t.octets, {}}, report);
        rtp::encode(rtp::Sdes{{{t.ssrc, {{1, "layer7"}}}}}, report);
        reader_->send(ports_, i, true, report);
    }
}

core::awaitable<void> FilePlayer::run(std::uint64_t generation)
{
    auto self = shared_from_this();  // alive while this runs, whatever the connection does
    const auto start = std::chrono::steady_clock::now();
    auto last_report = start - std::chrono::seconds(1);
    std::optional<double> base_time;
    std::vector<std::uint8_t> wire;
    while (generation == generation_) {
        if (!pending_)
            pending_ = file_->next();
        if (!pending_) {  // the end: RFC 3550 §6.6 BYE, which players take as end of stream
            send_reports();
            for (std::size_t i = 0; i < tracks_.size(); ++i) {
                std::vector<std::uint8_t> bye;
                rtp::encode(rtp::Bye{{tracks_[i].ssrc}, "end of file"}, bye);
                reader_->send(ports_, i, true, bye);
            }
            co_return;
        }
        if (!base_time)
            base_time = pending_->send_time;
        const auto due =
            start + std::chrono::microseconds(static_cast<std::int64_t>((pending_->send_time - *base_time) * 1e6));
        if (due > std::chrono::steady_clock::now()) {
            timer_->expires_at(due);
            co_await timer_->async_wait(core::use_tuple);
            continue;  // re-check: a pause while waiting stops us here
        }
        const MediaFile::Frame frame = std::move(*pending_);
        pending_.reset();
        auto& t = tracks_[frame.track];
        const auto& info = file_->tracks()[frame.track];
        t.last_rtp = t.timestamp_base + frame.rtp_time;
        if (reader_->routes().contains(frame.track)) {
            for (std::size_t i = 0; i < frame.payloads.size(); ++i) {
                rtp::Packet p;
                p.marker = i + 1 == frame.payloads.size();
                p.payload_type = info.payload_type;
                p.sequence = t.sequence++;
                p.timestamp = t.last_rtp;
                p.ssrc = t.ssrc;
                p.payload = frame.payloads[i];
                wire.clear();
                rtp::encode(p, wire);
                if (reader_->send(ports_, frame.track, false, wire))
                    reader_->count(frame.track, frame.payloads[i].size());
                ++t.packets;
                t.octets += static_cast<std::uint32_t>(frame.payloads[i].size());
            }
        }
        if (std::chrono::steady_clock::now() - last_report >= std::chrono::seconds(1)) {
            send_reports();
            last_report = std::chrono::steady_clock::now();
        }
    }
}

}  // namespace layer7::rtsp
