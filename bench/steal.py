"""How much CPU time the hypervisor gave other machines: ``python bench/steal.py COMMAND...``.

This machine is a virtual machine on a shared host. While it has work, the hypervisor may run
other machines instead ("steal" time in Linux's ``/proc/stat``), and on this host that moved
every benchmark's wall times by up to 5× with nothing else running here. Run as a command, this
runs COMMAND and then prints on stderr the share of the machine's CPU time stolen during it;
``bench/server.py`` reads the same counters for each of its scenarios.
"""

from __future__ import annotations

import subprocess
import sys

# Fields of /proc/stat's "cpu" line: user nice system idle iowait irq softirq steal (guest time is
# already counted in user).
_FIELDS = 8
_STEAL = 7


def machine_times() -> list[int]:
    """The whole machine's CPU time so far by kind, in clock ticks (Linux ``/proc/stat``)."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1 : _FIELDS + 1]]


def steal_share(before: list[int], after: list[int]) -> float:
    """The share of the machine's CPU time between two :func:`machine_times` that was stolen."""
    spent = [later - earlier for earlier, later in zip(before, after)]
    return spent[_STEAL] / max(sum(spent), 1)


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: python bench/steal.py COMMAND [ARGUMENT...]", file=sys.stderr)
        return 2
    before = machine_times()
    returncode = subprocess.call(sys.argv[1:])
    print(f"host steal {steal_share(before, machine_times()):.1%}", file=sys.stderr)
    return returncode


if __name__ == "__main__":
    sys.exit(main())
