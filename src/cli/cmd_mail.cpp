// `layer7 mail …`: the user agent. `mail fetch --pop3|--imap` downloads into a local Maildir (or
// lists, reads, moves, flags);
// `mail send` (SMTP submission) is added beside it.
#include <fstream>
#include <iostream>

#include <chrono>
#include <random>
#include <sstream>

#include "cli/common.hpp"
#include "mail/imap/client.hpp"
#include "mail/message/message_builder.hpp"
#include "mail/pop3/client.hpp"
#include "mail/smtp/command_codec.hpp"
#include "mail/smtp/submit.hpp"

namespace layer7::cli {

namespace {

// The first line of `path`: a password never travels on the command line, where `ps` shows it.
std::optional<std::string> read_password_file(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

void add_fetch_command(CLI::App& mail_cmd, Globals& g)
{
    struct Fetch {
        std::string pop3, imap, user, password_file, output = "Maildir", ca_file, folder = "INBOX", to;
        bool keep = false, starttls = false, insecure = false, folders = false, list = false;
        std::uint32_t read = 0, move = 0, flag = 0, unflag = 0, seen = 0, unseen = 0;
        int timeout = 60;
    };
    static Fetch fetch;
    auto* cmd = mail_cmd.add_subcommand("fetch",
                                        "Download mail into a local Maildir (deletes it on the server "
                                        "unless --keep), or list, read, move and flag it");
    auto* pop3 = cmd->add_option("--pop3", fetch.pop3, "POP3 server ADDR (host:port)");
    auto* imap = cmd->add_option("--imap", fetch.imap, "IMAP server ADDR (host:port)");
    pop3->excludes(imap);
    cmd->add_option("--user", fetch.user, "Login (bob or bob@domain)")->required();
    cmd->add_option("--password-file", fetch.password_file, "File whose first line is the password")->required();
    cmd->add_flag("--keep", fetch.keep, "Leave the messages on the server (download-and-keep)");
    cmd->add_option("-o,--output", fetch.output, "Local Maildir (default ./Maildir)");
    cmd->add_flag("--starttls", fetch.starttls, "STLS / STARTTLS before logging in (RFC 2595)");
    cmd->add_option("--tls-ca", fetch.ca_file, "CA file to verify the server (default: the system store)");
    cmd->add_flag("--insecure", fetch.insecure, "Do not verify the server's certificate");
    cmd->add_option("--timeout", fetch.timeout, "Seconds of silence before giving up (default 60)");
    cmd->add_flag("--list", fetch.list, "List the messages (POP3: all; IMAP: of --folder) instead of downloading");
    cmd->add_option("--read", fetch.read, "Print message N (POP3 number, IMAP UID) instead of downloading");
    cmd->add_flag("--folders", fetch.folders, "IMAP: list the folders with their counts");
    cmd->add_option("--folder", fetch.folder, "IMAP: the folder to download, list or act in (default INBOX)");
    cmd->add_option("--move", fetch.move, "IMAP: move message UID to --to FOLDER");
    cmd->add_option("--to", fetch.to, "IMAP: the destination of --move");
    cmd->add_option("--flag", fetch.flag, "IMAP: flag message UID (\\Flagged)");
    cmd->add_option("--unflag", fetch.unflag, "IMAP: unflag message UID");
    cmd->add_option("--seen", fetch.seen, "IMAP: mark message UID read");
    cmd->add_option("--unseen", fetch.unseen, "IMAP: mark message UID unread");
    cmd->callback([&g] {
        const bool use_imap = !fetch.imap.empty();
        if (fetch.pop3.empty() == !use_imap) {
            std::cerr << "layer7: mail fetch wants --pop3 ADDR or --imap ADDR\n";
            g.status = exit_usage;
            return;
        }
        const int actions = fetch.list + (fetch.read != 0) + fetch.folders + (fetch.move != 0) + (fetch.flag != 0) +
                            (fetch.unflag != 0) + (fetch.seen != 0) + (fetch.unseen != 0);
        const bool imap_only = fetch.folders || fetch.move || fetch.flag || fetch.unflag || fetch.seen || fetch.unseen;
        if (actions > 1 || (imap_only && !use_imap) || (fetch.move != 0) == fetch.to.empty()) {
            std::cerr << "layer7: one of --list, --read, and (IMAP) --folders, --move UID --to F, --flag, --unflag, "
                         "--seen, --unseen at a time\n";
            g.status = exit_usage;
            return;
        }
        auto hp = parse_addr(use_imap ? "--imap" : "--pop3", use_imap ? fetch.imap : fetch.pop3, false);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        auto password = read_password_file(fetch.password_file);
        if (!password) {
            std::cerr << "layer7: cannot read a password from " << fetch.password_file << "\n";
            g.status = exit_usage;
            return;
        }
        setup(g, "warn");
        if (use_imap) {
            mail::imap::ClientOptions options{*hp,
                                              fetch.user,
                                              *password,
                                              fetch.starttls,
                                              fetch.ca_file,
                                              fetch.insecure,
                                              std::chrono::seconds(fetch.timeout)};
            mail::imap::ClientTask task;
            using Action = mail::imap::ClientTask::Action;
            task.folder = fetch.folder;
            task.keep = fetch.keep;
            task.maildir = fetch.output;
            task.to = fetch.to;
            const std::pair<std::uint32_t, Action> by_uid[] = {
                {fetch.read, Action::read},     {fetch.move, Action::move}, {fetch.flag, Action::flag},
                {fetch.unflag, Action::unflag}, {fetch.seen, Action::seen}, {fetch.unseen, Action::unseen}};
            for (auto [uid, action] : by_uid)
                if (uid != 0) {
                    task.uid = uid;
                    task.action = action;
                }
            if (fetch.folders)
                task.action = Action::folders;
            if (fetch.list)
                task.action = Action::list;
            g.status = mail::imap::run_client(options, task);
            return;
        }
        mail::pop3::FetchOptions options;
        options.server = *hp;
        options.user = fetch.user;
        options.password = *password;
        options.keep = fetch.keep;
        options.maildir = fetch.output;
        options.starttls = fetch.starttls;
        options.ca_file = fetch.ca_file;
        options.insecure = fetch.insecure;
        options.timeout = std::chrono::seconds(fetch.timeout);
        if (fetch.list)
            options.mode = mail::pop3::FetchOptions::Mode::list;
        if (fetch.read != 0) {
            options.mode = mail::pop3::FetchOptions::Mode::read;
            options.number = fetch.read;
        }
        g.status = mail::pop3::fetch(options);
    });
}

// A whole file, or standard input for "-".
std::optional<std::string> read_whole(const std::string& path)
{
    std::ostringstream out;
    if (path == "-") {
        out << std::cin.rdbuf();
        return out.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    out << in.rdbuf();
    return out.str();
}

std::string content_type_of(const std::string& name)
{
    static const std::pair<const char*, const char*> types[] = {
        {".txt", "text/plain"}, {".html", "text/html"},      {".pdf", "application/pdf"},
        {".png", "image/png"},  {".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},  {".zip", "application/zip"}, {".json", "application/json"},
        {".csv", "text/csv"}};
    const auto dot = name.rfind('.');
    if (dot != std::string::npos)
        for (const auto& [ext, type] : types)
            if (name.compare(dot, std::string::npos, ext) == 0)
                return type;
    return "application/octet-stream";
}

void add_send_command(CLI::App& mail_cmd, Globals& g)
{
    struct Send {
        std::string server, from, subject, body, user, password_file, ca_file, helo = "localhost";
        std::vector<std::string> to, cc, attach;
        bool starttls = false, insecure = false;
        int timeout = 60;
    };
    static Send send;
    auto* cmd = mail_cmd.add_subcommand("send", "Compose a MIME message and submit it over SMTP (RFC 6409)");
    cmd->add_option("--server", send.server, "SMTP server ADDR (host:port), e.g. 127.0.0.1:2587")->required();
    cmd->add_option("--from", send.from, "Author and envelope sender, e.g. alice@crepes.fr")->required();
    cmd->add_option("--to", send.to, "Recipient (repeatable)")->required();
    cmd->add_option("--cc", send.cc, "Carbon-copy recipient (repeatable)");
    cmd->add_option("--subject", send.subject, "Subject (UTF-8)");
    cmd->add_option("--body", send.body, "File holding the text ('-' for standard input)");
    cmd->add_option("--attach", send.attach, "File to attach (repeatable)");
    cmd->add_option("--user", send.user, "AUTH login (alice or alice@crepes.fr)");
    cmd->add_option("--password-file", send.password_file, "File whose first line is the password");
    cmd->add_flag("--starttls", send.starttls, "STARTTLS before AUTH (RFC 3207); fail if not offered");
    cmd->add_option("--tls-ca", send.ca_file, "CA file to verify the server (default: the system store)");
    cmd->add_flag("--insecure", send.insecure, "Do not verify the server's certificate");
    cmd->add_option("--helo", send.helo, "Name in EHLO (default localhost)");
    cmd->add_option("--timeout", send.timeout, "Seconds of silence before giving up (default 60)");
    cmd->callback([&g] {
        auto usage = [&g](const std::string& message) {
            std::cerr << "layer7: " << message << "\n";
            g.status = exit_usage;
        };
        auto hp = parse_addr("--server", send.server, false);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        mail::Draft draft;
        auto from = mail::parse_mailbox(send.from);
        if (!from)
            return usage("--from: not an address: " + send.from);
        draft.from = *from;
        std::vector<std::string> recipients;
        for (auto* list : {&send.to, &send.cc})
            for (const auto& text : *list) {
                auto box = mail::parse_mailbox(text);
                if (!box)
                    return usage("not an address: " + text);
                (list == &send.to ? draft.to : draft.cc).push_back(*box);
                recipients.push_back(box->address());
            }
        draft.subject = send.subject;
        draft.date = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        std::random_device random;
        char unique[40];
        std::snprintf(unique, sizeof unique, "%llx.%08x%08x",
                      static_cast<unsigned long long>(draft.date.time_since_epoch().count()), random(), random());
        draft.message_id = unique;
        if (!send.body.empty()) {
            auto text = read_whole(send.body);
            if (!text)
                return usage("cannot read " + send.body);
            draft.text = std::move(*text);
        }
        for (const auto& path : send.attach) {
            auto data = read_whole(path);
            if (!data)
                return usage("cannot read " + path);
            const std::string name = path.substr(path.find_last_of('/') + 1);
            draft.attachments.push_back({name, content_type_of(name), std::move(*data)});
        }
        auto message = mail::build_message(draft);
        if (!message)
            return usage("cannot build the message (an address that cannot be written?)");
        mail::smtp::SubmitOptions options;
        options.server = *hp;
        options.client.helo = send.helo;
        options.client.tls = send.starttls ? mail::smtp::TlsPolicy::required : mail::smtp::TlsPolicy::never;
        if (!send.user.empty()) {
            if (send.password_file.empty())
                return usage("--user needs --password-file");
            auto password = read_password_file(send.password_file);
            if (!password)
                return usage("cannot read a password from " + send.password_file);
            options.client.user = send.user;
            options.client.password = *password;
        }
        options.ca_file = send.ca_file;
        options.insecure = send.insecure;
        options.timeout = std::chrono::seconds(send.timeout);
        mail::smtp::Outgoing outgoing;
        outgoing.mail_from = draft.from.address();
        outgoing.rcpt_to = recipients;
        outgoing.body = *message;
        outgoing.eight_bit_mime = mail::smtp::has_non_ascii(*message);
        outgoing.smtputf8 = mail::smtp::has_non_ascii(outgoing.mail_from);
        for (const auto& r : recipients)
            outgoing.smtputf8 = outgoing.smtputf8 || mail::smtp::has_non_ascii(r);
        setup(g, "warn");
        g.status = mail::smtp::submit(options, outgoing);
    });
}
}  // namespace

void add_mail_commands(CLI::App& app, Globals& g)
{
    auto* mail_cmd = app.add_subcommand("mail", "Mail user agent: fetch (POP3, IMAP), send (SMTP submission)");
    mail_cmd->require_subcommand(1);
    add_fetch_command(*mail_cmd, g);
    add_send_command(*mail_cmd, g);
}

}  // namespace layer7::cli
