"""A private DNS hierarchy on loopback, the textbook's root → TLD → authoritative tree for real.

Each zone set is served by its own `layer7 dns serve` on 127.<net>.<host>:53 (all of 127/8 is
loopback on Linux). `start_hierarchy()` writes the zone files, starts the servers and returns the
root hints text a resolver (ours, Unbound) or `layer7 dig +trace --root-hints` starts from.

Layout (host numbers are offsets from `first`, default 2 → 127.0.0.2 …):
    +0  a.root-servers.test.   .            (root)
    +1  b.root-servers.test.   .            (second root, same zone)
    +2  a.gtld.com.            com.
    +3  a.edu-servers.edu.     edu.
    +4  d.nic.fr.              fr.
    +5  dns1.networkutopia.com networkutopia.com.
    +6  dns2.networkutopia.com networkutopia.com. (second server, same zone)
    +7  dns.umass.edu.         umass.edu.   (delegates cs.umass.edu.)
    +8  dns.cs.umass.edu.      cs.umass.edu. (gaia.cs.umass.edu, the textbook's host)
    +9  dns.hamburger.edu.     hamburger.edu. and glueless.com. (whose NS has no glue in com.)
    +10 dns.crepes.fr.         crepes.fr.
Use a different `net` (127.0.<net>.x) when two test suites may run at once: SO_REUSEPORT would
otherwise let two servers share an address silently, so the helper checks each address is free.
"""
import os
import socket

# Offsets of each server from `first`, and the zones each serves.
SERVERS = [
    ("a.root-servers.test.", ["."]),
    ("b.root-servers.test.", ["."]),
    ("a.gtld.com.", ["com."]),
    ("a.edu-servers.edu.", ["edu."]),
    ("d.nic.fr.", ["fr."]),
    ("dns1.networkutopia.com.", ["networkutopia.com."]),
    ("dns2.networkutopia.com.", ["networkutopia.com."]),
    ("dns.umass.edu.", ["umass.edu."]),
    ("dns.cs.umass.edu.", ["cs.umass.edu."]),
    ("dns.hamburger.edu.", ["hamburger.edu.", "glueless.com."]),
    ("dns.crepes.fr.", ["crepes.fr."]),
]

SOA = "@ 3600 IN SOA {ns} hostmaster.{origin} 2024010101 7200 3600 1209600 300\n"


def _zone_texts(addr):
    """Zone file texts keyed by origin; addr(name) gives a server's address."""
    a = addr
    z = {}
    z["."] = SOA.format(ns="a.root-servers.test.", origin="root-servers.test.") + f"""
.                        518400 IN NS a.root-servers.test.
.                        518400 IN NS b.root-servers.test.
a.root-servers.test.     518400 IN A  {a('a.root-servers.test.')}
b.root-servers.test.     518400 IN A  {a('b.root-servers.test.')}
com.                     172800 IN NS a.gtld.com.
a.gtld.com.              172800 IN A  {a('a.gtld.com.')}
edu.                     172800 IN NS a.edu-servers.edu.
a.edu-servers.edu.       172800 IN A  {a('a.edu-servers.edu.')}
fr.                      172800 IN NS d.nic.fr.
d.nic.fr.                172800 IN A  {a('d.nic.fr.')}
"""
    z["com."] = SOA.format(ns="a.gtld.com.", origin="com.") + f"""
@                        172800 IN NS a.gtld.com.
a.gtld.com.              172800 IN A  {a('a.gtld.com.')}
networkutopia.com.       172800 IN NS dns1.networkutopia.com.
networkutopia.com.       172800 IN NS dns2.networkutopia.com.
dns1.networkutopia.com.  172800 IN A  {a('dns1.networkutopia.com.')}
dns2.networkutopia.com.  172800 IN A  {a('dns2.networkutopia.com.')}
glueless.com.            172800 IN NS dns.hamburger.edu.
"""
    z["edu."] = SOA.format(ns="a.edu-servers.edu.", origin="edu.") + f"""
@                        172800 IN NS a.edu-servers.edu.
a.edu-servers.edu.       172800 IN A  {a('a.edu-servers.edu.')}
umass.edu.               172800 IN NS dns.umass.edu.
dns.umass.edu.           172800 IN A  {a('dns.umass.edu.')}
hamburger.edu.           172800 IN NS dns.hamburger.edu.
dns.hamburger.edu.       172800 IN A  {a('dns.hamburger.edu.')}
"""
    z["fr."] = SOA.format(ns="d.nic.fr.", origin="fr.") + f"""
@                        172800 IN NS d.nic.fr.
d.nic.fr.                172800 IN A  {a('d.nic.fr.')}
crepes.fr.               172800 IN NS dns.crepes.fr.
dns.crepes.fr.           172800 IN A  {a('dns.crepes.fr.')}
"""
    z["networkutopia.com."] = SOA.format(ns="dns1.networkutopia.com.", origin="networkutopia.com.") + f"""
@        3600 IN NS    dns1
@        3600 IN NS    dns2
@        3600 IN MX    10 mail
@        3600 IN A     212.212.212.80
dns1     3600 IN A     {a('dns1.networkutopia.com.')}
dns2     3600 IN A     {a('dns2.networkutopia.com.')}
www      3600 IN A     212.212.212.80
mail     3600 IN A     212.212.212.25
ftp      3600 IN CNAME www
short    2    IN A     212.212.212.2
"""
    z["umass.edu."] = SOA.format(ns="dns.umass.edu.", origin="umass.edu.") + f"""
@        3600 IN NS    dns
dns      3600 IN A     {a('dns.umass.edu.')}
www      3600 IN A     128.119.103.148
cs       3600 IN NS    dns.cs
dns.cs   3600 IN A     {a('dns.cs.umass.edu.')}
"""
    z["cs.umass.edu."] = SOA.format(ns="dns.cs.umass.edu.", origin="cs.umass.edu.") + f"""
@        3600 IN NS    dns
dns      3600 IN A     {a('dns.cs.umass.edu.')}
gaia     3600 IN A     128.119.245.12
www      3600 IN CNAME gaia
"""
    z["hamburger.edu."] = SOA.format(ns="dns.hamburger.edu.", origin="hamburger.edu.") + f"""
@        3600 IN NS    dns
@        3600 IN MX    10 mail
dns      3600 IN A     {a('dns.hamburger.edu.')}
mail     3600 IN A     128.119.40.111
www      3600 IN CNAME serverEast.backup2
serverEast.backup2 3600 IN A 128.119.40.186
"""
    z["glueless.com."] = SOA.format(ns="dns.hamburger.edu.", origin="glueless.com.") + """
@        3600 IN NS    dns.hamburger.edu.
www      3600 IN A     192.0.2.80
"""
    z["crepes.fr."] = SOA.format(ns="dns.crepes.fr.", origin="crepes.fr.") + f"""
@        3600 IN NS    dns
@        3600 IN MX    10 mail
dns      3600 IN A     {a('dns.crepes.fr.')}
mail     3600 IN A     192.0.2.25
www      3600 IN A     192.0.2.80
alias    3600 IN CNAME www.hamburger.edu.
"""
    return z


def addresses(net=0, first=2):
    """Server name → its loopback address."""
    return {name: f"127.0.{net}.{first + i}" for i, (name, _) in enumerate(SERVERS)}


def root_hints(net=0, first=2):
    """Root hints in zone-file form, as /usr/share/dns/root.hints."""
    addr = addresses(net, first)
    lines = []
    for name in ("a.root-servers.test.", "b.root-servers.test."):
        lines.append(f".                        3600000      NS    {name}")
        lines.append(f"{name:<24} 3600000      A     {addr[name]}")
    return "\n".join(lines) + "\n"


def write_zones(directory, net=0, first=2):
    """Writes one file per zone; returns {origin: path}."""
    addr = addresses(net, first)
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for origin, text in _zone_texts(lambda n: addr[n]).items():
        name = "root" if origin == "." else origin.rstrip(".")
        path = os.path.join(directory, f"{name}.zone")
        with open(path, "w") as f:
            f.write(f"$ORIGIN {origin}\n$TTL 3600\n{text}")
        paths[origin] = path
    return paths


def address_free(address, port=53):
    """True if nothing is bound to address:port (UDP or TCP)."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((address, port))
            except OSError:
                return False
    return True


class Hierarchy:
    """What start_hierarchy() returns."""

    def __init__(self, hints, hints_file, addresses, zone_files, processes):
        self.hints = hints                # root hints text
        self.hints_file = hints_file      # the same, written to a file
        self.addresses = addresses        # server name → address
        self.zone_files = zone_files      # origin → zone file path
        self.processes = processes        # server name → Process

    def address_of(self, server_name):
        return self.addresses[server_name]


def start_hierarchy(start, directory, net=0, first=2, port=53, skip=(), extra_args=()):
    """Starts one `layer7 dns serve` per server with `start(*args)` (the `layer7` fixture, which
    stops them at teardown). Servers named in `skip` are not started (to put NSD or another
    server there instead). Returns a Hierarchy."""
    addr = addresses(net, first)
    zone_files = write_zones(os.path.join(directory, "zones"), net, first)
    processes = {}
    for name, origins in SERVERS:
        if name in skip:
            continue
        if not address_free(addr[name], port):
            raise RuntimeError(f"{addr[name]}:{port} is in use; pick another net= for this hierarchy")
        args = ["dns", "serve", "--threads", "1", "--listen", f"{addr[name]}:{port}"]
        for origin in origins:
            args += ["--zone", zone_files[origin]]
        processes[name] = start(*args, *extra_args)
    hints = root_hints(net, first)
    hints_file = os.path.join(directory, "root.hints")
    with open(hints_file, "w") as f:
        f.write(hints)
    return Hierarchy(hints, hints_file, addr, zone_files, processes)


# ------------------------------------------------------------ one authoritative server for tests

TEST_ZONE = """$ORIGIN example.test.
$TTL 3600
@        IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@        IN NS    ns1
@        IN NS    ns2
@        IN MX    10 mail
@        IN A     192.0.2.1
ns1      IN A     192.0.2.53
ns2      IN A     192.0.2.54
www      IN A     192.0.2.80
www      IN AAAA  2001:db8::80
mail     IN A     192.0.2.25
mail     IN AAAA  2001:db8::25
ftp      IN CNAME www
alias    IN CNAME ftp
*.dyn    IN A     192.0.2.99
txt      IN TXT   "v=spf1 -all"
sub      IN NS    ns.sub
ns.sub   IN A     192.0.2.153
"""


def big_txt(count, length=200, label="big"):
    """`count` TXT records of `length` octets each at `label`."""
    return "".join(f'{label} IN TXT "{i:03d}{chr(97 + i % 26) * (length - 3)}"\n' for i in range(count))


def write_test_zone(directory, serial=2024010101, extra=""):
    """The example.test. zone (with a 6 KB TXT RRset at big and a 1.5 KB one at medium)."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "example.test.zone")
    text = TEST_ZONE.replace("2024010101", str(serial)) + big_txt(30) + big_txt(7, label="medium") + extra
    with open(path, "w") as f:
        f.write(text)
    return path


def dns_query(name, qtype=1, qid=0x1234, rd=False, edns=None):
    """A query in wire form (qtype as a number; edns = UDP size or None)."""
    import struct
    q = struct.pack(">HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 1 if edns else 0)
    for label in name.rstrip(".").split("."):
        if label:
            q += bytes([len(label)]) + label.encode()
    q += b"\x00" + struct.pack(">HH", qtype, 1)
    if edns:
        q += b"\x00" + struct.pack(">HHIH", 41, edns, 0, 0)
    return q


def udp_exchange(address, port, payload, timeout=1.0):
    """Sends one datagram; returns the reply bytes or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(payload, (address, port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None
