"""A scripted MQTT broker for tests: it speaks just enough MQTT to get a
client to a chosen point, then sends what a real broker never would
(malformed properties, a truncated packet) or stops answering.

    def script(peer):
        peer.expect(CONNECT)
        peer.send(connack())
        ...
    with HostileBroker(script) as broker:
        ... connect a tool to 127.0.0.1:broker.port ...

Each connection runs the next script given (the last one for every
connection after that); the connection is closed when its script returns.
The broker listens on 127.0.0.1 only and stops its threads on exit."""

import socket
import threading

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP, DISCONNECT = 1, 2, 3, 4, 8, 9, 12, 13, 14
# How long a script waits for a packet from the client before giving up.
READ_TIMEOUT = 30


def varint(value):
    """MQTT's variable byte integer."""
    out = bytearray()
    while True:
        byte = value % 128
        value //= 128
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def packet(packet_type, body, flags=0):
    return bytes([packet_type << 4 | flags]) + varint(len(body)) + body


def string(text):
    data = text.encode() if isinstance(text, str) else text
    return len(data).to_bytes(2, "big") + data


def properties(raw=b"", length=None):
    """A property list: its length (that of `raw` unless `length` is given)
    and the raw property bytes."""
    return varint(len(raw) if length is None else length) + raw


def connack(reason=0, props=b"", v5=True, session_present=False):
    body = bytes([1 if session_present else 0, reason])
    return packet(CONNACK, body + (properties(props) if v5 else b""))


def suback(mid, granted=(0,), v5=True):
    return packet(SUBACK, mid.to_bytes(2, "big") + (properties() if v5 else b"") + bytes(granted))


def publish(topic, payload=b"", qos=0, mid=1, props=None, v5=True):
    """A PUBLISH; `props` is the encoded property list (length included),
    an empty one by default for MQTT v5."""
    body = string(topic)
    if qos > 0:
        body += mid.to_bytes(2, "big")
    if v5:
        body += properties() if props is None else props
    return packet(PUBLISH, body + payload, flags=qos << 1)


class Peer:
    """One client connection as a script sees it."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(READ_TIMEOUT)
        self.received = []  # (type, flags, body) of every packet read

    def send(self, data):
        self.sock.sendall(data)

    def _exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the client closed the connection")
            data += chunk
        return data

    def read_packet(self):
        """The next packet from the client: (type, flags, body)."""
        (first,) = self._exactly(1)
        length, multiplier = 0, 1
        while True:
            (byte,) = self._exactly(1)
            length += (byte & 0x7F) * multiplier
            multiplier *= 128
            if not byte & 0x80:
                break
        body = self._exactly(length)
        self.received.append((first >> 4, first & 0x0F, body))
        return first >> 4, first & 0x0F, body

    def expect(self, packet_type):
        """Reads packets until one of `packet_type`; returns its body."""
        while True:
            kind, _flags, body = self.read_packet()
            if kind == packet_type:
                return body

    def expect_subscribe(self):
        """Waits for SUBSCRIBE; returns its message id."""
        return int.from_bytes(self.expect(SUBSCRIBE)[:2], "big")

    def connect_and_subscribe(self, v5=True):
        """A well-behaved start: CONNACK, then SUBACK for the SUBSCRIBE."""
        self.expect(CONNECT)
        self.send(connack(v5=v5))
        self.send(suback(self.expect_subscribe(), v5=v5))

    def drain(self):
        """Reads (and never answers) until the client closes the connection."""
        try:
            while True:
                self.read_packet()
        except (ConnectionError, OSError):
            pass


class HostileBroker:
    def __init__(self, *scripts, tls=None):
        """`tls`: an ssl.SSLContext that each connection is wrapped in."""
        self.scripts = list(scripts)
        self.tls = tls
        self.connections = 0
        self.errors = []  # what went wrong inside a script, for the test to show
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        self._stopping = False
        self._lock = threading.Lock()
        self._clients = []
        self._threads = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self._acceptor.start()
        return self

    def __exit__(self, *exc):
        self._stopping = True
        # shutdown() wakes the accept() below; close() alone may not.
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._acceptor.join()
        with self._lock:
            for client in self._clients:
                try:
                    client.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            threads = list(self._threads)
        for thread in threads:
            thread.join()

    def _accept(self):
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._stopping:
                    client.close()
                    return
                script = self.scripts[min(self.connections, len(self.scripts) - 1)]
                self.connections += 1
                self._clients.append(client)
                thread = threading.Thread(target=self._serve, args=(client, script), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _serve(self, client, script):
        try:
            if self.tls:
                client.settimeout(READ_TIMEOUT)
                client = self.tls.wrap_socket(client, server_side=True)
            script(Peer(client))
        except (ConnectionError, OSError):
            pass  # the client went away: the tool under test decides when
        except Exception as error:  # a broken script: the test reports it
            self.errors.append(repr(error))
        finally:
            client.close()
