// Fuzzes h2::HpackEncoder against nghttp2's inflater (h2::HpackDecoder): the input is a script of
// fields, table size changes and block ends; every block the encoder writes must decode to the
// fields it was given, in order, with the decoder's table in step with the encoder's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/h2/hpack.hpp"

using namespace layer7::http::h2;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A few names that the encoder treats apart (static names, never-indexed, not indexed) beside
// names of the input's own.
constexpr std::string_view known_names[] = {":status",    "etag",  "date", "content-length", "authorization", "cookie",
                                            "set-cookie", ":path", "x-a"};

struct Script {
    const std::uint8_t* p;
    std::size_t left;
    std::uint8_t byte() { return left ? (--left, *p++) : 0; }
    std::string text(std::size_t n)
    {
        n = n < left ? n : left;
        std::string s(reinterpret_cast<const char*>(p), n);
        p += n;
        left -= n;
        return s;
    }
};

void check_block(HpackEncoder& encoder, HpackDecoder& decoder, const Fields& fields)
{
    encoder.clear();
    for (const auto& [name, value] : fields)
        encoder.add(name, value);
    std::string block;
    encoder.encode(block);
    Fields got;
    const bool ok = decoder.decode(
        {reinterpret_cast<const std::uint8_t*>(block.data()), block.size()}, true,
        [](void* context, std::string_view name, std::string_view value) {
            static_cast<Fields*>(context)->emplace_back(name, value);
        },
        &got);
    if (!ok || got != fields)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    HpackEncoder encoder;
    HpackDecoder decoder;
    Script in{data, size};
    Fields fields;
    while (in.left) {
        const std::uint8_t op = in.byte();
        if (op < 16) {  // the client's SETTINGS_HEADER_TABLE_SIZE, 0 to 8191
            encoder.set_table_size(static_cast<std::uint32_t>(((op & 15) << 9) | (in.byte() << 1)));
        } else if (op < 32) {
            check_block(encoder, decoder, fields);
            fields.clear();
        } else {
            const std::uint8_t pick = in.byte();
            std::string name =
                pick < 128 ? std::string(known_names[pick % std::size(known_names)]) : in.text(1 + pick % 40);
            fields.emplace_back(std::move(name), in.text(op - 32));
        }
    }
    check_block(encoder, decoder, fields);
    return 0;
}
