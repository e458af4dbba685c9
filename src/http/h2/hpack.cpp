// HPACK decoding through nghttp2's inflater: see hpack.hpp.
#include "http/h2/hpack.hpp"

#include <nghttp2/nghttp2.h>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace layer7::http::h2 {

// Each block carries its size in a header in front of it (realloc needs it). Up to `kept` freed
// blocks of at most `small` bytes wait in `blocks` for the next request they are large enough for.
struct HpackMemory {
    static constexpr std::size_t header = alignof(std::max_align_t);
    static constexpr std::size_t small = 256;
    static constexpr std::size_t kept = 2;
    nghttp2_mem mem;
    std::array<void*, kept> blocks{};
    std::size_t count = 0;

    static std::size_t& size_of(void* p) { return *reinterpret_cast<std::size_t*>(static_cast<char*>(p) - header); }

    void* allocate(std::size_t size)
    {
        for (std::size_t i = 0; i < count; ++i) {
            if (size_of(blocks[i]) >= size) {
                void* p = blocks[i];
                blocks[i] = blocks[--count];
                return p;
            }
        }
        void* raw = std::malloc(header + size);
        if (!raw)
            return nullptr;
        void* p = static_cast<char*>(raw) + header;
        size_of(p) = size;
        return p;
    }
    void release(void* p)
    {
        if (!p)
            return;
        if (size_of(p) <= small && count < kept) {
            blocks[count++] = p;
            return;
        }
        std::free(static_cast<char*>(p) - header);
    }
    void* resize(void* p, std::size_t size)
    {
        if (!p)
            return allocate(size);
        if (size <= size_of(p))
            return p;
        void* bigger = allocate(size);
        if (bigger) {
            std::memcpy(bigger, p, size_of(p));
            release(p);
        }
        return bigger;
    }

    HpackMemory()
    {
        mem.mem_user_data = this;
        mem.malloc = [](std::size_t size, void* self) { return static_cast<HpackMemory*>(self)->allocate(size); };
        mem.free = [](void* p, void* self) { static_cast<HpackMemory*>(self)->release(p); };
        mem.calloc = [](std::size_t n, std::size_t size, void* self) {
            void* p = static_cast<HpackMemory*>(self)->allocate(n * size);
            if (p)
                std::memset(p, 0, n * size);
            return p;
        };
        mem.realloc = [](void* p, std::size_t size, void* self) {
            return static_cast<HpackMemory*>(self)->resize(p, size);
        };
    }
    ~HpackMemory()
    {
        for (std::size_t i = 0; i < count; ++i)
            std::free(static_cast<char*>(blocks[i]) - header);
    }
};

void HpackMemoryDelete::operator()(HpackMemory* memory) const
{
    delete memory;
}

HpackDecoder::HpackDecoder() : memory_(new HpackMemory)
{
    if (nghttp2_hd_inflate_new2(&inflater_, &memory_->mem) != 0)
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

}  // namespace layer7::http::h2
