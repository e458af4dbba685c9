// One user's mailboxes in Maildir++ layout: INBOX is the user's Maildir, every other mailbox a
// ".NAME" sub-directory holding a `maildirfolder` file, subscriptions in `subscriptions` (one name a
// line), as Courier and Dovecot keep them, so those tools read the same store. Names are checked by
// folder_directory(), so no name reaches outside the user's directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "mail/store/maildir.hpp"

namespace layer7::mail {

class Mailboxes {
public:
    explicit Mailboxes(std::string user_root) : root_(std::move(user_root)) {}
    const std::string& root() const { return root_; }

    // INBOX and default_folders, created and subscribed when missing (first login).
    std::error_code ensure_defaults() const;
    // The Maildir of mailbox `name`; nullopt for a name folder_directory() refuses.
    std::optional<Maildir> folder(std::string_view name) const;
    bool exists(std::string_view name) const;
    // Every mailbox, INBOX first, then sorted.
    std::vector<std::string> list() const;
    // errc::file_exists, errc::invalid_argument (bad name), or an OS error.
    std::error_code create(std::string_view name) const;
    // Removes the folder and its messages; INBOX and folders with children are refused
    // (errc::operation_not_permitted, errc::directory_not_empty).
    std::error_code remove(std::string_view name) const;
    // Renames a folder and its children; INBOX is refused (errc::operation_not_permitted).
    std::error_code rename(std::string_view from, std::string_view to) const;
    std::vector<std::string> subscriptions() const;
    std::error_code subscribe(std::string_view name, bool on) const;

private:
    std::string root_;
};

}  // namespace layer7::mail
