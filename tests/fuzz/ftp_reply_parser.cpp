// Fuzzes the reply codec with FTP's syntax (core/text/reply.hpp): decode the input → (each reply)
// encode with to_wire → decode again, which must give as many replies with the same codes, and
// encoding those must give them back; and the input split in two must parse as it does whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/text/line_parser.hpp"
#include "ftp/reply.hpp"

namespace core = layer7::core;
namespace ftp = layer7::ftp;

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort();
}

// Lines through core::LineParser, replies through core::ReplyParser, until the first error.
std::vector<core::Reply> parse(std::string_view a, std::string_view b, bool& error)
{
    const core::ReplySyntax syntax{.continuation = ftp::reply_syntax.continuation,
                                   .lowest_code = ftp::reply_syntax.lowest_code,
                                   .max_line = 512,
                                   .max_lines = 64};
    core::LineParser lines(syntax.max_line + 1);
    core::ReplyParser parser(syntax);
    std::vector<core::Reply> out;
    error = false;
    for (std::string_view part : {a, b}) {
        lines.feed(part);
        for (auto ev = lines.next(); ev.status != core::LineStatus::need_more; ev = lines.next()) {
            if (ev.status == core::LineStatus::too_long) {
                error = true;
                return out;
            }
            auto r = parser.on_line(ev.text);
            if (!r) {
                error = true;
                return out;
            }
            if (r->has_value())
                out.push_back(std::move(**r));
        }
    }
    return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    bool error = false;
    const auto replies = parse(input, {}, error);
    const std::size_t cut = size ? data[0] % (size + 1) : 0;
    bool split_error = false;
    const auto split = parse(input.substr(0, cut), input.substr(cut), split_error);
    check(split == replies && split_error == error);
    // The encoder writes a CR as a space and pads a middle line that starts with three digits
    // (core/text/reply.hpp): the same replies come back, and once sent they stay as they are.
    bool again_error = false;
    const auto again = parse(core::to_wire(replies, ftp::reply_syntax), {}, again_error);
    check(!again_error && again.size() == replies.size());
    for (std::size_t i = 0; i < again.size(); ++i)
        check(again[i].code == replies[i].code);
    const auto thrice = parse(core::to_wire(again, ftp::reply_syntax), {}, again_error);
    check(!again_error && thrice == again);
    return 0;
}
