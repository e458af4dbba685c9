// permessage-deflate (RFC 7692): negotiating its parameters in Sec-WebSocket-Extensions (§5, §7.1)
// and the per-message DEFLATE codec (§7.2) over zlib, with the inflated size capped against
// decompression bombs. Pure: no I/O.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct z_stream_s;

namespace layer7::http::websocket {

// What both ends agreed. "server_*" constrain the server's compressor, "client_*" the client's.
struct DeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = 15;
    int client_max_window_bits = 15;
};

// The server's policy (the [http] websocket settings).
struct DeflatePolicy {
    bool enabled = true;
    // Reset our compressor after every message even if the client did not ask: no 32 KiB window
    // kept per idle connection, at some cost in ratio.
    bool server_no_context_takeover = false;
};

// Server side: the first offer in `extensions` (the combined Sec-WebSocket-Extensions value) that
// is permessage-deflate with valid, supported parameters; nullopt when there is none (§5.1). An
// offer of server_max_window_bits=8 is declined: zlib's raw deflate cannot make 256-byte windows.
std::optional<DeflateParams> negotiate_deflate(std::string_view extensions, const DeflatePolicy& policy);
// The Sec-WebSocket-Extensions value a server answers with, or a client offers.
std::string format_deflate(const DeflateParams& params);
// Client side: our offer (client_max_window_bits without a value: "we accept any").
std::string deflate_offer();
// Client side: the server's answer. nullopt = no compression; an error when the server answered
// with something we did not offer (the client must then fail the connection, RFC 6455 §9.1).
core::Result<std::optional<DeflateParams>, std::string> accept_deflate_answer(std::string_view extensions);

enum class InflateStatus { ok, bad_data, too_big };

// One direction's compressor: each message is deflated with a sync flush and the final
// 00 00 FF FF removed (§7.2.1); with no context takeover the window is forgotten after each.
class Deflater {
public:
    Deflater(int window_bits, bool no_context_takeover);
    ~Deflater();
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;
    // Appends the compressed form of one whole message to `out`.
    void compress(std::string_view message, std::string& out);

private:
    std::unique_ptr<z_stream_s> z_;
    bool no_context_takeover_;
};

// One direction's decompressor. A message's frames are inflated as they arrive, so its text can be
// validated (and a bomb stopped) before it is complete; finish() ends the message.
class Inflater {
public:
    explicit Inflater(bool no_context_takeover);
    ~Inflater();
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    // Appends what `compressed` inflates to, failing with too_big once `out` would pass `max_out`.
    InflateStatus inflate(std::string_view compressed, std::string& out, std::size_t max_out);
    // The message's end: feeds the removed 00 00 FF FF tail (§7.2.2).
    InflateStatus finish(std::string& out, std::size_t max_out);

private:
    std::unique_ptr<z_stream_s> z_;
    bool no_context_takeover_;
};

}  // namespace layer7::http::websocket
