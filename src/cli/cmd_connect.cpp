// `layer7 connect HOST:PORT`: the textbook's `telnet host 80` / `telnet host 25`, with TLS.
#include "cli/common.hpp"
#include "connect/connect.hpp"

namespace layer7::cli {

void add_connect_commands(CLI::App& app, Globals& g)
{
    struct Args {
        std::string addr, starttls, ca_file;
        bool tls = false, udp = false, insecure = false;
        int timeout = 10, wait = 5;
    };
    static Args a;
    auto* cmd = app.add_subcommand("connect", "Talk to a server by hand: stdin lines out with CRLF, replies shown");
    cmd->add_option("ADDR", a.addr, "host:port or [v6]:port")->required();
    auto* tls = cmd->add_flag("--tls", a.tls, "TLS from the first byte");
    cmd->add_option("--starttls", a.starttls, "smtp|pop3|imap|ftp: upgrade to TLS the protocol's way first")
        ->excludes(tls)
        ->check(CLI::IsMember({"smtp", "pop3", "imap", "ftp"}));
    cmd->add_flag("--udp", a.udp, "UDP: each line is one datagram")->excludes(tls);
    cmd->add_option("--ca-file", a.ca_file, "TLS: trust this CA instead of the system's");
    cmd->add_flag("-k,--insecure", a.insecure, "TLS: do not verify the server's certificate");
    cmd->add_option("--timeout", a.timeout, "seconds for connecting, STARTTLS and the handshake");
    cmd->add_option("--wait", a.wait, "seconds to wait for the server after the end of input");
    cmd->callback([&g] {
        auto hp = parse_addr("ADDR", a.addr, false);
        if (!hp) {
            g.status = exit_usage;
            return;
        }
        if (a.udp && !a.starttls.empty()) {
            std::cerr << "layer7: --starttls needs TCP\n";
            g.status = exit_usage;
            return;
        }
        setup(g, "warn");
        connect::Options o;
        o.server = *hp;
        o.tls = a.tls;
        if (!a.starttls.empty())
            o.starttls = connect::parse_starttls_protocol(a.starttls);
        o.udp = a.udp;
        o.ca_file = a.ca_file;
        o.insecure = a.insecure;
        o.timeout = std::chrono::seconds(a.timeout);
        o.wait = std::chrono::seconds(a.wait);
        g.status = connect::run(o);
    });
}

}  // namespace layer7::cli
