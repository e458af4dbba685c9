// One user's Maildir++ folders: see mailboxes.hpp.
#include "mail/store/mailboxes.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "mail/store/folder_name.hpp"

namespace layer7::mail {

namespace fs = std::filesystem;

namespace {

bool has_children(const std::vector<std::string>& all, std::string_view name)
{
    const std::string prefix = std::string(name) + folder_delimiter;
    return std::any_of(all.begin(), all.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

}  // namespace

std::optional<Maildir> Mailboxes::folder(std::string_view name) const
{
    auto dir = folder_directory(name);
    if (!dir)
        return std::nullopt;
    return Maildir(dir->empty() ? root_ : root_ + "/" + *dir);
}

bool Mailboxes::exists(std::string_view name) const
{
    auto box = folder(name);
    std::error_code ec;
    return box && (is_inbox(name) || fs::is_directory(box->path() + "/cur", ec));
}

std::vector<std::string> Mailboxes::list() const
{
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code ignored;
        auto name = folder_of_directory(it->path().filename().string());
        if (name && it->is_directory(ignored))
            out.push_back(std::move(*name));
    }
    std::sort(out.begin(), out.end());
    out.insert(out.begin(), "INBOX");
    return out;
}

std::error_code Mailboxes::create(std::string_view name) const
{
    auto box = folder(name);
    if (!box)
        return std::make_error_code(std::errc::invalid_argument);
    if (exists(name))
        return std::make_error_code(std::errc::file_exists);
    if (auto ec = box->create())
        return ec;
    if (!is_inbox(name)) {  // Maildir++: marks a folder for tools that deliver into it
        const int fd = ::open((box->path() + "/maildirfolder").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    }
    return {};
}

std::error_code Mailboxes::remove(std::string_view name) const
{
    if (is_inbox(name))
        return std::make_error_code(std::errc::operation_not_permitted);
    auto box = folder(name);
    if (!box)
        return std::make_error_code(std::errc::invalid_argument);
    if (!exists(name))
        return std::make_error_code(std::errc::no_such_file_or_directory);
    if (has_children(list(), name))
        return std::make_error_code(std::errc::directory_not_empty);
    std::error_code ec;
    fs::remove_all(box->path(), ec);
    subscribe(name, false);
    return ec;
}

std::error_code Mailboxes::rename(std::string_view from, std::string_view to) const
{
    if (is_inbox(from) || is_inbox(to))
        return std::make_error_code(std::errc::operation_not_permitted);
    auto source = folder(from), target = folder(to);
    if (!source || !target)
        return std::make_error_code(std::errc::invalid_argument);
    if (!exists(from))
        return std::make_error_code(std::errc::no_such_file_or_directory);
    if (exists(to))
        return std::make_error_code(std::errc::file_exists);
    const std::string prefix = std::string(from) + folder_delimiter;
    std::vector<std::string> children;
    for (const auto& n : list())
        if (n.rfind(prefix, 0) == 0)
            children.push_back(n);
    std::error_code ec;
    fs::rename(source->path(), target->path(), ec);
    if (ec)
        return ec;
    for (const auto& child : children) {  // ".A.x" → ".B.x": the hierarchy moves with its parent
        const std::string renamed = std::string(to) + child.substr(from.size());
        auto old_dir = folder(child), new_dir = folder(renamed);
        if (old_dir && new_dir)
            fs::rename(old_dir->path(), new_dir->path(), ec);
    }
    return {};
}

std::vector<std::string> Mailboxes::subscriptions() const
{
    std::vector<std::string> out;
    std::ifstream in(root_ + "/subscriptions");
    // Courier's format is one name a line. Dovecot 2.3 writes "V\t2", an empty line, then names with
    // a tab between the levels ("Archive\t2023"); it reads the plain format, which we write.
    bool version2 = false, header = true;
    for (std::string line; std::getline(in, line); header = false) {
        if (header && line == "V\t2") {
            version2 = true;
            continue;
        }
        if (version2)
            std::replace(line.begin(), line.end(), '\t', folder_delimiter);
        if (!line.empty() && folder_directory(line) && std::find(out.begin(), out.end(), line) == out.end())
            out.push_back(line);
    }
    return out;
}

std::error_code Mailboxes::subscribe(std::string_view name, bool on) const
{
    if (!folder_directory(name))
        return std::make_error_code(std::errc::invalid_argument);
    auto names = subscriptions();
    const bool present = std::find(names.begin(), names.end(), name) != names.end();
    if (present == on)
        return {};
    if (on)
        names.emplace_back(name);
    else
        names.erase(std::remove(names.begin(), names.end(), name), names.end());
    std::string text;
    for (const auto& n : names)
        text += n + "\n";
    // Small and rewritten whole: temp file and rename, so a crash keeps the old list.
    const std::string temp = root_ + "/subscriptions.tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << text;
        if (!out.flush())
            return std::make_error_code(std::errc::io_error);
    }
    std::error_code ec;
    fs::rename(temp, root_ + "/subscriptions", ec);
    return ec;
}

std::error_code Mailboxes::ensure_defaults() const
{
    if (auto ec = Maildir(root_).create())
        return ec;
    if (exists(default_folders[0]) || !subscriptions().empty())
        return {};  // not the first login: a user may have deleted or unsubscribed some
    subscribe("INBOX", true);
    for (auto name : default_folders) {
        if (auto ec = create(name); ec && ec != std::errc::file_exists)
            return ec;
        subscribe(name, true);
    }
    return {};
}

}  // namespace layer7::mail
