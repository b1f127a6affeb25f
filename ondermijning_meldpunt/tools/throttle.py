"""Rate limits for the public pages that keep no address.

Each limit counts events per key in this process's memory only, for a short
window. The key is a keyed hash (HMAC-SHA256) of the address (or receipt
code) under a random key that the process makes for each window and throws
away after the next one: nothing is written to the database, the filestore
or a log, nothing survives a restart, and two windows later not even the
hash of an address can be recomputed. An IPv6 address counts by its /64
network, which one subscriber usually has whole.

With several worker processes each counts on its own, so the effective
limit is the limit times the number of workers: still a brake on a flood,
which is what it is for (the proxy can add a stricter one, see README)."""

import collections
import hashlib
import hmac
import ipaddress
import os
import threading
import time

# Memory bound per window: beyond it, new keys count together under one.
MAX_KEYS = 50000
OVERFLOW = b"overflow"


def network_of(address):
    """The part of an address that names a subscriber."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or ""
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class _Generation:
    __slots__ = ("events", "key", "started")

    def __init__(self, now):
        self.key = os.urandom(32)
        self.started = now
        self.events = collections.defaultdict(collections.deque)


class Throttle:
    """At most ``limit`` events per key within ``window`` seconds."""

    def __init__(self, name, window):
        self.name = name
        self.window = window
        self._lock = threading.Lock()
        self._clock = time.monotonic
        self.reset()

    def reset(self):
        with self._lock:
            now = self._clock()
            self._current = _Generation(now)
            self._previous = _Generation(now)

    def _rotate(self, now):
        if now - self._current.started >= self.window:
            self._previous = self._current
            self._current = _Generation(now)
            if now - self._previous.started >= 2 * self.window:
                self._previous = _Generation(now)

    @staticmethod
    def _digest(generation, value):
        digest = hmac.new(generation.key, value.encode(), hashlib.sha256).digest()
        if digest not in generation.events and len(generation.events) >= MAX_KEYS:
            return OVERFLOW
        return digest

    def _recent(self, value, now):
        """The times of this key's events within the window, both
        generations together."""
        since = now - self.window
        times = []
        for generation in (self._previous, self._current):
            digest = self._digest(generation, value)
            events = generation.events.get(digest)
            if not events:
                continue
            while events and events[0] < since:
                events.popleft()
            if not events:
                del generation.events[digest]
            times.extend(events)
        return sorted(times)

    def wait(self, value, limit):
        """Seconds until ``value`` may act again (0: now)."""
        if limit <= 0:
            return 0
        with self._lock:
            now = self._clock()
            self._rotate(now)
            times = self._recent(value, now)
            if len(times) < limit:
                return 0
            return max(1, int(times[-limit] + self.window - now) + 1)

    def add(self, value):
        with self._lock:
            now = self._clock()
            self._rotate(now)
            self._current.events[self._digest(self._current, value)].append(now)

    def hit(self, value, limit):
        """Count an event; the wait (seconds) when it is over the limit, in
        which case it is not counted."""
        waiting = self.wait(value, limit)
        if not waiting:
            self.add(value)
        return waiting

    def stored_keys(self):
        """What this throttle holds, for tests: hashes and times only."""
        with self._lock:
            return [
                key
                for generation in (self._previous, self._current)
                for key in generation.events
            ]


WINDOW = 600
# A report per address; all reports together (a flood from many addresses).
SUBMISSIONS = Throttle("submissions", WINDOW)
# Failed status logins per address, and per receipt code (guessing one
# receipt's secret from many addresses).
LOGIN_FAILURES = Throttle("login failures", WINDOW)
DEFAULT_LIMITS = {
    "submissions_per_address": 5,
    "submissions_total": 120,
    "login_failures_per_address": 10,
    "login_failures_per_receipt": 5,
}


def reset_all():
    SUBMISSIONS.reset()
    LOGIN_FAILURES.reset()
