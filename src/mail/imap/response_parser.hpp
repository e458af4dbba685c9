// IMAP server responses as a client reads them (RFC 3501 §7 and the §9 grammar), pure: lines and
// literals are assembled into one response, which parses into a tree of values — atoms, strings
// (quoted or literal), NIL, parenthesised lists — plus what `layer7 mail fetch --imap` needs out
// of LIST, STATUS, SEARCH and FETCH. Bounded: literal size, nesting depth, item count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::mail::imap {

struct ResponseLimits {
    std::size_t max_line = 1 << 20;         // one line of a response
    std::size_t max_literal = 256u << 20;   // one {n} literal (a message body)
    std::size_t max_response = 300u << 20;  // all lines and literals of one response
    std::size_t max_depth = 32;             // nested lists (BODYSTRUCTURE nests)
    std::size_t max_items = 1u << 20;       // values in one response
};

struct Value {
    enum class Kind { atom, string, nil, list } kind = Kind::atom;
    std::string text;          // atom or string
    std::vector<Value> items;  // list

    bool is_list() const { return kind == Kind::list; }
    // An atom made of digits that fits: "42" → 42.
    std::optional<std::uint64_t> number() const;
    // An atom or string ("" for NIL or a list).
    const std::string& str() const { return text; }
};

struct Response {
    enum class Kind { tagged, untagged, continuation } kind = Kind::untagged;
    std::string tag;      // tagged: the command's tag
    std::string keyword;  // upper case: OK NO BAD BYE PREAUTH, or LIST FETCH EXISTS SEARCH STATUS CAPABILITY …
    std::optional<std::uint32_t> number;  // "* 3 EXISTS", "* 5 FETCH (…)"
    std::string code;                     // "[UIDNEXT 5]" of a status response, without the brackets
    std::string text;                     // a status response's human-readable text
    std::vector<Value> data;              // the values after the keyword of a data response
};

enum class AssembleStatus { complete, need_literal, error };

// Joins the lines and literals of one response: a line ending in {n} (or {n+}) is followed by n
// bytes and then more of the same line.
class ResponseAssembler {
public:
    explicit ResponseAssembler(const ResponseLimits& limits) : limits_(limits) {}
    // A line without its CRLF. need_literal: read literal_size() bytes and pass them to on_literal().
    AssembleStatus on_line(std::string_view line);
    AssembleStatus on_literal(std::string_view bytes);
    std::size_t literal_size() const { return literal_; }
    const std::string& error() const { return error_; }
    // The whole response (literals embedded as "{n}\r\n" + bytes); the assembler starts afresh.
    std::string take();

private:
    ResponseLimits limits_;
    std::string text_, error_;
    std::size_t literal_ = 0;
};

// Parses what the assembler returned. Errors name what was wrong.
core::Result<Response, std::string> parse_response(std::string_view text, const ResponseLimits& limits = {});

// The pieces of data responses the client uses.
struct ListEntry {
    std::vector<std::string> flags;  // \HasNoChildren \Sent …
    std::string delimiter;           // "" for NIL
    std::string name;
};
std::optional<ListEntry> list_entry(const Response& r);  // * LIST / * LSUB

struct StatusEntry {
    std::string mailbox;
    std::vector<std::pair<std::string, std::uint64_t>> items;  // MESSAGES 3, UNSEEN 1 … (upper case)
    std::optional<std::uint64_t> get(std::string_view item) const;
};
std::optional<StatusEntry> status_entry(const Response& r);  // * STATUS

std::vector<std::uint32_t> search_result(const Response& r);  // * SEARCH 1 2 3

// * n FETCH (NAME value …): the value of item `name` (case-insensitive; "BODY[]" as written by
// the server, e.g. "BODY[HEADER.FIELDS (FROM)]"), or nullptr.
const Value* fetch_item(const Response& r, std::string_view name);
// An item's flags as IMAP names: ["\\Seen", "\\Flagged"].
std::vector<std::string> flag_list(const Value& flags);

// A string as a command argument: quoted, with \ and " escaped; nullopt when it holds CR, LF or NUL.
std::optional<std::string> quote(std::string_view text);

}  // namespace layer7::mail::imap
