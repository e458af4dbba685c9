#include "lab/dns_summary.hpp"

#include <span>

#include "dns/wire/message.hpp"

namespace layer7::lab {

std::string dns_summary(std::string_view bytes)
{
    auto m = dns::decode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    if (!m.ok())
        return "[" + std::to_string(bytes.size()) + " bytes, not DNS]";
    const auto& msg = m.value();
    std::string q = msg.questions.empty()
                        ? "?"
                        : msg.questions.front().name.to_text() + " " + dns::to_text(msg.questions.front().type);
    if (!msg.flags.qr)
        return "query " + q;
    // `type` none: every record.
    auto records = [](const std::vector<dns::Record>& rs, std::optional<dns::RrType> type) {
        std::string text;
        for (const auto& r : rs)
            if (!type || r.type == *type)
                text += (text.empty() ? "" : ", ") + r.owner.to_text() + " " + dns::to_text(r.data);
        return text;
    };
    if (!msg.answers.empty())
        return "answer " + records(msg.answers, std::nullopt) + (msg.flags.aa ? " (authoritative)" : "");
    if (auto ns = records(msg.authority, dns::RrType::ns); !ns.empty()) {
        const auto glue = records(msg.additional, dns::RrType::a);
        return "referral: NS " + ns + (glue.empty() ? "" : "; glue " + glue);
    }
    return "reply to " + q + ", rcode " + std::to_string(static_cast<int>(msg.rcode));
}

}  // namespace layer7::lab
