// Which local mailboxes exist: domain → users, from the users file (core/users).
//
// Naming (one rule for SMTP, POP3 and IMAP): a users-file line `bob:HASH:domain=hamburger.edu` is the
// mailbox bob@hamburger.edu, stored in DATA/mail/hamburger.edu/bob/. A line without `domain=` belongs
// to the server's default domain. User names are unique in the file, so a login is either the bare
// name (`bob`) or the full address (`bob@hamburger.edu`, the domain compared case-insensitively);
// both name the same account and check the same password. One users file cannot hold two users of
// the same name in different domains (run one users file per domain for that).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/users/users.hpp"

namespace layer7::mail {

struct Account {
    std::string domain;  // lower case
    std::string user;    // the users-file name, also the password's key
};

class Accounts {
public:
    Accounts(const core::Users& users, std::string default_domain);

    // "bob" or "bob@hamburger.edu" → the account; nullopt when no such user (or a wrong domain).
    std::optional<Account> find_login(std::string_view login) const;
    // RCPT TO:<user@domain>: is there such a mailbox?
    bool exists(std::string_view domain, std::string_view user) const;
    // The domains with at least one user (sorted), and a domain's users.
    std::vector<std::string> domains() const;
    std::vector<std::string> users_of(std::string_view domain) const;

private:
    std::vector<Account> accounts_;
};

// ASCII lower case (domain names compare case-insensitively, RFC 5321 §2.4).
std::string lower_domain(std::string_view domain);

}  // namespace layer7::mail
