"""The snapshot normalisation of the integration harness (pure functions, no kernel)."""
import harness


def test_links_drop_timers_and_carrier_state():
    link = {'ifname': 'br0', 'operstate': 'DOWN', 'flags': ['BROADCAST', 'UP', 'LOWER_UP'],
            'linkinfo': {'info_kind': 'bridge', 'info_data': {'hello_timer': 1.5, 'stp_state': 0}}}
    [out] = harness.norm_links([link])
    assert out == {'ifname': 'br0', 'flags': ['BROADCAST', 'UP'],
                   'linkinfo': {'info_kind': 'bridge', 'info_data': {'stp_state': 0}}}


def test_addrs_drop_lifetimes_and_dad_flags():
    link = {'ifname': 'e', 'addr_info': [{'local': 'fd00::1', 'prefixlen': 64, 'tentative': True,
                                          'valid_life_time': 4294967295, 'preferred_life_time': 10}]}
    assert harness.norm_addrs([link]) == [{'ifname': 'e', 'addr_info': [{'local': 'fd00::1', 'prefixlen': 64}]}]


def test_routes_drop_ipv6_kernel_local_table_only():
    routes = [{'type': 'local', 'dst': 'fd00::1', 'table': 'local', 'protocol': 'kernel'},
              {'type': 'local', 'dst': '10.0.0.1', 'table': 'local', 'protocol': 'kernel'},
              {'dst': 'fd01::/64', 'gateway': 'fd00::2', 'expires': 30}]
    assert [r['dst'] for r in harness.norm_routes(routes)] == ['10.0.0.1', 'fd01::/64']
    assert 'expires' not in harness.norm_routes(routes)[1]


def test_fdb_keeps_static_entries_only():
    entries = [{'mac': '02:00:00:00:00:01', 'ifname': 'v', 'master': 'br0', 'state': 'static'},
               {'mac': '02:00:00:00:00:02', 'ifname': 'v', 'master': 'br0', 'state': ''},  # learned
               {'mac': '33:33:00:00:00:01', 'ifname': 'v', 'flags': ['self'], 'state': 'permanent'},  # mc list
               {'mac': '00:00:00:00:00:00', 'ifname': 'vx', 'dst': '10.0.0.2', 'flags': ['self'], 'state': 'permanent'}]
    assert [e['mac'] for e in harness.norm_fdb(entries)] == ['00:00:00:00:00:00', '02:00:00:00:00:01']


def test_neigh_keeps_permanent_and_unicast_noarp():
    entries = [{'dst': '10.0.0.3', 'state': ['PERMANENT']}, {'dst': '10.0.0.4', 'state': ['REACHABLE']},
               {'dst': 'ff02::2', 'state': ['NOARP']}, {'dst': '10.0.0.5', 'state': ['NOARP']}]
    assert [n['dst'] for n in harness.norm_neigh(entries)] == ['10.0.0.3', '10.0.0.5']


def test_guard_message_names_the_sandbox():
    assert 'tests/sandbox' in harness.GUARD_MSG
