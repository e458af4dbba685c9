// Fuzzes the RTP and RTCP decoders and the payload readers: RTP that decodes encodes back to a
// packet that decodes to the same fields; RTCP decode → encode → decode → encode is stable; the
// H.264 depacketizer and AAC reader take any payload; the SPS reader and the AAC config parser
// (SDP text from a server) take any bytes, and a size they give is a real picture's; the avcC
// decoder (an MP4 or DASH init segment's) takes any bytes and every unit it gives lies in them.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "rtp/aac.hpp"
#include "rtp/avc_config.hpp"
#include "rtp/h264.hpp"
#include "rtp/h264_sps.hpp"
#include "rtp/packet.hpp"
#include "rtp/rtcp.hpp"

using namespace layer7::rtp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::uint8_t> in(data, size);
    if (auto p = decode(in)) {
        std::vector<std::uint8_t> wire;
        encode(*p, wire);
        auto back = decode(wire);
        if (!back || back->sequence != p->sequence || back->timestamp != p->timestamp || back->ssrc != p->ssrc ||
            back->marker != p->marker || back->csrcs != p->csrcs ||
            !std::equal(back->payload.begin(), back->payload.end(), p->payload.begin(), p->payload.end()))
            std::abort();
        std::string annex_b;
        h264::Depacketizer d;
        d.on_payload(p->payload, false, annex_b);
        (void)aac::depacketize(p->payload);
    }
    if (auto size = h264::sps_picture_size(in);
        size && (size->width <= 0 || size->height <= 0 || size->width > 2048 * 16 || size->height > 2048 * 32))
        std::abort();
    (void)aac::audio_specific_config(std::string_view(reinterpret_cast<const char*>(data), size));
    if (auto avcc = h264::decode_avc_config(in)) {
        std::size_t total = 0;
        for (const auto* sets : {&avcc->sps, &avcc->pps})
            for (const auto& nal : *sets)
                total += nal.size() + 2;
        if (total > size || avcc->length_size == 3 || avcc->length_size > 4)
            std::abort();
    }
    if (auto packets = decode_rtcp(in)) {
        std::vector<std::uint8_t> once, twice;
        for (const auto& packet : *packets)
            encode(packet, once);
        auto again = decode_rtcp(once);
        if (!again)
            std::abort();
        for (const auto& packet : *again)
            encode(packet, twice);
        if (once != twice)
            std::abort();
    }
    return 0;
}
