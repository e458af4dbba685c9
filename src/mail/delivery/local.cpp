// Local delivery: see local.hpp.
#include "mail/delivery/local.hpp"

#include "mail/delivery/route.hpp"
#include "mail/store/system.hpp"

namespace layer7::mail::delivery {

std::optional<std::string> find_mailbox(const MailboxExists& exists, std::string_view domain,
                                        std::string_view local_part)
{
    if (exists(domain, local_part))
        return std::string(local_part);
    std::string lower(local_part);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    if (lower != local_part && exists(domain, lower))
        return lower;
    return std::nullopt;
}

std::string with_delivery_fields(std::string_view sender, std::string_view recipient, std::string_view body)
{
    std::string out;
    out.reserve(body.size() + sender.size() + recipient.size() + 40);
    out.append("Return-Path: <").append(sender).append(">\r\n");
    out.append("Delivered-To: ").append(recipient).append("\r\n");
    out.append(body);
    return out;
}

std::error_code deliver_local(const mail::System& system, const MailboxExists& exists, std::string_view sender,
                              std::string_view recipient, std::string_view body)
{
    const std::string domain = domain_of(recipient);
    const auto user = find_mailbox(exists, domain, local_part_of(recipient));
    if (!user)
        return std::make_error_code(std::errc::no_such_file_or_directory);
    return system.deliver(domain, *user, with_delivery_fields(sender, recipient, body));
}

}  // namespace layer7::mail::delivery
