// Reply helpers: see reply.hpp.
#include "http/server/reply.hpp"

namespace layer7::http {

Reply text_reply(Status status, std::string body, std::string_view content_type)
{
    Reply r;
    r.response.status = status;
    r.response.fields.add("Content-Type", content_type);
    r.body.push_back(BodyPiece::of_text(std::move(body)));
    return r;
}

Reply error_reply(Status status)
{
    const std::string phrase(reason_phrase(status));
    const std::string title = std::to_string(code(status)) + " " + phrase;
    return text_reply(status,
                      "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head><body><h1>" + title +
                          "</h1><hr><p>layer7</p></body></html>\n",
                      "text/html; charset=utf-8");
}

}  // namespace layer7::http
