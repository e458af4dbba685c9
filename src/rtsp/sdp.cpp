// SDP: see sdp.hpp.
#include "rtsp/sdp.hpp"

#include <charconv>

namespace layer7::rtsp {

const char* to_string(SdpError e)
{
    switch (e) {
    case SdpError::no_version: return "SDP does not start with v=0";
    case SdpError::bad_line: return "malformed SDP line";
    case SdpError::bad_media: return "malformed m= line";
    case SdpError::too_many: return "SDP too large";
    }
    return "?";
}

namespace {

std::optional<std::string_view> find_attribute(const std::vector<SdpLine>& lines, std::string_view name)
{
    for (const auto& [type, value] : lines) {
        if (type != 'a' || !std::string_view(value).starts_with(name))
            continue;
        const std::string_view rest = std::string_view(value).substr(name.size());
        if (rest.empty())
            return rest;
        if (rest[0] == ':')
            return rest.substr(1);
    }
    return std::nullopt;
}

template <class Int>
bool parse_int(std::string_view s, Int& out)
{
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

std::optional<Media> parse_media(std::string_view value)
{
    // m=<media> <port>[/<count>] <proto> <fmt> ...
    Media m;
    std::vector<std::string_view> words;
    while (!value.empty()) {
        const auto sp = value.find(' ');
        if (sp != 0)
            words.push_back(value.substr(0, sp));
        value = sp == std::string_view::npos ? std::string_view{} : value.substr(sp + 1);
    }
    if (words.size() < 4)
        return std::nullopt;
    m.kind = std::string(words[0]);
    const std::string_view port = words[1].substr(0, words[1].find('/'));
    if (!parse_int(port, m.port))
        return std::nullopt;
    m.protocol = std::string(words[2]);
    for (std::size_t i = 3; i < words.size(); ++i)
        m.formats.emplace_back(words[i]);
    return m;
}

}  // namespace

std::optional<std::string_view> Media::attribute(std::string_view name) const
{
    return find_attribute(lines, name);
}

void Media::set_attribute(std::string_view name, std::string_view value)
{
    std::string line = std::string(name) + ':' + std::string(value);
    for (auto& [type, text] : lines) {
        if (type == 'a' && std::string_view(text).starts_with(std::string(name) + ':')) {
            text = std::move(line);
            return;
        }
    }
    lines.emplace_back('a', std::move(line));
}

std::optional<Rtpmap> Media::rtpmap() const
{
    if (formats.empty())
        return std::nullopt;
    for (const auto& [type, value] : lines) {
        const std::string prefix = "rtpmap:" + formats[0] + ' ';
        if (type != 'a' || !value.starts_with(prefix))
            continue;
        Rtpmap map;
        if (!parse_int(std::string_view(formats[0]), map.payload_type))
            return std::nullopt;
        std::string_view rest = std::string_view(value).substr(prefix.size());
        const auto slash = rest.find('/');
        if (slash == std::string_view::npos)
            return std::nullopt;
        map.encoding = std::string(rest.substr(0, slash));
        rest = rest.substr(slash + 1);
        const auto slash2 = rest.find('/');
        if (!parse_int(rest.substr(0, slash2), map.clock_rate) || map.clock_rate == 0)
            return std::nullopt;
        if (slash2 != std::string_view::npos && !parse_int(rest.substr(slash2 + 1), map.channels))
            map.channels = 0;
        return map;
    }
    return std::nullopt;
}

std::string Media::fmtp() const
{
    if (formats.empty())
        return {};
    const std::string prefix = "fmtp:" + formats[0] + ' ';
    for (const auto& [type, value] : lines)
        if (type == 'a' && value.starts_with(prefix))
            return value.substr(prefix.size());
    return {};
}

std::string Media::control() const
{
    auto c = attribute("control");
    return c ? std::string(*c) : std::string{};
}

std::optional<std::string_view> SessionDescription::attribute(std::string_view name) const
{
    return find_attribute(lines, name);
}

core::Result<SessionDescription, SdpError> parse_sdp(std::string_view text, const SdpLimits& limits)
{
    SessionDescription sdp;
    bool first = true;
    std::size_t count = 0;
    while (!text.empty()) {
        const auto lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (line.empty())
            continue;  // a trailing blank line is common; be liberal
        if (++count > limits.max_lines)
            return core::fail(SdpError::too_many);
        if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
            return core::fail(first ? SdpError::no_version : SdpError::bad_line);
        for (char c : line)
            if (c == '\0' || c == '\r')
                return core::fail(SdpError::bad_line);
        const char type = line[0];
        const std::string_view value = line.substr(2);
        if (first) {
            if (type != 'v' || value != "0")
                return core::fail(SdpError::no_version);
            first = false;
            continue;
        }
        if (type == 'v')
            return core::fail(SdpError::bad_line);
        if (type == 'm') {
            if (sdp.media.size() >= limits.max_media)
                return core::fail(SdpError::too_many);
            auto media = parse_media(value);
            if (!media)
                return core::fail(SdpError::bad_media);
            sdp.media.push_back(std::move(*media));
            continue;
        }
        auto& lines = sdp.media.empty() ? sdp.lines : sdp.media.back().lines;
        lines.emplace_back(type, std::string(value));
    }
    if (first)
        return core::fail(SdpError::no_version);
    return sdp;
}

std::string to_string(const SessionDescription& sdp)
{
    std::string out = "v=0\r\n";
    auto put = [&out](const std::vector<SdpLine>& lines) {
        for (const auto& [type, value] : lines) {
            out += type;
            out += '=';
            out += value;
            out += "\r\n";
        }
    };
    put(sdp.lines);
    for (const auto& m : sdp.media) {
        out += "m=" + m.kind + ' ' + std::to_string(m.port) + ' ' + m.protocol;
        for (const auto& f : m.formats)
            out += ' ' + f;
        out += "\r\n";
        put(m.lines);
    }
    return out;
}

std::uint32_t clock_rate_of(const Media& media)
{
    if (auto map = media.rtpmap())
        return map->clock_rate;
    // static payload types (RFC 3551): audio at 8000 Hz except a few
    if (!media.formats.empty()) {
        int pt = -1;
        parse_int(std::string_view(media.formats[0]), pt);
        if (pt == 10 || pt == 11)
            return 44100;
        if (pt == 14 || (pt >= 25 && pt <= 34))
            return 90000;
        if (pt >= 0 && pt < 25)
            return 8000;
    }
    return 90000;
}

}  // namespace layer7::rtsp
