"""A Babel extractor for Rasa domain files.

`pybabel extract` calls it for domain.yml (see babel.cfg): every response text and
button title becomes a message for translators, with the response name as comment.
Strings without a Latin letter (the language buttons, written in their own script)
have nothing to translate and are skipped.
"""

from __future__ import annotations

from typing import IO, Any, Iterator, List, Optional, Tuple

import yaml

Extracted = Tuple[int, Optional[str], str, List[str]]


def needs_translation(text: str) -> bool:
    return any("a" <= c.lower() <= "z" for c in text)


def _scalar(node: yaml.Node) -> Optional[str]:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping_items(node: yaml.Node) -> Iterator[Tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = _scalar(key)
            if name is not None:
                yield name, value


def _texts_of_variant(variant: yaml.Node) -> Iterator[yaml.ScalarNode]:
    for key, value in _mapping_items(variant):
        if key == "text" and isinstance(value, yaml.ScalarNode):
            yield value
        elif key == "buttons" and isinstance(value, yaml.SequenceNode):
            for button in value.value:
                for bkey, bvalue in _mapping_items(button):
                    if bkey == "title" and isinstance(bvalue, yaml.ScalarNode):
                        yield bvalue


def extract_domain(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    root = yaml.compose(fileobj.read().decode("utf-8"))
    for key, responses in _mapping_items(root):
        if key != "responses":
            continue
        for name, variants in _mapping_items(responses):
            if not isinstance(variants, yaml.SequenceNode):
                continue
            for variant in variants.value:
                for node in _texts_of_variant(variant):
                    if needs_translation(node.value):
                        yield node.start_mark.line + 1, None, node.value, [name]
