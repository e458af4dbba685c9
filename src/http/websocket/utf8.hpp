// Incremental UTF-8 validation (RFC 3629 §4) for text messages and close reasons (RFC 6455 §8.1):
// fed piece by piece, it fails at the first byte that cannot start or continue a valid sequence,
// so a bad text message is refused while it still arrives, across frame and fragment boundaries.
#pragma once

#include <cstdint>
#include <string_view>

namespace layer7::http::websocket {

class Utf8Validator {
public:
    // False from the first invalid byte on (sticky). A sequence may end in a later piece.
    bool feed(std::string_view bytes);
    // True when no sequence is left unfinished (the message may end here).
    bool complete() const { return !bad_ && need_ == 0; }
    bool failed() const { return bad_; }
    void reset() { *this = Utf8Validator{}; }

private:
    std::uint8_t need_ = 0;               // continuation bytes still expected
    std::uint8_t lo_ = 0x80, hi_ = 0xBF;  // the range the next continuation byte must be in
    bool bad_ = false;
};

// Whole-string convenience.
bool is_valid_utf8(std::string_view bytes);

}  // namespace layer7::http::websocket
