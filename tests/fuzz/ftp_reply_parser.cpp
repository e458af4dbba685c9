// Fuzzes ftp::ReplyParser: decode the input → (each reply) encode with to_wire → decode again, which
// must give the same replies; and the input split in two must parse as it does whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ftp/reply.hpp"

namespace ftp = layer7::ftp;

namespace {
void check(bool ok)
{
    if (!ok)
        std::abort();
}

std::vector<ftp::Reply> parse(std::string_view a, std::string_view b, bool& error)
{
    ftp::ReplyParser p(ftp::ReplyLimits{.max_line = 512, .max_lines = 64});
    std::vector<ftp::Reply> out;
    error = false;
    for (std::string_view part : {a, b}) {
        p.feed(part);
        for (;;) {
            auto ev = p.next();
            if (ev.kind == ftp::ReplyEvent::Kind::need_more)
                break;
            if (ev.kind == ftp::ReplyEvent::Kind::error) {
                error = true;
                return out;
            }
            out.push_back(std::move(ev.reply));
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
    bool again_error = false;
    const auto again = parse(ftp::to_wire(replies), {}, again_error);
    check(!again_error && again == replies);
    return 0;
}
