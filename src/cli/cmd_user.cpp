// `layer7 user add|passwd|del NAME --users FILE`: edits the users file; the password is read
// from standard input (first line), never from the command line where `ps` would show it.
#include <filesystem>
#include <iostream>

#include "cli/common.hpp"
#include "core/users/users.hpp"

namespace layer7::cli {

namespace {

struct UserArgs {
    std::string name;
    std::string file;
    std::string write, root, domain;  // add: the attributes FTP (write=, root=) and mail (domain=) read
};

// Sets the attributes given on the command line; an error for a value the file cannot hold.
std::optional<std::string> set_attributes(const UserArgs& args, core::User& user)
{
    if (!args.write.empty() && args.write != "yes" && args.write != "no")
        return "--write takes yes or no";
    std::string root = args.root;
    if (!root.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(root, ec))
            return "--root " + root + " is not a directory";
        root = std::filesystem::absolute(root, ec).lexically_normal().string();
        if (root.size() > 1 && root.back() == '/')
            root.pop_back();
    }
    const std::pair<const char*, const std::string*> attrs[] = {
        {"write", &args.write}, {"root", &root}, {"domain", &args.domain}};
    for (auto [key, value] : attrs) {
        if (value->empty())
            continue;
        // The file's syntax: name:hash:key=value,key=value — one line.
        if (value->find_first_of(",:=\r\n") != std::string::npos)
            return std::string("--") + key + " cannot contain , : = or a line break";
        user.attrs[key] = *value;
    }
    return std::nullopt;
}

std::optional<std::string> read_password()
{
    std::string line;
    if (!std::getline(std::cin, line))
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    if (line.empty())
        return std::nullopt;
    return line;
}

int edit(const UserArgs& args, const std::string& verb)
{
    if (!core::valid_user_name(args.name)) {
        std::cerr << "layer7: bad user name '" << args.name << "' (letters, digits, . _ -; at most 64)\n";
        return exit_usage;
    }
    auto users = core::Users::load(args.file);
    if (!users.ok()) {
        std::cerr << "layer7: " << users.error() << "\n";
        return exit_failure;
    }
    const core::User* existing = users->find(args.name);
    if (verb == "del") {
        if (!users->remove(args.name)) {
            std::cerr << "layer7: no user " << args.name << " in " << args.file << "\n";
            return exit_failure;
        }
    } else {
        if (verb == "add" && existing) {
            std::cerr << "layer7: user " << args.name << " exists; use `layer7 user passwd`\n";
            return exit_failure;
        }
        if (verb == "passwd" && !existing) {
            std::cerr << "layer7: no user " << args.name << " in " << args.file << "\n";
            return exit_failure;
        }
        auto password = read_password();
        if (!password) {
            std::cerr << "layer7: expected the password on standard input\n";
            return exit_usage;
        }
        core::User user{args.name, core::hash_password(*password), existing ? existing->attrs : decltype(user.attrs){}};
        if (auto error = set_attributes(args, user)) {
            std::cerr << "layer7: " << *error << "\n";
            return exit_usage;
        }
        users->set(std::move(user));
    }
    if (auto error = users->save(args.file)) {
        std::cerr << "layer7: " << *error << "\n";
        return exit_failure;
    }
    return 0;
}

}  // namespace

void add_user_commands(CLI::App& app, Globals& g)
{
    auto* user = app.add_subcommand("user", "Manage the users file (name:crypt-hash lines) for mail and FTP");
    user->require_subcommand(1);
    static UserArgs args;
    for (const char* verb : {"add", "passwd", "del"}) {
        const std::string help = std::string(verb) == "add"      ? "Add a user (password on standard input)"
                                 : std::string(verb) == "passwd" ? "Change a password (read from standard input)"
                                                                 : "Delete a user";
        auto* cmd = user->add_subcommand(verb, help);
        cmd->add_option("NAME", args.name, "user name")->required();
        cmd->add_option("--users", args.file, "users file")->required();
        if (std::string(verb) == "add") {
            cmd->add_option("--write", args.write, "FTP: yes lets the user write (write=yes)");
            cmd->add_option("--root", args.root, "FTP: the directory the user sees (root=DIR, made absolute)");
            cmd->add_option("--domain", args.domain, "Mail: the user's domain (domain=D, as user@D)");
        }
        cmd->callback([&g, verb = std::string(verb)] { g.status = edit(args, verb); });
    }
}

}  // namespace layer7::cli
