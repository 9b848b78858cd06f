"""A printable A4 poster for village meetings: the Telegram link as a QR code, the key help
numbers and three warning signs. Black on white, so that any printer or photocopier keeps it."""

from __future__ import annotations

from html import escape
from typing import List, Optional, Sequence

import segno

from bot.contacts.directory import Contact, best_for
from bot.contacts.handoff import country_name
from bot.gateway.web.page_text import POSTER, page_texts

STYLE = """
@page{size:A4;margin:12mm}
*{box-sizing:border-box}
body{margin:0 auto;max-width:186mm;font-family:"Noto Sans Lao","Phetsarath OT","Saysettha OT","Lao UI",
"Leelawadee UI","Noto Sans Thai",Tahoma,Roboto,sans-serif;color:#000;background:#fff;line-height:1.35}
h1{font-size:30pt;margin:0 0 6mm;border-bottom:3pt solid #000;padding-bottom:3mm}
.top{display:flex;gap:8mm;align-items:center}
.qr svg{width:62mm;height:62mm;display:block}
.top p{font-size:13pt;margin:0 0 3mm}.top p.scan{font-size:17pt;font-weight:bold}
.missing{font-size:13pt}
.missing{border:2pt dashed #000;padding:6mm;width:62mm}
h2{font-size:18pt;margin:8mm 0 3mm}
table{width:100%;border-collapse:collapse;font-size:14pt}
td{border-bottom:1pt solid #000;padding:2mm 1mm}
td.n{font-size:24pt;font-weight:bold;white-space:nowrap;width:35mm}
ol{font-size:15pt;padding-left:8mm;margin:0}
li{margin:2mm 0}
nav{margin:6mm 0;font-size:12pt}
@media print{nav{display:none}}
"""
# The key numbers: in Laos and in Thailand, a help line and the emergency line.
KEY_NUMBERS = (("laos", "help"), ("laos", "emergency"), ("thailand", "help"), ("thailand", "emergency"))


def key_contacts(contacts: Sequence[Contact]) -> List[Contact]:
    chosen: List[Contact] = []
    for country, need in KEY_NUMBERS:
        for contact in best_for(contacts, country, need)[:1]:
            if contact not in chosen:
                chosen.append(contact)
    return chosen


def render_poster(language: str, contacts: Sequence[Contact], bot_name: Optional[str]) -> str:
    words = page_texts(POSTER, language)
    if bot_name:
        link = f"https://t.me/{bot_name.lstrip('@')}"
        qr = segno.make(link, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=True)
        scan = f'<p class="scan">{escape(words["scan"])}</p><p>{escape(link)}</p>'
        code = f'<div class="qr">{qr}</div><div>{scan}</div>'
    else:
        code = f'<p class="missing">{escape(words["no_bot"])}</p>'
    rows = "".join(
        f'<tr><td class="n">{escape(c.number)}</td><td>{escape(c.text("name", language))}'
        f"<br>{escape(country_name(c.country, language))}, {escape(c.text('hours', language))}</td></tr>"
        for c in key_contacts(contacts)
    )
    signs = "".join(f"<li>{escape(words[key])}</li>" for key in ("sign_passport", "sign_debt", "sign_free"))
    versions = " · ".join(
        f'<a href="/poster?lang={code_}">{label}</a>'
        for code_, label in (("lo", "ລາວ"), ("th", "ไทย"), ("en", "English"))
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(words['headline'])}</title><style>{STYLE}</style></head><body>"
        f"<nav>{versions} · <a href=\"javascript:print()\">{escape(words['print'])}</a></nav>"
        f'<h1>{escape(words["headline"])}</h1><div class="top">{code}</div>'
        f'<h2>{escape(words["numbers"])}</h2><table>{rows}</table>'
        f'<h2>{escape(words["signs"])}</h2><ol>{signs}</ol></body></html>'
    )
