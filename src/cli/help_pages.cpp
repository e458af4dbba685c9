// The prose of `layer7 … --help` and layer7(1): one entry per command (help.hpp). The synopsis and
// the options come from the CLI11 definitions in cmd_*.cpp; what is here is what they cannot say.
#include <array>

#include "cli/help.hpp"

namespace layer7::cli {

namespace {

constexpr std::string_view default_exit =
    "0    success\n"
    "1    a failure at start-up or while running (the reason is one line on stderr)\n"
    "2    a usage error: bad arguments, or a config file that does not validate";

constexpr std::string_view default_see_also = "layer7(1), layer7 --help, layer7 up --help, README.md.";

constexpr std::array pages{
    HelpPage{"",
             "layer7 implements the Internet's application-layer protocols, each as a server and a client: "
             "HTTP/1.1 and HTTP/2 with a caching proxy, DNS (authoritative, recursive, dig), e-mail (SMTP, POP3, "
             "IMAP), FTP, BitTorrent, WebSocket and the socket-programming echo server. Every server works "
             "with the standard clients (curl, dig, swaks, mutt, lftp, aria2c, a browser).\n\n"
             "Each service is one command; layer7 up runs them all from one config file (the embedded default "
             "when none is given: the textbook's world on loopback). --trace prints every dialogue as C: and "
             "S: lines, as the textbook's transcripts; passwords are masked unless --trace-secrets.",
             "layer7 up\n"
             "layer7 config default > my.toml && layer7 config check my.toml\n"
             "layer7 --trace echo serve --listen 127.0.0.1:12000\n"
             "layer7 get --page --rtt 50 --no-keepalive http://127.0.0.1:8080/index.html\n"
             "layer7 dig www.hamburger.edu @127.0.0.1:5300",
             "", ""},
    HelpPage{"up",
             "Runs every service whose section is in the config file, on one set of worker threads, and "
             "prints a table of the services, their addresses and a command to try each. Without --config it "
             "serves the embedded default: a web site, DNS zones, mail users alice@crepes.fr and "
             "bob@hamburger.edu (passwords printed at start), anonymous FTP, a tracker seeding a demo torrent of "
             "the site's images (the table prints the layer7 torrent get and aria2c lines that fetch it) and the "
             "echo server, all on loopback. SIGTERM or SIGINT stops it gracefully.",
             "layer7 up\n"
             "layer7 --data /tmp/l7 up --config my.toml",
             "", "layer7 config --help, layer7(1)."},
    HelpPage{"config check",
             "Validates a config file as layer7 up would read it: unknown keys, bad values, missing roots, "
             "users, certificates and zone files, and TLS cipher lists OpenSSL refuses. Errors are printed "
             "as FILE:LINE: message.",
             "layer7 config check my.toml", "0    the file is valid\n2    it is not (each error on stderr)", ""},
    HelpPage{"config default", "Prints the embedded default config, commented, to start your own from.",
             "layer7 config default > my.toml", "", ""},
    HelpPage{"echo serve",
             "The socket-programming chapter's server: upper-cases what each client sends, over TCP or UDP.",
             "layer7 echo serve --listen 127.0.0.1:12000\nlayer7 echo serve --udp", "", "nc(1)"},
    HelpPage{"echo send", "Sends TEXT to an echo server and prints the answer.",
             "layer7 echo send 127.0.0.1:12000 hello", "", "nc(1)"},
    HelpPage{"http serve",
             "HTTP/1.1 and HTTP/2 origin server for the files under --root, with conditional GET, ranges, "
             "gzip, the /echo form page (urlencoded and multipart/form-data), /session cookies and /time.",
             "layer7 http serve --root ./site --listen 127.0.0.1:8080\n"
             "curl -F name=alice -F photo=@cat.jpg http://127.0.0.1:8080/echo",
             "", "curl(1), layer7 get --help"},
    HelpPage{"get",
             "A curl-like HTTP client. --page fetches a page and every object it references and prints "
             "per-object timings; with --rtt MS each round trip (TCP set-up, TLS handshake, request and "
             "response) costs MS more, so the textbook's lesson shows on loopback: non-persistent HTTP "
             "costs 2 RTT per object, persistent 1 RTT, and --parallel N connections less.",
             "layer7 get -v http://127.0.0.1:8080/\n"
             "layer7 get -o big.iso http://127.0.0.1:8080/big.iso\n"
             "layer7 get --page --rtt 50 --no-keepalive http://127.0.0.1:8080/index.html\n"
             "layer7 get --page --rtt 50 --parallel 4 http://127.0.0.1:8080/index.html",
             "0    success\n2    usage error\n3    malformed URL\n6    unknown host\n7    connection refused\n"
             "22   HTTP status 400 or above with --fail\n28   timeout\n35   TLS failure\n"
             "47   too many redirects\n52   empty reply\n56   connection closed",
             "curl(1)"},
    HelpPage{"proxy serve",
             "A forward (and with --origin, reverse) HTTP proxy with an RFC 9111 cache: conditional "
             "revalidation, CONNECT tunnels.",
             "layer7 proxy serve --listen 127.0.0.1:3128\ncurl -x http://127.0.0.1:3128 http://127.0.0.1:8080/", "",
             "curl(1)"},
    HelpPage{"dns serve",
             "Authoritative DNS server over UDP and TCP for RFC 1035 zone files.\n\n"
             "Zones named in --allow-update take dynamic updates (RFC 2136) signed with a TSIG key (RFC 8945), "
             "as nsupdate sends them: each change is fsynced to FILE.jnl before the answer, replayed at start, "
             "and written back to the zone file a second later. Secondaries listed with --notify are told of "
             "every change (RFC 1996) and fetch it by IXFR (RFC 1995). With --secondary the server follows "
             "another primary's zone itself: SOA refresh/retry/expire timers, IXFR or AXFR, at once on NOTIFY.",
             "layer7 dns serve --zone example.zone --listen 127.0.0.1:5300\nlayer7 dns serve --embedded\n"
             "# dynamic updates with a key made by tsig-keygen, NSD or Knot as a secondary on 127.0.0.2\n"
             "tsig-keygen ddns > ddns.key\n"
             "layer7 dns serve --zone example.test=example.zone --key-file ddns.key --allow-update example.test=ddns "
             "--notify 127.0.0.2 --axfr-allow 127.0.0.2\n"
             "nsupdate -k ddns.key  # server 127.0.0.1 5300, update add www.example.test 300 A 192.0.2.7, send\n"
             "# a secondary of that primary\n"
             "layer7 dns serve --listen 127.0.0.1:5301 --secondary example.test=127.0.0.1:5300",
             "", "dig(1), nsupdate(1), tsig-keygen(8), layer7 dig --help"},
    HelpPage{"dns resolve", "Recursive, caching DNS resolver that iterates from the root hints.",
             "layer7 dns resolve --listen 127.0.0.1:5335", "", "dig(1)"},
    HelpPage{"dig",
             "DNS look-ups printed as dig prints them, with +trace to follow the delegation from the root "
             "server by server (the textbook's iterated query). Arguments come in dig's free order.",
             "layer7 dig www.hamburger.edu @127.0.0.1:5300\n"
             "layer7 dig -x 192.0.2.80 @127.0.0.1:5300 +short\n"
             "layer7 dig example.test AXFR @127.0.0.1:5300",
             "0    an answer was printed\n1    a usage error (dig's convention)\n9    no reply from any server\n"
             "10   the server name could not be resolved",
             "dig(1)"},
    HelpPage{"smtp serve",
             "SMTP server: receives mail for --domain into Maildirs and relays the rest by MX, with a "
             "durable queue, STARTTLS, AUTH on submission, DSN bounces.",
             "layer7 smtp serve --domain hamburger.edu --listen 127.0.0.1:2525\n"
             "swaks --server 127.0.0.1:2525 --to bob@hamburger.edu",
             "", "swaks(1), layer7 mail --help"},
    HelpPage{"pop3 serve", "POP3 server on the Maildirs under DATA/mail; logins from the users file (layer7 user add).",
             "layer7 user add bob --users layer7-data/users\nlayer7 pop3 serve --listen 127.0.0.1:1110", "",
             "layer7 mail fetch --help, layer7 user --help"},
    HelpPage{"imap serve",
             "IMAP4rev1 server on the Maildirs under DATA/mail; logins from the users file (layer7 user add).",
             "layer7 imap serve --listen 127.0.0.1:1143\nmutt -f imap://bob@127.0.0.1:1143/", "",
             "mutt(1), layer7 user --help"},
    HelpPage{"mail send", "Composes a message (MIME attachments) and submits it over SMTP.",
             "layer7 mail send --server 127.0.0.1:2587 --from alice@crepes.fr --to bob@hamburger.edu "
             "--subject hi --user alice --password-file pw --starttls",
             "", "swaks(1)"},
    HelpPage{"mail fetch", "Downloads mail over POP3 into a Maildir (and deletes it unless --keep).",
             "layer7 mail fetch --pop3 127.0.0.1:1110 --user bob --password-file pw -o ./Mail", "", ""},
    HelpPage{"user add", "Adds a user to a users file, reading the password from stdin (yescrypt hash).",
             "layer7 user add bob --users layer7-data/users", "", ""},
    HelpPage{"ftp serve", "FTP server with active and passive transfers, REST, and FTPS when a certificate is set.",
             "layer7 ftp serve --root ./pub --anonymous --listen 127.0.0.1:2121\n"
             "lftp -p 2121 127.0.0.1",
             "", "lftp(1), curl(1)"},
    HelpPage{"ftp get", "Downloads a file from an FTP server.",
             "layer7 ftp get ftp://127.0.0.1:2121/README.txt README.txt", "", "lftp(1)"},
    HelpPage{"torrent make", "Makes a .torrent file (BitTorrent v1) for a file or directory.",
             "layer7 torrent make big.iso --tracker http://127.0.0.1:6969/announce", "", "aria2c(1)"},
    HelpPage{"tracker serve", "BitTorrent tracker: HTTP announce and scrape, and the UDP tracker protocol.",
             "layer7 tracker serve --listen 127.0.0.1:6969", "", "aria2c(1)"},
    HelpPage{"ws", "A WebSocket client: each stdin line is a message, each message received is printed.",
             "layer7 ws ws://127.0.0.1:8080/ws/echo", "", ""},
    HelpPage{"connect",
             "Telnet for protocols: sends each stdin line with CRLF and prints what comes back, with --tls or "
             "--starttls smtp|pop3|imap|ftp.",
             "layer7 connect 127.0.0.1:8080\nlayer7 connect --starttls smtp -k 127.0.0.1:2525", "",
             "telnet(1), openssl-s_client(1)"},
    HelpPage{"lab run",
             "Runs one of the textbook's experiments (or all) on layer7's own servers and clients, across a link "
             "emulated by a relay inside layer7 (delay, rate, queue and loss each way; no root needed), and writes "
             "a report: an HTML page with charts of the measured points (95 % error bars) beside the textbook's "
             "formula, the parameters, and the transcripts. Each point is repeated until its 95 % confidence "
             "interval is under 5 % of the mean, or --runs. Reports go to DATA/lab, which layer7 up serves at "
             "/lab/; the measured-against-formula table is also printed and written as results.tsv.",
             "layer7 lab list\n"
             "layer7 lab run http-persistence\n"
             "layer7 lab run http-persistence --rtt 100 --rate 5 --out /tmp/reports",
             "", ""},
    HelpPage{"lab relay",
             "The lab's link emulator on its own: clients connect to --listen, and each connection (or UDP flow) "
             "is relayed to --to across an emulated link: half the RTT of delay each way, a transmitter of --rate "
             "Mbit/s with a --queue in front of it, and random --loss.",
             "layer7 lab relay --listen 127.0.0.1:9080 --to 127.0.0.1:8080 --rtt 100 --rate 10\n"
             "layer7 lab relay --udp --listen 127.0.0.1:9053 --to 127.0.0.1:5300 --rtt 40",
             "", "tc-netem(8)"},
    HelpPage{"im",
             "The hybrid instant-messaging client (the seeds' Skype/IM example). It registers NAME and the "
             "address of its own peer port (--listen) with the index, shows which --buddies are online and "
             "each change of their presence as the index pushes it, and chats with a buddy over a direct TCP "
             "connection to the address the index gave: the index is never in the chat path (--trace shows "
             "the index dialogue and each peer dialogue as separate connections). A chat already open goes on "
             "when the index stops; the client says the index went away and keeps running.\n\n"
             "Lines typed on stdin: /chat BUDDY opens a direct chat with BUDDY (looking its address up) and "
             "makes it the current one; any line not starting with / is a message to the current chat (an "
             "incoming chat becomes current when none is); /who lists everyone online; /quit (or the end of "
             "input) says BYE to each buddy and leaves. Output: '* ...' lines for presence and chat events, "
             "'<bob> text' for bob's messages.",
             "# terminal 1, 2 and 3\n"
             "layer7 im serve\n"
             "layer7 im alice --server 127.0.0.1:5222 --buddies bob\n"
             "layer7 --trace im bob --server 127.0.0.1:5222 --buddies alice\n"
             "# then, in bob's terminal\n"
             "/chat alice",
             "0    left with /quit or the end of input\n"
             "1    the index could not be reached, or it refused NAME (taken by a live session)\n"
             "2    a usage error: a bad NAME, buddy or address",
             "layer7 im serve --help, layer7(1)"},
    HelpPage{"im serve",
             "The instant-messaging index: clients register a name and the address of their peer port, look "
             "their buddies' addresses up, and get presence changes (online, offline) pushed for the names "
             "they watch (their buddy list). It never relays chat: it has no command that carries a message "
             "(MSG, SEND, CHAT and RELAY are refused with 502). A name held by a live session is refused "
             "(550); it is free again as soon as that session's connection ends. The protocol, text lines with "
             "SMTP-style replies, is described in src/im/index_codec.hpp.",
             "layer7 im serve --listen 127.0.0.1:5222\n"
             "layer7 connect 127.0.0.1:5222   # then: REGISTER carol 127.0.0.1:40000, WHO, QUIT",
             "", "layer7 im --help, layer7 connect --help"},
};

}  // namespace

HelpPage help_page(std::string_view command)
{
    HelpPage page{command, {}, {}, {}, {}};
    for (const auto& p : pages)
        if (p.command == command)
            page = p;
    if (page.exit_status.empty())
        page.exit_status = default_exit;
    if (page.see_also.empty())
        page.see_also = default_see_also;
    return page;
}

}  // namespace layer7::cli
