// Fuzzes the peer wire decoder (BEP 3): the bytes are a handshake and messages, fed in two parts
// split where the first byte says; every message that decodes must encode to bytes that decode
// to the same encoding, and the decoder must never hold more than the input. Extended messages go
// on through their own codecs (BEP 10 handshake, BEP 9 ut_metadata, the metadata assembler).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "torrent/bitfield.hpp"
#include "torrent/extension_handshake.hpp"
#include "torrent/metadata_exchange.hpp"
#include "torrent/peer_wire.hpp"
#include "torrent/ut_metadata.hpp"

using namespace layer7::torrent;

namespace {

void extended(const Message& message, MetadataExchange& exchange)
{
    if (message.extended_id == 0) {
        auto h = decode_extension_handshake(message.payload);
        if (!h)
            return;
        const std::string wire = encode(*h);
        auto back = decode_extension_handshake(wire);
        if (!back || encode(*back) != wire)
            std::abort();
        (void)describe(*h);
        if (h->metadata_size)
            (void)exchange.add_peer(1, *h->metadata_size);
        return;
    }
    auto m = decode_metadata_message(message.payload);
    if (!m)
        return;
    (void)describe(*m);
    if (m->type != MetadataMessageType::unknown) {
        const std::string wire = encode(*m);
        auto back = decode_metadata_message(wire);
        if (!back || encode(*back) != wire)
            std::abort();
    }
    const MetadataMessage answer = answer_request(message.payload, m->piece);
    if (answer.type == MetadataMessageType::data && answer.data.size() > metadata_piece_size)
        std::abort();
    if (m->type == MetadataMessageType::data) {
        (void)exchange.requests(1);
        (void)exchange.on_data(1, *m);
    } else if (m->type == MetadataMessageType::reject) {
        exchange.on_reject(1, m->piece);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::size_t split = std::min<std::size_t>(data[0] * 4, in.size());
    WireDecoder decoder({.max_message = 1 << 16, .max_block = 1 << 14});
    MetadataExchange exchange(InfoHash{}, {.max_size = 1 << 16});
    decoder.feed(in.substr(0, split));
    bool shook = false;
    auto drain = [&]() -> bool {
        if (!shook) {
            auto h = decoder.handshake();
            if (!h)
                return false;
            if (!*h)
                return true;
            if (encode_handshake(**h).size() != handshake_size)
                std::abort();
            shook = true;
        }
        for (;;) {
            auto m = decoder.next();
            if (!m)
                return false;
            if (!*m)
                return true;
            const Message& message = **m;
            const std::string wire = encode(message);
            WireDecoder again({.max_message = 1 << 16, .max_block = 1 << 14});
            again.feed(wire);
            auto back = again.next();
            if (message.type != MessageType::unknown && (!back || !*back || encode(**back) != wire))
                std::abort();
            if (message.type == MessageType::bitfield && !message.payload.empty())
                (void)Bitfield::from_wire(message.payload, message.payload.size() * 8 - 3);
            (void)describe(message);
            if (message.type == MessageType::extended)
                extended(message, exchange);
        }
    };
    if (drain()) {
        decoder.feed(in.substr(split));
        drain();
    }
    if (decoder.buffered() > in.size())
        std::abort();
    return 0;
}
