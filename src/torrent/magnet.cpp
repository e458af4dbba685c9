// Magnet URIs: see magnet.hpp.
#include "torrent/magnet.hpp"

#include "core/text/percent.hpp"
#include "http/message/target.hpp"

namespace layer7::torrent {

std::optional<Magnet> parse_magnet(std::string_view uri, const MagnetLimits& limits)
{
    constexpr std::string_view scheme = "magnet:?";
    if (uri.size() > limits.max_length || uri.size() < scheme.size())
        return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if ((uri[i] | (i < 6 ? 0x20 : 0)) != scheme[i])  // "magnet" is case-insensitive (RFC 3986 §3.1)
            return std::nullopt;
    Magnet m;
    bool have_hash = false;
    std::string_view rest = uri.substr(scheme.size());
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string_view key = pair.substr(0, eq);
        auto value = core::percent_decode(pair.substr(eq + 1), {.plus_is_space = true});
        if (!value)
            return std::nullopt;
        if (key == "xt") {
            constexpr std::string_view btih = "urn:btih:";
            if (!value->starts_with(btih))
                continue;  // another kind of hash (urn:btmh is v2): not ours
            if (have_hash)
                return std::nullopt;
            const std::string_view text = std::string_view(*value).substr(btih.size());
            auto h = text.size() == 40 ? InfoHash::from_hex(text) : InfoHash::from_base32(text);
            if (!h)
                return std::nullopt;
            m.info_hash = *h;
            have_hash = true;
        } else if (key == "dn") {
            m.name = std::move(value).value();
        } else if (key == "tr") {
            if (m.trackers.size() >= limits.max_trackers)
                return std::nullopt;
            m.trackers.push_back(std::move(value).value());
        }
    }
    if (!have_hash)
        return std::nullopt;
    return m;
}

std::string to_uri(const Magnet& magnet)
{
    std::string uri = "magnet:?xt=urn:btih:" + magnet.info_hash.hex();
    if (!magnet.name.empty())
        uri += "&dn=" + http::percent_encode(magnet.name, "");
    for (const auto& tr : magnet.trackers)
        uri += "&tr=" + http::percent_encode(tr, "");
    return uri;
}

}  // namespace layer7::torrent
