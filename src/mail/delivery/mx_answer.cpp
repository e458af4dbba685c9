// DNS answers for delivery: see mx_answer.hpp.
#include "mail/delivery/mx_answer.hpp"

#include <variant>

namespace layer7::mail::delivery {
namespace {

// The reply's status before its records are looked at; nullopt for a NOERROR reply.
std::optional<LookupStatus> verdict(const DnsAnswer& answer)
{
    if (!answer.ok())
        return LookupStatus::temporary;
    switch (answer.value().rcode) {
    case dns::Rcode::no_error: return std::nullopt;
    case dns::Rcode::nx_domain: return LookupStatus::no_domain;
    default: return LookupStatus::temporary;
    }
}

}  // namespace

MxAnswer mx_answer(const DnsAnswer& answer)
{
    MxAnswer out;
    if (const auto status = verdict(answer)) {
        out.status = *status;
        return out;
    }
    for (const dns::Record& record : answer.value().answers)
        if (const auto* mx = std::get_if<dns::Mx>(&record.data)) {
            std::string name = mx->exchange.to_text();
            name.pop_back();  // the trailing dot: the root becomes "", as is_null_mx expects
            out.hosts.push_back({mx->preference, std::move(name)});
        }
    out.status = out.hosts.empty() ? LookupStatus::no_data : LookupStatus::ok;
    return out;
}

AddressAnswer address_answer(const DnsAnswer& a, const DnsAnswer& aaaa)
{
    AddressAnswer out;
    bool no_domain = false, no_data = false;
    for (const DnsAnswer* answer : {&a, &aaaa}) {
        const auto status = verdict(*answer);
        no_domain = no_domain || status == LookupStatus::no_domain;
        if (status)
            continue;
        const std::size_t before = out.addresses.size();
        for (const dns::Record& record : answer->value().answers)
            if (std::holds_alternative<dns::A>(record.data) || std::holds_alternative<dns::Aaaa>(record.data))
                out.addresses.push_back(dns::to_text(record.data));
        no_data = no_data || out.addresses.size() == before;
    }
    out.status = !out.addresses.empty() ? LookupStatus::ok
                 : no_domain            ? LookupStatus::no_domain
                 : no_data              ? LookupStatus::no_data
                                        : LookupStatus::temporary;
    return out;
}

}  // namespace layer7::mail::delivery
