"""Profiles the bridge_network engine in-process (no Ansible): N endpoints, first run then a re-run.
Run inside tests/sandbox:  tests/sandbox .venv/bin/python bench/profile_module.py [N] [pyinstrument|none|count]
'count' counts the netlink requests (calls of pyroute2's IPRoute and requests of the engine's Wire).
Uses the working tree (or $FABRIC_TREE) as the collection, symlinked as ansible_collections/linuxnet/fabric."""
import importlib.util
import os
import resource
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests', 'integration'))
import harness  # noqa: E402

root = tempfile.mkdtemp(prefix='fabric-prof-')
os.makedirs(os.path.join(root, 'ansible_collections', 'linuxnet'))
os.symlink(os.environ.get('FABRIC_TREE', REPO), os.path.join(root, 'ansible_collections', 'linuxnet', 'fabric'))
sys.path.insert(0, root)
if importlib.util.find_spec('ansible') is None:  # e.g. Debian's python3: ansible from the venv, pyroute2 the system's
    sys.path.append(os.path.join(REPO, '.venv', 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages'))

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _reconcile  # noqa: E402
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork  # noqa: E402


REQUESTS = {}


class Counted(object):
    """An IPRoute whose calls are counted in REQUESTS by method (and command)."""

    def __init__(self, ipr):
        self._ipr = ipr

    def __getattr__(self, name):
        attr = getattr(self._ipr, name)
        if not callable(attr) or name.startswith('_') or name in ('close', 'fileno'):
            return attr

        def call(*argv, **kwarg):
            key = name + (' ' + argv[0] if argv and isinstance(argv[0], str) else '')
            REQUESTS[key] = REQUESTS.get(key, 0) + 1
            return attr(*argv, **kwarg)
        return call


def count_requests():
    real, request = _netlink.iproute, _netlink.Wire.request
    _netlink.iproute = lambda: Counted(real())
    names = {_netlink.RTM_GETLINK: 'link get', _netlink.RTM_GETADDR: 'addr get', _netlink.RTM_GETROUTE: 'route get',
             _netlink.RTM_GETNSID: 'nsid get', _netlink.RTM_NEWLINK: 'link add/set', _netlink.RTM_NEWADDR: 'addr add',
             _netlink.RTM_DELADDR: 'addr del', _netlink.RTM_NEWROUTE: 'route add/replace',
             _netlink.RTM_DELROUTE: 'route del'}

    def counted(self, msg_type, flags, body, decoder):
        key = 'wire ' + names.get(msg_type, str(msg_type)) + (
            ' (dump)' if flags & _netlink.NLM_F_DUMP == _netlink.NLM_F_DUMP else '')
        REQUESTS[key] = REQUESTS.get(key, 0) + 1
        return request(self, msg_type, flags, body, decoder)
    _netlink.Wire.request = counted


def converge(n):
    nl = _netlink.Netlink()
    params = dict(network='bench0', bridge='bench0', subnet='10.88.0.0/16', mtu=1500,
                  endpoints=[dict(name='ep%d' % i) for i in range(1, n + 1)])
    try:
        batch = BridgeNetwork(nl, params, False)
        results = _reconcile.converge(batch.resources(), False)
        batch.summarize(results)
        return sum(len(r['actions']) for r in results)
    finally:
        nl.close()


def main():
    harness.require_sandbox()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    how = sys.argv[2] if len(sys.argv) > 2 else 'pyinstrument'
    harness.cleanup()
    if how == 'count':
        count_requests()
    for label in ('first run', 're-run'):
        if how == 'pyinstrument':
            import pyinstrument
            prof = pyinstrument.Profiler(interval=0.001)
            prof.start()
        t = time.monotonic()
        actions = converge(n)
        took = time.monotonic() - t
        import pyroute2.iproute.linux
        print('== %s: N=%d, %d actions, %.2f s, peak RSS %.1f MiB (pyroute2 at %s)' % (
            label, n, actions, took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            pyroute2.iproute.linux.__file__))
        if how == 'count':
            print('   netlink requests: %d (%.1f per endpoint): %s' % (
                sum(REQUESTS.values()), sum(REQUESTS.values()) / float(n), ', '.join(
                    '%s %d' % kv for kv in sorted(REQUESTS.items(), key=lambda kv: -kv[1]))))
            REQUESTS.clear()
        if how == 'pyinstrument':
            prof.stop()
            print(prof.output_text(unicode=False, color=False, show_all=False))
    harness.cleanup()


if __name__ == '__main__':
    main()
