// HPACK through nghttp2's inflater and deflater: see hpack.hpp.
#include "http/h2/hpack.hpp"

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <new>

namespace layer7::http::h2 {

namespace {

constexpr std::size_t encoder_table_max = 4096;  // RFC 7541 §6.5.2's default; the client may lower it

const std::uint8_t* bytes(std::string_view s)
{
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

}  // namespace

HpackDecoder::HpackDecoder()
{
    if (nghttp2_hd_inflate_new2(&inflater_, nullptr) != 0)
        throw std::bad_alloc();
}

HpackDecoder::~HpackDecoder()
{
    nghttp2_hd_inflate_del(inflater_);
}

bool HpackDecoder::decode(std::span<const std::uint8_t> piece, bool last, OnField on_field, void* context)
{
    const std::uint8_t* in = piece.data();
    std::size_t left = piece.size();
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        const ssize_t n = nghttp2_hd_inflate_hd2(inflater_, &nv, &flags, in, left, last ? 1 : 0);
        if (n < 0)
            return false;
        in += n;
        left -= static_cast<std::size_t>(n);
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            on_field(context, {reinterpret_cast<const char*>(nv.name), nv.namelen},
                     {reinterpret_cast<const char*>(nv.value), nv.valuelen});
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inflater_);
            return true;
        }
        if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && left == 0)
            return !last;  // the rest comes in a CONTINUATION
    }
}

HpackEncoder::HpackEncoder()
{
    if (nghttp2_hd_deflate_new2(&deflater_, encoder_table_max, nullptr) != 0)
        throw std::bad_alloc();
}

HpackEncoder::~HpackEncoder()
{
    nghttp2_hd_deflate_del(deflater_);
}

void HpackEncoder::clear()
{
    fields_.clear();
}

void HpackEncoder::add(std::string_view name, std::string_view value)
{
    fields_.push_back({bytes(name), bytes(value), name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
}

namespace {

template <class Field>
const nghttp2_nv* as_nv(const std::vector<Field>& fields)
{
    static_assert(sizeof(Field) == sizeof(nghttp2_nv) && offsetof(Field, name) == offsetof(nghttp2_nv, name) &&
                  offsetof(Field, value) == offsetof(nghttp2_nv, value) &&
                  offsetof(Field, name_length) == offsetof(nghttp2_nv, namelen) &&
                  offsetof(Field, value_length) == offsetof(nghttp2_nv, valuelen) &&
                  offsetof(Field, flags) == offsetof(nghttp2_nv, flags));
    return reinterpret_cast<const nghttp2_nv*>(fields.data());
}

}  // namespace

void HpackEncoder::encode(std::string& out)
{
    const std::size_t at = out.size();
    const nghttp2_nv* nva = as_nv(fields_);
    out.resize(at + nghttp2_hd_deflate_bound(deflater_, nva, fields_.size()));
    const ssize_t n = nghttp2_hd_deflate_hd(deflater_, reinterpret_cast<std::uint8_t*>(out.data() + at),
                                            out.size() - at, nva, fields_.size());
    if (n < 0)  // only when out of memory: the bound is enough by definition
        throw std::bad_alloc();
    out.resize(at + static_cast<std::size_t>(n));
}

void HpackEncoder::set_table_size(std::uint32_t size)
{
    nghttp2_hd_deflate_change_table_size(deflater_, size < encoder_table_max ? size : encoder_table_max);
}

}  // namespace layer7::http::h2
