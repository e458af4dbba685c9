// POP3 responses on the wire (RFC 1939 §3, RFC 2449 §8 response codes), pure: the server builds
// them, the client (`layer7 mail fetch`) parses them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail::pop3 {

// "+OK text\r\n" / "-ERR text\r\n" (text may be empty: "+OK\r\n").
std::string ok(std::string_view text);
std::string err(std::string_view text);
// One line of a multi-line response: a leading '.' is doubled (byte-stuffing, RFC 1939 §3).
void append_stuffed(std::string& out, std::string_view line);
inline constexpr std::string_view end_of_multiline = ".\r\n";

// A status line as a client sees it.
struct Status {
    bool ok = false;
    std::string code;  // the response code inside "[...]" at the start of the text (RFC 2449 §8)
    std::string text;  // the rest, without the code
};
// nullopt for a line that is neither "+OK…" nor "-ERR…" (garbage from the server).
std::optional<Status> parse_status(std::string_view line);

// "n size": a STAT reply's text or a LIST scan line (RFC 1939 §5).
struct Scan {
    std::size_t number = 0;
    std::uint64_t size = 0;
};
std::optional<Scan> parse_scan(std::string_view text);
// "n unique-id": a UIDL line (RFC 1939 §7).
struct UniqueId {
    std::size_t number = 0;
    std::string uid;
};
std::optional<UniqueId> parse_unique_id(std::string_view text);

}  // namespace layer7::mail::pop3
