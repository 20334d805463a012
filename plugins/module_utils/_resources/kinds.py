# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of link kinds, by the kernel's name for them: net_info describes each link with its kind's resource
(a link of a kind not listed here shows the fields every link has). A kind with a module that is missing here fails
tests/unit/plugins/module_utils/_resources/test_kinds.py."""

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge import Bridge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.macvlan import Macvlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.veth import Veth
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan import Vxlan

KINDS = dict((kind.kind, kind) for kind in (Bridge, Macvlan, Veth, Vxlan))
