// Conditional requests: see conditional.hpp.
#include "http/server/conditional.hpp"

#include "http/message/date.hpp"
#include "http/message/range.hpp"

namespace layer7::http {

namespace {
bool is_get_or_head(const Request& r)
{
    return r.method == MethodId::get || r.method == MethodId::head;
}
}  // namespace

Precondition evaluate_preconditions(const Request& request, const Validators& current)
{
    const Fields& f = request.fields;
    // Step 1: If-Match (strong comparison).
    if (f.contains("If-Match")) {
        auto list = parse_etag_list(f.combined("If-Match"));
        if (!list || !if_match_passes(*list, current.etag))
            return Precondition::precondition_failed;
    } else if (auto ius = f.get("If-Unmodified-Since")) {
        // Step 2: only without If-Match, and only a valid date counts.
        auto date = parse_http_date(*ius);
        if (date && current.last_modified && *current.last_modified > *date)
            return Precondition::precondition_failed;
    }
    // Step 3: If-None-Match (weak comparison).
    if (f.contains("If-None-Match")) {
        auto list = parse_etag_list(f.combined("If-None-Match"));
        if (list && !if_none_match_passes(*list, current.etag))
            return is_get_or_head(request) ? Precondition::not_modified : Precondition::precondition_failed;
    } else if (auto ims = f.get("If-Modified-Since"); ims && is_get_or_head(request)) {
        // Step 4: only without If-None-Match, only for GET/HEAD.
        auto date = parse_http_date(*ims);
        if (date && current.last_modified && *current.last_modified <= *date)
            return Precondition::not_modified;
    }
    return Precondition::proceed;
}

bool if_range_allows(const Request& request, const Validators& current)
{
    auto value = request.fields.get("If-Range");
    return !value || if_range_matches(*value, current.etag, current.last_modified);
}

}  // namespace layer7::http
