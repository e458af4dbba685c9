// RTSP messages: see message.hpp.
#include "rtsp/message.hpp"

#include <charconv>

namespace layer7::rtsp {

std::optional<std::uint32_t> Request::cseq() const
{
    auto v = headers.get("CSeq");
    if (!v)
        return std::nullopt;
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size())
        return std::nullopt;
    return n;
}

std::string_view reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Large";
    case 415: return "Unsupported Media Type";
    case 453: return "Not Enough Bandwidth";
    case 454: return "Session Not Found";
    case 455: return "Method Not Valid in This State";
    case 457: return "Invalid Range";
    case 459: return "Aggregate Operation Not Allowed";
    case 461: return "Unsupported Transport";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "RTSP Version Not Supported";
    default: return "Unknown";
    }
}

namespace {
void append_headers(std::string& out, const http::Fields& headers, std::size_t body_size)
{
    for (auto field : headers) {
        out += field.name;
        out += ": ";
        out += field.value;
        out += "\r\n";
    }
    if (body_size > 0 && !headers.contains("Content-Length")) {
        out += "Content-Length: ";
        out += std::to_string(body_size);
        out += "\r\n";
    }
    out += "\r\n";
}
}  // namespace

std::string to_wire(const Request& request)
{
    std::string out = request.method + ' ' + request.uri + " RTSP/1.0\r\n";
    append_headers(out, request.headers, request.body.size());
    out += request.body;
    return out;
}

std::string to_wire(const Response& response)
{
    std::string out = "RTSP/1.0 " + std::to_string(response.status) + ' ';
    out += response.reason.empty() ? reason_phrase(response.status) : std::string_view(response.reason);
    out += "\r\n";
    append_headers(out, response.headers, response.body.size());
    out += response.body;
    return out;
}

std::string interleaved_frame(std::uint8_t channel, std::string_view data)
{
    std::string out;
    out.reserve(4 + data.size());
    out += '$';
    out += static_cast<char>(channel);
    out += static_cast<char>(data.size() >> 8);
    out += static_cast<char>(data.size() & 0xff);
    out += data;
    return out;
}

}  // namespace layer7::rtsp
