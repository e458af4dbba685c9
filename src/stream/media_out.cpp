// MediaOut: see media_out.hpp.
#include "stream/media_out.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cstring>
#include <span>

namespace layer7::stream {

namespace {

std::string av_error(int e)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(e, text, sizeof text);
    return text;
}

// An init segment followed by a media segment, read in place as one file (no copy of either).
struct Joined {
    std::string_view init, media;
    std::int64_t at = 0;

    std::int64_t size() const { return static_cast<std::int64_t>(init.size() + media.size()); }

    static int read(void* opaque, std::uint8_t* buf, int n)
    {
        auto* j = static_cast<Joined*>(opaque);
        int done = 0;
        while (done < n && j->at < j->size()) {
            const auto at = static_cast<std::size_t>(j->at);
            const std::string_view part =
                at < j->init.size() ? j->init.substr(at) : j->media.substr(at - j->init.size());
            const std::size_t take = std::min(part.size(), static_cast<std::size_t>(n - done));
            std::memcpy(buf + done, part.data(), take);
            done += static_cast<int>(take);
            j->at += static_cast<std::int64_t>(take);
        }
        return done > 0 ? done : AVERROR_EOF;
    }

    static std::int64_t seek(void* opaque, std::int64_t offset, int whence)
    {
        auto* j = static_cast<Joined*>(opaque);
        std::int64_t to = 0;
        switch (whence & ~AVSEEK_FORCE) {
        case AVSEEK_SIZE: return j->size();
        case SEEK_SET: to = offset; break;
        case SEEK_CUR: to = j->at + offset; break;
        case SEEK_END: to = j->size() + offset; break;
        default: return AVERROR(EINVAL);
        }
        if (to < 0 || to > j->size())
            return AVERROR(EINVAL);
        j->at = to;
        return to;
    }
};

// libavformat reading a Joined; closes what it opened.
class Reader {
public:
    explicit Reader(Joined& joined) : joined_(joined) {}
    ~Reader()
    {
        avformat_close_input(&context_);
        if (io_)
            av_freep(&io_->buffer);
        avio_context_free(&io_);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    std::string open()
    {
        constexpr int chunk = 64 * 1024;
        auto* buffer = static_cast<std::uint8_t*>(av_malloc(chunk));
        io_ = buffer ? avio_alloc_context(buffer, chunk, 0, &joined_, &Joined::read, nullptr, &Joined::seek) : nullptr;
        context_ = avformat_alloc_context();
        if (!io_ || !context_) {
            if (!io_)
                av_free(buffer);
            return "out of memory";
        }
        context_->pb = io_;
        context_->flags |= AVFMT_FLAG_CUSTOM_IO;
        // DASH segments are ISO BMFF (the MPD's video/mp4): no probing of other formats
        if (int e = avformat_open_input(&context_, nullptr, av_find_input_format("mp4"), nullptr); e < 0)
            return "not an MP4 init + media segment (" + av_error(e) + ")";
        return "";
    }

    AVFormatContext* context() const { return context_; }

private:
    Joined& joined_;
    AVIOContext* io_ = nullptr;
    AVFormatContext* context_ = nullptr;
};

std::span<const std::uint8_t> bytes_of(const AVCodecParameters* par)
{
    return {par->extradata, static_cast<std::size_t>(std::max(par->extradata_size, 0))};
}

}  // namespace

std::unique_ptr<MediaOut> MediaOut::open(const std::string& path, std::string& error)
{
    std::unique_ptr<MediaOut> out(new MediaOut);
    out->path_ = path;
    if (int e = avformat_alloc_output_context2(&out->context_, nullptr, nullptr, path.c_str()); e < 0) {
        error = "no container for " + path + " (" + av_error(e) + "): name it .mp4, .mkv or .ts";
        return nullptr;
    }
    out->packet_ = av_packet_alloc();
    if (!out->packet_) {
        error = "out of memory";
        return nullptr;
    }
    return out;
}

MediaOut::~MediaOut()
{
    av_packet_free(&packet_);
    if (context_) {
        if (context_->pb && !(context_->oformat->flags & AVFMT_NOFILE))
            avio_closep(&context_->pb);
        avformat_free_context(context_);
    }
}

// The output's one stream, shaped after the first segment's video.
std::string MediaOut::start(const AVFormatContext& input, int index)
{
    const AVStream* in = input.streams[index];
    AVStream* stream = avformat_new_stream(context_, nullptr);
    if (!stream || avcodec_parameters_copy(stream->codecpar, in->codecpar) < 0)
        return "out of memory";
    AVCodecParameters* par = stream->codecpar;
    par->codec_tag = 0;  // the container picks its own
    h264_ = par->codec_id == AV_CODEC_ID_H264 && rtp::h264::decode_avc_config(bytes_of(par));
    if (h264_) {
        par->extradata[4] |= 3;  // lengthSizeMinusOne: the splice writes 4-byte NAL lengths
        // 'avc3': parameter sets may come in band and change (ISO/IEC 14496-15 §5.3.4.1), as at a switch
        const std::string_view format = context_->oformat->name;
        if (format == "mp4" || format == "mov")
            par->codec_tag = MKTAG('a', 'v', 'c', '3');
    }
    stream->time_base = in->time_base;
    if (!(context_->oformat->flags & AVFMT_NOFILE))
        if (int e = avio_open(&context_->pb, path_.c_str(), AVIO_FLAG_WRITE); e < 0)
            return "cannot write " + path_ + ": " + av_error(e);
    if (int e = avformat_write_header(context_, nullptr); e < 0)
        return "cannot start " + path_ + ": " + av_error(e);
    header_written_ = true;
    return "";
}

std::string MediaOut::write(std::string_view init, std::string_view media)
{
    Joined joined{init, media};
    Reader reader(joined);
    if (auto e = reader.open(); !e.empty())
        return e;
    AVFormatContext* input = reader.context();
    const int index = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (index < 0)
        return "no video track in the segment";
    if (context_->nb_streams == 0)
        if (auto e = start(*input, index); !e.empty())
            return e;
    const AVStream* in = input->streams[index];
    AVStream* out = context_->streams[0];
    if (in->codecpar->codec_id != out->codecpar->codec_id)
        return std::string("the renditions change codec (") + avcodec_get_name(out->codecpar->codec_id) + " to " +
               avcodec_get_name(in->codecpar->codec_id) + ")";
    if (h264_ && !splice_.begin(bytes_of(in->codecpar)))
        return "the init segment's avcC cannot be read";
    while (av_read_frame(input, packet_) >= 0) {
        if (packet_->stream_index != index) {
            av_packet_unref(packet_);
            continue;
        }
        std::int64_t dts = packet_->dts != AV_NOPTS_VALUE ? packet_->dts : packet_->pts;
        std::int64_t pts = packet_->pts != AV_NOPTS_VALUE ? packet_->pts : dts;
        dts = av_rescale_q(dts, in->time_base, out->time_base);
        pts = av_rescale_q(pts, in->time_base, out->time_base);
        if (origin_ == INT64_MIN)
            origin_ = dts;
        // a sample at or before the last one written (an overlap) would break the muxer's order
        if (dts - origin_ <= last_dts_) {
            av_packet_unref(packet_);
            continue;
        }
        std::string data;
        if (h264_) {
            auto spliced = splice_.sample({packet_->data, static_cast<std::size_t>(packet_->size)});
            if (!spliced) {
                av_packet_unref(packet_);
                return "a sample's NAL unit lengths do not add up";
            }
            data = std::move(*spliced);
        } else {
            data.assign(reinterpret_cast<const char*>(packet_->data), static_cast<std::size_t>(packet_->size));
        }
        const bool key = packet_->flags & AV_PKT_FLAG_KEY;
        const std::int64_t duration = av_rescale_q(packet_->duration, in->time_base, out->time_base);
        av_packet_unref(packet_);
        if (av_new_packet(packet_, static_cast<int>(data.size())) < 0)
            return "out of memory";
        std::memcpy(packet_->data, data.data(), data.size());
        packet_->stream_index = 0;
        packet_->dts = dts - origin_;
        packet_->pts = std::max(pts - origin_, packet_->dts);
        packet_->duration = duration;
        if (key)
            packet_->flags |= AV_PKT_FLAG_KEY;
        last_dts_ = packet_->dts;
        if (int e = av_interleaved_write_frame(context_, packet_); e < 0)
            return "cannot write " + path_ + ": " + av_error(e);
    }
    return "";
}

std::string MediaOut::finish()
{
    if (!header_written_)
        return "";
    header_written_ = false;
    if (int e = av_write_trailer(context_); e < 0)
        return av_error(e);
    return "";
}

}  // namespace layer7::stream
