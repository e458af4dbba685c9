// Fuzzes modified UTF-7 (RFC 3501 §5.1.3) both ways: a name the strict decoder takes encodes back
// to the same bytes (it takes only the encoder's one form of a name, so two names on disk never
// show as the same text), and text the encoder takes decodes back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mail/store/modified_utf7.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto text = layer7::mail::decode_modified_utf7(input)) {
        const auto again = layer7::mail::encode_modified_utf7(*text);
        if (!again || *again != input)
            std::abort();
    }
    if (const auto name = layer7::mail::encode_modified_utf7(input)) {
        const auto back = layer7::mail::decode_modified_utf7(*name);
        if (!back || *back != input)
            std::abort();
    }
    return 0;
}
