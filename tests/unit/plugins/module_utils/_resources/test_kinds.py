"""The link kinds are one declaration each: registered once (kinds.KINDS), a module per kind whose argument spec is
built from the kind's fields, and whose DOCUMENTATION says what the fields say (first line, type, default,
choices, elements, required)."""
import ast
import importlib
from pathlib import Path

import pytest
import yaml

from ansible_collections.linuxnet.fabric.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.kinds import KINDS
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import Link

MODULES = Path(__file__).resolve().parents[5] / 'plugins' / 'modules'
RESOURCES = 'ansible_collections.linuxnet.fabric.plugins.module_utils._resources.'
ADDED_BY_THE_ENGINE = {'lock_timeout'}  # _reconcile._run adds it to every changing module


def resources_of(path):
    """The classes a module file imports from _resources."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or '').startswith(RESOURCES):
            module = importlib.import_module(node.module)
            for alias in node.names:
                yield getattr(module, alias.name)


def link_modules():
    """module name -> the Link kind its module runs."""
    found = {}
    for path in sorted(MODULES.glob('*.py')):
        kinds = [c for c in resources_of(path) if isinstance(c, type) and issubclass(c, Link) and c is not Link]
        if kinds:
            found[path.stem] = kinds[0]
    return found


def test_every_link_module_is_registered_and_every_kind_has_a_module():
    modules = link_modules()
    assert sorted(modules) == sorted(KINDS), 'modules %s, registered %s' % (sorted(modules), sorted(KINDS))
    for name, kind in modules.items():
        assert KINDS[name] is kind and kind.kind == name


def documented_options(module):
    """The module's options as ansible-doc shows them: its own over those of its doc fragments."""
    doc = yaml.safe_load(next(node.value.value for node in ast.parse((MODULES / ('%s.py' % module)).read_text()).body
                              if isinstance(node, ast.Assign) and node.targets[0].id == 'DOCUMENTATION'))
    options = {}
    for fragment in doc.get('extends_documentation_fragment', []):
        var = 'DOCUMENTATION' if fragment == 'linuxnet.fabric.common' else fragment.rsplit('.', 1)[1].upper()
        for name, option in (yaml.safe_load(getattr(ModuleDocFragment, var)).get('options') or {}).items():
            options[name] = dict(options.get(name, {}), **option)
    for name, option in doc.get('options', {}).items():
        options[name] = dict(options.get(name, {}), **option)
    return options


def same_spec(documented, spec, where):
    """What validate-modules compares, for one option (and its suboptions)."""
    for key, default in (('type', 'str'), ('default', None), ('choices', None), ('elements', None), ('required', False)):
        assert documented.get(key, default) == spec.get(key, default), (where, key, documented.get(key), spec.get(key))
    if 'options' in spec:
        assert sorted(documented['suboptions']) == sorted(spec['options']), where
        for name, sub in spec['options'].items():
            same_spec(documented['suboptions'][name], sub, '%s.%s' % (where, name))


@pytest.mark.parametrize('module', sorted(KINDS))
def test_the_module_documents_what_the_kind_declares(module):
    kind, documented = KINDS[module], documented_options(module)
    assert sorted(set(documented) - ADDED_BY_THE_ENGINE) == sorted(kind.argument_spec())
    for name, field in kind.options().items():
        description = documented[name]['description']
        first = description[0] if isinstance(description, list) else description
        assert first == field.doc, '%s: the documentation says %r, the field %r' % (name, first, field.doc)
        same_spec(documented[name], field.spec, name)


def test_a_field_s_default_is_the_engine_s_value_when_unset(every_netns):
    vxlan, macvlan = KINDS['vxlan'], KINDS['macvlan']
    assert vxlan(every_netns, dict(name='vx0', vni=1), False).want['dstport'] == 4789
    want = macvlan(every_netns, dict(name='mv0', parent='eth0'), False).want
    assert (want['mode'], want['parent_netns'], want['up']) == ('bridge', None, True)  # parent_netns: always compared
