// The plaintext dialogue before TLS for `layer7 connect --starttls`, as `openssl s_client
// -starttls` does it: read the greeting, ask for TLS the protocol's way, and say when to start the
// handshake. Pure: server lines in, client lines out. SMTP (RFC 3207), POP3 (RFC 2595 §4), IMAP
// (RFC 3501 §6.2.1), FTP (RFC 4217 §4).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::connect {

enum class StartTlsProtocol { smtp, pop3, imap, ftp };
std::optional<StartTlsProtocol> parse_starttls_protocol(std::string_view name);

struct StartTlsStep {
    enum class Next { read_line, start_tls, failed };
    std::vector<std::string> send;  // lines to send, without CRLF
    Next next = Next::read_line;
    std::string error;  // why, when failed: the server's line
};

class StartTlsDialogue {
public:
    explicit StartTlsDialogue(StartTlsProtocol protocol, std::string hello_name = "layer7.invalid")
        : protocol_(protocol), hello_name_(std::move(hello_name))
    {
    }
    // One line from the server, CRLF removed.
    StartTlsStep on_line(std::string_view line);

private:
    enum class Phase { greeting, hello, upgrade };
    StartTlsStep smtp_or_ftp(std::string_view line);
    StartTlsStep pop3(std::string_view line);
    StartTlsStep imap(std::string_view line);

    StartTlsProtocol protocol_;
    std::string hello_name_;
    Phase phase_ = Phase::greeting;
    int continuing_ = 0;  // inside a multi-line reply with this code: other lines until "NNN "
};

}  // namespace layer7::connect
