// SEARCH criteria (RFC 3501 §6.4.4), pure: parsed into a tree with bounded nesting, then matched
// against one message at a time; the message's text is fetched only when a key needs it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/imap/command_parser.hpp"

namespace layer7::mail::imap {

struct SearchKey {
    enum class Kind {
        all,
        flag_set,
        flag_unset,
        none,  // none: KEYWORD x (we store no keywords), NEW/RECENT
        before,
        on,
        since,
        sent_before,
        sent_on,
        sent_since,
        header,
        body,
        text,
        larger,
        smaller,
        sequence,
        uid,
        not_,
        or_,
        and_,
        modseq,  // RFC 7162 §3.1.5: mod-sequence at least `modseq`
    };
    Kind kind = Kind::all;
    char flag = 0;             // Maildir letter for flag_set / flag_unset
    std::string field, value;  // header: field name and substring; body/text: value
    std::int64_t number = 0;   // days for dates, octets for sizes
    std::uint64_t modseq = 0;
    SequenceSet set;
    std::vector<SearchKey> children;
};

// What a key may ask about one message.
struct SearchSubject {
    std::uint32_t sequence = 0, uid = 0, largest_sequence = 0, largest_uid = 0;
    std::string_view flags;  // Maildir letters
    std::uint64_t size = 0;
    std::uint64_t modseq = 0;
    std::function<std::int64_t()> internal_day;   // days since the epoch
    std::function<const std::string*()> content;  // CRLF message, nullptr when gone
};

struct SearchParse {
    std::optional<SearchKey> key;
    std::string error;         // for BAD
    bool bad_charset = false;  // NO [BADCHARSET]
    bool modseq = false;       // a MODSEQ key: the result carries (MODSEQ n) (RFC 7162 §3.1.6)
};

// The criteria after "SEARCH " (with an optional CHARSET prefix); `depth_limit` bounds nesting.
SearchParse parse_search(Reader& reader, std::size_t depth_limit, std::size_t max_set_ranges);
bool matches(const SearchKey& key, const SearchSubject& subject);

}  // namespace layer7::mail::imap
