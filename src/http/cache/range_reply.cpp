// Range requests from a stored response: see range_reply.hpp.
#include "http/cache/range_reply.hpp"

#include "http/message/date.hpp"
#include "http/message/etag.hpp"
#include "http/message/range.hpp"

namespace layer7::http::cache {

namespace {

// §14.6: the boundary must not occur in the parts; a counter makes it deterministic.
std::string boundary_for(std::string_view body)
{
    for (unsigned n = 0;; ++n) {
        std::string b = "layer7-byteranges-" + std::to_string(n);
        if (body.find(b) == std::string_view::npos)
            return b;
    }
}

}  // namespace

std::optional<RangeReply> range_reply(const Request& request, const Response& stored, std::string_view body)
{
    const auto range_value = request.fields.get("Range");
    // §14.2: GET is the only method with range handling; only a complete 200 holds every byte.
    if (!range_value || request.method != MethodId::get || stored.status != Status::ok)
        return std::nullopt;
    if (auto if_range = request.fields.get("If-Range")) {
        const auto tag = stored.fields.get("ETag");
        const auto modified = stored.fields.get("Last-Modified");
        if (!if_range_matches(*if_range, tag ? parse_etag(*tag) : std::nullopt,
                              modified ? parse_http_date(*modified) : std::nullopt))
            return std::nullopt;  // §13.1.5: a changed representation is sent whole
    }
    const RangeResult resolved = resolve_range(*range_value, body.size());
    if (resolved.outcome == RangeOutcome::ignored)
        return std::nullopt;
    RangeReply out;
    if (resolved.outcome == RangeOutcome::unsatisfiable) {
        // §15.5.17: 416 with the current length; the stored content itself is not sent.
        out.response.status = Status::range_not_satisfiable;
        out.response.fields.add("Content-Range", "bytes */" + std::to_string(body.size()));
        if (auto date = stored.fields.get("Date"))
            out.response.fields.add("Date", *date);
        return out;
    }
    out.response = stored;
    out.response.status = Status::partial_content;
    out.response.reason.clear();
    out.response.fields.erase("Content-Length");
    if (resolved.ranges.size() == 1) {
        const ByteRange& r = resolved.ranges.front();
        out.response.fields.set("Content-Range", content_range(r, body.size()));
        out.body = body.substr(r.first, r.length());
        return out;
    }
    const std::string boundary = boundary_for(body);
    const std::string type(stored.fields.get("Content-Type").value_or(""));
    for (const ByteRange& r : resolved.ranges) {
        out.body += byteranges_part_head(boundary, type, r, body.size());
        out.body += body.substr(r.first, r.length());
    }
    out.body += byteranges_end(boundary);
    out.response.fields.erase("Content-Range");
    out.response.fields.set("Content-Type", "multipart/byteranges; boundary=" + boundary);
    return out;
}

}  // namespace layer7::http::cache
