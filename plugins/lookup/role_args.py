# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
name: role_args
short_description: A role's variables, checked and turned into the arguments of the module that converges them
version_added: 0.2.0
description:
  - The one place where the roles M(linuxnet.fabric.bridge_network) and M(linuxnet.fabric.overlay_network) check
    their variables, before anything is changed, with the engine's own validation (the same code the modules run).
  - Checks that every variable with the role's prefix is one the role knows (a typo such as
    C(bridge_network_endpoint) is reported with the closest known name); converts values the way the role's
    argument spec says (so C(-e bridge_network_mtu=1400), a string, works); and checks the resulting module
    arguments with the engine. Every problem names the role variable and the path inside it, for example
    C(bridge_network_endpoints[2].address).
  - Never fails. It returns C(problems) (a list of messages) and C(params) (the module arguments, for
    C(module_defaults)).
options:
  _terms:
    description: The role, V(bridge_network) or V(overlay_network).
    required: true
  plan:
    description: For V(overlay_network), the overlay's plan (filter M(linuxnet.fabric.overlay_hosts)).
    type: dict
  pids:
    description: By endpoint name, the PID of the container an endpoint names (resolved by the role).
    type: dict
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Stop on the first problem of the role's variables
  ansible.builtin.fail:
    msg: "{{ lookup('linuxnet.fabric.role_args', 'bridge_network').problems | join('; ') }}"
  when: lookup('linuxnet.fabric.role_args', 'bridge_network').problems | length > 0
'''

RETURN = r'''
_raw:
  description: C(problems) (list of str) and C(params) (dict, the module's arguments; empty when there are problems).
  type: list
  elements: dict
'''

import difflib
import os
import re

import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.lookup import LookupBase
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'roles')
# Variables a role sets itself (registered results, facts): not the user's, never "unknown".
INTERNAL = {'bridge_network': ('bridge_network_result', 'bridge_network_verify_result'),
            'overlay_network': ('overlay_network_result', 'overlay_network_verify_result')}
# Module option -> the role variable it comes from, for messages (a path inside it is kept: endpoints[2].address).
OPTIONS = {
    'bridge_network': dict(network='bridge_network_name', bridge='bridge_network_name', purge='bridge_network_purge_endpoints'),
    'overlay_network': dict(network='overlay_network_name', bridge='overlay_network_name', purge='overlay_network_purge_endpoints',
                            subnet='overlay_network_subnet', subnet6='overlay_network_subnet6',
                            gateway='overlay_network_host_subnet', gateway6='overlay_network_host_subnet6',
                            ip_range='overlay_network_host_subnet', ip_range6='overlay_network_host_subnet6',
                            vxlan='overlay_network'),
}
VXLAN = dict(vni='overlay_network_vni', port='overlay_network_dstport', name='overlay_network_vxlan_name',
             local='overlay_network_underlay_address', dev='overlay_network_underlay_interface',
             mode='overlay_network_mode', restrict_peers='overlay_network_restrict_peers')


def spec_of(role):
    with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as f:
        return yaml.safe_load(f)['argument_specs']['main']['options']


def unknown(role, names, spec):
    """Variables with the role's prefix that the role does not know."""
    known = set(spec) | set(INTERNAL[role])
    problems = []
    for name in sorted(n for n in names if n.startswith(role + '_') and n not in known):
        close = difflib.get_close_matches(name, sorted(spec), n=1)
        problems.append('%s: not a variable of role linuxnet.fabric.%s%s' % (
            name, role, " (did you mean '%s'?)" % close[0] if close else ''))
    return problems


def blank(value):
    return None if value in ('', None) else value


def bridge_params(v, pids):
    p = dict(network=v['bridge_network_name'], bridge=v['bridge_network_name'], netns=blank(v['bridge_network_netns']),
             mtu=v['bridge_network_mtu'] or None, endpoints=endpoints(v['bridge_network_endpoints'], pids),
             purge=v['bridge_network_purge_endpoints'], force=v['bridge_network_force'], state=v['bridge_network_state'],
             masquerade=v['bridge_network_masquerade'], masquerade6=v['bridge_network_masquerade6'],
             isolate=v['bridge_network_isolate'], published_ports=v['bridge_network_published_ports'],
             persist=v['bridge_network_persist'], persist_root=v['bridge_network_persist_root'],
             replaces=v['bridge_network_replaces'])
    for key in ('subnet', 'gateway', 'ip_range', 'subnet6', 'gateway6', 'ip_range6'):
        p[key] = blank(v['bridge_network_' + key])
    return p


def overlay_params(v, plan, host, pids):
    me = plan['hosts'].get(host, {})
    p = dict(network=v['overlay_network_name'], bridge=v['overlay_network_name'], netns=blank(v['overlay_network_netns']),
             mtu=v['overlay_network_mtu'] or None, endpoints=endpoints(v['overlay_network_endpoints'], pids),
             purge=v['overlay_network_purge_endpoints'], force=v['overlay_network_force'], state=v['overlay_network_state'],
             masquerade=v['overlay_network_masquerade'], masquerade6=v['overlay_network_masquerade6'],
             published_ports=v['overlay_network_published_ports'], persist=v['overlay_network_persist'],
             persist_root=v['overlay_network_persist_root'], replaces=v['overlay_network_replaces'])
    for key in ('subnet', 'gateway', 'ip_range', 'subnet6', 'gateway6', 'ip_range6'):
        p[key] = me.get(key)
    if p['state'] == 'present':
        keys = ('subnet', 'subnet6') if v['overlay_network_mode'] == 'l3' else ()
        p['vxlan'] = dict(vni=v['overlay_network_vni'], port=v['overlay_network_dstport'],
                          name=blank(v['overlay_network_vxlan_name']), local=me.get('underlay'),
                          dev=blank(v['overlay_network_underlay_interface']), mode=v['overlay_network_mode'],
                          restrict_peers=v['overlay_network_restrict_peers'],
                          peers=[dict([('underlay', peer['underlay'])] + [(k, peer[k]) for k in keys if k in peer])
                                 for name, peer in sorted(plan['hosts'].items()) if name != host])
    return p


def endpoints(items, pids):
    """The endpoints as the module takes them: a container's becomes its PID."""
    result = []
    for item in items or []:
        item = dict((k, val) for k, val in item.items() if val is not None)
        if 'container' in item:
            item.pop('container')
            item['pid'] = (pids or {}).get(item.get('name'))
        result.append(item)
    return result


def rename(role, option):
    """'endpoints[2].address' -> 'bridge_network_endpoints[2].address'; 'vxlan.local' -> its role variable."""
    head = re.match(r'[a-z_0-9]+', option).group(0)
    rest = option[len(head):]
    if head == 'vxlan':
        sub = re.match(r'\.([a-z_0-9]+)', rest)
        if sub and sub.group(1) in VXLAN:
            return VXLAN[sub.group(1)] + rest[len(sub.group(0)):]
        return 'overlay_network' + rest
    return OPTIONS[role].get(head, '%s_%s' % (role, head)) + rest


def check(role, values, plan=None, host=None, pids=None):
    """(problems, params) for the role's coerced variables."""
    params = bridge_params(values, pids) if role == 'bridge_network' else overlay_params(values, plan, host, pids)
    try:
        BridgeNetwork(None, params, True)
    except InvalidInput as e:
        return ['%s=%r: %s' % (rename(role, e.option), e.value, e.reason)], {}
    return [], params


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        role = terms[0]
        if role not in OPTIONS:
            return [dict(problems=['role_args: unknown role %r (expected bridge_network or overlay_network)' % role],
                         params={})]
        variables = variables or {}
        spec = spec_of(role)
        problems = unknown(role, list(variables), spec)
        raw = dict((name, self._templar.template(variables[name])) for name in spec if name in variables)
        result = ArgumentSpecValidator(spec).validate(raw)
        if result.errors:  # the role's own argument spec validation, which runs first, says which
            problems += [e.msg for e in result.errors]
        if problems:
            return [dict(problems=problems, params={})]
        plan = kwargs.get('plan') or {'problems': [], 'hosts': {}}
        if role == 'overlay_network' and plan.get('problems'):
            return [dict(problems=list(plan['problems']), params={})]
        present = result.validated_parameters.get(role + '_state') == 'present'
        host = variables.get('inventory_hostname')
        if role == 'overlay_network':
            group = result.validated_parameters['overlay_network_group']
            if group and group not in (variables.get('groups') or {}):
                return [dict(problems=['overlay_network_group=%s is not a group of the inventory' % group], params={})]
            if present and 'plan' not in kwargs:
                return [dict(problems=[], params={})]  # the variables alone are sound; the plan comes next
            if present and host not in plan['hosts']:
                return [dict(problems=["host %s is not one of the overlay's hosts (%s: %s)" % (
                    host, 'group ' + group if group else "the play's hosts", ', '.join(sorted(plan['hosts'])))],
                    params={})]
        problems, params = check(role, result.validated_parameters, plan, host, kwargs.get('pids'))
        return [dict(problems=problems, params=params)]
