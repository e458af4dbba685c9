// mail::Store: every local mailbox under one root (DATA/mail), DOMAIN/USER/ each a Maildir
// (DESIGN.md §4). The narrow interface SMTP delivery, POP3 and IMAP share.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "core/result.hpp"
#include "mail/store/maildir.hpp"

namespace layer7::mail {

class Store {
public:
    explicit Store(std::string root) : root_(std::move(root)) {}
    const std::string& root() const { return root_; }

    // Delivers `message` (CRLF or LF) into DOMAIN/USER/new durably: success only once the file is
    // fsync'ed and renamed into new/ and new/ is fsync'ed. Does not check that the user exists
    // (Accounts does); refuses names that could leave the root (errc::invalid_argument).
    std::error_code deliver(std::string_view domain, std::string_view user, std::string_view message) const;
    // The Maildir of DOMAIN/USER (not created until the first delivery or create()).
    core::Result<Maildir, std::error_code> mailbox(std::string_view domain, std::string_view user) const;
    // Maildir::remove_stale_temporaries() for every DOMAIN/USER; run at start by the services that deliver.
    std::size_t remove_stale_temporaries() const;

private:
    std::string root_;
};

// A domain or user name that is safe as one path component: [A-Za-z0-9._-], not starting with '.'.
bool safe_path_component(std::string_view name);

}  // namespace layer7::mail
