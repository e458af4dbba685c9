// Fuzzes ftp::ControlSession: the input is split into command lines by core::LineParser and fed to a
// session; each Step's action is answered as a shell would (success, or a failure picked by the
// input), until the session asks to close. Every reply must have a code in 100-599 and survive
// to_wire → ReplyParser unchanged (but for a CR, sent as a space); a PORT/EPRT that passes must name
// the peer (bounce defence).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text/line_parser.hpp"
#include "ftp/control_session.hpp"
#include "ftp/path.hpp"

namespace ftp = layer7::ftp;
namespace core = layer7::core;

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort();
}

// The encoder writes a CR inside a reply's text as a space (core/text/reply.hpp).
layer7::core::Reply as_sent(layer7::core::Reply reply)
{
    std::replace(reply.text.begin(), reply.text.end(), '\r', ' ');
    return reply;
}

void check_replies(const std::vector<ftp::Reply>& replies)
{
    core::LineParser lines(ftp::reply_syntax.max_line + 1);
    core::ReplyParser parser(ftp::reply_syntax);
    lines.feed(core::to_wire(replies, ftp::reply_syntax));
    for (const auto& r : replies) {
        check(r.code >= 100 && r.code <= 599);
        std::optional<ftp::Reply> parsed;
        while (!parsed) {
            auto ev = lines.next();
            check(ev.status == core::LineStatus::line);
            auto result = parser.on_line(ev.text);
            check(result.ok());
            parsed = std::move(*result);
        }
        check(*parsed == as_sent(r));
    }
    check(lines.next().status == core::LineStatus::need_more);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const ftp::Endpoints ends{*ftp::parse_ip("192.0.2.10"), *ftp::parse_ip("192.0.2.1")};
    ftp::Policy policy;
    policy.anonymous = size > 0 && (data[0] & 1);
    policy.tls_available = size > 0 && (data[0] & 2);
    ftp::ControlSession session(policy, ends);
    core::LineParser lines(256);
    lines.feed(std::string_view(reinterpret_cast<const char*>(data), size));
    std::size_t coin = 0;
    auto flip = [&] { return size > 0 && (data[coin++ % size] & 4); };
    for (int steps = 0; steps < 10000; ++steps) {
        auto ev = lines.next();
        if (ev.status == core::LineStatus::need_more)
            return 0;
        ftp::Step step =
            ev.status == core::LineStatus::too_long ? session.on_line_too_long() : session.on_line(ev.text);
        for (int actions = 0; actions < 4; ++actions) {
            check_replies(step.replies);
            const ftp::Action& a = step.action;
            // Paths handed to the shell are relative and never climb out.
            check(a.path.empty() || (a.path[0] != '/' && ftp::resolve_path("/", a.path) == "/" + a.path));
            if (a.op == ftp::Op::transfer && a.data_mode == ftp::DataMode::active)
                check(a.active.address == ends.peer && a.active.port >= 1024);
            ftp::FsResult fs;
            if (flip())
                fs.error = ftp::FsError::not_found;
            switch (a.op) {
            case ftp::Op::none: actions = 4; continue;
            case ftp::Op::close: return 0;
            case ftp::Op::login: step = session.on_login(flip(), flip()); break;
            case ftp::Op::start_tls: step = session.on_tls_started(); break;
            case ftp::Op::open_passive:
                step = session.on_passive_opened(flip() ? std::nullopt : std::optional<std::uint16_t>(50000));
                break;
            case ftp::Op::transfer:
                step = session.on_transfer_done(flip() ? ftp::TransferResult::aborted : ftp::TransferResult::ok);
                break;
            default:
                fs.entries.push_back({"a", false, 1, 0, 0644, 1});
                step = session.on_fs(fs);
                break;
            }
        }
    }
    return 0;
}
