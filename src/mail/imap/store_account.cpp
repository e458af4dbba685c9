// Account on the Maildir++ store: see store_account.hpp.
#include "mail/imap/store_account.hpp"

#include "mail/store/folder_index.hpp"
#include "mail/store/line_endings.hpp"

namespace layer7::mail::imap {

std::string StoreAccount::folder_path(std::string_view folder) const
{
    auto box = boxes_.folder(folder);
    return box ? box->path() : std::string();
}

core::Result<FolderSnapshot, std::error_code> StoreAccount::snapshot(std::string_view folder)
{
    auto box = boxes_.folder(folder);
    if (!box)
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    if (!boxes_.exists(folder))
        return core::fail(std::make_error_code(std::errc::no_such_file_or_directory));
    auto state = mail::sync_folder(*box);
    if (!state)
        return core::fail(state.error());
    return remember(folder, std::move(*state));
}

FolderSnapshot StoreAccount::remember(std::string_view folder, mail::FolderState state)
{
    FolderSnapshot out{state.validity, state.next, {}, state.highest_modseq};
    auto& known = entries_[std::string(folder)];
    known.clear();
    out.messages.reserve(state.messages.size());
    for (auto& m : state.messages) {
        out.messages.push_back({m.uid, m.entry.flags, m.entry.wire_size, m.entry.unique, m.modseq});
        known.emplace(m.entry.unique, std::move(m.entry));
    }
    return out;
}

core::Result<FolderSnapshot, std::error_code> StoreAccount::update_flags(std::string_view folder,
                                                                         const FlagDecision& decide)
{
    auto box = boxes_.folder(folder);
    if (!box)
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    if (!boxes_.exists(folder))
        return core::fail(std::make_error_code(std::errc::no_such_file_or_directory));
    auto state = mail::update_flags(*box, [&decide](const mail::IndexedMessage& m) {
        return decide(MessageRef{m.uid, m.entry.flags, m.entry.wire_size, m.entry.unique, m.modseq});
    });
    if (!state)
        return core::fail(state.error());
    return remember(folder, std::move(*state));
}

mail::MaildirEntry* StoreAccount::entry(std::string_view folder, const MessageRef& message)
{
    auto f = entries_.find(folder);
    if (f == entries_.end())
        return nullptr;
    auto e = f->second.find(message.key);
    return e == f->second.end() ? nullptr : &e->second;
}

std::optional<std::string> StoreAccount::read(std::string_view folder, const MessageRef& message)
{
    auto* e = entry(folder, message);
    auto box = boxes_.folder(folder);
    if (!e || !box)
        return std::nullopt;
    auto content = box->read(*e);
    if (!content)
        return std::nullopt;
    return mail::to_crlf(*content);
}

bool StoreAccount::append_literal(std::string_view folder, const MessageRef& message, std::string& out)
{
    auto* e = entry(folder, message);
    auto box = boxes_.folder(folder);
    if (!e || !box || box->read(*e, stored_))
        return false;
    out.append("{").append(std::to_string(mail::crlf_size(stored_))).append("}\r\n");
    mail::append_crlf(out, stored_);
    return true;
}

std::int64_t StoreAccount::internal_date(std::string_view folder, const MessageRef& message)
{
    auto* e = entry(folder, message);
    auto box = boxes_.folder(folder);
    return e && box ? mail::internal_date(*box, *e) : 0;
}

std::error_code StoreAccount::set_flags(std::string_view folder, MessageRef& message, std::string_view flags)
{
    auto* e = entry(folder, message);
    auto box = boxes_.folder(folder);
    if (!e || !box)
        return std::make_error_code(std::errc::no_such_file_or_directory);
    if (auto ec = box->set_flags(*e, flags))
        return ec;
    message.flags = e->flags;
    return {};
}

std::error_code StoreAccount::expunge(std::string_view folder, const MessageRef& message)
{
    return expunge_all(folder, {&message}).front();
}

std::vector<std::error_code> StoreAccount::expunge_all(std::string_view folder,
                                                       const std::vector<const MessageRef*>& messages)
{
    std::vector<std::error_code> out(messages.size(), std::make_error_code(std::errc::no_such_file_or_directory));
    auto box = boxes_.folder(folder);
    if (!box)
        return out;
    std::vector<const mail::MaildirEntry*> entries;
    std::vector<std::size_t> known;  // index in `messages` of each of `entries`
    for (std::size_t i = 0; i < messages.size(); ++i)
        if (const auto* e = entry(folder, *messages[i])) {
            entries.push_back(e);
            known.push_back(i);
        }
    const auto removed = box->remove(entries);
    for (std::size_t k = 0; k < known.size(); ++k)
        out[known[k]] = removed[k];
    return out;
}

core::Result<std::vector<UidRange>, std::error_code> StoreAccount::vanished(std::string_view folder,
                                                                            std::uint64_t since)
{
    auto box = boxes_.folder(folder);
    if (!box)
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    auto ranges = mail::expunged_since(*box, since);
    if (!ranges)
        return core::fail(ranges.error());
    std::vector<UidRange> out;
    out.reserve(ranges->size());
    for (const auto& r : *ranges)
        out.emplace_back(r.first, r.last);
    return out;
}

core::Result<std::uint32_t, std::error_code> StoreAccount::append(std::string_view folder, std::string_view message,
                                                                  std::string_view flags, std::int64_t date)
{
    auto box = boxes_.folder(folder);
    if (!box)
        return core::fail(std::make_error_code(std::errc::invalid_argument));
    return mail::append_message(*box, message, flags, date);
}

}  // namespace layer7::mail::imap
