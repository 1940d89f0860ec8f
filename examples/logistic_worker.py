#!/usr/bin/env python3
"""logistic_worker.py -- labrat's demo experiment (the Lyapunov exponent of
the logistic map x -> r x (1 - x), started at x0) as a persistent worker:
started once per engine with --worker, it reads one point per line on
standard input and answers one JSON line per point on standard output.
Its imports and set-up are paid once, not once per point.

    labrat run --worker -p 'r=2.8..4:0.01' -p 'x0={0.1,0.2,0.3}' -- \\
        python3 examples/logistic_worker.py

A point it cannot compute is answered {"@error": "why"}: that point fails
with the message and the worker goes on.  Without --worker the same script
serves the one point it is sent and exits (one process per point).
"""
import json
import math
import sys


def lyapunov(r, x, iterations=20000, transient=1000):
    for _ in range(transient):
        x = r * x * (1 - x)
    total = 0.0
    for _ in range(iterations):
        x = r * x * (1 - x)
        # |f'(x)| = |r (1 - 2x)|; a superstable point gives log 0.
        total += math.log(max(abs(r * (1 - 2 * x)), 1e-300))
    return total / iterations, x


for line in sys.stdin:
    point = json.loads(line)
    try:
        r, x0 = float(point["r"]), float(point["x0"])
        iterations = int(point.get("iterations", 20000))
        if not (0 <= r <= 4 and 0 <= x0 <= 1 and iterations >= 1):
            raise ValueError(f"r={r} x0={x0} iterations={iterations} "
                             "out of range")
        lyap, x = lyapunov(r, x0, iterations)
        answer = {"lyapunov": lyap, "x": x}
    except (KeyError, ValueError) as e:
        answer = {"@error": f"{type(e).__name__}: {e}"}
    print(json.dumps(answer), flush=True)
