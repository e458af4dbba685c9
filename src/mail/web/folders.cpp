// Folder names for the web: see folders.hpp.
#include "mail/web/folders.hpp"

#include "mail/store/folder_name.hpp"
#include "mail/store/modified_utf7.hpp"

namespace layer7::mail::web {

std::string folder_label(std::string_view name)
{
    if (is_inbox(name))
        return "INBOX";
    return decode_modified_utf7(name).value_or(std::string(name));
}

bool fixed_folder(std::string_view name)
{
    return is_inbox(name) || !special_use(name).empty();
}

core::Result<std::string, std::string> folder_name_from_input(std::string_view typed)
{
    while (!typed.empty() && (typed.front() == ' ' || typed.front() == '\t'))
        typed.remove_prefix(1);
    while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t'))
        typed.remove_suffix(1);
    if (typed.empty())
        return core::fail(std::string("Give the folder a name."));
    for (char c : typed)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return core::fail(std::string("A folder name cannot hold control characters."));
    if (is_inbox(typed))
        return core::fail(std::string("INBOX is the name of your inbox."));
    auto name = encode_modified_utf7(typed);
    if (!name)
        return core::fail(std::string("That name is not valid text (UTF-8)."));
    if (name->size() > max_folder_name)
        return core::fail(std::string("That name is too long."));
    if (!folder_directory(*name))
        return core::fail(
            std::string("A folder name cannot hold / \\ % or *, nor begin or end with '.' or have two in "
                        "a row ('.' separates a sub-folder)."));
    return *name;
}

}  // namespace layer7::mail::web
