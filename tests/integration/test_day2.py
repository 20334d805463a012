"""Day 2: every change to a running overlay converges it safely (the lab of lab.py, 3 hosts, 4 where one is added;
l2 and l3).

Each test starts from a converged overlay whose ping matrix passes, applies one change of the inventory, and
asserts: the role run succeeds; the VXLAN devices stay quiet while idle (no loop); the remaining endpoints all reach
each other; endpoints whose configuration did not change keep their addresses byte for byte; a second run reports
changed=0; and the lab is the same as a fresh build of the new configuration (the overlay removed with
state=absent, then built again from nothing), compared with harness.shape().
"""
import ipaddress

import pytest

from harness import ip_json, list_netns, nft_rules, shape, shape_diff
from lab import (BRIDGE, UNDERLAY, VX, addresses, assert_full_mesh, assert_quiet, converge, lab_namespaces, load,
                 make_lab, overlay_hosts, peer_entries, playbook, save)

pytestmark = pytest.mark.roles

HOSTS = ['h1', 'h2', 'h3']
PORT = [{'endpoint': 'h1-app1', 'port': 80, 'host_port': 8080}]


def group_vars(lab, **changes):
    lab['all']['vars'].update(changes)


def add_host(lab, name, after=None):
    """Host 'name' (an outsider of the lab, on the underlay) joins the overlay, after host 'after' (else last)."""
    outsider = lab['all']['children']['outsiders']['hosts'].pop(name)
    joined = dict(overlay_network_netns=outsider['lab_netns'], overlay_network_underlay_address=outsider['lab_underlay_address'],
                  overlay_network_endpoints=[{'name': '%s-app%d' % (name, i)} for i in (1, 2)])
    hosts = list(overlay_hosts(lab).items())
    position = len(hosts) if after is None else [h for h, _v in hosts].index(after) + 1
    hosts.insert(position, (name, joined))
    lab['all']['children']['overlay']['hosts'] = dict(hosts)


def remove_host(lab, name):
    """Host 'name' leaves the overlay (it becomes an outsider: its own kernel is not touched)."""
    gone = overlay_hosts(lab).pop(name)
    lab['all']['children']['outsiders']['hosts'] = dict(lab['all']['children']['outsiders']['hosts'] or {},
                                                        **{name: {'lab_netns': gone['overlay_network_netns']}})


def endpoints_of(lab, host):
    return overlay_hosts(lab)[host]['overlay_network_endpoints']


# Each change: (what it does to the inventory, the endpoints that keep their configuration, its own checks).
CHANGES = {
    'vni': (lambda lab: group_vars(lab, overlay_network_vni=43), 'all',
            lambda: all([d['ifname'] for d in ip_json('lab-' + h, 'link', 'show', 'type', 'vxlan')] == ['vx43']
                        for h in HOSTS)),
    'port': (lambda lab: group_vars(lab, overlay_network_dstport=4790), 'all',
             lambda: all(ip_json('lab-h1', '-d', 'link', 'show', 'vx42')[0]['linkinfo']['info_data']['port'] == 4790
                         and 'udp dport 4790' in ' '.join(nft_rules('lab-' + h)) for h in HOSTS)),
    'name': (lambda lab: group_vars(lab, overlay_network_name='ov1', overlay_network_replaces=[BRIDGE]), 'all',
             lambda: all(ip_json('lab-' + h, 'link', 'show', BRIDGE) is None and ip_json('lab-' + h, 'link', 'show', 'ov1')
                         and not any('fabric:ov0' in r for r in nft_rules('lab-' + h)) for h in HOSTS)),
    'mode': (None, 'none', None),  # l2 <-> l3: set per test
    'mtu': (lambda lab: group_vars(lab, overlay_network_mtu=1400), 'all',
            lambda: all(ip_json('lab-' + h, 'link', 'show', VX)[0]['mtu'] == 1400 for h in HOSTS)),
    'subnet': (lambda lab: group_vars(lab, overlay_network_subnet='10.245.0.0/16'), 'none',
               lambda: all(not any(a.startswith('10.244.') for a in addresses('lab-' + h, BRIDGE)) for h in HOSTS)),
    'host-added-last': (lambda lab: add_host(lab, 'h4'), 'all', None),
    'host-added-middle': (lambda lab: add_host(lab, 'h4', after='h1'), 'all', None),
    'first-host-removed': (lambda lab: remove_host(lab, 'h1'), 'all', None),
    'middle-host-removed': (lambda lab: remove_host(lab, 'h2'), 'all', None),
    'last-host-removed': (lambda lab: remove_host(lab, 'h3'), 'all', None),
    'endpoint-added': (lambda lab: endpoints_of(lab, 'h1').append({'name': 'h1-app3'}), 'all', None),
    'endpoint-removed': (lambda lab: (endpoints_of(lab, 'h1').pop(), group_vars(lab, overlay_network_purge_endpoints=True)),
                         'all', lambda: 'h1-app2' not in list_netns()),
    'endpoint-renamed': (lambda lab: (endpoints_of(lab, 'h1').__setitem__(1, {'name': 'h1-web2'}),
                                      group_vars(lab, overlay_network_purge_endpoints=True)),
                         'all', lambda: 'h1-app2' not in list_netns() and 'h1-web2' in list_netns()),
    'port-published': (lambda lab: overlay_hosts(lab)['h1'].update(overlay_network_published_ports=PORT), 'all',
                       lambda: any('publish:tcp:8080' in r for r in nft_rules('lab-h1'))),
    'port-unpublished': (lambda lab: overlay_hosts(lab)['h1'].pop('overlay_network_published_ports'), 'all',
                         lambda: not any('publish' in r for r in nft_rules('lab-h1'))),
}


def pin_slices(lab, hosts, folder):
    """The inventory with each host's slices pinned to the ones its bridge holds (its gateway's)."""
    prefix = {4: lab['all']['vars'].get('overlay_network_host_prefix', 24), 6: 64 if
              lab['all']['vars']['overlay_network_mode'] == 'l3' else 80}
    for h in hosts:
        bridge = lab['all']['vars']['overlay_network_name']
        for cidr in addresses('lab-' + h, bridge):
            ip = ipaddress.ip_interface(cidr).ip
            key = 'overlay_network_host_subnet' + ('' if ip.version == 4 else '6')
            overlay_hosts(lab)[h][key] = str(ipaddress.ip_network('%s/%d' % (ip, prefix[ip.version]), strict=False))
    return save(lab, folder / 'resolved.yml')


def hosts_of(lab):
    return list(overlay_hosts(lab))


def endpoint_addresses(hosts):
    return {ns: addresses(ns) for ns in list_netns() if ns.split('-')[0] in hosts and ns != 'lab-underlay'}


def run_role(inventory, hosts, *args):
    recap = converge(inventory, *args, hosts=hosts)
    return recap


@pytest.mark.parametrize('mode', ['l2', 'l3'])
@pytest.mark.parametrize('change', sorted(CHANGES))
def test_change(change, mode, tmp_path):
    inventory = make_lab(tmp_path, mode)
    lab = load(inventory)
    if change == 'port-unpublished':  # the base publishes the port that the change removes
        overlay_hosts(lab)['h1']['overlay_network_published_ports'] = PORT
        save(lab, inventory)
    run_role(inventory, HOSTS)
    assert_full_mesh(HOSTS)
    before = endpoint_addresses(HOSTS)

    edit, kept, check = CHANGES[change]
    if change == 'mode':
        group_vars(lab, overlay_network_mode='l3' if mode == 'l2' else 'l2')
    else:
        edit(lab)
    changed = save(lab, tmp_path / 'changed.yml')
    hosts = hosts_of(lab)
    run_role(changed, hosts)

    assert_quiet(hosts)
    assert_full_mesh(hosts, count=sum(len(endpoints_of(lab, h)) for h in hosts))
    if kept == 'all':
        after = endpoint_addresses(hosts)
        same = {ns: after[ns] for ns in before if ns in after and ns.split('-')[0] in hosts}
        assert same == {ns: before[ns] for ns in same}, 'addresses moved'
        assert len(same) >= 2 * len(set(hosts) & set(HOSTS)) - 1, (same, before, after)
    if check is not None:
        assert check(), change
    for h in hosts:  # what the others hold about a host that left
        for gone in set(HOSTS) - set(hosts):
            held = peer_entries(h)
            assert UNDERLAY[gone] not in str(held), (h, gone, held)

    assert all(r['changed'] == 0 for r in run_role(changed, hosts).values()), 'second run changed something'
    converged = shape(lab_namespaces())
    # A fresh build of the new configuration as it was resolved (each host's slice pinned to the one it holds): the
    # overlay removed from every host, then built again.
    resolved = pin_slices(lab, hosts, tmp_path)
    run_role(resolved, hosts, '-e', 'overlay_network_state=absent')
    run_role(resolved, hosts)
    fresh = shape(lab_namespaces())
    assert converged == fresh, 'the changed lab differs from a fresh build:\n' + shape_diff(fresh, converged)


@pytest.mark.parametrize('mode', ['l2', 'l3'])
def test_absent_then_present(mode, tmp_path):
    inventory = make_lab(tmp_path, mode)
    run_role(inventory, HOSTS)
    built = shape(lab_namespaces())
    run_role(inventory, HOSTS, '-e', 'overlay_network_state=absent')
    for h in HOSTS:
        links = [x['ifname'] for x in ip_json('lab-' + h, 'link', 'show')]
        assert links == ['lo', 'eth0'] and nft_rules('lab-' + h) == [], (h, links)
    assert [ns for ns in list_netns() if '-app' in ns] == []
    run_role(inventory, HOSTS)
    assert shape(lab_namespaces()) == built
    assert_full_mesh(HOSTS)


def test_renaming_without_replaces_is_refused_and_changes_nothing(tmp_path):
    inventory = make_lab(tmp_path, 'l2')
    run_role(inventory, HOSTS)
    built = shape(lab_namespaces())
    lab = load(inventory)
    group_vars(lab, overlay_network_name='ov1')
    recap, results, output = playbook('overlay_network.yml', save(lab, tmp_path / 'renamed.yml'))
    assert all(r['failed'] == 1 and r['changed'] == 0 for r in recap.values()), output
    messages = [str(r.get('msg')) for r in results if r['failed']]
    assert all('belongs to network ov0' in m and 'replaces: [ov0]' in m for m in messages), messages
    assert shape(lab_namespaces()) == built


def test_numbers_from_the_command_line_are_numbers(tmp_path):
    """-e key=value gives strings: the role takes them as its argument spec says (the VNI crashed the plan before)."""
    inventory = make_lab(tmp_path, 'l3')
    run_role(inventory, HOSTS)
    args = ('-e', 'overlay_network_vni=43', '-e', 'overlay_network_mtu=1400', '-e', 'overlay_network_host_prefix=24',
            '-e', 'overlay_network_restrict_peers=yes')
    run_role(inventory, HOSTS, *args)
    assert all([d['ifname'] for d in ip_json('lab-' + h, 'link', 'show', 'type', 'vxlan')] == ['vx43'] for h in HOSTS)
    assert ip_json('lab-h2', 'link', 'show', 'vx43')[0]['mtu'] == 1400
    assert_full_mesh(HOSTS)
    assert all(r['changed'] == 0 for r in run_role(inventory, HOSTS, *args).values())


def test_a_pin_on_a_slice_another_host_holds_is_refused_naming_both(tmp_path):
    inventory = make_lab(tmp_path, 'l3')
    run_role(inventory, HOSTS)
    built = shape(lab_namespaces())
    lab = load(inventory)
    overlay_hosts(lab)['h3']['overlay_network_host_subnet'] = '10.244.0.0/24'  # h1's
    recap, results, output = playbook('overlay_network.yml', save(lab, tmp_path / 'pinned.yml'))
    assert all(r['failed'] == 1 and r['changed'] == 0 for r in recap.values()), output
    messages = set(str(r.get('msg')) for r in results if r['failed'])
    assert len(messages) == 1 and "host 'h1'" in str(messages) and "host 'h3'" in str(messages), messages
    assert shape(lab_namespaces()) == built
