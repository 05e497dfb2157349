#!/usr/bin/env python3
"""The include graph of load/ against its declared layers (load/layers.txt).

  check_layers.py LOAD_DIR

Reads every .hpp/.cpp under LOAD_DIR and its `#include "load/..."` lines. Fails (exit 1, one line
per problem, FILE:LINE first) when a file sits outside a declared layer, includes a file that
does not exist, includes a layer its own may not (an upward include), or when files include
each other in a circle (x.hpp and x.cpp count as one unit, so `a.cpp -> b.hpp -> a.hpp` is one).
Exit 2 on bad usage or a malformed layers table.
"""
import os
import re
import sys

TESTS = "*_test"  # the layers.txt key for what test files (x_test.cpp, x_test_util.hpp) add
INCLUDE = re.compile(r'^\s*#\s*include\s+"(load/[^"]+)"')


def read_layers(path):
    """{layer: the layers it may include}, and the layers test files may include besides."""
    allowed, tests = {}, set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, sep, deps = line.partition(":")
            name = name.strip()
            if not sep or not name:
                raise ValueError(f"{path}:{number}: expected 'LAYER: LOWER LAYERS...'")
            if name == TESTS:
                tests.update(deps.split())
                continue
            for dep in deps.split():
                if dep not in allowed:
                    raise ValueError(f"{path}:{number}: {name} may include '{dep}', which is not "
                                     "declared above it (layers are listed lowest first)")
            allowed[name] = set(deps.split())
    unknown = tests - set(allowed)
    if unknown:
        raise ValueError(f"{path}: {TESTS} names undeclared layers: {' '.join(sorted(unknown))}")
    return allowed, tests


def unit_of(rel):
    return os.path.splitext(rel)[0]


def find_cycles(graph):
    """Each elementary cycle found by depth-first search, once, as a list of units."""
    cycles, seen, state = [], set(), {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: check_layers.py LOAD_DIR", file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    table = os.path.join(root, "layers.txt")
    try:
        allowed, test_extra = read_layers(table)
    except (OSError, ValueError) as e:
        print(f"check_layers: {e}", file=sys.stderr)
        return 2

    files = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".hpp", ".cpp")):
                files.append(os.path.relpath(os.path.join(folder, name), root))

    problems, graph = [], {}
    for rel in files:
        layer = rel.split(os.sep, 1)[0] if os.sep in rel else None
        where = f"load/{rel}"
        if layer not in allowed:
            problems.append(f"{where}:1: not in a declared layer (folders: {', '.join(allowed)})")
            continue
        graph.setdefault(unit_of(rel), set())
        is_test = re.search(r"_test(_util)?$", unit_of(rel)) is not None
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)[len("load/"):]
                if not os.path.isfile(os.path.join(root, target)):
                    problems.append(f"{where}:{number}: includes {m.group(1)}, which does not exist")
                    continue
                to_layer = target.split("/", 1)[0] if "/" in target else None
                may_include = allowed[layer] | (test_extra if is_test else set())
                if to_layer != layer and to_layer not in may_include:
                    may = " ".join(sorted(may_include)) or "nothing"
                    problems.append(f"{where}:{number}: includes {m.group(1)}: layer {layer} may "
                                    f"not include layer {to_layer or '(top level)'} (it may include: {may})")
                if unit_of(target) != unit_of(rel):
                    graph[unit_of(rel)].add(unit_of(target))

    for cycle in find_cycles(graph):
        problems.append(f"load/{cycle[0]}:1: include cycle: " +
                        " -> ".join(f"load/{u}" for u in cycle))

    for p in problems:
        print(p)
    sys.stdout.flush()
    if problems:
        print(f"check_layers: {len(problems)} problem(s) in {len(files)} files", file=sys.stderr)
        return 1
    print(f"check_layers: {len(files)} files in {len(allowed)} layers, no upward include, "
          "no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
