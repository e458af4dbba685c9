// Fuzzes pop3::Session: the input's first byte picks the policy and the shell's failures, the rest
// is split into lines by core::LineParser (max 512) and fed to a session, performing each Step as the
// shell would. Every response must be CRLF lines whose first line parses back (parse_status) with
// the same text (ok/err round trip); a multi-line response, un-stuffed, must end with "."; a closed
// session stays silent; TRANSACTION never goes back to AUTHORIZATION.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text/line_parser.hpp"
#include "mail/pop3/response_codec.hpp"
#include "mail/pop3/session.hpp"

namespace pop3 = layer7::mail::pop3;
namespace core = layer7::core;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

const std::string_view messages[] = {
    "Subject: one\n\nbody\n",
    "Subject: dots\r\n\r\n.\r\n..\r\n.x\r\nend",
    "",
};

void check_wire(const std::string& wire, bool multiline_expected)
{
    if (wire.empty())
        return;
    check(wire.size() >= 2 && wire.substr(wire.size() - 2) == "\r\n");
    const auto first_end = wire.find("\r\n");
    const std::string_view first = std::string_view(wire).substr(0, first_end);
    auto status = pop3::parse_status(first);
    check(status.has_value());
    // Round trip: the status line rebuilt from its parse is the same line.
    std::string text = status->code.empty() ? status->text : "[" + status->code + "] " + status->text;
    if (status->code.empty() || !status->text.empty())
        check((status->ok ? pop3::ok(text) : pop3::err(text)) == std::string(first) + "\r\n");
    if (multiline_expected && status->ok) {
        check(wire.size() >= 3 && wire.substr(wire.size() - 3) == ".\r\n");
        // Between the status line and the final ".", no line is a lone "." (stuffing).
        std::size_t start = first_end + 2;
        while (start < wire.size()) {
            const auto end = wire.find("\r\n", start);
            check(end != std::string::npos);
            const std::string_view line = std::string_view(wire).substr(start, end - start);
            if (end + 2 != wire.size())
                check(line != ".");
            start = end + 2;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::uint8_t flags = data[0];
    pop3::Policy policy;
    policy.tls_available = flags & 1;
    policy.plaintext_auth = flags & 2;
    policy.max_auth_failures = 1 + ((flags >> 5) & 3);
    policy.check_credentials = [](std::string_view u, std::string_view p) { return u == "bob" && p == "hungry"; };
    pop3::Client client{.loopback = (flags & 4) != 0, .tls = false};
    const bool open_fails = flags & 8;
    const bool read_fails = flags & 16;
    pop3::Session session(policy, client);
    std::vector<pop3::MessageInfo> infos;
    for (std::size_t i = 0; i < std::size(messages); ++i)
        infos.push_back({static_cast<std::uint64_t>(messages[i].size() + 8), "uid" + std::to_string(i)});

    core::LineParser parser(512);
    parser.feed(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    bool closed = false, logged_in = false;
    for (;;) {
        core::LineEvent event = parser.next();
        if (event.status == core::LineStatus::need_more)
            break;
        const std::string line(event.text);
        const bool multiline_command =
            line.size() >= 4 &&
            (line.compare(0, 4, "CAPA") == 0 || line.compare(0, 4, "LIST") == 0 || line.compare(0, 4, "UIDL") == 0);
        pop3::Step step =
            event.status == core::LineStatus::too_long ? session.on_line_too_long() : session.on_line(line);
        if (closed) {
            check(step.wire.empty() && step.action == pop3::Action::close);
            continue;
        }
        for (bool more = true; more;) {
            check_wire(step.wire, multiline_command && line.find(' ') == std::string::npos);
            switch (step.action) {
            case pop3::Action::read_line: more = false; break;
            case pop3::Action::start_tls:
                session.on_tls_started();
                more = false;
                break;
            case pop3::Action::close:
                closed = true;
                more = false;
                break;
            case pop3::Action::open_mailbox:
                step = session.on_mailbox(open_fails ? pop3::OpenResult::in_use : pop3::OpenResult::ok, infos);
                break;
            case pop3::Action::read_message:
                check(step.message < infos.size());
                step = read_fails ? session.on_message(std::nullopt) : session.on_message(messages[step.message]);
                check_wire(step.wire, true);
                break;
            case pop3::Action::commit:
                for (std::size_t i = 1; i < step.deletions.size(); ++i)
                    check(step.deletions[i - 1] < step.deletions[i]);
                for (auto d : step.deletions)
                    check(d < infos.size());
                step = session.on_committed({});
                break;
            }
        }
        if (session.state() == pop3::State::transaction)
            logged_in = true;
        if (logged_in)
            check(session.state() != pop3::State::authorization);
    }
    return 0;
}
