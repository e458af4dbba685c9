// Encoded-words and charsets: see encoded_word.hpp.
#include "mail/message/encoded_word.hpp"

#include "core/bytes/base64.hpp"
#include "core/text/ascii.hpp"
#include "mail/message/header.hpp"
#include "mail/message/transfer_encoding.hpp"

namespace layer7::mail {
namespace {

constexpr std::size_t max_word = 75;      // RFC 2047 §2
constexpr std::size_t max_line = 76;      // RFC 2047 §2, lines holding encoded-words
constexpr std::size_t fold_width = 78;    // RFC 5322 §2.1.1 "SHOULD"
constexpr std::size_t longest_run = 900;  // below the 998 hard limit with room for the name

bool is_wsp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string q_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_') {
            out.push_back(' ');
        } else if (text[i] == '=' && i + 2 < text.size() && core::hex_value(text[i + 1]) >= 0 &&
                   core::hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(core::hex_value(text[i + 1]) * 16 + core::hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// Tries to decode the encoded-word at value[at] ("=?"). On success sets `length` and returns text.
std::optional<std::string> decode_word(std::string_view value, std::size_t at, std::size_t& length)
{
    const std::size_t charset_end = value.find('?', at + 2);
    if (charset_end == std::string_view::npos || charset_end + 3 >= value.size() || value[charset_end + 2] != '?')
        return std::nullopt;
    const std::size_t text_start = charset_end + 3;
    const std::size_t text_end = value.find("?=", text_start);
    if (text_end == std::string_view::npos)
        return std::nullopt;
    for (std::size_t i = at; i < text_end; ++i)
        if (is_wsp(value[i]))
            return std::nullopt;
    std::string_view charset = value.substr(at + 2, charset_end - at - 2);
    charset = charset.substr(0, charset.find('*'));  // RFC 2231 §5 language suffix
    const char encoding = value[charset_end + 1];
    const std::string_view text = value.substr(text_start, text_end - text_start);
    std::string bytes;
    if (encoding == 'B' || encoding == 'b')
        bytes = core::base64_decode_lenient(text);
    else if (encoding == 'Q' || encoding == 'q')
        bytes = q_decode(text);
    else
        return std::nullopt;
    auto utf8 = charset_to_utf8(charset, bytes);
    if (utf8)
        length = text_end + 2 - at;
    return utf8;
}

}  // namespace

std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes)
{
    if (iequals(charset, "utf-8") || iequals(charset, "utf8") || iequals(charset, "us-ascii") ||
        iequals(charset, "ascii"))
        return std::string(bytes);
    if (iequals(charset, "iso-8859-1") || iequals(charset, "latin1") || iequals(charset, "iso_8859-1")) {
        std::string out;
        out.reserve(bytes.size() * 2);
        for (char c : bytes) {
            const auto b = static_cast<unsigned char>(c);
            if (b < 0x80) {
                out.push_back(c);
            } else {  // Latin-1 is the first 256 code points: two UTF-8 bytes each
                out.push_back(static_cast<char>(0xc0 | b >> 6));
                out.push_back(static_cast<char>(0x80 | (b & 0x3f)));
            }
        }
        return out;
    }
    return std::nullopt;
}

std::string decode_encoded_words(std::string_view value)
{
    std::string out;
    std::string pending_space;
    bool after_word = false;
    for (std::size_t i = 0; i < value.size();) {
        std::size_t length = 0;
        if (value.compare(i, 2, "=?") == 0) {
            if (auto text = decode_word(value, i, length)) {
                if (!after_word)
                    out += pending_space;
                pending_space.clear();
                out += *text;
                after_word = true;
                i += length;
                continue;
            }
        }
        if (is_wsp(value[i])) {
            pending_space.push_back(value[i++]);
            continue;
        }
        out += pending_space;
        pending_space.clear();
        out.push_back(value[i++]);
        after_word = false;
    }
    return out + pending_space;
}

bool needs_encoding(std::string_view text)
{
    if (text.empty())
        return false;
    if (text.find("=?") != std::string_view::npos || text.front() == ' ' || text.front() == '\t' ||
        text.back() == ' ' || text.back() == '\t')
        return true;
    std::size_t run = 0;
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && c != '\t') || b >= 0x7f)
            return true;
        run = (c == ' ' || c == '\t') ? 0 : run + 1;
        if (run > longest_run)
            return true;
    }
    return false;
}

std::string fold(std::string_view text, std::size_t used)
{
    std::string out;
    std::size_t column = used;
    std::size_t start = 0;
    while (start < text.size()) {
        // The next chunk: leading WSP (if any) plus the run of non-WSP after it.
        std::size_t end = start;
        while (end < text.size() && (text[end] == ' ' || text[end] == '\t'))
            ++end;
        while (end < text.size() && text[end] != ' ' && text[end] != '\t')
            ++end;
        const std::size_t size = end - start;
        if (column + size > fold_width && start > 0 && (text[start] == ' ' || text[start] == '\t')) {
            out += "\r\n";
            column = 0;
        }
        out.append(text.substr(start, size));
        column += size;
        start = end;
    }
    return out;
}

std::string encode_header_text(std::string_view utf8, std::size_t used)
{
    if (!needs_encoding(utf8))
        return fold(utf8, used);
    static constexpr std::string_view prefix = "=?UTF-8?B?";
    static constexpr std::size_t overhead = prefix.size() + 2;
    std::string out;
    std::size_t column = used;
    std::size_t at = 0;
    while (at < utf8.size()) {
        // A folded line starts with " "; a long field name may leave no room at all.
        std::size_t room = column == 0 ? max_line - 1 : (column < max_line ? max_line - column : 0);
        if (room > max_word)
            room = max_word;
        std::size_t bytes = room > overhead ? (room - overhead) / 4 * 3 : 0;
        if (bytes < 3 && column != 0) {  // no room left on this line: fold first
            out += "\r\n ";
            column = 0;
            continue;
        }
        if (bytes > utf8.size() - at)
            bytes = utf8.size() - at;
        std::size_t cut = bytes;  // §5: a word holds whole characters
        while (cut > 0 && at + cut < utf8.size() && (static_cast<unsigned char>(utf8[at + cut]) & 0xc0) == 0x80)
            --cut;
        if (cut == 0)
            cut = bytes;
        const std::string word = std::string(prefix) + core::base64_encode(utf8.substr(at, cut)) + "?=";
        out += word;
        column = (column == 0 ? 1 : column) + word.size();
        at += cut;
        if (at < utf8.size()) {
            out += "\r\n ";
            column = 0;
        }
    }
    return out;
}

}  // namespace layer7::mail
