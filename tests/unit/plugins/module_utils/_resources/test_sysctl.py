"""The sysctl resource's plans, without a kernel."""
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import sysctl
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.sysctl import Sysctl


def actions(ops):
    return [op.action for op in ops]


def test_sysctl_values_compare_as_the_kernel_reads_them():
    assert sysctl.comparable('01') == sysctl.comparable('1')
    assert sysctl.comparable('4096\t87380 6291456') == sysctl.comparable('4096 87380  6291456')
    assert sysctl.comparable('-1') == '-1' and sysctl.comparable('cubic') == 'cubic'


def test_sysctl_plan(no_kernel):
    res = Sysctl(no_kernel, dict(netns='h1', name='net/ipv4/conf/eth0.100/forwarding', value=1), False)
    assert res.path == '/proc/sys/net/ipv4/conf/eth0.100/forwarding'
    assert res.name == 'net.ipv4.conf.eth0/100.forwarding' and res.interface == 'eth0.100'
    assert Sysctl(no_kernel, dict(name='net.ipv4.ip_forward', value=1), False).interface is None
    have = dict(name=res.name, netns='h1', value='1')
    assert res.plan(have) == ([], have)
    ops, after = res.plan(dict(have, value='0'))
    assert actions(ops) == ["set net.ipv4.conf.eth0/100.forwarding to 1 in netns 'h1'"]
    assert after['value'] == '1'
