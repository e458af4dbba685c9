"""`layer7 up` running the textbook's world on loopback, as the embedded default does, but on free
ports and its own 127.0.N.x addresses so it runs beside other tests: the DNS hierarchy ([hierarchy]
on 127.0.N.2-9 port 53), the resolver starting from it, Alice's and Bob's SMTP servers (Bob's on
127.0.N.100, the A of mail.hamburger.edu), POP3 for Bob, the web site with its home page, the proxy
resolving through our resolver.

Every wait has a deadline; nothing sleeps to synchronise.
"""
import os
import re
import socket

from conftest import Process, free_port, layer7_bin

HOST = "127.0.0.1"


class World:
    def __init__(self, proc, data, ports, net):
        self.proc, self.data, self.ports, self.net = proc, data, ports, net
        self.bob_mail = f"127.0.{net}.100"

    def row(self, service):
        """The printed table's row for `service`: (address, try-it command)."""
        for line in self.proc.out_lines:
            parts = line.split(None, 2)
            if len(parts) == 3 and parts[0] == service:
                return parts[1], parts[2]
        raise KeyError(f"no row {service!r} in:\n" + "\n".join(self.proc.out_lines))

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"layer7 exited {rc}:\n{self.proc.output()[-6000:]}"


def address_free(address, port=53):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((address, port))
            except OSError:
                return False
    return True


def config(data, ports, net, hierarchy=True):
    p = ports
    bob = f"127.0.{net}.100"
    return f"""
[runtime]
threads = 2
data = "{data}"

[http]
listen = "{HOST}:{p['http']}"
tls_listen = "{HOST}:{p['https']}"

[webmail]
enabled = true

[dash]
demo = true
test_pattern = 0

[proxy]
listen = "{HOST}:{p['proxy']}"
cache_dir = "none"
resolver = "{HOST}:{p['resolver']}"

[dns]
listen = "{HOST}:{p['dns']}"

[hierarchy]
enabled = {"true" if hierarchy else "false"}
first_address = "127.0.{net}.2"
bob_mail = "{bob}"

[resolver]
listen = "{HOST}:{p['resolver']}"
hierarchy = true
root_hints = "/nonexistent/root.hints"

[[resolver.stub]]
zone = "hamburger.edu"
servers = ["{HOST}:{p['dns']}"]

[[smtp]]
listen = "{HOST}:{p['alice_mx']}"
submission = "{HOST}:{p['alice_sub']}"
hostname = "mail.crepes.fr"
domains = ["crepes.fr"]
demo_users = true
resolver = "{HOST}:{p['resolver']}"
mx_port = {p['mx']}
retry_min = 1

[[smtp]]
listen = "{bob}:{p['mx']}"
submission = ""
hostname = "mail.hamburger.edu"
domains = ["hamburger.edu"]
resolver = "{HOST}:{p['resolver']}"
mx_port = {p['mx']}

[pop3]
listen = "{HOST}:{p['pop3']}"
"""


def start_world(base, net, hierarchy=True, extra_flags=()):
    """Writes the config and starts `layer7 up`; returns the World."""
    data = os.path.join(base, "data")
    ports = {k: free_port() for k in ("http", "https", "proxy", "dns", "resolver", "alice_mx", "alice_sub", "pop3")}
    ports["mx"] = free_port(host=f"127.0.{net}.100")
    path = os.path.join(base, "world.toml")
    with open(path, "w") as f:
        f.write(config(data, ports, net, hierarchy))
    proc = Process([layer7_bin(), *extra_flags, "up", "--config", path], deadline=30)
    return World(proc, data, ports, net)


def password(world, user):
    with open(os.path.join(world.data, "passwords", user)) as f:
        return f.read().strip()


def strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
