// chunk-size line syntax and chunk encoding (RFC 9112 §7.1, §7.1.1, §7.1.2).
#include "http/h1/chunked.hpp"

#include "http/message/token.hpp"

namespace layer7::http::h1 {

namespace {

void skip_ows(std::string_view& s)
{
    while (!s.empty() && is_ows(s[0]))
        s.remove_prefix(1);
}

bool read_token(std::string_view& s)
{
    std::size_t n = 0;
    while (n < s.size() && is_tchar(s[n]))
        ++n;
    s.remove_prefix(n);
    return n > 0;
}

}  // namespace

MaybeError parse_chunk_line(std::string_view line, std::uint64_t& size)
{
    std::uint64_t v = 0;
    std::size_t digits = 0;
    for (; digits < line.size() && is_hex_digit(line[digits]); ++digits) {
        if (v >> 60)
            return Error::bad_chunk_size;  // would overflow 64 bits
        v = v << 4 | static_cast<std::uint64_t>(hex_value(line[digits]));
    }
    if (digits == 0)
        return Error::bad_chunk_size;
    std::string_view rest = line.substr(digits);
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string
    for (bool first = true;; first = false) {
        skip_ows(rest);
        if (rest.empty())
            break;
        if (rest[0] != ';')  // "1x" is a bad size; junk after an extension is a bad extension
            return first ? Error::bad_chunk_size : Error::bad_chunk_extension;
        rest.remove_prefix(1);
        skip_ows(rest);
        if (!read_token(rest))
            return Error::bad_chunk_extension;
        skip_ows(rest);
        if (rest.empty() || rest[0] != '=')
            continue;
        rest.remove_prefix(1);
        skip_ows(rest);
        if (!rest.empty() && rest[0] == '"') {
            std::string value;
            std::size_t used = 0;
            if (!parse_quoted_string(rest, value, used))
                return Error::bad_chunk_extension;
            rest.remove_prefix(used);
        } else if (!read_token(rest)) {
            return Error::bad_chunk_extension;
        }
    }
    size = v;
    return std::nullopt;
}

void append_chunk_header(std::string& out, std::uint64_t size)
{
    static constexpr char hex[] = "0123456789abcdef";
    char buf[18];
    char* end = buf + 16;
    char* p = end;
    do {
        *--p = hex[size & 15];
        size >>= 4;
    } while (size);
    end[0] = '\r';
    end[1] = '\n';
    out.append(p, static_cast<std::size_t>(end + 2 - p));
}

void append_chunk(std::string& out, std::string_view data)
{
    if (data.empty())
        return;
    append_chunk_header(out, data.size());
    out.append(data);
    out.append(chunk_end);
}

void append_last_chunk(std::string& out, const Fields* trailers)
{
    out.append("0\r\n");
    if (trailers) {
        for (Field f : *trailers) {
            out.append(f.name);
            out.append(": ");
            out.append(f.value);
            out.append("\r\n");
        }
    }
    out.append("\r\n");
}

}  // namespace layer7::http::h1
