// Body framing decisions of RFC 9112 §6.1 and §6.3, with the request-smuggling guards.
#include "http/h1/framing.hpp"

#include "http/message/target.hpp"
#include "http/message/token.hpp"

namespace layer7::http::h1 {

namespace {

enum class Codings { absent, chunked_only, chunked_final, chunked_not_final, invalid };

// Reads every Transfer-Encoding line as one list (§6.1).
Codings transfer_codings(const Fields& fields)
{
    if (!fields.contains("Transfer-Encoding"))
        return Codings::absent;
    std::size_t count = 0, chunked = 0;
    bool last_chunked = false;
    for (Field f : fields) {
        if (!iequals(f.name, "Transfer-Encoding"))
            continue;
        ListReader list(f.value);
        std::string_view coding;
        while (list.next(coding)) {
            std::string_view name = trim_ows(coding.substr(0, coding.find(';')));
            if (!is_token(name))
                return Codings::invalid;
            ++count;
            last_chunked = iequals(name, "chunked");
            chunked += last_chunked;
        }
    }
    if (count == 0 || chunked > 1 || (chunked == 1 && !last_chunked))
        return count == 0 || chunked > 1 ? Codings::invalid : Codings::chunked_not_final;
    if (!last_chunked)
        return Codings::chunked_not_final;
    return count == 1 ? Codings::chunked_only : Codings::chunked_final;
}

}  // namespace

MaybeError parse_content_length(const Fields& fields, std::optional<std::uint64_t>& out)
{
    out.reset();
    for (Field f : fields) {
        if (!iequals(f.name, "Content-Length"))
            continue;
        ListReader list(f.value);
        std::string_view item;
        bool any = false;
        while (list.next(item)) {
            any = true;
            if (item.size() > 18)  // < 10^18 cannot overflow uint64
                return Error::bad_content_length;
            std::uint64_t v = 0;
            for (char c : item) {
                if (c < '0' || c > '9')
                    return Error::bad_content_length;
                v = v * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (out && *out != v)
                return Error::conflicting_content_length;
            out = v;
        }
        if (!any)
            return Error::bad_content_length;
    }
    return std::nullopt;
}

MaybeError request_framing(const Request& request, Framing& out)
{
    std::size_t hosts = request.fields.count("Host");
    if (hosts == 0 && request.version.minor >= 1)
        return Error::missing_host;
    if (hosts > 1)
        return Error::bad_host;
    if (hosts == 1) {
        std::string_view host = *request.fields.get("Host");
        std::string h;
        std::uint16_t port = 0;
        if (!host.empty() && !split_authority(host, h, port))
            return Error::bad_host;
    }
    Codings codings = transfer_codings(request.fields);
    if (codings != Codings::absent) {
        if (request.fields.contains("Content-Length"))
            return Error::content_length_with_transfer_encoding;
        if (request.version.minor == 0)
            return Error::bad_transfer_encoding;  // §6.1: faulty framing in HTTP/1.0
        switch (codings) {
        case Codings::chunked_only: out = {BodyKind::chunked, 0}; return std::nullopt;
        case Codings::chunked_final: return Error::unsupported_transfer_coding;
        case Codings::chunked_not_final: return Error::chunked_not_final;
        default: return Error::bad_transfer_encoding;
        }
    }
    std::optional<std::uint64_t> length;
    if (auto e = parse_content_length(request.fields, length))
        return e;
    out = length && *length > 0 ? Framing{BodyKind::length, *length} : Framing{BodyKind::none, 0};
    return std::nullopt;
}

MaybeError response_framing(const Response& response, const Method& request_method, Framing& out)
{
    Status s = response.status;
    if (s == Status::switching_protocols || (request_method == MethodId::connect && status_class(s) == 2)) {
        out = {BodyKind::tunnel, 0};
        return std::nullopt;
    }
    if (request_method == MethodId::head || forbids_content(s)) {
        out = {BodyKind::none, 0};
        return std::nullopt;
    }
    Codings codings = transfer_codings(response.fields);
    if (codings != Codings::absent) {
        if (response.fields.contains("Content-Length"))
            return Error::content_length_with_transfer_encoding;
        if (codings == Codings::invalid)
            return Error::bad_transfer_encoding;
        bool chunked = codings == Codings::chunked_only || codings == Codings::chunked_final;
        // §6.1: chunked in HTTP/1.0 is not to be trusted; §6.3 item 4: not final → read until close.
        out =
            chunked && response.version.minor >= 1 ? Framing{BodyKind::chunked, 0} : Framing{BodyKind::until_close, 0};
        return std::nullopt;
    }
    std::optional<std::uint64_t> length;
    if (auto e = parse_content_length(response.fields, length))
        return e;
    if (length)
        out = *length > 0 ? Framing{BodyKind::length, *length} : Framing{BodyKind::none, 0};
    else
        out = {BodyKind::until_close, 0};
    return std::nullopt;
}

}  // namespace layer7::http::h1
