"""The Jinja environment of one interface language.

Templates ask for their interface strings by key, `t('key')`, and most keys are asked for with no
values to put in (a heading, a button's label). Each such call cost every page a call through the
template's context and an escape of its text (a tenth of an article page's rendering), and its
answer is the same on every page of the language. So each interface language has its own
environment, whose templates are compiled with those strings in them: Jinja writes a constant
into the compiled template once, escaped. A call with values (`t('page_n', number=…)`), with a key
that is not a constant, of a plural string or of a key the language lacks stays a call, and is
answered (or fails) as the `t` of the page's globals does. So `t` is the strings' name alone: a
template that gives it another meaning (`{% set t = … %}`, a loop's or a macro's `t`, an import as
`t`), which other templates would see through an include or an extends, is refused with a syntax
error naming it.

Compiling a language's templates takes about 0.1 s, which a rebuild of a few hundred pages would
pay for both languages: the compiled templates are kept between builds (`template_caches`), in a
folder per language whose name covers the strings they hold and the code that compiled them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path
from typing import Mapping

from jinja2 import Environment, FileSystemBytecodeCache, TemplateSyntaxError, nodes
from jinja2.visitor import NodeTransformer

from generator.build_state import code_version

STRINGS_FUNCTION = "t"  # the name templates call interface strings by (Renderer's globals)


class InterfaceEnvironment(Environment):
    def __init__(self, strings: Mapping[str, object], **options) -> None:
        super().__init__(**options)
        self.interface_strings = strings

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        naming = _naming(template, STRINGS_FUNCTION)
        if naming is not None:
            raise TemplateSyntaxError(f"'{STRINGS_FUNCTION}' is the name of the interface strings: a template cannot "
                                      "give it another meaning", naming.lineno, name, filename)
        return _StringsInPlace(self.interface_strings).visit(template)


def _naming(template: nodes.Template, name: str) -> nodes.Node | None:
    """Where the template assigns `name`, takes it as a parameter or imports something as it."""
    for found in template.find_all((nodes.Name, nodes.Import, nodes.FromImport)):
        if isinstance(found, nodes.Name):
            if found.name == name and found.ctx != "load":
                return found
        elif isinstance(found, nodes.Import):
            if found.target == name:
                return found
        elif any((item if isinstance(item, str) else item[-1]) == name for item in found.names):
            return found
    return None


class _StringsInPlace(NodeTransformer):
    def __init__(self, strings: Mapping[str, object]) -> None:
        self._strings = strings

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if (isinstance(node.node, nodes.Name) and node.node.name == STRINGS_FUNCTION
                and len(node.args) == 1 and isinstance(node.args[0], nodes.Const) and not node.kwargs
                and node.dyn_args is None and node.dyn_kwargs is None):
            text = self._strings.get(node.args[0].value)
            if isinstance(text, str):
                return nodes.Const(text, lineno=node.lineno, environment=node.environment)
        return node


def template_caches(folder: Path, strings: Mapping[str, Mapping[str, object]]) -> dict[str, FileSystemBytecodeCache]:
    """For each interface language of `strings`, where its compiled templates are kept in
    `folder`; the folder's other entries (older strings or code) are removed."""
    names = {}
    for lang, table in strings.items():
        key = json.dumps([lang, table, code_version(), metadata.version("jinja2"), metadata.version("markupsafe")],
                         ensure_ascii=False, sort_keys=True, default=str)
        names[lang] = f"{lang}-{hashlib.blake2b(key.encode('utf-8', 'surrogatepass'), digest_size=8).hexdigest()}"
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name in names.values():
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    caches = {}
    for lang, name in names.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        caches[lang] = FileSystemBytecodeCache(str(folder / name))
    return caches
