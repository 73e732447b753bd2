"""The field corpus's network: three namespaces, client -- router -- server, joined by veth
pairs. The server's namespace answers for all of 10.80.0.0/14 (a local route), so every
connection of a run goes to an address of its own: the server address is the key that
ties a connection of the capture to its line of ground truth. The path a connection takes
is chosen by the second byte of that address:

  10.80.x.y  clean
  10.81.x.y  random loss: the router drops 3% of the packets of either direction
  10.82.x.y  the forwarder (forwarder.py): delay, jitter (reordering) and duplication
  10.83.x.y  blackhole: the router drops the client's data after its first three packets
             (SYN, ACK, ClientHello), so the server's idle timeout ends the handshake
"""
import subprocess

PATHS = {"clean": 80, "loss": 81, "forwarded": 82, "blackhole": 83}
LOSS = 0.03


def address(path, n):
    """The n-th (0-based) server address on a path: 250 a /24, never .0 or .255."""
    return f"10.{PATHS[path]}.{n // 250}.{n % 250 + 1}"


def path_of(addr):
    second = int(addr.split(".")[1])
    return next(p for p, b in PATHS.items() if b == second)


def sh(*argv, check=True):
    return subprocess.run(argv, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Topology:
    def __init__(self, tag):
        self.cli, self.rtr, self.srv = f"fc-cli-{tag}", f"fc-rtr-{tag}", f"fc-srv-{tag}"
        self.server_if = "fcs0"

    def up(self, forwarder_table=True):
        for ns in (self.cli, self.rtr, self.srv):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        links = [(self.cli, "fcc0", "10.77.1.1/24", self.rtr, "fcr1", "10.77.1.2/24"),
                 (self.rtr, "fcr2", "10.77.2.2/24", self.srv, "fcs0", "10.77.2.1/24")]
        for ns_a, if_a, ip_a, ns_b, if_b, ip_b in links:
            sh("ip", "link", "add", if_a, "netns", ns_a, "type", "veth", "peer", "name", if_b, "netns", ns_b)
            for ns, ifname, ip in ((ns_a, if_a, ip_a), (ns_b, if_b, ip_b)):
                sh("ip", "-n", ns, "addr", "add", ip, "dev", ifname)
                sh("ip", "-n", ns, "link", "set", ifname, "up")
                # Whole segments on the wire, as a capture off a network shows them.
                sh("ip", "netns", "exec", ns, "ethtool", "-K", ifname, "tso", "off", "gso", "off",
                   "gro", "off", check=False)
        sh("ip", "-n", self.cli, "route", "add", "default", "via", "10.77.1.2")
        sh("ip", "-n", self.srv, "route", "add", "default", "via", "10.77.2.2")
        sh("ip", "-n", self.srv, "route", "add", "local", "10.80.0.0/14", "dev", "lo", "table", "local")
        sh("ip", "-n", self.rtr, "route", "add", "10.80.0.0/14", "via", "10.77.2.1")
        rtr = ["ip", "netns", "exec", self.rtr]
        sh(*rtr, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        for key in ("all", "default", "fcr1", "fcr2"):
            sh(*rtr, "sysctl", "-qw", f"net.ipv4.conf.{key}.rp_filter=0")
        ipt = rtr + ["iptables", "-A", "FORWARD"]
        for direction in ("-d", "-s"):
            sh(*ipt, direction, "10.81.0.0/16", "-m", "statistic", "--mode", "random",
               "--probability", str(LOSS), "-j", "DROP")
        # Only the client's data: its ACKs pass, so the server's flight is acknowledged and
        # the FIN of its timeout goes out (a FIN queued behind unacknowledged data never
        # would, and nothing in the capture would tell the handshake's end).
        sh(*ipt, "-d", "10.83.0.0/16", "-m", "connbytes", "--connbytes", "4:", "--connbytes-dir",
           "original", "--connbytes-mode", "packets", "-m", "length", "--length", "60:65535", "-j", "DROP")

    def route_through_tun(self, dev):
        """Sends 10.82.0.0/16 of both directions, as it comes in from the veths, into the
        forwarder's TUN device; what the forwarder writes back into it is routed as usual."""
        rtr = ["ip", "netns", "exec", self.rtr]
        sh(*rtr, "ip", "link", "set", dev, "up")
        sh(*rtr, "sysctl", "-qw", f"net.ipv4.conf.{dev}.rp_filter=0")
        sh(*rtr, "ip", "route", "add", "default", "dev", dev, "table", "82")
        sh(*rtr, "ip", "rule", "add", "iif", "fcr1", "to", "10.82.0.0/16", "table", "82")
        sh(*rtr, "ip", "rule", "add", "iif", "fcr2", "from", "10.82.0.0/16", "table", "82")

    def down(self):
        for ns in (self.cli, self.rtr, self.srv):
            sh("ip", "netns", "del", ns, check=False)
