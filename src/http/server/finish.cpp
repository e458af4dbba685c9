// finish_response: see finish.hpp.
#include "http/server/finish.hpp"

#include <ctime>
#include <string>

#include "http/message/date.hpp"
#include "http/message/token.hpp"

namespace layer7::http {

Framed finish_response(Response& response, const Finish& finish)
{
    Framed framed;
    framed.keep_alive = finish.keep_alive;
    Fields& f = response.fields;
    // One pass over what the handler set; most replies set none of these.
    bool has_server = false, has_date = false, has_length = false, has_coding = false;
    for (Field field : f) {
        if (iequals(field.name, "Server"))
            has_server = true;
        else if (iequals(field.name, "Date"))
            has_date = true;
        else if (iequals(field.name, "Content-Length"))
            has_length = true;
        else if (iequals(field.name, "Transfer-Encoding"))
            has_coding = true;
    }
    if (!has_server)
        f.add_valid("Server", "layer7");
    if (!has_date)
        f.add_valid("Date", finish.date);
    const bool head = finish.request && finish.request->method == MethodId::head;
    const bool http10 = finish.request && finish.request->version.minor == 0 && !finish.h2;
    if (has_coding)
        f.erase("Transfer-Encoding");  // we frame the body ourselves
    framed.send_body = !head && !forbids_content(response.status);
    if (forbids_content(response.status)) {
        if (has_length && response.status != Status::not_modified)
            f.erase("Content-Length");
    } else if (finish.body_size) {
        if (has_length && !head)
            f.erase("Content-Length");
        if (!has_length || !head)  // HEAD: a relayed Content-Length describes the GET body (§9.3.2)
            f.add_valid("Content-Length", std::to_string(*finish.body_size));
    } else {
        if (has_length)
            f.erase("Content-Length");
        if (finish.h2) {
            // DATA frames end the body.
        } else if (http10) {
            framed.keep_alive = false;  // no chunked in HTTP/1.0: the close ends the body
        } else {
            framed.chunked = framed.send_body;
            f.add_valid("Transfer-Encoding", "chunked");
        }
    }
    if (finish.h2)
        return framed;
    if (!framed.keep_alive)
        f.add_valid("Connection", "close");
    else if (http10)
        f.add_valid("Connection", "keep-alive");  // HTTP/1.0 persistence must be confirmed (RFC 9112 §9.3)
    return framed;
}

std::string_view current_http_date(std::chrono::system_clock::time_point now)
{
    // Per thread, not a worker's slot: a pure function's last answer, owned by no service, and
    // right on any thread (a client's too).
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t second = std::chrono::system_clock::to_time_t(now);
    if (second != cached_second) {
        cached_second = second;
        cached = format_http_date(std::chrono::sys_seconds(std::chrono::seconds(second)));
    }
    return cached;
}

}  // namespace layer7::http
