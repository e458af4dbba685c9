// Hub, LiveStream, Reader: see hub.hpp.
#include "rtsp/hub.hpp"

#include <algorithm>
#include <cstring>

#include "core/net/udp_batch.hpp"
#include "rtsp/message.hpp"

namespace layer7::rtsp {

std::int64_t now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

sockaddr_storage to_sockaddr(const asio::ip::udp::endpoint& endpoint)
{
    sockaddr_storage out{};
    std::memcpy(&out, endpoint.data(), std::min<std::size_t>(endpoint.size(), sizeof out));
    return out;
}

void Reader::send(const UdpPorts& ports, std::size_t track, bool rtcp, std::span<const std::uint8_t> packet)
{
    auto it = routes_.find(track);
    if (it == routes_.end())
        return;
    const Route& route = it->second;
    if (route.tcp) {
        const std::string_view bytes(reinterpret_cast<const char*>(packet.data()), packet.size());
        if (outbox_->push(interleaved_frame(rtcp ? route.rtcp_channel : route.rtp_channel, bytes), true))
            count(packet.size());
        return;
    }
    const int fd = rtcp ? ports.rtcp_fd.load() : ports.rtp_fd.load();
    if (fd >= 0 && core::send_to_all(fd, packet, std::span(rtcp ? &route.rtcp : &route.rtp, 1)) == 1)
        count(packet.size());
}

void Reader::on_report(std::size_t track, const rtp::ReportBlock& block)
{
    std::lock_guard lock(mutex_);
    reports_[track] = block;
}

Reader::Stats Reader::stats() const
{
    Stats s;
    s.packets = packets_.load();
    s.octets = octets_.load();
    std::lock_guard lock(mutex_);
    s.reports = reports_;
    return s;
}

LiveStream::LiveStream(std::string path, SessionDescription announced, const UdpPorts& ports)
    : path_(std::move(path)), description_(std::move(announced)), ports_(ports)
{
    for (std::size_t i = 0; i < description_.media.size(); ++i)
        description_.media[i].set_attribute("control", "trackID=" + std::to_string(i));
    udp_rtp_.resize(description_.media.size());
    udp_rtcp_.resize(description_.media.size());
    ssrcs_.resize(description_.media.size());
}

void LiveStream::rebuild_peers()
{
    for (auto& v : udp_rtp_)
        v.clear();
    for (auto& v : udp_rtcp_)
        v.clear();
    for (const auto& reader : readers_)
        for (const auto& [track, route] : reader->routes())
            if (!route.tcp && track < udp_rtp_.size()) {
                udp_rtp_[track].push_back(route.rtp);
                udp_rtcp_[track].push_back(route.rtcp);
            }
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

void LiveStream::forward(std::size_t track, bool rtcp, std::span<const std::uint8_t> packet)
{
    last_heard_ms.store(now_ms(), std::memory_order_relaxed);
    packets_in.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    if (ended_ || track >= udp_rtp_.size())
        return;
    if (!rtcp && ssrcs_[track] == 0 && packet.size() >= 12)
        ssrcs_[track] = static_cast<std::uint32_t>(packet[8]) << 24 | packet[9] << 16 | packet[10] << 8 | packet[11];
    const auto& peers = rtcp ? udp_rtcp_[track] : udp_rtp_[track];
    const int fd = rtcp ? ports_.rtcp_fd.load() : ports_.rtp_fd.load();
    if (!peers.empty() && fd >= 0)
        core::send_to_all(fd, packet, peers);
    for (const auto& reader : readers_) {
        auto it = reader->routes().find(track);
        if (it == reader->routes().end())
            continue;
        if (it->second.tcp)
            reader->send(ports_, track, rtcp, packet);
        else
            reader->count(packet.size());
    }
}

void LiveStream::end()
{
    std::vector<std::shared_ptr<Reader>> readers;
    {
        std::lock_guard lock(mutex_);
        ended_ = true;
        readers.swap(readers_);
        rebuild_peers();
    }
    for (const auto& reader : readers) {
        for (const auto& [track, route] : reader->routes()) {
            std::vector<std::uint8_t> bye;
            rtp::encode(rtp::Bye{{track < ssrcs_.size() ? ssrcs_[track] : 0}, "publisher left"}, bye);
            reader->send(ports_, track, true, bye);
        }
        reader->close();
    }
}

std::shared_ptr<LiveStream> Hub::publish(const std::string& path, SessionDescription announced)
{
    std::lock_guard lock(mutex_);
    auto& slot = streams_[path];
    if (slot)
        return nullptr;
    slot = std::make_shared<LiveStream>(path, std::move(announced), ports);
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
