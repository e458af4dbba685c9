// Fuzzes ServerSession: the input's first byte picks the policy, the rest is split into lines by
// core::LineParser and fed to a session, performing each Step as the shell would. Every reply must
// have a code in 200–599 and survive to_wire → ReplyParser unchanged; a closed session stays silent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text/line_parser.hpp"
#include "mail/smtp/server_session.hpp"

namespace smtp = layer7::mail::smtp;
namespace core = layer7::core;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void check_replies(const std::vector<smtp::Reply>& replies)
{
    core::ReplyParser parser(smtp::reply_syntax);
    std::vector<smtp::Reply> parsed;
    const std::string wire = core::to_wire(replies, smtp::reply_syntax);
    for (std::size_t start = 0; start < wire.size();) {
        const std::size_t end = wire.find("\r\n", start);
        check(end != std::string::npos);
        auto r = parser.on_line(std::string_view(wire).substr(start, end - start));
        check(r.ok());
        if (r->has_value())
            parsed.push_back(**r);
        start = end + 2;
    }
    check(parsed == replies);
    for (const auto& reply : replies)
        check(reply.code >= 200 && reply.code <= 599);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::uint8_t flags = data[0];
    smtp::Policy policy;
    policy.hostname = "hamburger.edu";
    policy.max_message_bytes = 64 + (flags & 3) * 200;
    policy.max_recipients = 1 + (flags >> 2 & 3);
    policy.chunk_bytes = 64;  // small, so that messages go out in several pieces
    policy.tls_available = flags & 16;
    policy.submission = flags & 32;
    policy.client_trusted = flags & 64;
    policy.is_local = [](std::string_view d) { return d == "hamburger.edu"; };
    policy.accepts_recipient = [](std::string_view a) { return a.size() % 2 == 0; };
    policy.check_credentials = [](std::string_view u, std::string_view p) { return u == "bob" && p == "pw"; };
    smtp::ServerSession session(policy, smtp::Client{"192.0.2.1", "", (flags & 128) != 0});
    check_replies({session.greeting()});

    core::LineParser lines(128);
    lines.feed(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    int queued = 0;
    bool open = false;    // a message was begun and not yet committed or dropped
    std::string content;  // what of it the session handed on
    for (auto event = lines.next(); event.status != core::LineStatus::need_more; event = lines.next()) {
        const bool was_closed = session.closed();
        smtp::Step step = event.status == core::LineStatus::too_long ? session.on_line_too_long()
                                                                     : session.on_line(event.text, event.end);
        if (was_closed)
            check(step.replies.empty() && step.next == smtp::Next::close && step.end == smtp::MessageEnd::none &&
                  !step.begin_message && step.content.empty());
        if (step.begin_message) {
            check(!open);
            open = true;
            content.clear();
        }
        check(open || step.content.empty());
        content += step.content;
        if (step.end == smtp::MessageEnd::abort) {
            open = false;
            content.clear();
        }
        if (step.end == smtp::MessageEnd::commit) {
            check(open);
            open = false;
            check(step.replies.empty());
            check(content.rfind("Received: from ", 0) == 0);
            check(content.size() <= policy.max_message_bytes + 1024);
            ++queued;
            step = session.on_queued(queued % 3 ? std::error_code() : std::make_error_code(std::errc::io_error),
                                     "Q" + std::to_string(queued));
        }
        check_replies(step.replies);
        if (step.next == smtp::Next::start_tls)
            session.on_tls_started();
    }
    return 0;
}
