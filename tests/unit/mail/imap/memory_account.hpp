// An in-memory Account for the session tests and the fuzz target: folders, flags, UIDs and
// mod-sequences (each change gets the next one, as the store numbers them) without files.
#pragma once

#include <algorithm>
#include <map>

#include "mail/imap/account.hpp"

namespace layer7::mail::imap::test {

class MemoryAccount final : public Account {
public:
    struct Folder {
        FolderSnapshot snap{7, 1, {}};
        std::map<std::uint32_t, std::string> bodies;
    };
    std::map<std::string, Folder, std::less<>> folders_{{"INBOX", {}}};
    std::vector<std::string> subscribed_;

    std::uint32_t add(std::string_view folder, std::string body, std::string flags = "")
    {
        auto& f = folders_.find(folder)->second;
        const std::uint32_t uid = f.snap.next++;
        f.snap.messages.push_back({uid, flags, body.size(), "k" + std::to_string(uid), ++f.snap.highest_modseq});
        f.bodies[uid] = std::move(body);
        return uid;
    }
    std::vector<std::string> folders() override
    {
        std::vector<std::string> out;
        for (const auto& [name, _] : folders_)
            out.push_back(name);
        return out;
    }
    std::vector<std::string> subscriptions() override { return subscribed_; }
    std::error_code create(std::string_view name) override
    {
        if (name.empty() || name.find('/') != std::string_view::npos)
            return std::make_error_code(std::errc::invalid_argument);
        if (!folders_.emplace(std::string(name), Folder{}).second)
            return std::make_error_code(std::errc::file_exists);
        return {};
    }
    std::error_code remove(std::string_view name) override
    {
        auto it = folders_.find(name);
        if (it == folders_.end())
            return std::make_error_code(std::errc::no_such_file_or_directory);
        folders_.erase(it);
        return {};
    }
    std::error_code rename(std::string_view from, std::string_view to) override
    {
        auto it = folders_.find(from);
        if (it == folders_.end())
            return std::make_error_code(std::errc::no_such_file_or_directory);
        auto node = folders_.extract(it);
        node.key() = std::string(to);
        folders_.insert(std::move(node));
        return {};
    }
    std::error_code subscribe(std::string_view name, bool on) override
    {
        subscribed_.erase(std::remove(subscribed_.begin(), subscribed_.end(), name), subscribed_.end());
        if (on)
            subscribed_.emplace_back(name);
        return {};
    }
    core::Result<FolderSnapshot, std::error_code> snapshot(std::string_view folder) override
    {
        auto it = folders_.find(folder);
        if (it == folders_.end())
            return core::fail(std::make_error_code(std::errc::no_such_file_or_directory));
        return it->second.snap;
    }
    std::optional<std::string> read(std::string_view folder, const MessageRef& m) override
    {
        auto it = folders_.find(folder);
        if (it == folders_.end() || !it->second.bodies.count(m.uid))
            return std::nullopt;
        return it->second.bodies[m.uid];
    }
    std::int64_t internal_date(std::string_view, const MessageRef&) override { return 1700000000; }
    std::error_code set_flags(std::string_view folder, MessageRef& m, std::string_view flags) override
    {
        auto& snap = folders_.find(folder)->second.snap;
        for (auto& x : snap.messages)
            if (x.uid == m.uid && x.flags != flags) {
                x.flags = std::string(flags);
                x.modseq = ++snap.highest_modseq;
                m.modseq = x.modseq;
            }
        m.flags = std::string(flags);
        return {};
    }
    std::error_code expunge(std::string_view folder, const MessageRef& m) override
    {
        auto& f = folders_.find(folder)->second;
        if (std::erase_if(f.snap.messages, [&](const MessageRef& x) { return x.uid == m.uid; }) > 0)
            ++f.snap.highest_modseq;
        f.bodies.erase(m.uid);
        return {};
    }
    core::Result<std::uint32_t, std::error_code> append(std::string_view folder, std::string_view message,
                                                        std::string_view flags, std::int64_t) override
    {
        if (!folders_.count(folder))
            return core::fail(std::make_error_code(std::errc::no_such_file_or_directory));
        return add(folder, std::string(message), std::string(flags));
    }
};

}  // namespace layer7::mail::imap::test
