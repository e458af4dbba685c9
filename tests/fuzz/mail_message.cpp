// Fuzzes the MIME parser: parse → (if ok) rebuild the attachments and subject with the builder →
// parse again, and the decoded attachments, filenames and subject must come back byte for byte.
// Also checks the transfer-encoding and address round trips on what the message holds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/bytes/base64.hpp"
#include "mail/message/address.hpp"
#include "mail/message/message_builder.hpp"
#include "mail/message/mime_parser.hpp"
#include "mail/message/transfer_encoding.hpp"

namespace mail = layer7::mail;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void check_addresses(std::string_view field)
{
    auto list = mail::parse_address_list(field);
    if (!list)
        return;
    for (const auto& box : mail::flatten(*list)) {
        auto again = mail::parse_mailbox(mail::format_mailbox(box));
        check(again.ok() && *again == box);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    mail::MessageLimits limits;
    limits.max_depth = 8;
    limits.max_parts = 64;
    auto message = mail::parse_message(input, limits);
    if (!message)
        return 0;
    check_addresses(message->header.get("From"));
    check_addresses(message->header.get("To"));

    mail::Draft draft;
    draft.from = {"", "fuzz", "example.org"};
    draft.message_id = "fuzz";
    draft.subject = mail::subject(*message);
    draft.text = "text";
    for (const mail::MimePart* leaf : mail::leaves(*message)) {
        check(layer7::core::base64_decode_lenient(mail::base64_encode_lines(leaf->body)) == leaf->body);
        check(mail::qp_decode(mail::qp_encode(leaf->body)) == leaf->body);
        if (leaf->is_attachment())
            draft.attachments.push_back({leaf->filename, leaf->content_type.value, leaf->body});
    }
    if (draft.attachments.empty())
        draft.attachments.push_back({"x", "", ""});
    auto built = mail::build_message(draft);
    check(built.ok());
    auto again = mail::parse_message(*built, limits);
    check(again.ok());
    check(mail::subject(*again) == draft.subject);
    check(again->parts.size() == draft.attachments.size() + 1);
    for (std::size_t i = 0; i < draft.attachments.size(); ++i) {
        check(again->parts[i + 1].body == draft.attachments[i].data);
        check(again->parts[i + 1].filename == draft.attachments[i].filename);
    }
    return 0;
}
