"""epyc_lab.py -- the peer of labrat's worker benchmark: N trivial points
run by epyc's ParallelLab with an in-process experiment on CORES cores,
every result kept in its in-memory notebook.  Prints the wall time in
seconds.  Run with Debian's python3 and PYTHONPATH naming epyc's source
(../shared/peers/README.md)."""
import sys
import time

import epyc


class Trivial(epyc.Experiment):
    def do(self, params):
        return {"y": 2 * params["x"]}


def main():
    n, cores = int(sys.argv[1]), int(sys.argv[2])
    t0 = time.monotonic()
    lab = epyc.ParallelLab(epyc.LabNotebook(), cores=cores)
    lab["x"] = range(1, n + 1)
    lab.runExperiment(Trivial())
    t = time.monotonic() - t0
    got = lab.notebook().numberOfResults()
    if got != n:
        sys.exit("epyc_lab: %d results of %d" % (got, n))
    print("%.3f" % t)


if __name__ == "__main__":
    main()
