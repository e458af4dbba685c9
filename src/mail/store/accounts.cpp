// Local mailboxes from the users file: see accounts.hpp.
#include "mail/store/accounts.hpp"

#include <algorithm>

namespace layer7::mail {

std::string lower_domain(std::string_view domain)
{
    std::string out(domain);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

Accounts::Accounts(const core::Users& users, std::string default_domain)
{
    for (const auto& u : users.all()) {
        auto it = u.attrs.find("domain");
        accounts_.push_back({lower_domain(it == u.attrs.end() ? default_domain : it->second), u.name});
    }
}

std::optional<Account> Accounts::find_login(std::string_view login) const
{
    const auto at = login.rfind('@');
    const std::string_view user = login.substr(0, at);
    const std::string domain = at == std::string_view::npos ? std::string() : lower_domain(login.substr(at + 1));
    for (const auto& a : accounts_)
        if (a.user == user && (at == std::string_view::npos || a.domain == domain))
            return a;
    return std::nullopt;
}

bool Accounts::exists(std::string_view domain, std::string_view user) const
{
    const std::string d = lower_domain(domain);
    return std::any_of(accounts_.begin(), accounts_.end(),
                       [&](const Account& a) { return a.domain == d && a.user == user; });
}

std::vector<std::string> Accounts::domains() const
{
    std::vector<std::string> out;
    for (const auto& a : accounts_)
        out.push_back(a.domain);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> Accounts::users_of(std::string_view domain) const
{
    const std::string d = lower_domain(domain);
    std::vector<std::string> out;
    for (const auto& a : accounts_)
        if (a.domain == d)
            out.push_back(a.user);
    return out;
}

}  // namespace layer7::mail
