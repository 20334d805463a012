"""Prints, as JSON, what scenario persist compares on a node before and after its restart: its network namespace (so
that the verifier sees it is a new one), the addresses of every endpoint (named network namespace) and the rules of
the collection's nft table (without their handles)."""
import json
import os
import subprocess


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


addresses = {}
for ns in sorted(os.listdir('/run/netns')) if os.path.isdir('/run/netns') else []:
    addresses[ns] = sorted('%s/%d' % (a['local'], a['prefixlen']) for link in json.loads(run('ip', '-n', ns, '-j', 'addr',
                           'show', 'dev', 'eth0')) for a in link['addr_info'] if a.get('scope') == 'global')
rules = [item['rule'] for item in json.loads(run('nft', '-j', 'list', 'table', 'inet', 'linuxnet_fabric'))['nftables']
         if 'rule' in item]
for rule in rules:
    rule.pop('handle')
print(json.dumps(dict(netns=os.stat('/proc/1/ns/net').st_ino, addresses=addresses, rules=rules)))
