"""A SOCKS5 proxy for tests that demands a user name and password (RFC 1928
with RFC 1929 authentication), which Debian's dante can only check against
system accounts. It relays TCP to 127.0.0.1 only and records every login
attempt and every destination asked for."""

import socket
import socketserver
import threading

NO_AUTH, USER_PASSWORD, NO_ACCEPTABLE = 0x00, 0x02, 0xFF


def _read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("client closed the connection")
        data += chunk
    return data


def _pipe(source, destination):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, destination):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Socks5Proxy:
    """Started with `with Socks5Proxy(user, password) as proxy:`; proxy.port is
    where it listens, proxy.logins the (user, password) pairs offered and
    proxy.destinations the (host, port) pairs relayed to. `login_refusal` is
    the status that refuses a login: RFC 1929 allows any but 0, and proxies
    differ."""

    def __init__(self, username, password, login_refusal=1):
        self.username = username
        self.password = password
        self.login_refusal = login_refusal
        self.logins = []
        self.destinations = []
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                proxy._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _serve(self, client):
        try:
            version, method_count = _read_exactly(client, 2)
            methods = _read_exactly(client, method_count)
            if version != 5 or USER_PASSWORD not in methods:
                client.sendall(bytes([5, NO_ACCEPTABLE]))
                return
            client.sendall(bytes([5, USER_PASSWORD]))
            if not self._authenticate(client):
                return
            target = self._connect_request(client)
            if target is None:
                return
            self._relay(client, target)
        except (ConnectionError, OSError):
            pass
        finally:
            client.close()

    def _authenticate(self, client):
        _version, user_length = _read_exactly(client, 2)
        user = _read_exactly(client, user_length).decode("utf-8", "replace")
        (password_length,) = _read_exactly(client, 1)
        password = _read_exactly(client, password_length).decode("utf-8", "replace")
        self.logins.append((user, password))
        accepted = (user, password) == (self.username, self.password)
        client.sendall(bytes([1, 0 if accepted else self.login_refusal]))
        return accepted

    def _connect_request(self, client):
        version, command, _reserved, address_type = _read_exactly(client, 4)
        if address_type == 1:
            host = socket.inet_ntoa(_read_exactly(client, 4))
        elif address_type == 3:
            (length,) = _read_exactly(client, 1)
            host = _read_exactly(client, length).decode()
        else:
            _read_exactly(client, 16 + 2)
            client.sendall(bytes([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]))  # address type not supported
            return None
        port = int.from_bytes(_read_exactly(client, 2), "big")
        self.destinations.append((host, port))
        if version != 5 or command != 1 or host not in ("127.0.0.1", "localhost"):
            client.sendall(bytes([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]))  # not allowed: loopback only
            return None
        try:
            target = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            client.sendall(bytes([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]))  # connection refused
            return None
        target.settimeout(None)
        client.sendall(bytes([5, 0, 0, 1, 127, 0, 0, 1]) + port.to_bytes(2, "big"))
        return target

    def _relay(self, client, target):
        upstream = threading.Thread(target=_pipe, args=(client, target), daemon=True)
        upstream.start()
        _pipe(target, client)
        upstream.join()
        target.close()
