// base64 and quoted-printable: see transfer_encoding.hpp.
#include "mail/message/transfer_encoding.hpp"

#include <cstdint>

#include "core/bytes/base64.hpp"
#include "core/text/ascii.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail {
namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

void append_hex(std::string& out, unsigned char c)
{
    out.push_back('=');
    out.push_back(hex_digits[c >> 4]);
    out.push_back(hex_digits[c & 15]);
}

}  // namespace

std::string base64_encode_lines(std::string_view data, std::size_t line)
{
    const std::string flat = core::base64_encode(data);
    const std::size_t width = line < 4 ? 4 : line / 4 * 4;
    std::string out;
    out.reserve(flat.size() + flat.size() / width * 2 + 2);
    for (std::size_t at = 0; at < flat.size(); at += width) {
        out.append(flat, at, width);
        out += "\r\n";
    }
    return out;
}

std::string qp_encode(std::string_view text)
{
    std::string out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find("\r\n", start);
        const std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
        std::size_t column = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const auto c = static_cast<unsigned char>(line[i]);
            const bool last = i + 1 == line.size();
            std::string token;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
                token.push_back(static_cast<char>(c));
            else
                append_hex(token, c);
            if (column + token.size() > 75) {  // room for the soft break's '=' (76 in all)
                out += "=\r\n";
                column = 0;
            }
            out += token;
            column += token.size();
        }
        if (end == std::string_view::npos)
            break;
        out += "\r\n";
        start = end + 2;
    }
    return out;
}

std::string qp_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);  // §6.7 rule 3: transports may add trailing WSP
        bool soft = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line[i] != '=') {
                out.push_back(line[i]);
                continue;
            }
            if (i + 1 == line.size()) {
                soft = true;
                break;
            }
            const int hi = i + 2 < line.size() ? core::hex_value(line[i + 1]) : -1;
            const int lo = hi >= 0 ? core::hex_value(line[i + 2]) : -1;
            if (lo < 0) {
                out.push_back('=');
                continue;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        }
        if (nl == std::string_view::npos)
            break;
        if (!soft)
            out += "\r\n";
        start = nl + 1;
    }
    return out;
}

std::string decode_transfer_encoding(std::string_view encoding, std::string_view body)
{
    if (iequals(encoding, "base64"))
        return core::base64_decode_lenient(body);
    if (iequals(encoding, "quoted-printable"))
        return qp_decode(body);
    return std::string(body);
}

}  // namespace layer7::mail
