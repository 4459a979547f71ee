#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Worst-case stack from a library entry point to the user's callback.

Reads the .ci files GCC writes with -fstack-usage -fcallgraph-info=su (one per
object: every function's frame size and its call edges, indirect calls going
to "__indirect_call"), and finds the deepest path from each ROOT to an
indirect call, i.e. to the application's callback: the sum of the frames on
the way. Functions outside the library (memcpy, memset, memcmp) have no frame
size here and count as 0; their own (small, leaf) frames come on top.

usage: stack.py LIMIT ROOT[,ROOT...] FILE.ci...
Prints each root's deepest path; exits 1 if one exceeds LIMIT bytes, if a
frame on it is dynamic, or if recursion lies on a path to the callback (no
bound). Recursion elsewhere (the decoder's nested tunnels, bounded by their
depth limit, returns before any callback runs) is listed, not counted.
"""
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r'\\n(\d+) bytes \(([a-z,]+)\)')


def main():
    limit = int(sys.argv[1])
    roots = sys.argv[2].split(",")
    frames, dynamic, calls = {}, set(), {}
    for path in sys.argv[3:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = NODE.search(line)
                if m:
                    s = SIZE.search(m.group(2))
                    if s:
                        frames[m.group(1)] = int(s.group(1))
                        if s.group(2) != "static":
                            dynamic.add(m.group(1))
                    continue
                m = EDGE.search(line)
                if m:
                    calls.setdefault(m.group(1), set()).add(m.group(2))

    memo, onpath, cycles = {}, [], set()

    def deepest(fn):
        """(bytes, path) of the deepest path from fn to an indirect call, or None."""
        if fn == "__indirect_call":
            return (0, [fn])
        if fn in memo:
            return memo[fn]
        if fn in onpath:
            cycles.add(" -> ".join(n.split(":")[-1] for n in onpath[onpath.index(fn):] + [fn]))
            return None  # a cycle back to fn: counted once, via the path that entered it
        onpath.append(fn)
        best = None
        for callee in sorted(calls.get(fn, ())):
            sub = deepest(callee)
            if sub is not None and (best is None or sub[0] > best[0]):
                best = sub
        onpath.pop()
        if best is not None:
            best = (best[0] + frames.get(fn, 0), [fn] + best[1])
        memo[fn] = best
        return best

    worst = 0
    for root in roots:
        if root not in frames:
            sys.exit(f"stack.py: {root} not found in the call graph")
        got = deepest(root)
        if got is None:
            print(f"{root}: never reaches a callback")
            continue
        total, chain = got
        shown = " -> ".join(f"{n.split(':')[-1]}({frames.get(n, 0)})" for n in chain)
        print(f"{root}: {total} bytes to the callback: {shown}")
        for n in chain:
            if n in dynamic:
                sys.exit(f"stack.py: {n} has a dynamic frame: no bound")
        worst = max(worst, total)
        for n in chain:
            for c in cycles:
                if n.split(":")[-1] in c.split(" -> "):
                    sys.exit(f"stack.py: recursion on the path to the callback ({c}): no bound")
    for c in sorted(cycles):
        print(f"recursion, not on a path to a callback: {c}")
    if worst > limit:
        print(f"worst-case stack {worst} bytes exceeds the limit of {limit}")
        return 1
    print(f"worst-case stack {worst} bytes (limit {limit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
