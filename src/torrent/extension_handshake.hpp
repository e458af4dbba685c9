// The BEP 10 extension handshake: the bencoded dictionary a peer sends as extended message 0 after
// the BitTorrent handshake, naming the extensions it speaks ("m": name → the message id it wants
// them sent under) and, for BEP 9, the size of the info dictionary it can serve (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "torrent/bencode.hpp"

namespace layer7::torrent {

struct ExtensionHandshake {
    std::vector<std::pair<std::string, std::uint8_t>> extensions;  // "m"; id 0 switches one off (BEP 10)
    std::optional<std::uint64_t> metadata_size;                    // BEP 9: the info dictionary's bytes
    std::uint16_t port = 0;                                        // "p", the listen port; 0: absent
    std::uint32_t reqq = 0;                                        // "reqq", request queue depth; 0: absent
    std::string client;                                            // "v"

    // The message id the sender wants `name` sent under; 0 when it does not speak it.
    std::uint8_t id_of(std::string_view name) const;
};

enum class ExtensionError {
    bencode,           // not one bencoded value (or over the limits below)
    not_a_dictionary,  // BEP 10: "The payload of the handshake message is a bencoded dictionary"
};
std::string_view to_string(ExtensionError e);

// A handshake is a few hundred bytes; these bound what a hostile one can make us build.
inline constexpr BencodeLimits extension_bencode_limits{.max_depth = 8, .max_string = 64 * 1024, .max_values = 4096};

// Fields of the wrong type are ignored, as BEP 10 asks of unknown ones; ids over 255 are dropped.
core::Result<ExtensionHandshake, ExtensionError> decode_extension_handshake(std::string_view payload);
std::string encode(const ExtensionHandshake& handshake);
// One line for --trace: "extension handshake ut_metadata=3 metadata_size=1234 v=aria2/1.36.0".
std::string describe(const ExtensionHandshake& handshake);

}  // namespace layer7::torrent
