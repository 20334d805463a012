# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    # What every module of the collection shares: attributes and requirements.
    DOCUMENTATION = r'''
requirements:
  - pyroute2 0.7.2 or newer on the managed host (Debian's C(python3-pyroute2) or C(pip install pyroute2)).
  - Root (CAP_NET_ADMIN, and CAP_SYS_ADMIN for named namespaces).
attributes:
  check_mode:
    support: full
    description: Computes the exact plan (returned in RV(actions) and RV(diff)) and changes nothing. A namespace
      that does not exist yet is assumed to be created by an earlier task; it is never created by a lookup.
  diff_mode:
    support: full
    description: RV(diff) holds the resource before and after.
  platform:
    platforms: linux
    support: full
    description: Linux only; talks netlink directly, no C(ip) command is run.
  idempotent:
    support: full
    description: A second run with the same options reports no change.
notes:
  - Options that are not set are not managed; only what you set is compared and changed.
'''

    # The namespace option of every module that works inside one namespace.
    NETNS = r'''
options:
  netns:
    description:
      - Name of the network namespace (as in C(ip netns), a file under C(/run/netns)) to work in.
      - Omitted, the module works in the namespace it runs in.
      - A namespace that does not exist is an error (in check mode, a predicted change); it is never created
        here (use M(linuxnet.fabric.netns)).
      - Can be set for all modules at once with C(module_defaults) and the group C(group/linuxnet.fabric.fabric).
    type: str
'''

    # Options every link module has (plugins/module_utils/_resources/link.py COMMON: the first line of each
    # description is the option's doc line there, tests/unit checks it).
    LINK = r'''
options:
  name:
    description: Interface name, 1 to 15 bytes of printable ASCII, without C(/), C(:), C(%) or whitespace.
    type: str
    required: true
  state:
    description: C(present) creates or updates the interface, C(absent) removes it (only if it is of this kind).
    type: str
    choices: [present, absent]
    default: present
  mtu:
    description: MTU, 68 to 65535. Not managed when omitted.
    type: int
  mac_address:
    description: Unicast MAC address, for example C(02:42:ac:11:00:01). Not managed when omitted.
    type: str
  up:
    description: Whether the interface is administratively up.
    type: bool
    default: true
  alias:
    description: Interface alias (C(ip link set NAME alias TEXT)), up to 255 bytes. Not managed when omitted.
    type: str
  addresses:
    description:
      - Addresses with prefix length to ensure on the interface, for example V(172.17.0.1/16).
      - IPv4 and IPv6. Addresses not listed stay unless O(purge_addresses=true).
    type: list
    elements: str
  purge_addresses:
    description: Remove addresses not listed in O(addresses) (never the IPv6 link-local one).
    type: bool
    default: false
  recreate:
    description: If an interface of another kind holds O(name), delete it and create this one.
    type: bool
    default: false
'''

    # The option of the link kinds that can be a bridge port (link.py MASTER).
    MASTER = r'''
options:
  master:
    description: Bridge to attach the interface to (in the same namespace). Not managed when omitted.
    type: str
'''

    # Every module that changes something takes the host's lock first (plugins/module_utils/_lock.py).
    LOCK = r'''
options:
  lock_timeout:
    description:
      - Seconds to wait for another linuxnet.fabric run that is changing this host to finish. The host is the
        network namespace the module's C(netns) option names, or the one the module runs in when it has no such
        option or it is unset. Runs take turns from reading the state to applying the change, check mode
        included, so two playbooks against one host at once never interleave their changes, while hosts
        simulated as namespaces of one machine converge side by side.
      - On timeout the task fails without changing anything, naming the run that holds the lock (PID, module,
        since when). V(0) fails at once if the host is busy.
      - The lock is an C(flock) on a file in C(/run/linuxnet.fabric); the kernel releases it when its holder
        exits or is killed.
    type: int
    default: 60
'''
