// Hub, LiveStream, Reader: see hub.hpp.
#include "rtsp/hub.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "core/net/udp_batch.hpp"
#include "rtp/packet.hpp"
#include "rtsp/message.hpp"

namespace layer7::rtsp {

std::int64_t now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::uint64_t ntp_now()
{
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
    const std::uint64_t seconds = static_cast<std::uint64_t>(us / 1'000'000) + 2'208'988'800ull;
    const std::uint64_t fraction = (static_cast<std::uint64_t>(us % 1'000'000) << 32) / 1'000'000;
    return seconds << 32 | fraction;
}

sockaddr_storage to_sockaddr(const asio::ip::udp::endpoint& endpoint)
{
    sockaddr_storage out{};
    std::memcpy(&out, endpoint.data(), std::min<std::size_t>(endpoint.size(), sizeof out));
    return out;
}

Reader::Reader(Identity who, std::shared_ptr<Outbox> outbox, std::map<std::size_t, Route> routes)
    : who_(std::move(who)), outbox_(std::move(outbox)), routes_(std::move(routes)),
      tracks_(routes_.empty() ? 0 : routes_.rbegin()->first + 1), counters_(std::make_unique<Counters[]>(tracks_))
{
}

bool Reader::send(const UdpPorts& ports, std::size_t track, bool rtcp, std::span<const std::uint8_t> packet)
{
    auto it = routes_.find(track);
    if (it == routes_.end())
        return false;
    const Route& route = it->second;
    if (route.tcp) {
        const std::string_view bytes(reinterpret_cast<const char*>(packet.data()), packet.size());
        return outbox_->push(interleaved_frame(rtcp ? route.rtcp_channel : route.rtp_channel, bytes), true);
    }
    const int fd = rtcp ? ports.rtcp_fd.load() : ports.rtp_fd.load();
    return fd >= 0 && core::send_to_all(fd, packet, std::span(rtcp ? &route.rtcp : &route.rtp, 1)) == 1;
}

void Reader::count(std::size_t track, std::size_t payload_octets)
{
    if (Counters* c = counters(track)) {
        c->packets.fetch_add(1, std::memory_order_relaxed);
        c->octets.fetch_add(static_cast<std::uint32_t>(payload_octets), std::memory_order_relaxed);
    }
}

bool Reader::report_due(std::size_t track, std::int64_t now)
{
    Counters* c = counters(track);
    if (!c || now < c->next_report_ms)
        return false;
    c->next_report_ms = now + 5000;
    return true;
}

void Reader::on_report(std::size_t track, const rtp::ReportBlock& block)
{
    std::lock_guard lock(mutex_);
    reports_[track] = {block, now_ms()};
}

std::pair<std::uint32_t, std::uint32_t> Reader::sent(std::size_t track) const
{
    const Counters* c = counters(track);
    return c ? std::pair{c->packets.load(std::memory_order_relaxed), c->octets.load(std::memory_order_relaxed)}
             : std::pair<std::uint32_t, std::uint32_t>{0, 0};
}

std::map<std::size_t, Reader::TrackStats> Reader::stats() const
{
    std::map<std::size_t, TrackStats> out;
    for (const auto& [track, route] : routes_)
        std::tie(out[track].packets, out[track].octets) = sent(track);
    std::lock_guard lock(mutex_);
    for (const auto& [track, report] : reports_)
        if (auto it = out.find(track); it != out.end()) {
            it->second.report = report.first;
            it->second.report_ms = report.second;
        }
    return out;
}

LiveStream::LiveStream(std::string path, std::string publisher, SessionDescription announced, const UdpPorts& ports)
    : path_(std::move(path)), publisher_(std::move(publisher)), description_(std::move(announced)), ports_(ports)
{
    for (std::size_t i = 0; i < description_.media.size(); ++i) {
        description_.media[i].set_attribute("control", "trackID=" + std::to_string(i));
        tracks_.emplace_back(clock_rate_of(description_.media[i]));
    }
    udp_rtp_.resize(description_.media.size());
}

void LiveStream::rebuild_peers()
{
    for (auto& v : udp_rtp_)
        v.clear();
    for (const auto& reader : readers_)
        for (const auto& [track, route] : reader->routes())
            if (!route.tcp && track < udp_rtp_.size())
                udp_rtp_[track].push_back(route.rtp);
}

void LiveStream::attach(std::shared_ptr<Reader> reader)
{
    std::lock_guard lock(mutex_);
    if (ended_) {
        reader->close();
        return;
    }
    readers_.push_back(std::move(reader));
    rebuild_peers();
}

void LiveStream::detach(const Reader* reader)
{
    std::lock_guard lock(mutex_);
    std::erase_if(readers_, [reader](const auto& r) { return r.get() == reader; });
    rebuild_peers();
}

std::vector<std::shared_ptr<Reader>> LiveStream::readers() const
{
    std::lock_guard lock(mutex_);
    return readers_;
}

void LiveStream::take_publisher_rtcp(Track& track, std::span<const std::uint8_t> packet)
{
    auto packets = rtp::decode_rtcp(packet);
    if (!packets)
        return;
    for (const auto& p : *packets) {
        if (auto* sr = std::get_if<rtp::SenderReport>(&p))
            track.clock.on_sender_report(sr->ntp_time, sr->rtp_time);
        else if (auto* sdes = std::get_if<rtp::Sdes>(&p))
            for (const auto& chunk : sdes->chunks)
                for (const auto& item : chunk.items)
                    if (item.type == 1 && !item.text.empty())
                        track.cname = item.text;
    }
}

void LiveStream::send_report(Reader& reader, std::size_t index)
{
    const Track& track = tracks_[index];
    const auto point = track.clock.point();
    if (!point)
        return;
    const auto [packets, octets] = reader.sent(index);
    std::vector<std::uint8_t> report;
    rtp::encode(rtp::SenderReport{track.ssrc, point->ntp_time, point->rtp_time, packets, octets, {}}, report);
    rtp::encode(rtp::Sdes{{{track.ssrc, {{1, track.cname.empty() ? "layer7" : track.cname}}}}}, report);
    reader.send(ports_, index, true, report);
}

void LiveStream::forward(std::size_t track, bool rtcp, std::span<const std::uint8_t> packet)
{
    const std::int64_t now = now_ms();
    last_heard_ms.store(now, std::memory_order_relaxed);
    packets_in.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    if (ended_ || track >= tracks_.size())
        return;
    Track& t = tracks_[track];
    if (rtcp) {  // the publisher's reports stop here: readers get ours
        take_publisher_rtcp(t, packet);
        return;
    }
    auto rtp = rtp::decode(packet);
    if (!rtp)
        return;  // not RTP: not forwarded
    t.ssrc = rtp->ssrc;
    t.clock.on_packet(rtp->timestamp, ntp_now());
    const auto& peers = udp_rtp_[track];
    const int fd = ports_.rtp_fd.load();
    if (!peers.empty() && fd >= 0)
        core::send_to_all(fd, packet, peers);
    for (const auto& reader : readers_) {
        auto it = reader->routes().find(track);
        if (it == reader->routes().end())
            continue;
        if (!it->second.tcp || reader->send(ports_, track, false, packet))
            reader->count(track, rtp->payload.size());
        if (reader->report_due(track, now))
            send_report(*reader, track);
    }
}

void LiveStream::end()
{
    std::vector<std::shared_ptr<Reader>> readers;
    std::vector<std::uint32_t> ssrcs;
    {
        std::lock_guard lock(mutex_);
        ended_ = true;
        readers.swap(readers_);
        rebuild_peers();
        for (const auto& t : tracks_)
            ssrcs.push_back(t.ssrc);
    }
    for (const auto& reader : readers) {
        for (const auto& [track, route] : reader->routes()) {
            std::vector<std::uint8_t> bye;
            rtp::encode(rtp::Bye{{track < ssrcs.size() ? ssrcs[track] : 0}, "publisher left"}, bye);
            reader->send(ports_, track, true, bye);
        }
        reader->close();
    }
}

std::shared_ptr<LiveStream> Hub::publish(const std::string& path, const std::string& publisher,
                                         SessionDescription announced)
{
    std::lock_guard lock(mutex_);
    auto& slot = streams_[path];
    if (slot)
        return nullptr;
    slot = std::make_shared<LiveStream>(path, publisher, std::move(announced), ports);
    return slot;
}

void Hub::unpublish(const std::shared_ptr<LiveStream>& stream)
{
    {
        std::lock_guard lock(mutex_);
        auto it = streams_.find(stream->path());
        if (it != streams_.end() && it->second == stream)
            streams_.erase(it);
    }
    stream->end();
}

std::shared_ptr<LiveStream> Hub::find(const std::string& path) const
{
    std::lock_guard lock(mutex_);
    auto it = streams_.find(path);
    return it == streams_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<LiveStream>> Hub::streams() const
{
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<LiveStream>> out;
    for (const auto& [path, s] : streams_)
        out.push_back(s);
    return out;
}

void Hub::add_reader(const std::shared_ptr<Reader>& reader)
{
    std::lock_guard lock(mutex_);
    std::erase_if(readers_, [](const auto& r) { return r.expired(); });
    readers_.push_back(reader);
}

std::vector<std::shared_ptr<Reader>> Hub::readers()
{
    std::lock_guard lock(mutex_);
    std::erase_if(readers_, [](const auto& r) { return r.expired(); });
    std::vector<std::shared_ptr<Reader>> out;
    for (const auto& r : readers_)
        if (auto reader = r.lock())
            out.push_back(std::move(reader));
    return out;
}

void Hub::add_source(const asio::ip::udp::endpoint& from, Source source)
{
    std::lock_guard lock(mutex_);
    sources_[from] = std::move(source);
}

void Hub::remove_source(const asio::ip::udp::endpoint& from)
{
    std::lock_guard lock(mutex_);
    sources_.erase(from);
}

std::optional<Hub::Source> Hub::source(const asio::ip::udp::endpoint& from) const
{
    std::lock_guard lock(mutex_);
    auto it = sources_.find(from);
    if (it == sources_.end())
        return std::nullopt;
    return it->second;
}

}  // namespace layer7::rtsp
