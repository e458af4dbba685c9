// MediaFile: see media_file.hpp.
#include "rtsp/media_file.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
}

#include "rtp/aac.hpp"
#include "rtp/avc_config.hpp"
#include "rtp/h264.hpp"

namespace layer7::rtsp {

namespace {
using Bytes = std::vector<std::uint8_t>;
}  // namespace

std::unique_ptr<MediaFile> MediaFile::open(const std::string& path, std::string& error)
{
    std::unique_ptr<MediaFile> file(new MediaFile);
    if (int e = avformat_open_input(&file->context_, path.c_str(), nullptr, nullptr); e < 0) {
        char text[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(e, text, sizeof text);
        error = text;
        return nullptr;
    }
    if (avformat_find_stream_info(file->context_, nullptr) < 0) {
        error = "no stream information";
        return nullptr;
    }
    file->packet_ = av_packet_alloc();
    file->describe(path.substr(path.rfind('/') + 1));
    if (file->tracks_.empty()) {
        error = "no H.264, AAC or Opus stream";
        return nullptr;
    }
    return file;
}

MediaFile::~MediaFile()
{
    av_packet_free(&packet_);
    avformat_close_input(&context_);
}

void MediaFile::describe(const std::string& name)
{
    description_.lines = {
        {'o', "- 0 0 IN IP4 127.0.0.1"}, {'s', name}, {'c', "IN IP4 0.0.0.0"}, {'t', "0 0"}, {'a', "control:*"}};
    if (context_->duration > 0) {
        duration_ = static_cast<double>(context_->duration) / AV_TIME_BASE;
        description_.lines.emplace_back('a', "range:npt=0-" + std::to_string(duration_));
    }
    track_of_stream_.assign(context_->nb_streams, -1);
    for (unsigned i = 0; i < context_->nb_streams; ++i) {
        const AVCodecParameters* par = context_->streams[i]->codecpar;
        Track t;
        t.stream_index = static_cast<int>(i);
        t.payload_type = static_cast<std::uint8_t>(96 + tracks_.size());
        const std::string pt = std::to_string(t.payload_type);
        Media m;
        m.formats = {pt};
        if (par->codec_id == AV_CODEC_ID_H264) {
            t.codec = Codec::h264;
            t.clock_rate = 90000;
            Bytes sps, pps;
            const auto avcc =
                par->extradata_size > 0
                    ? rtp::h264::decode_avc_config({par->extradata, static_cast<std::size_t>(par->extradata_size)})
                    : std::nullopt;
            if (avcc) {
                t.nal_length_size = avcc->length_size;
                if (!avcc->sps.empty())
                    sps = avcc->sps.front();
                if (!avcc->pps.empty())
                    pps = avcc->pps.front();
            } else if (par->extradata_size > 0) {
                // Annex B extradata (MPEG-TS, raw .h264): the parameter sets are NAL units in it
                for (auto nal :
                     rtp::h264::split_annex_b({par->extradata, static_cast<std::size_t>(par->extradata_size)})) {
                    if (!nal.empty() && (nal[0] & 0x1f) == rtp::h264::nal_sps && sps.empty())
                        sps.assign(nal.begin(), nal.end());
                    if (!nal.empty() && (nal[0] & 0x1f) == rtp::h264::nal_pps && pps.empty())
                        pps.assign(nal.begin(), nal.end());
                }
            }
            m.kind = "video";
            m.lines = {{'a', "rtpmap:" + pt + " H264/90000"}, {'a', "fmtp:" + pt + ' ' + rtp::h264::fmtp(sps, pps)}};
        } else if (par->codec_id == AV_CODEC_ID_AAC && par->extradata_size > 0) {
            t.codec = Codec::aac;
            t.clock_rate = static_cast<std::uint32_t>(par->sample_rate);
            m.kind = "audio";
            m.lines = {{'a', "rtpmap:" + pt + " MPEG4-GENERIC/" + std::to_string(par->sample_rate) + '/' +
                                 std::to_string(par->ch_layout.nb_channels)},
                       {'a', "fmtp:" + pt + ' ' +
                                 rtp::aac::fmtp({par->extradata, static_cast<std::size_t>(par->extradata_size)})}};
        } else if (par->codec_id == AV_CODEC_ID_OPUS) {
            t.codec = Codec::opus;
            t.clock_rate = 48000;  // RFC 7587 §4.1: always 48000/2 in the rtpmap
            m.kind = "audio";
            m.lines = {{'a', "rtpmap:" + pt + " opus/48000/2"}};
        } else {
            continue;
        }
        if (t.clock_rate == 0)
            continue;
        const AVRational tb = context_->streams[i]->time_base;
        t.time_base_num = tb.num;
        t.time_base_den = tb.den;
        m.lines.emplace_back('a', "control:trackID=" + std::to_string(tracks_.size()));
        track_of_stream_[i] = static_cast<int>(tracks_.size());
        tracks_.push_back(t);
        description_.media.push_back(std::move(m));
    }
}

bool MediaFile::seek(double seconds)
{
    const auto target = static_cast<std::int64_t>(seconds * AV_TIME_BASE);
    return av_seek_frame(context_, -1, target, AVSEEK_FLAG_BACKWARD) >= 0;
}

std::optional<MediaFile::Frame> MediaFile::next()
{
    while (av_read_frame(context_, packet_) >= 0) {
        const int index = packet_->stream_index;
        const int track =
            index >= 0 && index < static_cast<int>(track_of_stream_.size()) ? track_of_stream_[index] : -1;
        if (track < 0) {
            av_packet_unref(packet_);
            continue;
        }
        const Track& t = tracks_[static_cast<std::size_t>(track)];
        const AVRational tb{t.time_base_num, t.time_base_den};
        const std::int64_t dts = packet_->dts != AV_NOPTS_VALUE ? packet_->dts : packet_->pts;
        const std::int64_t pts = packet_->pts != AV_NOPTS_VALUE ? packet_->pts : dts;
        Frame f;
        f.track = static_cast<std::size_t>(track);
        f.send_time = dts == AV_NOPTS_VALUE ? 0 : static_cast<double>(dts) * av_q2d(tb);
        f.rtp_time = static_cast<std::uint32_t>(
            av_rescale_q(pts == AV_NOPTS_VALUE ? 0 : pts, tb, AVRational{1, static_cast<int>(t.clock_rate)}));
        const std::span<const std::uint8_t> data(packet_->data, static_cast<std::size_t>(packet_->size));
        if (t.codec == Codec::h264) {
            std::vector<std::span<const std::uint8_t>> nals;
            if (t.nal_length_size > 0) {  // AVCC: length-prefixed NAL units
                std::size_t at = 0;
                while (at + t.nal_length_size <= data.size()) {
                    std::size_t n = 0;
                    for (std::size_t i = 0; i < t.nal_length_size; ++i)
                        n = n << 8 | data[at + i];
                    at += t.nal_length_size;
                    if (n > data.size() - at)
                        break;
                    nals.push_back(data.subspan(at, n));
                    at += n;
                }
            } else {
                nals = rtp::h264::split_annex_b(data);
            }
            for (auto nal : nals)
                for (auto& p : rtp::h264::packetize(nal, max_payload))
                    f.payloads.push_back(std::move(p));
        } else if (t.codec == Codec::aac) {
            f.payloads = rtp::aac::packetize(data, max_payload);
        } else {
            f.payloads.emplace_back(data.begin(), data.end());
        }
        av_packet_unref(packet_);
        if (!f.payloads.empty())
            return f;
    }
    return std::nullopt;
}

}  // namespace layer7::rtsp
