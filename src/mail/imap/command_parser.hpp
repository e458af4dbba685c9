// IMAP command syntax (RFC 3501 §9, RFC 7888 LITERAL+), pure. CommandAssembler joins a command's
// lines and literals: after a line ending in "{n}" the shell sends a continuation and reads n bytes;
// "{n+}" needs no continuation. A literal over the limit is refused at its announcement, before any
// byte of it is read. Reader then walks the assembled command token by token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/ascii.hpp"
#include "mail/imap/limits.hpp"

namespace layer7::mail::imap {

struct RawCommand {
    std::string text;                   // the lines joined, each literal left as its "{n}" marker
    std::vector<std::string> literals;  // the literals' bytes, in order
};

class CommandAssembler {
public:
    explicit CommandAssembler(const ImapLimits& limits) : limits_(limits) {}

    enum class Status {
        complete,      // take() the command
        need_literal,  // read `literal_size` bytes (after "+ …" when `synchronizing`), then on_literal()
        refused,       // answer `error` (tagged with `tag`); when `fatal`, close: the bytes are coming anyway
    };
    struct Event {
        Status status = Status::complete;
        std::uint64_t literal_size = 0;
        bool synchronizing = true;
        std::string tag;    // the command's tag, "*" when it has none yet
        std::string error;  // the whole response line for `refused`, without CRLF
        bool fatal = false;
    };

    Event on_line(std::string_view line);
    // Exactly literal_size bytes; then the command goes on with the next line (at least its CRLF).
    void on_literal(std::string bytes);
    RawCommand take();
    void reset() { command_ = {}; }

private:
    const ImapLimits& limits_;
    RawCommand command_;
    std::uint64_t total_ = 0;
};

inline constexpr std::uint64_t max_mod_sequence = (std::uint64_t{1} << 63) - 1;

// A sequence set: ranges with `star` standing for "*" (the largest number in use).
struct SequenceSet {
    static constexpr std::uint32_t star = 0;
    struct Range {
        std::uint32_t first, last;  // as written; either may be `star`; first may exceed last
    };
    std::vector<Range> ranges;

    // Whether `n` is in the set when "*" is `largest`.
    bool contains(std::uint32_t n, std::uint32_t largest) const;
};

class Reader {
public:
    explicit Reader(const RawCommand& command) : text_(command.text), literals_(command.literals) {}

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    bool consume(char c);
    bool space() { return consume(' '); }
    // ATOM-CHARs; `extra` are also accepted (']' for flags in astrings, '\\' for flags).
    std::optional<std::string> atom(std::string_view extra = {});
    std::optional<std::string> quoted();
    std::optional<std::string> literal();
    std::optional<std::string> string();    // quoted / literal
    std::optional<std::string> astring();   // atom (with ']') / string
    std::optional<std::uint32_t> number();  // 1..2^32-1 as RFC 3501 nz-number, or 0 when `zero_ok`
    std::optional<std::uint32_t> number_or_zero();
    // RFC 7162 §7: mod-sequence-value (1..2^63-1), or mod-sequence-valzer with `zero_ok`.
    std::optional<std::uint64_t> mod_sequence(bool zero_ok);
    std::optional<SequenceSet> sequence_set(std::size_t max_ranges);
    // "(" flag *(SP flag) ")" or a single flag; flags are "\\Name" or keywords.
    std::optional<std::vector<std::string>> flag_list(bool parenthesis_optional);
    std::string_view rest() const { return std::string_view(text_).substr(pos_); }

private:
    const std::string& text_;
    const std::vector<std::string>& literals_;
    std::size_t pos_ = 0;
    std::size_t next_literal_ = 0;
};

bool atom_char(char c);
using core::iequals;

}  // namespace layer7::mail::imap
