// Base64 (RFC 4648 §4), the project's one copy: encoding with padding, a strict decoder that
// rejects anything a canonical encoder would not produce (RFC 4648 §3.3, §3.5: whitespace, bad
// padding, non-zero pad bits; SASL, WebSocket keys, TSIG secrets, SDP), and MIME's lenient one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::core {

std::string base64_encode(std::span<const std::uint8_t> data);
std::string base64_encode(std::string_view data);
// nullopt for any non-canonical input.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// MIME's decoding (RFC 2045 §6.8): characters outside the alphabet (line breaks, junk) are
// skipped and '=' ends the data; whatever complete bytes were carried come out.
std::string base64_decode_lenient(std::string_view text);

}  // namespace layer7::core
