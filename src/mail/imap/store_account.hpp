// Account on the Maildir++ store (mail/store): what the server gives a logged-in session.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "mail/imap/account.hpp"
#include "mail/store/folder_index.hpp"
#include "mail/store/mailboxes.hpp"

namespace layer7::mail::imap {

class StoreAccount final : public Account {
public:
    explicit StoreAccount(std::string user_root) : boxes_(std::move(user_root)) {}
    std::error_code open() { return boxes_.ensure_defaults(); }
    // The Maildir directory of `folder` ("" when the name is refused), for the IDLE watcher.
    std::string folder_path(std::string_view folder) const;

    std::vector<std::string> folders() override { return boxes_.list(); }
    std::vector<std::string> subscriptions() override { return boxes_.subscriptions(); }
    std::error_code create(std::string_view name) override { return boxes_.create(name); }
    std::error_code remove(std::string_view name) override { return boxes_.remove(name); }
    std::error_code rename(std::string_view from, std::string_view to) override { return boxes_.rename(from, to); }
    std::error_code subscribe(std::string_view name, bool on) override { return boxes_.subscribe(name, on); }
    core::Result<FolderSnapshot, std::error_code> snapshot(std::string_view folder) override;
    std::optional<std::string> read(std::string_view folder, const MessageRef& message) override;
    bool append_literal(std::string_view folder, const MessageRef& message, std::string& out) override;
    std::int64_t internal_date(std::string_view folder, const MessageRef& message) override;
    std::error_code set_flags(std::string_view folder, MessageRef& message, std::string_view flags) override;
    core::Result<FolderSnapshot, std::error_code> update_flags(std::string_view folder,
                                                               const FlagDecision& decide) override;
    std::error_code expunge(std::string_view folder, const MessageRef& message) override;
    std::vector<std::error_code> expunge_all(std::string_view folder,
                                             const std::vector<const MessageRef*>& messages) override;
    core::Result<std::vector<UidRange>, std::error_code> vanished(std::string_view folder,
                                                                  std::uint64_t since) override;
    core::Result<std::uint32_t, std::error_code> append(std::string_view folder, std::string_view message,
                                                        std::string_view flags, std::int64_t date) override;

private:
    // The Maildir entries of the last snapshot of each folder, by unique name.
    mail::MaildirEntry* entry(std::string_view folder, const MessageRef& message);
    // The snapshot of a synced folder, its entries kept for read(), set_flags() and expunge().
    FolderSnapshot remember(std::string_view folder, mail::FolderState state);

    mail::Mailboxes boxes_;
    std::string stored_;  // append_literal()'s file buffer, reused from message to message
    std::map<std::string, std::unordered_map<std::string, mail::MaildirEntry>, std::less<>> entries_;
};

}  // namespace layer7::mail::imap
