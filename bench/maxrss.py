"""Interpreter wrapper for the benchmarks: maxrss.py FILE PYTHON ARGS... runs PYTHON ARGS (stdin passed through)
and appends the child's peak RSS in KiB to FILE."""
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], 'a') as f:
    f.write('%d\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
