// The embedded default configuration, printed by `layer7 config default`.
#include "cli/default_config.hpp"

namespace layer7::cli {

std::string_view default_config()
{
    return R"toml(# layer7 — embedded default configuration (`layer7 config default`).
# Every service listens on loopback only. Copy this file, edit it, and run `layer7 up --config FILE`.

[runtime]
threads = 0                 # worker threads, one io_context each; 0 = one per core
data = "./layer7-data"      # state: mail, queues, caches, certificates
log_level = "info"          # trace, debug, info, warn, error, off
hosts = ""                  # hosts file clients consult before DNS: "" = /etc/hosts, "none" = off
drain = 30                  # seconds a stop (SIGTERM) lets transfers in flight finish; idle connections close at once
blocking_threads = 16       # threads for fsyncs and other disk waits, shared by every service (read at start)

# The socket-programming chapter's TCPServer/UDPServer: upper-cases the bytes of
# each TCP read (newline or not) and each datagram.
[echo]
enabled = true
listen = "127.0.0.1:12000"
tcp = true
udp = true

[echo.limits]
idle_timeout = 60           # seconds without a byte from the client
max_connections = 10000

# The web: the textbook's base page with ten images, /echo (forms) and /session (cookies).
[http]
enabled = true
listen = "127.0.0.1:8080"
tls_listen = "127.0.0.1:8443"   # self-signed dev certificate under DATA/tls unless tls_cert/tls_key
root = ""                       # empty: DATA/www, filled with the demo site on first start
writable = false                # PUT and DELETE
access_log = ""                 # "" off, "-" stdout, or a file
gzip = true
builtins = true                 # /echo (forms), /session (cookies), /time (JSON) on every host

# More handlers at path prefixes (longest prefix wins; host = "" means every host):
# handler = "files" (with root), "echo", "session" or "time".
# A files mount may be writable (PUT/DELETE) with live_window = SECONDS: DASH live publishing.
[[http.mount]]
prefix = "/now"
handler = "time"

# CGI (RFC 3875): /cgi-bin/NAME runs DIR/NAME with the request in its environment and body on
# stdin; dir = "" is DATA/cgi-bin with the demo form script: curl 'http://127.0.0.1:8080/cgi-bin/pageexec?animal=monkeys'
[[http.cgi]]
prefix = "/cgi-bin/"
dir = ""
time_limit = 30                 # seconds per run: 504 before the header block, the reply cut after
max_output = 67108864           # body bytes per run; beyond, the reply is cut and the script killed

[[http.cache]]
prefix = "/images/"
max_age = 3600

[http.limits]
idle_timeout = 75               # keep-alive: seconds between requests
max_message = 33554432          # request body bytes (413 above)
max_header = 65536              # header block bytes (431 above)

# WebSocket endpoints (/ws/echo, /ws/chat): limits per connection.
[websocket]
max_message = 1048576           # bytes, after inflating (1009 above)
max_frame = 1048576             # one frame's payload (1009 above)
idle_timeout = 300              # seconds without a frame from the peer → Close 1001
ping_interval = 30              # seconds quiet before we ping
max_send_queue = 4194304        # bytes waiting to go out; a slower reader is dropped with 1008

# DASH demo in the web site: /dash.html plays a test pattern (made by ffmpeg at first start into
# DATA/www/dash, when ffmpeg is installed) with dash.js (fetched from npm by tools/setup.sh).
[dash]
demo = true
test_pattern = 60               # seconds of video; 0 = none

# The textbook's web cache: point a browser (or curl -x) at it. Fresh copies are served at once,
# stale ones revalidated with a conditional GET; concurrent misses share one origin fetch.
# Status: curl http://127.0.0.1:3128/layer7-status. With origin = "http://127.0.0.1:8080" it is
# a reverse proxy (accelerator) in front of that one site instead.
[proxy]
enabled = true
listen = "127.0.0.1:3128"
cache_dir = ""                  # empty: DATA/proxy-cache; "none": memory only
cache_size = 268435456          # bytes on disk (LRU beyond)
memory_size = 67108864          # hot entries kept in memory
max_object = 16777216           # larger responses are passed on, not stored
origin = ""                     # reverse-proxy mode when set
store_set_cookie = false        # true: also store responses that set a cookie; the Set-Cookie
                                # field itself is never served from the cache to anyone
connect_ports = ["443"]         # CONNECT elsewhere gets 403
connect_timeout = 10            # seconds to reach the origin
resolver = "127.0.0.1:5335"     # origins' names: the hosts file, then this DNS resolver (the [resolver]
                                # below: www.hamburger.edu works); "" = the system's resolver
upstream_timeout = 30           # seconds without a byte from the origin: 504

[proxy.limits]
idle_timeout = 75               # keep-alive between client requests

# FTP: anonymous, read-only, serving DATA/ftp (created with a README.txt on first start).
[ftp]
enabled = true
listen = "127.0.0.1:2121"
root = ""                       # empty: DATA/ftp
anonymous = true                # USER anonymous, any password, read-only
users = ""                      # users file (name:hash[:root=DIR,write=yes]) for accounts that may write
pasv_ports = ""                 # e.g. "50000-50100"; empty: any free port
pasv_address = ""               # IPv4 to advertise in PASV replies behind NAT; empty: the address dialled
tls = true                      # AUTH TLS when tls_cert/tls_key are set (or tls_dev_certificate)
tls_dev_certificate = false     # true: AUTH TLS with the dev certificate under DATA/tls (clients must trust it)
data_timeout = 60               # seconds a data connection may stay idle
pasv_timeout = 60               # seconds a PASV/EPSV listener waits for its transfer command

[ftp.limits]
idle_timeout = 300              # seconds between commands
max_line = 4096                 # a longer command gets 500

# SMTP (RFC 5321): the MX/relay port and submission (RFC 6409, AUTH required). Mail for `domains`
# goes into DATA/mail/DOMAIN/USER/ (Maildir); other mail is queued durably in DATA/queue and relayed
# by MX with opportunistic STARTTLS, retried with back-off, bounced (RFC 3464) after max_queue_age.
# Users: DATA/users lines name:HASH:domain=D (`layer7 user add alice --users DATA/users`, then add
# `:domain=crepes.fr`); demo_users creates alice@crepes.fr and bob@hamburger.edu with random
# passwords in DATA/passwords/ and prints them at start-up.
# One mail system: [[smtp]], [pop3], [imap] and [webmail] that name the same `users` file and
# `mail_root` (all of them here) share one in-process view of both: the users file is read once for
# all (again when it changes, and at SIGHUP), and a local delivery is announced at once. Sections
# that name different ones each keep their own (as `layer7 smtp|pop3|imap serve` do), with a warning.
# [smtp] is one server; [[smtp]] several. Here the mail chapter's two: Alice's server (crepes.fr)
# and Bob's (hamburger.edu). Alice submits to hers; it finds hamburger.edu's MX through the resolver
# (mail.hamburger.edu = 127.0.0.2 in the zones) and relays there; Bob reads it with POP3 or IMAP.
# A later [[smtp]] without queue_dir spools in DATA/queue-<its first domain>.
[[smtp]]
enabled = true
listen = "127.0.0.1:2525"       # relay / MX: mail for our domains, relaying only for trusted_networks or AUTH
submission = "127.0.0.1:2587"   # RFC 6409: AUTH (PLAIN, LOGIN over TLS or loopback) before MAIL; "" = off
hostname = "mail.crepes.fr"     # greeting, Received: by, EHLO when relaying
domains = ["crepes.fr"]         # final destination here; the first is the users' default
demo_users = true
users = ""                      # empty: DATA/users
tls = true                      # STARTTLS with tls_cert/tls_key, or a dev certificate under DATA/tls
trusted_networks = []           # e.g. ["127.0.0.0/8"]: may relay without AUTH (no open relay by default)
max_message_bytes = 33554432    # SIZE (RFC 1870); 552 above
max_recipients = 100            # 452 above (RFC 5321 §4.5.3.1.8)
resolver = "127.0.0.1:5335"     # DNS server for MX lookups: the [resolver] below; "" = /etc/resolv.conf
mx_port = 2525                  # port dialled on MX hosts (25 on the Internet; both servers here use 2525)
retry_min = 300                 # seconds before the first retry, doubled each time (Postfix's backoff)
retry_max = 4000
max_queue_age = 432000          # 5 days, then a bounce to the sender
max_active = 20                 # messages delivered at once

# Static routes win over MX, e.g. send hamburger.edu to another layer7 on this machine:
# [[smtp.route]]
# domain = "hamburger.edu"
# next_hop = "127.0.0.1:2526"

[smtp.limits]
idle_timeout = 300              # RFC 5321 §4.5.3.2.7: at least 5 minutes
max_line = 998                  # RFC 5321 §4.5.3.1.6: 1000 octets with CRLF; 500 5.5.6 above

# Bob's server: the MX of hamburger.edu, on its own loopback address.
[[smtp]]
enabled = true
listen = "127.0.0.2:2525"
submission = "127.0.0.2:2587"   # Bob replies from here
hostname = "mail.hamburger.edu"
domains = ["hamburger.edu"]
resolver = "127.0.0.1:5335"
mx_port = 2525

[smtp.limits]
idle_timeout = 300
max_line = 998

# POP3 (RFC 1939 + CAPA, UIDL, TOP, STLS): Bob reads the mail in DATA/mail/DOMAIN/USER/ (Maildir).
# A users-file line bob:HASH:domain=hamburger.edu is the mailbox bob@hamburger.edu; log in as
# bob or bob@hamburger.edu. Lines without domain= belong to `domain`.
[pop3]
enabled = true
listen = "127.0.0.1:1110"
users = ""                      # empty: DATA/users (`layer7 user add NAME --users DATA/users`)
mail_root = ""                  # empty: DATA/mail
domain = "localhost"            # the domain of users without domain=
tls = true                      # STLS with tls_cert/tls_key, or a dev certificate under DATA/tls
plaintext_auth = false          # USER/PASS without TLS only from loopback
max_auth_failures = 3           # then the connection closes
auth_failure_delay_ms = 1000    # before each failed PASS answer, doubled each time

[pop3.limits]
idle_timeout = 600              # RFC 1939 §3 autologout: at least 10 minutes
max_line = 512                  # a longer command gets -ERR

# IMAP (RFC 3501 + IDLE, UIDPLUS, MOVE, SPECIAL-USE, LITERAL+): the same Maildirs as POP3 and SMTP,
# with Maildir++ folders (INBOX, Sent, Drafts, Trash, Junk) and a UID list per folder.
[imap]
enabled = true
listen = "127.0.0.1:1143"
users = ""                      # empty: DATA/users
mail_root = ""                  # empty: DATA/mail
domain = "localhost"            # the domain of users without domain=
tls = true                      # STARTTLS with tls_cert/tls_key, or a dev certificate under DATA/tls
plaintext_auth = false          # LOGIN without TLS only from loopback
max_auth_failures = 3           # then the connection closes
auth_failure_delay_ms = 1000    # before each failed login answer, doubled each time

[imap.limits]
idle_timeout = 1800             # RFC 3501 §5.4 autologout: at least 30 minutes
max_line = 8192                 # RFC 7162 §4: at least 8192 octets
max_message = 33554432          # the largest APPEND literal; a bigger announcement gets NO [TOOBIG]

# Web mail at /mail on [http] (use the HTTPS port: its session cookie is Secure): log in with the
# mail users file (alice, bob), read, search, move, flag and delete; what you send is queued in
# the SMTP spool and delivered or relayed like any mail. Try: https://127.0.0.1:8443/mail
[webmail]
enabled = true
users = ""                      # empty: DATA/users
mail_root = ""                  # empty: DATA/mail
queue_dir = ""                  # empty: DATA/queue (the [smtp] spool)
domain = "localhost"            # the domain of users without domain=
hostname = "localhost"          # Received: by
max_upload = 26214400           # a message with its attachments (413 above)
plaintext_login = false         # plain HTTP only from loopback
failure_delay_ms = 1000         # before answering a failed login; repeated failures lock out
push_streams = 64               # new mail without a reload (/mail/events); over this, pages poll
push_per_user = 8               # the newest stream of a user (or session) replaces the oldest
push_per_session = 4
push_idle_s = 300               # a stream without news ends (the page reopens it)
push_heartbeat_s = 15           # a comment line this often finds pages that are gone

# DNS, authoritative (RFC 1034/1035): the textbook's zones networkutopia.com, crepes.fr and
# hamburger.edu (A, NS, CNAME, MX), over UDP and TCP. Try: dig @127.0.0.1 -p 5300 crepes.fr MX
[dns]
enabled = true
listen = "127.0.0.1:5300"
zones = []                      # zone files ("FILE" or "ORIGIN=FILE"); empty: the embedded textbook zones
acl = []                        # prefixes that may query ("10.0.0.0/8"); empty: everybody
axfr_allow = ["127.0.0.1"]      # who may transfer a zone (dig axfr); others get REFUSED
# Dynamic update (RFC 2136) with TSIG, NOTIFY and secondaries, for zones read from files:
# keys = ["hmac-sha256:ddns:BASE64"]        # TSIG keys (nsupdate -y syntax); or key_files = ["ddns.key"] (tsig-keygen)
# allow_update = ["example.test=ddns"]      # "ORIGIN=KEY [NAME…] [TYPE…]": who may change what (journal: FILE.jnl)
# notify = ["127.0.0.2:53"]                 # secondaries told of every change; they fetch it by IXFR
# transfer_key = "xfr"                      # transfers must be signed with this key
# secondary = ["other.test=192.0.2.1:53"]   # zones followed from another primary (kept in DATA/dns/secondary/)
# primary_key = "xfr"                       # signs the secondary's SOA checks and transfer requests

[dns.rrl]                       # response rate limiting per client /24 (/56), UDP only
responses_per_second = 100      # per prefix; 0: off
slip = 2                        # every 2nd dropped reply goes out truncated, so real clients retry on TCP

[dns.limits]
idle_timeout = 10               # seconds a TCP connection may sit idle between queries (RFC 7766)
max_connections = 10000

# The textbook's DNS hierarchy (§2.4): a root server, the TLD servers of com, edu and fr, and the
# authoritative servers of networkutopia.com, umass.edu, hamburger.edu and crepes.fr, each on its own
# loopback address from first_address on (127.0.53.2 … .9), on port 53 as resolvers expect. Their
# zone files and root hints are written to DATA/dns/hierarchy/ and DATA/dns/root.hints at each start
# (SIGHUP re-reads edited zone files). Try: layer7 dig www.hamburger.edu +trace --root-hints DATA/dns/root.hints
# Port 53 needs root (or CAP_NET_BIND_SERVICE): without it `up` says so and runs without the hierarchy.
[hierarchy]
enabled = true
first_address = "127.0.53.2"
web = "127.0.0.1"               # www.hamburger.edu, www.crepes.fr: the [http] server above
alice_mail = "127.0.0.1"        # mail.crepes.fr, the MX of crepes.fr: Alice's [[smtp]] server
bob_mail = "127.0.0.2"          # mail.hamburger.edu, the MX of hamburger.edu: Bob's [[smtp]] server

# DNS, recursive and caching: iterates from the root hints, caches answers by TTL and negative
# answers (RFC 2308). With hierarchy = true and [hierarchy] serving, it starts from that private root
# (every name is iterated offline: root → TLD → authoritative; other names get NXDOMAIN from it).
# Otherwise the textbook's zones are asked of the [dns] server above directly (stub zones) and other
# names go out to the Internet's root servers.
# Try: dig @127.0.0.1 -p 5335 www.hamburger.edu
[resolver]
enabled = true
listen = "127.0.0.1:5335"
hierarchy = true                # start from the private root of [hierarchy] when it runs
root_hints = "/usr/share/dns/root.hints"  # Debian dns-root-data; missing: only the stub zones resolve
allow = ["127.0.0.0/8", "::1/128"]  # clients that may query; others get REFUSED (not an open resolver)
query_timeout_ms = 800          # wait for one upstream reply, then try the next server
total_timeout_ms = 5000         # one question, every try included; then SERVFAIL
cache_entries = 200000          # RRsets and negative answers
max_ttl = 86400                 # cap on any TTL, seconds
max_negative_ttl = 3600         # cap on NXDOMAIN/NODATA caching (RFC 2308 §5)

[[resolver.stub]]
zone = "networkutopia.com"
servers = ["127.0.0.1:5300"]

[[resolver.stub]]
zone = "crepes.fr"
servers = ["127.0.0.1:5300"]

[[resolver.stub]]
zone = "hamburger.edu"
servers = ["127.0.0.1:5300"]

[resolver.limits]
idle_timeout = 10               # seconds a TCP client may sit idle between queries
max_connections = 1000

# BitTorrent tracker: HTTP announce/scrape (BEP 3, 23, 48) on TCP and the UDP tracker (BEP 15) on
# the same port number; the stats page is at http://127.0.0.1:6969/. Any info-hash is tracked.
# Make a torrent for it: layer7 torrent make FILE --tracker http://127.0.0.1:6969/announce
# `up` seeds a demo torrent through it: the web site's ten images, DATA/torrent/demo.torrent (also at
# http://127.0.0.1:8080/demo.torrent); the table prints the `layer7 torrent get` and aria2c lines.
[tracker]
enabled = true
listen = "127.0.0.1:6969"
http = true
udp = true
seed_demo = true                # seed the demo torrent (announced over HTTP: needs http = true)
interval = 1800                 # seconds clients wait between announces
min_interval = 60               # and at least this
peer_ttl = 3600                 # a peer silent this long is dropped (2 x interval)
default_numwant = 50            # peers per reply when the client does not say
max_numwant = 200               # cap on what a client may ask for
max_torrents = 100000
max_peers_per_torrent = 10000

[tracker.limits]
idle_timeout = 30               # keep-alive between announces on one connection

# RTSP media server (RFC 2326) with RTP/RTCP on rtp_port and rtp_port + 1. Publish a live path
# (ffmpeg -re -f lavfi -i testsrc -c:v libx264 -f rtsp rtsp://127.0.0.1:8554/live) and play it
# with any player (ffplay, VLC, layer7 rtsp play); files under media_root play by name.
[rtsp]
enabled = true
listen = "127.0.0.1:8554"
rtp_port = 8000
media_root = ""                 # a directory of MP4/MKV files; "" = live paths only
stats_listen = "127.0.0.1:8555" # HTTP page of paths, readers and their RTCP receiver reports; "" = off
session_timeout = 60            # seconds without RTSP or RTP/RTCP before a session ends
max_interleaved_frame = 8192    # bigger RTP-over-TCP frames are dropped

# The hybrid instant messenger's index (the seeds' Skype/IM example): who is online and at which
# address, presence pushed to the users who list a buddy. Chat goes peer to peer, never through it:
# layer7 im alice --server 127.0.0.1:5222 --buddies bob
[im]
enabled = true
listen = "127.0.0.1:5222"
max_users = 100000
max_watch = 256                 # names one user may watch

[im.limits]
idle_timeout = 180              # clients PING every 60 s; three missed and the registration ends
max_line = 1024
)toml";
}

}  // namespace layer7::cli
