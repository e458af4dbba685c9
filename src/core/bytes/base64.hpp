// Base64 (RFC 4648 §4): encoding with padding, and a strict decoder that rejects anything a
// canonical encoder would not produce (RFC 4648 §3.3, §3.5): whitespace, bad padding, non-zero pad bits.
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

}  // namespace layer7::core
