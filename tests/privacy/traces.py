"""Search files for what she wrote, her chat id or its hash, in every form a program writes them.

A Lao or Thai text is rarely written as is: JSON writers (Rasa's logs among them) and Python's
ascii() write it as \\uXXXX escapes, some tools as UTF-16. `forms` gives each needle in all of these,
and `find_traces` searches every file under the given folders for any of them.

    python -m tests.privacy.traces --text "ຂ້ອຍຖືກຂັງ" --chat-id 123456 --key $HELPLINE_SENDER_KEY .run var
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from bot.gateway.identity import sender_id

SKIPPED = {".venv", ".git", "node_modules", "__pycache__"}


def forms(needle: str) -> Dict[str, bytes]:
    """The needle as written raw (UTF-8), as JSON writes it (escaped), and as Python's repr does."""
    found = {
        "raw": needle.encode("utf-8"),
        "escaped": json.dumps(needle)[1:-1].encode("ascii"),
        "utf-16": needle.encode("utf-16-le"),
    }
    return {name: value for name, value in found.items() if value}


def find_traces(roots: Iterable[Path], needles: Iterable[str]) -> List[Tuple[Path, str, str]]:
    """(file, needle, form) for every needle found in a form anywhere under the roots."""
    wanted = [(needle, name, value) for needle in needles for name, value in forms(needle).items()]
    found = []
    for root in roots:
        files = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in files:
            if SKIPPED.intersection(path.parts):
                continue
            try:
                content = path.read_bytes()
            except OSError:
                continue
            found += [(path, needle, name) for needle, name, value in wanted if value in content]
    return found


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--text", action="append", default=[], help="a message she wrote (repeatable)")
    parser.add_argument("--chat-id", type=int, action="append", default=[], help="a Telegram chat id")
    parser.add_argument("--key", help="the sender key, to search for the chat id's hash too")
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args(argv)
    needles = [*args.text, *(str(c) for c in args.chat_id)]
    if args.key:
        needles += [sender_id(args.key.encode(), c) for c in args.chat_id]
    found = find_traces(args.roots, needles)
    for path, needle, form in found:
        print(f"{path}: {needle!r} ({form})")
    print(f"{len(found)} trace(s) found")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
