// The POP3 client of `layer7 mail fetch --pop3`: logs in (optionally after STLS), downloads every
// message into a local Maildir with the same durable delivery as the server side, and deletes each
// on the server only after it is stored — unless --keep (download-and-keep vs download-and-delete).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/text/host_port.hpp"

namespace layer7::mail::pop3 {

struct FetchOptions {
    // download: into `maildir` (then delete unless keep); list: one summary line per message
    // (LIST + TOP n 0); read: print message `number` (RETR). list and read delete nothing.
    enum class Mode { download, list, read } mode = Mode::download;
    std::size_t number = 0;  // read
    core::HostPort server;
    std::string user;
    std::string password;
    bool keep = false;                // leave the messages on the server
    std::string maildir = "Maildir";  // local Maildir (created when missing)
    bool starttls = false;            // STLS before USER/PASS (RFC 2595)
    std::string ca_file;              // verify the server against this CA (else the system store)
    bool insecure = false;            // skip certificate verification (dev certificates)
    std::chrono::seconds timeout{60};
    std::size_t max_line = 1 << 20;              // one line of a message
    std::size_t max_message_bytes = 256u << 20;  // one message
};

// Runs the fetch (or list/read) and prints a summary; returns the process exit code (0 ok, 1 failure).
int fetch(const FetchOptions& options);

}  // namespace layer7::mail::pop3
