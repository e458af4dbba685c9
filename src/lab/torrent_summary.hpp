// BitTorrent as the lab's transcripts show it: a tracker announce with its long binary parameters
// shortened and its bencoded reply decoded, and the peer wire decoded one message a line, in the
// --trace form ("handshake …", "interested", "piece 3 0 (16384 bytes)").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "torrent/peer_wire.hpp"

namespace layer7::lab {

// One piece of a tracker connection as text: a request with info_hash and peer_id cut short, or a
// reply's head with its bencoded body told as "interval 1800 s, peers 127.0.0.1:40123, …".
std::string announce_text(std::string_view bytes, bool from_client);

// One direction of a peer connection: the lines its bytes complete, as they arrive.
class WireLines {
public:
    std::vector<std::string> feed(std::string_view bytes);

private:
    torrent::WireDecoder decoder_;
    bool handshake_seen_ = false, failed_ = false;
};

}  // namespace layer7::lab
