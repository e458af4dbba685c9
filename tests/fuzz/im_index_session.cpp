// Fuzzes the IM index: the input is split into lines by core::LineParser (max 256); each line's
// first byte picks one of three sessions on one Directory (and may end that session's connection),
// the rest is its command. Every line the index writes must decode (im::decode_index_line) as a
// reply or a push and re-encode to the same bytes; pushes go only to live sessions; a closed session
// stays silent; when every session has ended, nobody is online and no name is held. Each line is also
// fed to a peer session, which must answer garbage with 554 and close.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/text/line_parser.hpp"
#include "im/index_codec.hpp"
#include "im/index_session.hpp"
#include "im/peer_session.hpp"

namespace im = layer7::im;
namespace core = layer7::core;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void check_wire(const std::string& wire)
{
    std::size_t start = 0;
    while (start < wire.size()) {
        const auto end = wire.find("\r\n", start);
        check(end != std::string::npos);
        const std::string_view line = std::string_view(wire).substr(start, end - start);
        const im::IndexLine in = im::decode_index_line(line);
        check(in.kind != im::IndexLine::Kind::garbage);
        std::string again;
        switch (in.kind) {
        case im::IndexLine::Kind::reply: again = im::reply(in.code, in.text); break;
        case im::IndexLine::Kind::online: again = im::push_online(in.name, in.address); break;
        case im::IndexLine::Kind::offline: again = im::push_offline(in.name); break;
        case im::IndexLine::Kind::user: again = im::user_line(in.name, in.address); break;
        case im::IndexLine::Kind::garbage: break;
        }
        check(again == std::string(line) + "\r\n");
        start = end + 2;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    im::IndexPolicy policy;
    policy.max_watch = 4;
    policy.max_errors = 20;
    policy.max_who = 3;
    im::Directory directory(2);
    constexpr std::size_t n = 3;
    std::array<std::unique_ptr<im::IndexSession>, n> sessions;
    std::array<bool, n> ended{};
    for (std::size_t i = 0; i < n; ++i) {
        sessions[i] = std::make_unique<im::IndexSession>(directory, i + 1, policy, i == 2 ? "::1" : "192.0.2.1");
        check_wire(sessions[i]->greeting());
    }
    const auto deliver = [&](std::size_t from, const im::IndexStep& step) {
        if (ended[from])
            check(step.wire.empty() && step.pushes.empty());
        check_wire(step.wire);
        for (const auto& push : step.pushes) {
            check(push.to >= 1 && push.to <= n && !ended[push.to - 1]);
            check_wire(push.line);
        }
    };
    im::PeerSession peer(im::PeerSession::Role::callee, "bob");

    core::LineParser parser(256);
    parser.feed(std::string_view(reinterpret_cast<const char*>(data), size));
    for (;;) {
        const core::LineEvent event = parser.next();
        if (event.status == core::LineStatus::need_more)
            break;
        std::string_view line = event.text;
        const std::uint8_t pick = line.empty() ? 0 : static_cast<std::uint8_t>(line.front());
        const std::size_t who = pick % n;
        if (!line.empty())
            line.remove_prefix(1);
        if (event.status == core::LineStatus::too_long) {
            deliver(who, sessions[who]->on_line_too_long());
            continue;
        }
        if (pick >= 0xf0) {  // the connection ends
            deliver(who, sessions[who]->on_end());
            ended[who] = true;
            continue;
        }
        deliver(who, sessions[who]->on_line(line));

        const bool was_established = peer.established();
        const im::PeerStep step = peer.on_line(line);
        if (step.close && !step.error.empty())
            check(step.wire == "554 protocol error\r\n");
        if (was_established)
            check(step.wire.empty() || step.close);
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!ended[i])
            deliver(i, sessions[i]->on_end());
    check(directory.size() == 0);
    check(directory.online().empty());
    return 0;
}
