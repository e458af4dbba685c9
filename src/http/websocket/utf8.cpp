// Incremental UTF-8 validation: see utf8.hpp.
#include "http/websocket/utf8.hpp"

#include <cstring>

namespace layer7::http::websocket {

bool Utf8Validator::feed(std::string_view bytes)
{
    if (bad_)
        return false;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* end = p + bytes.size();
    while (p < end) {
        if (need_ == 0) {
            // ASCII fast path: eight bytes at a time while none has the high bit.
            while (end - p >= 8) {
                std::uint64_t word;
                std::memcpy(&word, p, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                p += 8;
            }
            if (p == end)
                break;
            const unsigned char c = *p++;
            if (c < 0x80)
                continue;
            lo_ = 0x80;
            hi_ = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need_ = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need_ = 2;
                if (c == 0xE0)
                    lo_ = 0xA0;  // overlong 3-byte forms
                else if (c == 0xED)
                    hi_ = 0x9F;  // UTF-16 surrogates U+D800..U+DFFF
            } else if (c >= 0xF0 && c <= 0xF4) {
                need_ = 3;
                if (c == 0xF0)
                    lo_ = 0x90;  // overlong 4-byte forms
                else if (c == 0xF4)
                    hi_ = 0x8F;  // beyond U+10FFFF
            } else {
                bad_ = true;  // C0, C1, F5..FF never appear; a stray continuation byte
                return false;
            }
            continue;
        }
        const unsigned char c = *p++;
        if (c < lo_ || c > hi_) {
            bad_ = true;
            return false;
        }
        lo_ = 0x80;
        hi_ = 0xBF;
        --need_;
    }
    return true;
}

bool is_valid_utf8(std::string_view bytes)
{
    Utf8Validator v;
    return v.feed(bytes) && v.complete();
}

}  // namespace layer7::http::websocket
