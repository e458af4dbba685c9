// Extension → media type table (IANA media types registry names).
#include "http/message/mime.hpp"

#include <array>
#include <utility>

#include "http/message/token.hpp"

namespace layer7::http {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 45> table = {{
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"xml", "application/xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/vnd.microsoft.icon"},
    {"bmp", "image/bmp"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"wasm", "application/wasm"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"mp4", "video/mp4"},
    {"m4s", "video/iso.segment"},
    {"m4v", "video/mp4"},
    {"m4a", "audio/mp4"},
    {"webm", "video/webm"},
    {"mpd", "application/dash+xml"},
    {"m3u8", "application/vnd.apple.mpegurl"},
    {"ts", "video/mp2t"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"torrent", "application/x-bittorrent"},
    {"eml", "message/rfc822"},
    {"rss", "application/rss+xml"},
    {"atom", "application/atom+xml"},
    {"ics", "text/calendar; charset=utf-8"},
    {"bin", "application/octet-stream"},
}};

}  // namespace

std::string_view mime_type_for_extension(std::string_view ext)
{
    for (const auto& [e, type] : table)
        if (iequals(e, ext))
            return type;
    return "application/octet-stream";
}

std::string_view mime_type_for_path(std::string_view path)
{
    auto slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0)
        return "application/octet-stream";
    return mime_type_for_extension(name.substr(dot + 1));
}

bool is_compressible(std::string_view media_type)
{
    media_type = trim_ows(media_type.substr(0, media_type.find(';')));
    auto slash = media_type.find('/');
    if (slash == std::string_view::npos)
        return false;
    std::string_view top = media_type.substr(0, slash), sub = media_type.substr(slash + 1);
    if (iequals(top, "text"))
        return true;
    auto plus = sub.rfind('+');
    std::string_view suffix = plus == std::string_view::npos ? sub : sub.substr(plus + 1);
    if (iequals(suffix, "json") || iequals(suffix, "xml"))
        return true;  // application/json, image/svg+xml, application/dash+xml, …
    for (std::string_view s :
         {"javascript", "wasm", "x-javascript", "ecmascript", "vnd.apple.mpegurl", "vnd.microsoft.icon", "x-tar"})
        if (iequals(sub, s))
            return true;
    return iequals(top, "font") && (iequals(sub, "ttf") || iequals(sub, "otf"));
}

}  // namespace layer7::http
