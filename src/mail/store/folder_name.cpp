// Mailbox names and Maildir++ directories: see folder_name.hpp.
#include "mail/store/folder_name.hpp"

namespace layer7::mail {

namespace {

bool base64_char(char c)  // modified BASE64 of RFC 3501 §5.1.3 (',' instead of '/')
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == ',';
}

// '&' starts a shift that must end with '-': "&-" is '&', "&...-" is UTF-16 in modified base64.
bool valid_modified_utf7(std::string_view name)
{
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '&')
            continue;
        std::size_t j = i + 1;
        while (j < name.size() && base64_char(name[j]))
            ++j;
        if (j == name.size() || name[j] != '-')
            return false;
        i = j;
    }
    return true;
}

}  // namespace

bool is_inbox(std::string_view name)
{
    if (name.size() != 5)
        return false;
    for (std::size_t i = 0; i < 5; ++i) {
        char c = name[i];
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 32);
        if (c != "INBOX"[i])
            return false;
    }
    return true;
}

std::optional<std::string> folder_directory(std::string_view name)
{
    if (is_inbox(name))
        return std::string();
    if (name.empty() || name.size() > max_folder_name || name.front() == folder_delimiter ||
        name.back() == folder_delimiter || name.find("..") != std::string_view::npos || !valid_modified_utf7(name))
        return std::nullopt;
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e || c == '/' || c == '\\' ||
            c == '%' || c == '*')
            return std::nullopt;
    return "." + std::string(name);
}

std::optional<std::string> folder_of_directory(std::string_view entry)
{
    if (entry.size() < 2 || entry.front() != '.')
        return std::nullopt;
    std::string name(entry.substr(1));
    auto dir = folder_directory(name);
    if (!dir || dir->empty())  // ".INBOX" is not our INBOX
        return std::nullopt;
    return name;
}

std::string_view special_use(std::string_view name)
{
    if (name == "Sent")
        return "\\Sent";
    if (name == "Drafts")
        return "\\Drafts";
    if (name == "Trash")
        return "\\Trash";
    if (name == "Junk")
        return "\\Junk";
    return {};
}

}  // namespace layer7::mail
