"""linuxnet.fabric.net_info against `ip -j` and `bridge -j` on the same state, field by field.

The state: the seed topology (docker0 172.17.0.1/16, nginx-1 and nginx-2 plugged in with veth pairs, eth0
172.17.0.2/.3 inside, default routes via the bridge) plus an underlay veth, a vxlan on the bridge with two
remotes, FDB entries (a vxlan device entry, a static bridge entry), neighbour entries, an IPv6 address and a
route in another table.
"""
import ipaddress
import json
import os
import subprocess
import time

from harness import ip_json, list_netns, run, sh, snapshot, snapshot_diff
from lifecycle import checked, task

SEED = [
    task('netns', name='nginx-1', loopback_up=True),
    task('netns', name='nginx-2', loopback_up=True),
    task('bridge', name='docker0', addresses=['172.17.0.1/16', 'fd00:17::1/64']),
    task('veth', name='veth-nginx-1', master='docker0',
         peer=dict(name='eth0', netns='nginx-1', addresses=['172.17.0.2/16'])),
    task('veth', name='veth-nginx-2', master='docker0',
         peer=dict(name='eth0', netns='nginx-2', addresses=['172.17.0.3/16'])),
    task('route', netns='nginx-1', dst='default', gateway='172.17.0.1'),
    task('route', netns='nginx-2', dst='default', gateway='172.17.0.1'),
    task('veth', name='ul0', addresses=['198.18.0.1/24'], peer=dict(name='ul0-peer')),
    task('vxlan', name='vx0', vni=42, local='198.18.0.1', dev='ul0', learning=False, master='docker0', mtu=1450,
         remotes=['198.18.0.2', '198.18.0.3']),
    task('fdb', interface='vx0', mac='02:42:ac:11:00:09', dst='198.18.0.2', self=True),
    task('fdb', interface='veth-nginx-1', mac='02:42:ac:11:00:0a', master=True),
    task('neighbor', interface='docker0', ip='172.17.0.9', mac='02:42:ac:11:00:09'),
    task('neighbor', netns='nginx-1', interface='eth0', ip='172.17.0.3', mac='02:42:ac:11:00:03'),
    task('route', dst='10.9.0.0/16', gateway='172.17.0.2', table=100),
    task('macvlan', name='mv0', netns='nginx-2', parent='ul0-peer', mode='private'),
]


def build():
    res = run(SEED)
    assert [(r['_task'], r.get('msg')) for r in res if r['failed']] == []


def bridge_fdb(netns):
    cmd = ['bridge'] + (['-n', netns] if netns else []) + ['-j', 'fdb', 'show']
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out) if out.strip() else []


# --- what ip and bridge show, in net_info's terms ---------------------------------------------------------------
def ip_links(netns):
    """name -> the fields net_info has, from `ip -j -d link`."""
    # ip names the namespaces under /run/netns; the only one without a name here is the sandbox's own ('')
    nsids = dict((e['nsid'], e.get('name', '')) for e in ip_json(netns, 'netns', 'list-id') or [])
    links = {}
    for link in ip_json(netns, '-d', 'link', 'show'):
        info = link.get('linkinfo', {})
        data = info.get('info_data', {})
        kind = info.get('info_kind', 'device')
        entry = dict(name=link['ifname'], index=link['ifindex'], kind=kind, master=link.get('master'),
                     mtu=link['mtu'], mac_address=link.get('address'), up='UP' in link['flags'],
                     alias=link.get('ifalias'))
        if kind == 'veth':  # ip names a peer in the same namespace ('link'), else gives its index
            entry['peer'] = dict(netns=nsids[link['link_netnsid']] if 'link_netnsid' in link else netns or '',
                                 index=link.get('link_index'), name=link.get('link'))
        if kind == 'vxlan':
            entry.update(vni=data['id'], dstport=data['port'], local=data.get('local'), dev=data.get('link'),
                         learning=data['learning'], ttl=data['ttl'])
        if kind == 'bridge':
            entry['stp'] = bool(data['stp_state'])
        if kind == 'macvlan':  # ip names a parent in the same namespace, else gives its index
            there = nsids[link['link_netnsid']] if 'link_netnsid' in link else netns or ''
            entry.update(mode=data['mode'], parent_netns=there, parent=link.get('link') or [
                other['ifname'] for other in ip_json(there or None, 'link', 'show')
                if other['ifindex'] == link['link_index']][0])
        links[link['ifname']] = entry
    return links


def ip_addresses(netns):
    return dict((link['ifname'], sorted('%s/%d' % (a['local'], a['prefixlen']) for a in link['addr_info']
                                        if not a['local'].startswith('fe80:')))
                for link in ip_json(netns, 'addr', 'show'))


def ip_routes(netns):
    """(dst, table, gateway, dev, metric, scope, type, proto, onlink) of every route but table local's and the
    kernel's IPv6 link-local ones."""
    tables = dict(main=254, default=253)
    found = []
    for family in ('-4', '-6'):
        for r in ip_json(netns, family, 'route', 'show', 'table', 'all'):
            if r.get('table') == 'local' or (r['dst'] == 'fe80::/64' and r.get('protocol') == 'kernel'):
                continue
            dst = r['dst'] if r['dst'] != 'default' else ('::/0' if family == '-6' else '0.0.0.0/0')
            found.append((ipaddress.ip_network(dst).compressed, int(tables.get(r.get('table', 'main'), r.get('table'))),
                          r.get('gateway'), r.get('dev'), r.get('metric', 0), r.get('scope', 'global'),
                          r.get('type', 'unicast'), r.get('protocol', 'boot'), 'onlink' in r.get('flags', [])))
    return sorted(found, key=repr)


def ip_fdb(netns):
    """(interface, mac, master, dst, permanent) of the static entries (what net_info documents)."""
    found = []
    for e in bridge_fdb(netns):
        multicast = int(e['mac'][:2], 16) & 1
        if 'self' in e['flags']:
            vxlan = ip_json(netns, '-d', 'link', 'show', e['ifname'])[0]['linkinfo']['info_kind'] == 'vxlan'
            if e['state'] in ('permanent', 'static', 'noarp') and (vxlan or not multicast):
                found.append((e['ifname'], e['mac'], False, e.get('dst'), e['state'] == 'permanent'))
        elif e.get('master') and e['state'] == 'static':
            found.append((e['ifname'], e['mac'], True, None, True))
    return sorted(found, key=repr)


def ip_neighbors(netns):
    found = []
    for n in ip_json(netns, 'neigh', 'show', 'nud', 'all'):
        state = [s.lower() for s in n['state'] if s in ('PERMANENT', 'NOARP')]
        if state and n['dev'] != 'lo' and not ipaddress.ip_address(n['dst']).is_multicast:
            found.append((n['dev'], ipaddress.ip_address(n['dst']).compressed, n['lladdr'], state[0]))
    return sorted(found)


# --- the comparison ---------------------------------------------------------------------------------------------
def compare(name, ns, all_info):
    netns = name or None
    want = ip_links(netns)
    assert sorted(ns['links']) == sorted(want)
    for link, got in ns['links'].items():
        expected = want[link]
        for key, value in expected.items():
            if key == 'peer':  # ip shows the peer's index; net_info its name: the same link
                peer = got['peer']
                assert peer['netns'] == value['netns'], (name, link, peer)
                if value['name']:
                    assert peer['name'] == value['name'], (name, link, peer)
                else:
                    assert all_info[peer['netns']]['links'][peer['name']]['index'] == value['index'], (name, link, peer)
            else:
                assert got[key] == value, (name, link, key, got[key], value)
        assert got['addresses'] == sorted(got['addresses'], key=lambda a: (':' in a, ipaddress.ip_interface(a)))
    addresses = ip_addresses(netns)
    assert dict((link, sorted(got['addresses'])) for link, got in ns['links'].items()) == addresses
    assert sorted(((r['dst'], r['table'], r['gateway'], r['dev'], r['metric'], r['scope'], r['type'], r['proto'],
                    r['onlink']) for r in ns['routes']), key=repr) == ip_routes(netns)
    assert sorted(((e['interface'], e['mac'], e['master'], e['dst'], e['permanent']) for e in ns['fdb']),
                  key=repr) == ip_fdb(netns)
    assert sorted((n['interface'], n['ip'], n['mac'], n['state']) for n in ns['neighbors']) == ip_neighbors(netns)


def test_net_info_shows_what_ip_and_bridge_show_and_changes_nothing():
    build()
    before = snapshot()
    info, in_check, facts, seen, current, one = run([
        task('net_info'),
        checked(task('net_info')),
        task('net_info', netns=['nginx-1'], as_facts=True),
        {'name': 'facts', 'ansible.builtin.debug': {'var': 'fabric_net'}},
        task('net_info', netns=[''], gather=['routes', 'neighbors']),
        task('net_info', netns=['nginx-2', ''], gather=['addresses']),
    ])
    assert snapshot() == before, 'net_info changed the kernel:\n' + snapshot_diff(before, snapshot())
    for r in (info, in_check, facts, current, one):
        assert not r['failed'] and not r['changed'], r
    net = info['net']
    assert list(net['namespaces']) == ['', 'nginx-1', 'nginx-2']
    assert [ns['source'] for ns in net['namespaces'].values()] == ['current', 'named', 'named']
    for name, ns in net['namespaces'].items():
        compare(name, ns, net['namespaces'])

    root = net['namespaces']['']
    assert root['links']['veth-nginx-1']['peer'] == dict(name='eth0', netns='nginx-1')
    assert net['namespaces']['nginx-2']['links']['eth0']['peer'] == dict(name='veth-nginx-2', netns='')
    assert root['links']['ul0']['peer'] == dict(name='ul0-peer', netns='')
    assert root['links']['vx0']['remotes'] == ['198.18.0.2', '198.18.0.3']
    assert root['links']['vx0']['learning'] is False and root['links']['docker0']['stp'] is False
    macvlan = net['namespaces']['nginx-2']['links']['mv0']
    assert (macvlan['kind'], macvlan['parent'], macvlan['parent_netns'], macvlan['mode']) == (
        'macvlan', 'ul0-peer', '', 'private')
    assert root['links']['docker0']['addresses'] == ['172.17.0.1/16', 'fd00:17::1/64']
    flood = [e['dst'] for e in root['fdb'] if e['mac'] == '00:00:00:00:00:00']
    assert sorted(flood) == ['198.18.0.2', '198.18.0.3'] and all(e['vni'] == 42 for e in root['fdb'] if e['self'] and e['interface'] == 'vx0')
    assert [r for r in root['routes'] if r['table'] == 100] == [dict(
        dst='10.9.0.0/16', table=100, metric=0, gateway='172.17.0.2', dev='docker0', onlink=False, scope='global',
        type='unicast', proto='static')]  # pyroute2 adds routes as 'static'
    assert [(r['dst'], r['gateway']) for r in net['namespaces']['nginx-1']['routes'] if r['gateway']] \
        == [('0.0.0.0/0', '172.17.0.1')]

    assert in_check['net'] == net  # check mode reads the same
    assert facts['ansible_facts']['fabric_net'] == facts['net'] == dict(namespaces={'nginx-1': net['namespaces']['nginx-1']})
    assert seen['fabric_net'] == facts['net']  # later tasks see the fact
    assert current['net']['namespaces'] == {'': dict(source='current', routes=root['routes'],
                                                     neighbors=root['neighbors'])}
    assert list(one['net']['namespaces']) == ['nginx-2', '']
    assert one['net']['namespaces']['nginx-2'] == dict(source='named', links=net['namespaces']['nginx-2']['links'])


def test_missing_namespace_is_a_clear_error_and_is_not_created():
    run([task('netns', name='nginx-1')])
    before = snapshot()
    missing, in_check = run([
        task('net_info', netns=['nginx-1', 'nope']),
        checked(task('net_info', netns=['nope'])),
    ], ignore_errors=True)
    for r in (missing, in_check):
        assert r['failed'] and "netns='nope': no such network namespace" in r['msg'], r
        assert 'net' not in r
    assert list_netns() == ['nginx-1']
    assert snapshot() == before, snapshot_diff(before, snapshot())


def test_namespaces_without_a_name(tmp_path):
    """A process's namespace and one pinned by a bind mount elsewhere (as /run/docker/netns/ID): listed with all
    the others, keyed by a file of theirs, and given by path; the veth peers in them named by that path; names the
    collection would refuse to make (non-ASCII) shown as the kernel has them."""
    pinned = tmp_path / 'ns'
    process = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    holder = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    try:
        time.sleep(0.2)
        by_pid = '/proc/%d/ns/net' % process.pid
        sh('ip link add br0 type bridge',
           'ip link add vp type veth peer name eth0 netns %d' % process.pid,
           'ip link set vp master br0',
           'touch %s && mount --bind /proc/%d/ns/net %s' % (pinned, holder.pid, pinned),
           'ip link add vx type veth peer name "e\u00a9" netns %d' % holder.pid)
        holder.kill()
        before = snapshot()
        every, given, in_check, wrong = run([
            task('net_info', gather=['links']),
            task('net_info', netns=[by_pid, str(pinned) + '/', ''], gather=['links', 'routes']),
            checked(task('net_info', netns=[by_pid], gather=['links'])),
            task('net_info', netns=['/etc/passwd', '/proc/999999999/ns/net']),
        ])
        assert snapshot() == before, snapshot_diff(before, snapshot())
        namespaces = every['net']['namespaces']
        assert [(k, ns['source']) for k, ns in namespaces.items()] == [
            ('', 'current'), (by_pid, 'pid'), (str(pinned), 'path')]  # a process's first, then mounted files
        assert namespaces['']['links']['vp']['peer'] == dict(name='eth0', netns=by_pid)
        assert namespaces['']['links']['vx']['peer'] == dict(name='e\u00a9', netns=str(pinned))
        assert namespaces[by_pid]['links']['eth0']['peer'] == dict(name='vp', netns='')
        assert namespaces[str(pinned)]['links']['e\u00a9']['kind'] == 'veth'
        inside = json.loads(subprocess.run(['nsenter', '--net=' + by_pid, 'ip', '-j', 'link'], capture_output=True,
                                           text=True, check=True).stdout)
        assert [(link['ifname'], link['ifindex']) for link in inside] == [
            (name, link['index']) for name, link in namespaces[by_pid]['links'].items()]

        assert list(given['net']['namespaces']) == [by_pid, str(pinned), '']  # the path normalised
        assert given['net']['namespaces'][by_pid]['links'] == namespaces[by_pid]['links']
        assert given['net']['namespaces']['']['links']['vp']['peer'] == dict(name='eth0', netns=by_pid)
        assert in_check['net']['namespaces'] == {by_pid: namespaces[by_pid]}
        assert wrong['failed'] and wrong['msg'] == "netns='/etc/passwd': not a network namespace", wrong
    finally:
        process.kill()
        holder.kill()
        subprocess.run(['umount', str(pinned)], check=False)
    bad = {'/proc/%d/ns/mnt' % os.getpid(): 'not a network namespace', '../x': "may not contain '/'",
           '/proc/999999999/ns/net': 'no such network namespace (net_info never creates one)'}
    for (path, why), failed in zip(bad.items(), run([task('net_info', netns=[path]) for path in bad])):
        assert failed['failed'] and failed['msg'].startswith('netns=%r: ' % path) and why in failed['msg'], failed


def test_500_namespaces_in_one_run():
    """Every namespace read, every veth peer found by name (one look-up each, not a search through all)."""
    n = 500
    batch = ['link add br0 type bridge', 'link set br0 up']
    for i in range(n):
        batch += ['netns add c%d' % i, 'link add v%d type veth peer name eth0 netns c%d' % (i, i),
                  'link set v%d master br0 up' % i]
    subprocess.run(['ip', '-batch', '-'], input='\n'.join(batch) + '\n', text=True, check=True)
    started = time.time()
    info, = run([task('net_info')])
    took = time.time() - started
    print('net_info of %d namespaces: %.1f s (ansible-playbook included)' % (n + 1, took))
    namespaces = info['net']['namespaces']
    assert len(namespaces) == n + 1
    assert all(namespaces['']['links']['v%d' % i]['peer'] == dict(name='eth0', netns='c%d' % i) for i in range(n))
    assert all(namespaces['c%d' % i]['links']['eth0']['peer'] == dict(name='v%d' % i, netns='') for i in range(n))
    assert took < 120
