// MediaWriter: see media_writer.hpp.
#include "rtsp/media_writer.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
}

#include <algorithm>
#include <cstring>

#include "rtp/aac.hpp"
#include "rtp/h264.hpp"
#include "rtp/h264_sps.hpp"

namespace layer7::rtsp {

namespace {

std::string av_error(int e)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(e, text, sizeof text);
    return text;
}

bool set_extradata(AVCodecParameters* par, const void* data, std::size_t size)
{
    if (size == 0)
        return true;
    par->extradata = static_cast<std::uint8_t*>(av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!par->extradata)
        return false;
    std::memcpy(par->extradata, data, size);
    par->extradata_size = static_cast<int>(size);
    return true;
}

// The Opus identification header (RFC 7845 §5.1) Matroska and MP4 carry as codec private data.
std::vector<std::uint8_t> opus_head(int channels)
{
    std::vector<std::uint8_t> head{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, static_cast<std::uint8_t>(channels)};
    head.insert(head.end(), {0, 0});              // pre-skip: unknown to a receiver
    head.insert(head.end(), {0x80, 0xbb, 0, 0});  // the input rate, 48000 little-endian
    head.insert(head.end(), {0, 0, 0});           // gain 0, mapping family 0
    return head;
}

}  // namespace

std::unique_ptr<MediaWriter> MediaWriter::open(const std::string& path, const std::vector<Media>& tracks,
                                               std::string& error)
{
    std::unique_ptr<MediaWriter> w(new MediaWriter);
    const bool raw_h264 = path.ends_with(".h264") || path.ends_with(".264");
    if (int e = avformat_alloc_output_context2(&w->context_, nullptr, raw_h264 ? "h264" : nullptr, path.c_str());
        e < 0) {
        error = "no container for " + path + " (" + av_error(e) + "): name it .mkv, .mp4, .ts or .h264";
        return nullptr;
    }
    w->streams_.assign(tracks.size(), -1);
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const Media& media = tracks[i];
        const auto map = media.rtpmap();
        const Codec codec = codec_of(media);
        AVCodecID id = AV_CODEC_ID_NONE;
        if (codec == Codec::h264)
            id = AV_CODEC_ID_H264;
        else if (codec == Codec::aac && !raw_h264)
            id = AV_CODEC_ID_AAC;
        else if (codec == Codec::opus && !raw_h264)
            id = AV_CODEC_ID_OPUS;
        if (id == AV_CODEC_ID_NONE || (raw_h264 && w->context_->nb_streams > 0))
            continue;
        if (avformat_query_codec(w->context_->oformat, id, FF_COMPLIANCE_NORMAL) == 0)
            continue;  // this container cannot hold it (MPEG-TS does not say: it is tried)
        AVStream* stream = avformat_new_stream(w->context_, nullptr);
        if (!stream) {
            error = "out of memory";
            return nullptr;
        }
        AVCodecParameters* par = stream->codecpar;
        par->codec_id = id;
        const int channels = map && map->channels > 0 ? map->channels : (id == AV_CODEC_ID_OPUS ? 2 : 1);
        bool ok = true;
        if (id == AV_CODEC_ID_H264) {
            par->codec_type = AVMEDIA_TYPE_VIDEO;
            // containers want the picture size in their header: the SDP's SPS says it
            w->parameter_sets_ = rtp::h264::parameter_sets_annex_b(media.fmtp());
            const auto sets =
                std::span(reinterpret_cast<const std::uint8_t*>(w->parameter_sets_.data()), w->parameter_sets_.size());
            for (auto nal : rtp::h264::split_annex_b(sets))
                if (auto size = rtp::h264::sps_picture_size(nal)) {
                    par->width = size->width;
                    par->height = size->height;
                }
            if (par->width == 0) {
                error = "the H.264 track's SDP has no sprop-parameter-sets to size the picture from";
                return nullptr;
            }
            ok = set_extradata(par, w->parameter_sets_.data(), w->parameter_sets_.size());
        } else {
            par->codec_type = AVMEDIA_TYPE_AUDIO;
            par->sample_rate = static_cast<int>(clock_rate_of(media));
            par->frame_size = id == AV_CODEC_ID_AAC ? 1024 : 960;  // AAC's frame; Opus's usual 20 ms (MP4 wants one)
            av_channel_layout_default(&par->ch_layout, channels);
            const auto config =
                id == AV_CODEC_ID_AAC ? rtp::aac::audio_specific_config(media.fmtp()) : opus_head(channels);
            ok = set_extradata(par, config.data(), config.size());
        }
        if (!ok) {
            error = "out of memory";
            return nullptr;
        }
        stream->time_base = AVRational{1, static_cast<int>(clock_rate_of(media))};
        w->streams_[i] = stream->index;
    }
    if (w->context_->nb_streams == 0) {
        error = raw_h264 ? "the stream has no H.264 track for " + path
                         : "the stream has no H.264, AAC or Opus track this container holds";
        return nullptr;
    }
    w->last_dts_.assign(w->context_->nb_streams, INT64_MIN);
    w->video_started_.assign(w->context_->nb_streams, false);
    if (!(w->context_->oformat->flags & AVFMT_NOFILE))
        if (int e = avio_open(&w->context_->pb, path.c_str(), AVIO_FLAG_WRITE); e < 0) {
            error = "cannot write " + path + ": " + av_error(e);
            return nullptr;
        }
    if (int e = avformat_write_header(w->context_, nullptr); e < 0) {
        error = "cannot start " + path + ": " + av_error(e);
        return nullptr;
    }
    w->header_written_ = true;
    w->packet_ = av_packet_alloc();
    if (!w->packet_) {
        error = "out of memory";
        return nullptr;
    }
    return w;
}

MediaWriter::~MediaWriter()
{
    av_packet_free(&packet_);
    if (context_) {
        if (context_->pb && !(context_->oformat->flags & AVFMT_NOFILE))
            avio_closep(&context_->pb);
        avformat_free_context(context_);
    }
}

std::string MediaWriter::summary() const
{
    std::string s;
    for (unsigned i = 0; i < context_->nb_streams; ++i)
        s += (s.empty() ? "" : " + ") + std::string(avcodec_get_name(context_->streams[i]->codecpar->codec_id));
    return s;
}

void MediaWriter::write(std::size_t track, const Frame& frame)
{
    if (!carries(track) || failed_ || frame.data.empty())
        return;
    const int index = streams_[track];
    AVStream* stream = context_->streams[index];
    std::string data;
    if (stream->codecpar->codec_id == AV_CODEC_ID_H264) {
        if (!video_started_[index] && !frame.key)
            return;
        if (!video_started_[index])
            data = parameter_sets_;  // in band too: a raw .h264 has nowhere else to keep them
        video_started_[index] = true;
    }
    data += frame.data;
    if (origin_us_ < 0)
        origin_us_ = frame.playout_us;
    const std::int64_t pts = av_rescale_q(frame.playout_us - origin_us_, AVRational{1, 1'000'000}, stream->time_base);
    // the muxer wants rising decode times; pictures reordered for B-frames would break that, so
    // a frame that does not move forward is nudged one tick on
    std::int64_t& last = last_dts_[index];
    const std::int64_t dts = pts > last ? pts : last + 1;
    last = dts;
    if (av_new_packet(packet_, static_cast<int>(data.size())) < 0) {
        failed_ = true;
        return;
    }
    std::memcpy(packet_->data, data.data(), data.size());
    packet_->stream_index = index;
    packet_->pts = std::max(pts, dts);
    packet_->dts = dts;
    if (frame.key)
        packet_->flags |= AV_PKT_FLAG_KEY;
    if (av_interleaved_write_frame(context_, packet_) < 0)
        failed_ = true;
    av_packet_unref(packet_);
}

std::string MediaWriter::finish()
{
    if (!header_written_)
        return "";
    header_written_ = false;
    if (int e = av_write_trailer(context_); e < 0)
        return av_error(e);
    return failed_ ? "some frames could not be written" : "";
}

}  // namespace layer7::rtsp
