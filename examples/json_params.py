#!/usr/bin/env python3
"""json_params.py -- a labrat experiment in Python that reads its
parameters as one JSON object from standard input and prints its results as
one JSON object on the last line of standard output.

    labrat run -p 'x=linspace(0,1,11)' -p 'k={1,2,3}' -- \
        python3 examples/json_params.py
"""
import json
import math
import sys

params = json.load(sys.stdin)
x = float(params["x"])
k = int(params.get("k", 1))

print("working on", params, file=sys.stderr)
print(json.dumps({
    "y": math.sin(k * math.pi * x),
    "k_times_x": k * x,
    "label": f"x={x:g}, k={k}",
}))
