// Fuzzes the client-side IMAP response parser: the input is split into lines as the client reads
// them, literals announced at a line's end are taken from the bytes that follow, and every complete
// response is parsed and its LIST/STATUS/SEARCH/FETCH views read — nothing may crash or exceed the
// limits, and a literal is never longer than announced.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mail/imap/response_parser.hpp"

namespace imap = layer7::mail::imap;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view in(reinterpret_cast<const char*>(data), size);
    imap::ResponseLimits limits;
    limits.max_line = 4096;
    limits.max_literal = 8192;
    limits.max_response = 16384;
    limits.max_depth = 8;
    limits.max_items = 1000;
    imap::ResponseAssembler assembler(limits);
    while (!in.empty()) {
        const std::size_t nl = in.find("\r\n");
        const std::string_view line = in.substr(0, nl);
        in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 2);
        auto status = assembler.on_line(line);
        if (status == imap::AssembleStatus::need_literal) {
            const std::size_t n = assembler.literal_size();
            if (n > limits.max_literal)
                std::abort();
            if (n > in.size())
                return 0;
            assembler.on_literal(in.substr(0, n));
            in.remove_prefix(n);
            continue;
        }
        if (status == imap::AssembleStatus::error) {
            assembler.take();
            continue;
        }
        auto r = imap::parse_response(assembler.take(), limits);
        if (!r)
            continue;
        (void)imap::list_entry(*r);
        (void)imap::status_entry(*r);
        (void)imap::search_result(*r);
        if (const auto* flags = imap::fetch_item(*r, "FLAGS"))
            (void)imap::flag_list(*flags);
        if (const auto* body = imap::fetch_item(*r, "BODY[]"); body && body->str().size() > limits.max_literal)
            std::abort();
    }
    return 0;
}
