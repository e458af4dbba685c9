// Fuzzes bencode and metainfo: a document that decodes must encode back to the very same bytes
// (the decoder accepts canonical bencode only), and a metainfo that parses must survive
// encode → parse with the same fields and the same info bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "torrent/bencode.hpp"
#include "torrent/magnet.hpp"
#include "torrent/metainfo.hpp"

using namespace layer7::torrent;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    (void)parse_magnet(in);
    auto value = decode(in, {.max_depth = 32, .max_string = 1 << 16, .max_values = 1 << 14});
    if (value.ok() && encode(*value) != in)
        std::abort();
    auto meta = parse_metainfo(in);
    if (!meta.ok())
        return 0;
    // The file's info may hold keys we do not model (so its bytes may differ from ours), but what
    // we write must parse back with the same fields.
    auto again = parse_metainfo(encode_metainfo(*meta));
    if (!again.ok() || again->files.size() != meta->files.size() || again->pieces != meta->pieces ||
        again->name != meta->name || again->trackers() != meta->trackers())
        std::abort();
    if (again->info_bytes != encode(info_dictionary(*again)))
        std::abort();
    return 0;
}
