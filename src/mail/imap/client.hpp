// The IMAP client of `layer7 mail fetch --imap`: logs in (optionally after STARTTLS) and does one
// thing — download a folder into a local Maildir (deleting on the server unless --keep, like
// --pop3), list the folders, list or read the messages of one, move or flag a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/text/host_port.hpp"

namespace layer7::mail::imap {

struct ClientOptions {
    core::HostPort server;
    std::string user, password;
    bool starttls = false;
    std::string ca_file;    // verify the server against this CA (else the system store)
    bool insecure = false;  // skip certificate verification (dev certificates)
    std::chrono::seconds timeout{60};
};

struct ClientTask {
    enum class Action { download, folders, list, read, move, flag, unflag, seen, unseen } action = Action::download;
    std::string folder = "INBOX";
    std::uint32_t uid = 0;            // read, move, flag…
    std::string to;                   // move: the destination folder
    bool keep = false;                // download: leave the messages on the server
    std::string maildir = "Maildir";  // download: the local Maildir
};

// Runs the task, printing its result; returns the process exit code (0 ok, 1 failure).
int run_client(const ClientOptions& options, const ClientTask& task);

}  // namespace layer7::mail::imap
