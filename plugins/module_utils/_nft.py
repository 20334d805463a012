# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""nftables through its JSON interface: 'nft -j' run as a subprocess (argument list, never a shell), inside any
named network namespace (the child inherits the namespace this thread entered with _nsfs.enter).

Only the collection's own table is ever read or written: list_table() lists 'inet linuxnet_fabric' and nothing
else; apply() sends one JSON batch, which nft applies atomically (all commands or none).
render() turns a rule's JSON expression into the text 'nft list' prints; the engine compares rules by that text.
"""

import json
import os
import shutil
import subprocess

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict

FAMILY, TABLE = 'inet', 'linuxnet_fabric'
TABLE_TEXT = '%s %s' % (FAMILY, TABLE)
INSTALL_HINT = ('install nftables on the managed host (Debian/Ubuntu: apt-get install nftables; '
                'Fedora/RHEL: dnf install nftables)')
SBIN = ('/usr/sbin', '/sbin', '/usr/local/sbin')  # where nft lives when PATH lacks the sbin directories
TIMEOUT = 60


class NftError(Conflict):
    """nft is missing or refused a command. Raised before anything changed (a batch is atomic), so the engine
    reports it like a Conflict: a clear message, changed=false."""


def binary():
    path = os.pathsep.join([os.environ.get('PATH', '')] + list(SBIN))
    found = shutil.which('nft', path=path)
    if not found:
        error = NftError('nft (nftables) was not found on the managed host: ' + INSTALL_HINT)
        error.missing = 'nftables'
        raise error
    return found


def _run(netns, args, stdin=None):
    cmd = [binary(), '-j'] + args
    with _nsfs.enter(netns):
        try:
            proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except OSError as e:
            raise NftError('cannot run %s: %s (%s)' % (cmd[0], e.strerror, INSTALL_HINT))
        except subprocess.TimeoutExpired:
            raise NftError('nft did not answer within %d s in %s' % (TIMEOUT, where(netns)))
    return proc


def _error(proc):
    lines = [line.strip() for line in (proc.stderr or proc.stdout or '').splitlines() if line.strip()]
    return '; '.join(lines[:6]) or 'exit status %d' % proc.returncode


def _objects(text):
    """The objects of 'nft -j list ...' output without the metainfo entry."""
    try:
        items = json.loads(text)['nftables']
    except (ValueError, KeyError, TypeError):
        raise NftError('nft printed something that is not its JSON output: %r' % text[:200])
    return [item for item in items if 'metainfo' not in item]


def list_table(netns):
    """The objects of the collection's table (dicts as nft -j prints them), or None when there is no table."""
    proc = _run(netns, ['list', 'table', FAMILY, TABLE])
    if proc.returncode == 0:
        return _objects(proc.stdout)
    tables = _run(netns, ['list', 'tables'])
    if tables.returncode == 0 and not any(o.get('table', {}).get('family') == FAMILY and o['table'].get('name') == TABLE
                                          for o in _objects(tables.stdout)):
        return None
    raise NftError('nft could not list table %s in %s: %s' % (TABLE_TEXT, where(netns), _error(proc)))


def apply(netns, commands, what):
    """Sends 'commands' (nft JSON commands) as one atomic batch."""
    proc = _run(netns, ['-f', '-'], stdin=json.dumps({'nftables': commands}))
    if proc.returncode != 0:
        raise NftError('nft refused the batch that would %s in %s (nothing was changed): %s'
                       % (what, where(netns), _error(proc)))


# --- JSON -> text ----------------------------------------------------------------------------------------------

_BARE_META = ('iifname', 'oifname', 'iif', 'oif', 'mark')
_QUOTED = ('iifname', 'oifname')
_FLAGS = ('status', 'state')  # ct keys of bitmask type: 'ct status dnat' tests a bit, 'ct status == dnat' all


def _left(expr):
    if 'payload' in expr:
        return '%s %s' % (expr['payload']['protocol'], expr['payload']['field'])
    if 'meta' in expr:
        key = expr['meta']['key']
        return key if key in _BARE_META else 'meta ' + key
    if 'fib' in expr:
        return 'fib %s %s' % (' . '.join(expr['fib']['flags']), expr['fib']['result'])
    if 'ct' in expr:
        return ' '.join(['ct'] + ([expr['ct']['dir']] if expr['ct'].get('dir') else []) + [expr['ct']['key']])
    return json.dumps(expr, sort_keys=True)


def _sort_key(value):
    return (0, value, '') if isinstance(value, int) and not isinstance(value, bool) else (1, 0, json.dumps(value))


def _right(value, quoted=False):
    if isinstance(value, dict) and 'prefix' in value:
        return '%s/%s' % (value['prefix']['addr'], value['prefix']['len'])
    if isinstance(value, dict) and 'range' in value and len(value['range']) == 2:
        return '%s-%s' % tuple(_right(v) for v in value['range'])
    if isinstance(value, dict) and 'set' in value:
        return '{ %s }' % ', '.join(sorted(_right(v, quoted) for v in value['set']))
    if isinstance(value, dict) and 'map' in value:  # 'tcp dport map { 8000 : 9000, 8001 : 9001 }'
        pairs = sorted(value['map']['data']['set'], key=lambda kv: _sort_key(kv[0]))
        elements = ', '.join('%s : %s' % (_right(k), _right(v)) for k, v in pairs)
        return '%s map { %s }' % (_left(value['map']['key']), elements)
    if isinstance(value, str):
        return '"%s"' % value if quoted else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, sort_keys=True)


def _op(value):
    """'==' and 'in' (a bit test) print as nothing; '==' on a bitmask prints, as nft lists it."""
    if value['op'] == 'in' or value['op'] == '==' and value['left'].get('ct', {}).get('key') not in _FLAGS:
        return ''
    return value['op'] + ' '


def _statement(stmt):
    if not isinstance(stmt, dict) or len(stmt) != 1:
        return json.dumps(stmt, sort_keys=True)
    (key, value), = stmt.items()
    if key == 'match':
        quoted = value['left'].get('meta', {}).get('key') in _QUOTED
        return '%s %s%s' % (_left(value['left']), _op(value), _right(value['right'], quoted))
    if key in ('accept', 'drop', 'return', 'continue') and value is None:
        return key
    if key in ('jump', 'goto'):
        return '%s %s' % (key, value['target'])
    if key == 'counter' or key == 'masquerade' and not value:
        return key  # a counter's packets/bytes change by themselves: not part of a rule's meaning
    if key in ('dnat', 'snat') and isinstance(value, dict) and set(value) <= {'family', 'addr', 'port'}:
        target = value['addr']
        if 'port' in value:  # 'dnat ip6 to [fd00::2]:80', 'dnat ip to 10.0.0.2:tcp dport map { ... }'
            target = '%s:%s' % ('[%s]' % target if value.get('family') == 'ip6' else target, _right(value['port']))
        return ' '.join([key] + ([value['family']] if value.get('family') else []) + ['to', target])
    return json.dumps(stmt, sort_keys=True)


def render(rule):
    """'ip saddr 10.88.0.0/24 oifname != "br-a" masquerade comment "fabric:a:masquerade"'."""
    text = ' '.join(_statement(s) for s in rule.get('expr', []))
    return text + (' comment "%s"' % rule['comment'] if rule.get('comment') else '')
