// ftp:// URL parsing: see url.hpp.
#include "ftp/url.hpp"

namespace layer7::ftp {

namespace {
int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size())
                return std::nullopt;
            const int h = hex(s[i + 1]), l = hex(s[i + 2]);
            if (h < 0 || l < 0)
                return std::nullopt;
            c = static_cast<char>(h * 16 + l);
            i += 2;
        }
        if (c == '\0' || c == '\r' || c == '\n')
            return std::nullopt;
        out += c;
    }
    return out;
}
}  // namespace

std::optional<Url> parse_url(std::string_view text)
{
    constexpr std::string_view scheme = "ftp://";
    if (text.size() < scheme.size())
        return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if ((text[i] | 0x20) != scheme[i] && text[i] != scheme[i])
            return std::nullopt;
    text.remove_prefix(scheme.size());
    const auto slash = text.find('/');
    std::string_view authority = text.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
    Url url;
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        const auto colon = userinfo.find(':');
        auto user = decode(userinfo.substr(0, colon));
        if (!user || user->empty())
            return std::nullopt;
        url.user = *user;
        url.password.clear();
        if (colon != std::string_view::npos) {
            auto password = decode(userinfo.substr(colon + 1));
            if (!password)
                return std::nullopt;
            url.password = *password;
        }
    }
    auto hp = core::parse_host_port(authority, 21);
    if (!hp || hp->host.empty() || hp->port == 0)
        return std::nullopt;
    url.server = *hp;
    // RFC 1738 §3.2.2: ";type=i" and the like may follow the path; we always use TYPE I.
    if (const auto semi = path.rfind(";type="); semi != std::string_view::npos)
        path = path.substr(0, semi);
    auto decoded = decode(path);
    if (!decoded)
        return std::nullopt;
    url.path = *decoded;
    url.directory = url.path.empty() || url.path.back() == '/';
    while (url.path.size() > 1 && url.path.back() == '/')
        url.path.pop_back();
    if (url.path == "/")
        url.path.clear();
    return url;
}

}  // namespace layer7::ftp
