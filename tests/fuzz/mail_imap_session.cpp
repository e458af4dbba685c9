// Fuzzes the IMAP command assembler and Session: the input is split into lines (max 8192) and fed
// as the shell would, literals included (their bytes taken from the input), against an in-memory
// account. Every response must end in CRLF; a closed session stays closed; nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../unit/mail/imap/memory_account.hpp"
#include "core/text/line_parser.hpp"
#include "mail/imap/session.hpp"

namespace imap = layer7::mail::imap;
namespace core = layer7::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    imap::Policy policy;
    policy.auth_failure_delay = std::chrono::milliseconds(0);
    policy.limits.max_literal = 4096;
    policy.check_credentials = [](std::string_view u, std::string_view p) { return u == "bob" && p == "x"; };
    imap::test::MemoryAccount account;
    account.add(
        "INBOX",
        "From: A <a@b.c>\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nx\r\n--B--\r\n");
    account.add("INBOX", "Subject: t\r\n\r\nbody\r\n", "S");
    imap::Session session(policy, {.loopback = true});
    imap::CommandAssembler assembler(policy.limits);
    core::LineParser parser(8192);
    parser.feed(std::string_view(reinterpret_cast<const char*>(data), size));
    bool closed = false;
    for (;;) {
        core::LineEvent event = parser.next();
        if (event.status == core::LineStatus::need_more || closed)
            break;
        imap::Step step;
        if (event.status == core::LineStatus::too_long) {
            assembler.reset();
            step = session.on_line_too_long();
        } else if (session.wants_continuation()) {
            step = session.on_continuation(event.text);
        } else {
            auto e = assembler.on_line(event.text);
            if (e.status == imap::CommandAssembler::Status::need_literal) {
                assembler.on_literal(parser.take(static_cast<std::size_t>(e.literal_size)));
                continue;  // the command goes on with the next line
            }
            step = e.status == imap::CommandAssembler::Status::refused ? session.on_refused(e)
                                                                       : session.on_command(assembler.take());
        }
        for (bool more = true; more;) {
            if (!step.wire.empty() && step.wire.substr(step.wire.size() - 2) != "\r\n")
                std::abort();
            switch (step.action) {
            case imap::Action::open_account: step = session.on_account(&account); break;
            case imap::Action::start_tls:
                session.on_tls_started();
                more = false;
                break;
            case imap::Action::idle:
                step = session.on_idle_changed();
                if (step.action == imap::Action::idle)
                    more = false;
                break;
            case imap::Action::more: step = session.on_more(); break;
            case imap::Action::close:
                closed = true;
                more = false;
                break;
            default: more = false;
            }
        }
    }
    return 0;
}
