"""A TCP relay that drops its connections once, in the middle of a request: a link that goes down."""

from __future__ import annotations

import socket
import threading

from tests.servers import free_port


class CuttingProxy:
    """A TCP relay to the portal that drops every connection once, when ``cut_after`` bytes have gone up."""

    def __init__(self, upstream_port: int, cut_after: int) -> None:
        self.port = free_port()
        self.upstream_port = upstream_port
        self.cut_after = cut_after
        self.sent = 0
        self.cut = threading.Event()
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(downstream, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, downstream, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(1024 * 1024):
                target.sendall(data)
                if counted:
                    with self._lock:
                        self.sent += len(data)
                        drop = not self.cut.is_set() and self.sent >= self.cut_after
                        if drop:
                            self.cut.set()
                    if drop:  # the link goes down in the middle of a request
                        for end in (source, target):
                            end.shutdown(socket.SHUT_RDWR)
                        return
        except OSError:
            pass
        finally:
            for end in (source, target):
                end.close()

    def close(self) -> None:
        self._server.close()
