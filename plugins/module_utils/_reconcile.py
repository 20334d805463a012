# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine: read what is -> compare with what the user set -> ordered plan -> apply (skipped in check mode).

A resource kind subclasses Resource and answers: read() the current state (None when absent) and plan(have)
-> (ops, predicted state). converge() runs any number of resources that share one Netlink (one socket per
namespace), and module_main() is the whole body of a single-resource module.

The engine runs without Ansible too (the boot-time runner): only the *_main() front ends import
ansible.module_utils, when they are called.
"""

import os
import platform
import signal
import sys
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from ansible_collections.linuxnet.fabric.plugins.module_utils import _lock, _netlink, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

LOCK_TIMEOUT = dict(type='int', default=60)
# Fault injection for tests/integration/test_faults.py: the module SIGKILLs itself right after applying this
# many operations, as an OOM kill or a power cut would. Unset (always, outside that test) it does nothing.
KILL_AFTER_OPS = 'LINUXNET_FABRIC_KILL_AFTER_OPS'

PYROUTE2_HINT = "install Debian's python3-pyroute2 or 'pip install pyroute2' for the module's Python interpreter"


def missing_netns(netns):
    """Why a namespace cannot be used, for an error message."""
    if netns.startswith('/'):
        return 'not a network namespace (no such file, or not a namespace file; is the process or container running?)'
    return 'no such network namespace (create it first, e.g. with linuxnet.fabric.netns)'


class Conflict(Exception):
    """The kernel holds something the module must not touch without being asked (e.g. recreate: true)."""


class ApplyFailed(Exception):
    def __init__(self, action, err, done):
        self.done = done
        super(ApplyFailed, self).__init__('failed to %s: %s' % (action, _netlink.describe(err)))


State = Mapping[str, Any]  # a resource as read() finds it and plan() predicts it (e.g. link.LinkState)


class Op(object):
    """One step of a plan: a sentence for 'actions' and the call that does it."""
    __slots__ = ('action', 'apply')

    def __init__(self, action: str, apply: Callable[[], Any]) -> None:
        self.action, self.apply = action, apply


class Resource(object):
    """Base of every resource kind. Subclasses validate their params in __init__ (before any socket opens).
    'read_back': after its ops, converge() reads the state again; False takes the plan's prediction instead (check
    mode's 'after', which equals the real one field for field: tests/integration/lifecycle.py holds it to the next
    run's read), for resources of a batch where a read costs more than the change."""
    kind = None  # type: Optional[str]
    read_back = True

    def __init__(self, nl: Any, params: Dict[str, Any], check_mode: bool) -> None:
        self.nl, self.params, self.check_mode = nl, params, check_mode
        self.notes = []  # type: List[str]

    def note(self, text: str, about: Optional[Tuple[Any, ...]] = None) -> None:
        """Records an assumption check mode made. 'about' names what it assumes exists, e.g. ('netns', 'a');
        no note when an earlier resource of the same run creates it."""
        if about in self.nl.planned:
            return
        if text not in self.notes:
            self.notes.append(text)

    def creates(self) -> List[Tuple[Any, ...]]:
        """What this resource makes exist when present, as keys for note(): ('netns', name) or
        ('link', netns, name)."""
        return []

    def read(self) -> Optional[State]:
        raise NotImplementedError

    def plan(self, have: Optional[State]) -> Tuple[List[Op], Optional[State]]:
        raise NotImplementedError

    def ipr(self, netns: Optional[str], option: str = 'netns') -> Any:
        """The socket of a namespace; a missing one is a clear error naming the option."""
        try:
            return self.nl.ipr(netns)
        except _netlink.NamespaceMissing:
            raise InvalidInput(option, netns, missing_netns(netns))

    def netns_ready(self, netns: Optional[str], option: str = 'netns') -> bool:
        """True when 'netns' can be read. False when it is missing and that is fine: nothing to remove
        (state=absent) or check mode (an earlier task may create it). Otherwise a clear error."""
        if self.nl.exists(netns):
            return True
        if getattr(self, 'state', 'present') == 'absent' or self.missing_in_check(netns, option):
            return False
        self.ipr(netns, option)  # raises InvalidInput naming the option
        return False

    def find_link(self, ipr: Any, option: str, name: str, netns: Optional[str], needed: bool = True,
                  message: bool = True) -> Any:
        """The link message of interface 'name' (not 'message': its index), or None. A missing interface is an
        error unless not 'needed' (nothing to remove) or in check mode (an earlier task may create it: noted)."""
        msg = _netlink.lookup(ipr, name) if message else _netlink.index_or_none(ipr, name)
        if msg is None and needed:
            if not self.check_mode:
                raise InvalidInput(option, name, 'no such interface in %s' % _netlink.where(netns))
            self.note("%s '%s' does not exist yet in %s: assuming an earlier task creates it"
                      % (option, name, _netlink.where(netns)), ('link', netns, name))
        return msg

    def missing_in_check(self, netns: Optional[str], option: str = 'netns') -> bool:
        """True when 'netns' is absent but check mode may assume an earlier task creates it."""
        if self.nl.exists(netns):
            return False
        if self.check_mode:
            self.note("%s '%s' does not exist yet: assuming an earlier task creates it" % (option, netns),
                      ('netns', netns))
            return True
        return False


class OnInterface(Resource):
    """A resource held by one interface (its addresses, an FDB or neighbour entry): options interface, netns, state."""

    def __init__(self, nl: Any, params: Dict[str, Any], check_mode: bool) -> None:
        super(OnInterface, self).__init__(nl, params, check_mode)
        self.interface = _validate.ifname('interface', params.get('interface'))
        self.netns = _validate.netns('netns', params.get('netns'))
        self.state = params.get('state') or 'present'

    def interface_link(self) -> Any:
        """(socket, the interface's link message), the message None when the namespace or the interface is missing
        (an error if state is present, see find_link); (None, None) when the namespace is."""
        if not self.netns_ready(self.netns):
            return None, None
        ipr = self.ipr(self.netns)
        return ipr, self.find_link(ipr, 'interface', self.interface, self.netns, needed=self.state == 'present')


def converge(resources: Iterable[Resource], check_mode: bool) -> List[Dict[str, Any]]:
    """Reads, plans and (unless check_mode) applies each resource in order. Returns one result per resource:
    dict(changed, actions, before, after)."""
    results = []  # type: List[Dict[str, Any]]
    kill_after = int(os.environ.get(KILL_AFTER_OPS) or 0)
    applied = 0
    for res in resources:
        have = res.read()
        ops, predicted = res.plan(have)
        if ops and predicted is not None:
            res.nl.planned.update(res.creates())
        done = []  # type: List[str]
        if not check_mode:
            for op in ops:
                try:
                    op.apply()
                except (_netlink.NetlinkError, OSError) as e:
                    raise ApplyFailed(op.action, e, [a for r in results for a in r['actions']] + done)
                done.append(op.action)
                applied += 1
                if applied == kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)
        after = have if not ops else (predicted if check_mode or not res.read_back else res.read())
        results.append(dict(changed=bool(ops), actions=[op.action for op in ops] + res.notes,
                            before=have or {}, after=after or {}))
    return results


def _attempt(nl, body):
    """body(nl) -> (its result, None), or (None, the failure to report), with the collection's error handling.
    The socket(s) of 'nl' are closed either way."""
    failure = None  # failed outside the except blocks: ansible-core 2.19 would attach a traceback
    try:
        return body(nl), None
    except _netlink.MissingLibrary:
        failure = dict(msg="Failed to import the required Python library (pyroute2) on %s's Python %s. %s"
                       % (platform.node(), sys.executable, PYROUTE2_HINT),
                       exception=_netlink.PYROUTE2_IMPORT_ERROR, missing='pyroute2')
    except (InvalidInput, Conflict, _netlink.NamespaceMissing) as e:
        failure = dict(msg=str(e), changed=False, actions=[])
        if getattr(e, 'missing', None):  # a program the module needs (the roles install it and run again)
            failure['missing'] = e.missing
    except ApplyFailed as e:
        failure = dict(msg=str(e), changed=bool(e.done), actions=e.done)
    except (_netlink.NetlinkError, OSError) as e:
        failure = dict(msg='netlink request failed while reading state: %s' % _netlink.describe(e), changed=False)
    finally:
        nl.close()
    return None, failure


def _locked(module, body):
    """body() while holding this host's lock (see _lock: keyed on the netns option, else the module's own
    namespace): one changing run at a time per host, check mode included,
    so that a plan is never made from a state another run is halfway through changing."""
    timeout = module.params['lock_timeout']
    failure = None
    if timeout < 0:
        failure = 'lock_timeout=%d: must be 0 (do not wait) or more seconds' % timeout
    else:
        named = ['%s=%s' % (k, module.params[k]) for k in ('network', 'name', 'netns')
                 if isinstance(module.params.get(k), str)]
        who = ' '.join([module._name] + named)
        netns = module.params.get('netns')  # the namespace that plays the host (unset: the module's own)
        try:
            with _lock.HostLock(who, timeout, netns if isinstance(netns, str) else None):
                return body()
        except _lock.LockTimeout as e:
            failure = str(e)
        except OSError as e:
            failure = 'cannot take the lock in %s: %s' % (_lock.LOCK_DIR, _netlink.describe(e))
    module.fail_json(msg=failure, changed=False)


def _run(argument_spec, body, result_key, module_kwargs):
    """Runs body(nl, module) -> (changed, actions, before, after) with the collection's error handling."""
    from ansible.module_utils.basic import AnsibleModule
    module = AnsibleModule(argument_spec=dict(argument_spec, lock_timeout=LOCK_TIMEOUT), supports_check_mode=True,
                           **module_kwargs)
    outcome, failure = _locked(module, lambda: _attempt(_netlink.Netlink(), lambda nl: body(nl, module)))
    if failure:
        module.fail_json(**failure)
    changed, actions, before, after = outcome
    module.exit_json(changed=changed, actions=actions, diff=dict(before=before, after=after), **{result_key: after})


def info_main(argument_spec, read, **module_kwargs):
    """The body of a read-only module: read(nl, module) -> dict of results. Never changes anything, so it runs
    the same in check mode; changed is always false. A result with failed=True (and a msg) fails the task with
    all its results (e.g. probe: an expectation was not met)."""
    from ansible.module_utils.basic import AnsibleModule
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **module_kwargs)
    result, failure = _attempt(_netlink.Netlink(read_only=True), lambda nl: read(nl, module))
    if failure:
        failure.pop('actions', None)
        module.fail_json(**failure)
    if result.pop('failed', False):
        module.fail_json(changed=False, **result)
    module.exit_json(changed=False, **result)


def module_main(argument_spec, resource_class, result_key, **module_kwargs):
    """The body of a single-resource module."""
    def body(nl, module):
        result = converge([resource_class(nl, module.params, module.check_mode)], module.check_mode)[0]
        return result['changed'], result['actions'], result['before'], result['after']
    _run(argument_spec, body, result_key, module_kwargs)


def batch_main(argument_spec, batch_class, result_key, **module_kwargs):
    """The body of a module that converges many resources in one run (one socket per namespace).
    batch_class(nl, params, check_mode) validates everything first, then offers resources() and
    summarize(results) -> (before, after), and may collect warnings for the user in batch.warnings."""
    def body(nl, module):
        batch = batch_class(nl, module.params, module.check_mode)
        results = converge(batch.resources(), module.check_mode)
        before, after = batch.summarize(results)
        for warning in getattr(batch, 'warnings', []):
            module.warn(warning)
        return (any(r['changed'] for r in results), [a for r in results for a in r['actions']], before, after)
    _run(argument_spec, body, result_key, module_kwargs)
