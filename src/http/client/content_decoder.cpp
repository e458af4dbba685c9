// gzip / deflate decoding with zlib: see content_decoder.hpp.
#include "http/client/content_decoder.hpp"

#include <zlib.h>

#include "http/message/token.hpp"

namespace layer7::http::client {

struct ContentDecoder::Zlib {
    z_stream s{};
    bool ready = false;
    ~Zlib()
    {
        if (ready)
            inflateEnd(&s);
    }
};

Coding coding_of(std::string_view value)
{
    value = trim_ows(value);
    if (value.empty() || iequals(value, "identity"))
        return Coding::identity;
    if (iequals(value, "gzip") || iequals(value, "x-gzip"))
        return Coding::gzip;
    if (iequals(value, "deflate"))
        return Coding::deflate;
    return Coding::unknown;
}

ContentDecoder::ContentDecoder(Coding coding, std::size_t max_output)
    : z_(std::make_unique<Zlib>()), coding_(coding), max_output_(max_output)
{
    if (coding_ == Coding::gzip || coding_ == Coding::deflate)
        // 16+: gzip wrapper; 32+: zlib or gzip auto-detected ("deflate" is zlib-wrapped per §8.4.1.2).
        z_->ready = inflateInit2(&z_->s, (coding_ == Coding::gzip ? 16 : 32) + MAX_WBITS) == Z_OK;
}

ContentDecoder::~ContentDecoder() = default;

DecodeStatus ContentDecoder::feed(std::string_view input, std::string& out)
{
    if (coding_ == Coding::identity) {
        produced_ += input.size();
        if (produced_ > max_output_)
            return DecodeStatus::too_large;
        out.append(input);
        return DecodeStatus::ok;
    }
    if (!z_->ready || coding_ == Coding::unknown)
        return DecodeStatus::corrupt;
    z_->s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    z_->s.avail_in = static_cast<uInt>(input.size());
    char buf[16384];
    while (z_->s.avail_in > 0 && !finished_) {
        z_->s.next_out = reinterpret_cast<Bytef*>(buf);
        z_->s.avail_out = sizeof buf;
        const int rc = inflate(&z_->s, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return DecodeStatus::corrupt;
        const std::size_t n = sizeof buf - z_->s.avail_out;
        produced_ += n;
        if (produced_ > max_output_)
            return DecodeStatus::too_large;
        out.append(buf, n);
        if (rc == Z_STREAM_END)
            finished_ = true;
        else if (rc == Z_BUF_ERROR && n == 0)
            break;
    }
    return DecodeStatus::ok;
}

DecodeStatus decode_content(Coding coding, std::string_view input, std::string& out, std::size_t max_output)
{
    ContentDecoder d(coding, max_output);
    const auto status = d.feed(input, out);
    if (status != DecodeStatus::ok)
        return status;
    return coding == Coding::identity || d.finished() ? DecodeStatus::ok : DecodeStatus::corrupt;
}

}  // namespace layer7::http::client
